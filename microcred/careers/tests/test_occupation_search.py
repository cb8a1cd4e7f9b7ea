"""Finding an occupation the way a person names it: ESCO preferred and alternative labels, any case, singular or
plural; suggestions instead of an empty box; labels close to a query found nowhere. Over the demo's ESCO sample."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.careers import selectors
from microcred.careers.occupation_search import singular
from microcred.skills.occupations import import_esco_occupations
from microcred.skills.tests.demand_data import ESCO_SAMPLE, load_sample_framework, skill
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(db: None) -> None:
    load_sample_framework()
    import_esco_occupations(ESCO_SAMPLE)


def titles(query: str) -> list[str]:
    return [match.occupation.title for match in selectors.find_occupations(query)]


@pytest.mark.parametrize("query", ["electrician", "Electrician", "ELECTRICIANS", " electricians ", "electric"])
def test_the_demo_finds_electrician_in_any_case_and_number(sample: None, query: str) -> None:
    assert titles(query)[:1] == ["electrician"]


def test_alternative_labels_count_and_are_named(sample: None) -> None:
    match = selectors.find_occupations("wiremen")[0]  # ESCO's alternative label "wireman", in the plural
    assert match.occupation.title == "electrician" and match.by_alternative_label and match.label == "wireman"
    match = selectors.find_occupations("UI designers")[0]
    assert match.occupation.title == "user interface designer" and match.label == "UI designer"
    # a preferred label ranks before an alternative one that matches as well
    assert titles("data analyst")[0] == "data analyst"
    assert selectors.find_occupations("data analyst")[0].by_alternative_label is False
    # every word must be found
    assert titles("electrician marketing") == []


def test_the_code_and_nonsense(sample: None) -> None:
    assert titles("2511") == ["data analyst"]
    assert titles("") == [] and titles("%' OR 1=1 --" * 50) == []


def test_a_slip_of_the_keyboard_gets_close_labels(sample: None) -> None:
    assert titles("electritian") == []
    assert selectors.close_occupation_labels("electritian")[0] == "electrician"
    assert selectors.close_occupation_labels("qwertyuiop") == []


def test_suggestions_start_from_the_skills_held(sample: None) -> None:
    anyone = selectors.occupation_suggestions([])
    assert len(anyone) == 6 and all(o.skills.exclude(competency=None).exists() for o in anyone)
    held = [skill("teamwork principles").pk, skill("respond to customers' inquiries").pk]
    assert selectors.occupation_suggestions(held)[0].title == "electrician"


@pytest.mark.parametrize(("word", "one"), [("technicians", "technician"), ("companies", "company"),
                                           ("boxes", "box"), ("wiremen", "wireman"), ("analysis", "analysis"),
                                           ("business", "business"), ("bus", "bus")])  # fmt: skip
def test_singular(word: str, one: str) -> None:
    assert singular(word) == one


def test_the_page_suggests_before_a_search_and_after_a_miss(sample: None, client: Client) -> None:
    client.force_login(make_user(email="learner@example.org"))
    html = client.get("/careers/").content.decode()
    assert "Suggested occupations" in html and 'href="?occupation=' in html
    html = client.get("/careers/?q=Electricians").content.decode()
    assert ">electrician</a>" in html and "Suggested occupations" not in html
    html = client.get("/careers/?q=wireman").content.decode()
    assert "also called “wireman”" in html
    html = client.get("/careers/?q=electritian").content.decode()
    assert "No occupation matches “electritian”." in html
    assert 'href="?q=electrician">electrician</a>' in html and "Suggested occupations" in html
