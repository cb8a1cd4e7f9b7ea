"""Issue 18: every role lands on a home of its own, and sees only navigation links it can use (a matrix over the
demo's roles: every link of the navigation answers 200 for that person)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from microcred.demo.loader import load_demo
from microcred.demo.scenario import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# (demo login, what their home must show, what it must not)
ROLES = [
    ("amira.haddad@grandriver.example", ["Design micro-credentials", "Create a micro-credential"], ["Review queue"]),
    ("luc.tremblay@grandriver.example", ["Review queue"], ["Create a micro-credential", "Work queue"]),
    ("grace.okafor@grandriver.example", ["Work queue", "Waiting for an evaluation"], ["Create a micro-credential"]),
    ("supervisor@maplegrid.example", ["Work queue"], ["Create a micro-credential"]),
    ("maya.singh@learner.example", ["Your learning", "See your credentials"], ["Work queue", "Design"]),
    ("hr@maplegrid.example", ["Hiring and co-design", "Verify a credential"], ["Work queue"]),
    ("recruiter@maplegrid.example", ["Hiring and co-design"], ["Create a micro-credential"]),
    ("admin@microcred.example", ["Platform administration"], ["Work queue"]),
]
NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
HREF = re.compile(r'<a[^>]* href="(/[^"#]*)(?:#[^"]*)?"')


@pytest.fixture
def demo() -> None:
    load_demo()


def _logged_in(email: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    return client, response


@pytest.mark.parametrize(("email", "shown", "hidden"), ROLES)
def test_each_role_lands_on_its_home_and_every_navigation_link_answers(
    demo: None, email: str, shown: list[str], hidden: list[str]
) -> None:
    client, response = _logged_in(email)
    assert response["Location"] == "/home/"
    home = client.get("/home/")
    assert home.status_code == 200
    text = home.content.decode()
    main = text.split('<main id="main"', 1)[1]
    for words in shown:
        assert words in main, (email, words)
    for words in hidden:
        assert words not in main, (email, words)
    links = set(HREF.findall(NAV.search(text).group(1)))
    assert "/home/" in links
    for link in sorted(links):
        assert client.get(link).status_code == 200, (email, link)


def test_the_assessors_my_assessments_is_a_work_queue_not_an_empty_enrolment_list(demo: None) -> None:
    client, _response = _logged_in("grace.okafor@grandriver.example")
    page = client.get("/assessment/").content.decode()
    assert "You are not enrolled in any micro-credential yet" not in page
    assert (
        "Waiting for you" in page and "Ethan Brown" in page and "Chloé Gauthier" not in page
    )  # her PD course is in; the workplace evaluation is the supervisor's
