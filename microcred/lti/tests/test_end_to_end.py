"""From launch to award against a real LTI 1.3 platform (``lti1p3platform`` from PyPI) on loopback: the provider's
admin registers the LMS, an instructor deep-links the credential into the course (the LMS checks the tool's signed
response against its JWKS), the roster comes through NRPS, a learner launches and lands on their progress, the
instructor syncs grades through AGS (the service token bought with the tool's signed JWT), and the learner who passed
is awarded — no CSV."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from microcred.assessment.models import Award, Enrolment
from microcred.lti import services, sync
from microcred.lti.models import Course, LineItemMap
from microcred.lti.tests.conftest import School
from microcred.lti.tests.lms import INSTRUCTOR, LEARNER, Person, Platform, auto_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lms(live_server: Any, settings: Any) -> Iterator[Platform]:
    platform = Platform(live_server.url).start()
    settings.LOCAL_HTTP_HOSTS = [urlsplit(platform.url).netloc]
    people = [
        Person("t1", "tia@lakes.example", "Tia Teacher", [INSTRUCTOR]),
        Person("s1", "sam@lakes.example", "Sam Student", [LEARNER]),
        Person("s2", "kim@lakes.example", "Kim Student", [LEARNER]),
    ]
    platform.course.people = {p.user_id: p for p in people}
    yield platform
    platform.stop()


def _launch(browser: requests.Session, lms: Platform, user_id: str, message: str = "resource") -> requests.Response:
    """What a browser does: the LMS's login initiation, the tool's redirect to the LMS, the auto-posted id_token."""
    response = browser.get(lms.login_url(user_id, message))
    assert response.status_code == 200, response.text
    action, fields = auto_form(response.text)
    return browser.post(action, data=fields)


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_an_lms_launches_deep_links_sends_roster_and_grades_and_the_learner_is_awarded(
    school: School, lms: Platform
) -> None:
    platform = services.register_platform(actor=school.admin, provider=school.provider, data=lms.settings())
    exam = lms.add_line_item("Final exam")
    lms.add_line_item("Attendance")  # not a component of the plan: left unmapped

    # the instructor adds microcred to the course and picks the credential (Deep Linking)
    teacher = requests.Session()
    picker = _launch(teacher, lms, "t1", "deeplink")
    assert picker.status_code == 200 and "Grid Safety Essentials" in picker.text
    answer = teacher.post(
        picker.url, data={"csrfmiddlewaretoken": _csrf(picker.text), "credential": school.credential.pk}
    )
    action, fields = auto_form(answer.text)
    assert action == f"{lms.url}/deep-link-return"
    assert teacher.post(action, data=fields).status_code == 200  # the LMS verified the tool's signature
    [item] = lms.course.deep_linked
    assert item["type"] == "ltiResourceLink" and item["title"] == "Grid Safety Essentials"
    assert item["url"] == f"{lms.tool}/lti/launch"
    assert item["custom"] == {"microcred_credential": str(school.credential.pk)}
    course = Course.objects.get(platform=platform, context_id="course-101")
    assert course.credential == school.credential

    # the roster (NRPS) becomes enrolments, accounts matched or made by e-mail
    course_page = teacher.get(f"{lms.tool}/lti/courses/{course.pk}/")
    assert course_page.status_code == 200
    synced = teacher.post(course_page.url, data={"csrfmiddlewaretoken": _csrf(course_page.text), "action": "roster"})
    assert synced.status_code == 200 and "2 learners enrolled" in synced.text
    assert set(Enrolment.objects.filter(credential=school.credential).values_list("learner__email", flat=True)) == {
        "sam@lakes.example",
        "kim@lakes.example",
    }

    # a learner launches and lands on their progress toward the credential
    learner = requests.Session()
    landed = _launch(learner, lms, "s1")
    sam = Enrolment.objects.get(learner__email="sam@lakes.example")
    assert landed.status_code == 200 and urlsplit(landed.url).path == f"/assessment/enrolments/{sam.pk}/"

    # grades come through AGS; the one who passed is awarded
    lms.course.results[exam] = {"s1": 85, "s2": 40}
    page = teacher.get(f"{lms.tool}/lti/courses/{course.pk}/")
    synced = teacher.post(page.url, data={"csrfmiddlewaretoken": _csrf(page.text), "action": "grades"})
    assert synced.status_code == 200 and "2 new results recorded from 1 mapped line items" in synced.text
    assert LineItemMap.objects.get(course=course, line_item_id=exam).component == school.exam
    assert Award.objects.filter(enrolment=sam).exists()
    assert not Award.objects.filter(enrolment__learner__email="kim@lakes.example").exists()

    # a second sync records nothing new; the background task takes a re-graded result and awards the second learner
    assert sync.sync_grades(course=course).recorded == 0
    lms.course.results[exam]["s2"] = 72
    assert sync.sync_course_task.call(course.pk) == {"enrolled": 0, "recorded": 1}
    assert Award.objects.filter(enrolment__learner__email="kim@lakes.example").exists()
