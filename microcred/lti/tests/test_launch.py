"""OIDC login and launch with id_tokens signed by the registered platform, and every hostile id_token the issue
names refused with a specific 4xx and its stable code, with nothing recorded (no user, link, course or audit)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from microcred.accounts.models import User
from microcred.assessment.models import Enrolment
from microcred.audit.models import AuditEntry
from microcred.lti.models import Course, LtiUser, Platform
from microcred.lti.tests.conftest import INSTRUCTOR, School, Signer
from microcred.lti.tests.lms import rsa_pem
from microcred.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _launch(client: Client, signer: Signer, **overrides: Any) -> Any:
    _response, state, nonce = signer.login(client)
    token = signer.sign(signer.claims(nonce, **overrides))
    return client.post("/lti/launch", {"id_token": token, "state": state})


def _nothing_recorded(users_before: int) -> None:
    assert User.objects.count() == users_before
    assert not LtiUser.objects.exists() and not Course.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="lti.launch").exists()


def test_login_redirects_to_the_platform_with_state_and_nonce(platform: Platform, signer: Signer) -> None:
    response, state, nonce = signer.login(Client())
    assert response["Location"].startswith("https://lms.example.edu/auth?")
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Flti%2Flaunch" in response["Location"]
    assert len(state) > 20 and len(nonce) > 20


def test_login_from_an_unknown_issuer_is_refused(platform: Platform, signer: Signer) -> None:
    response, _state, _nonce = signer.login(Client(), iss="https://other.example")
    assert response.status_code == 403 and b"unknown_issuer" in response.content


def test_a_learner_launch_links_the_user_and_enrols_them(school: School, platform: Platform, signer: Signer) -> None:
    Course.objects.create(platform=platform, context_id="course-101", credential=school.credential)
    client = Client()
    response = _launch(client, signer)
    enrolment = Enrolment.objects.get(learner__email="sam@example.edu", credential=school.credential)
    assert response.status_code == 302 and response["Location"] == f"/assessment/enrolments/{enrolment.pk}/"
    assert LtiUser.objects.get(platform=platform, sub="s1").user == enrolment.learner
    assert client.get(response["Location"]).status_code == 200  # signed in as the learner
    assert AuditEntry.objects.filter(action="lti.launch").count() == 1


def test_an_instructor_lands_on_the_course_page(school: School, platform: Platform, signer: Signer) -> None:
    client = Client()
    response = _launch(
        client,
        signer,
        sub="t1",
        email="tia@example.edu",
        **{"https://purl.imsglobal.org/spec/lti/claim/roles": [INSTRUCTOR]},
    )
    course = Course.objects.get(platform=platform, context_id="course-101")
    assert response.status_code == 302 and response["Location"] == f"/lti/courses/{course.pk}/"
    assert client.get(response["Location"]).status_code == 200
    assert not Enrolment.objects.exists()


def test_a_replayed_id_token_is_refused(platform: Platform, signer: Signer) -> None:
    client = Client()
    _response, state, nonce = signer.login(client)
    token = signer.sign(signer.claims(nonce))
    assert client.post("/lti/launch", {"id_token": token, "state": state}).status_code == 302
    audits = AuditEntry.objects.count()
    replay = client.post("/lti/launch", {"id_token": token, "state": state})
    assert replay.status_code == 401 and b"invalid_nonce" in replay.content
    assert AuditEntry.objects.count() == audits and LtiUser.objects.count() == 1


HOSTILE = [
    ("wrong issuer", {"iss": "https://impostor.example"}, 403, "unknown_issuer"),
    ("wrong audience", {"aud": "someone-else", "azp": "someone-else"}, 403, "wrong_audience"),
    (
        "wrong deployment",
        {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deployment-9"},
        403,
        "unknown_deployment",
    ),
    ("expired", {"iat": 1_600_000_000, "exp": 1_600_000_300}, 401, "expired_token"),
    ("nonce never issued", {"nonce": "made-up-nonce"}, 401, "invalid_nonce"),
]


@pytest.mark.parametrize(("case", "overrides", "status", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_id_tokens_are_refused(
    platform: Platform, signer: Signer, case: str, overrides: dict[str, Any], status: int, code: str
) -> None:
    users = User.objects.count()
    response = _launch(Client(), signer, **overrides)
    assert response.status_code == status, response.content
    assert code.encode() in response.content
    _nothing_recorded(users)


def test_an_unsigned_id_token_is_refused(platform: Platform, signer: Signer) -> None:
    users = User.objects.count()
    client = Client()
    _response, state, nonce = signer.login(client)
    token = signer.sign(signer.claims(nonce), alg="none")
    response = client.post("/lti/launch", {"id_token": token, "state": state})
    assert response.status_code == 401 and b"invalid_signature" in response.content
    _nothing_recorded(users)


def test_an_id_token_signed_by_another_key_is_refused(platform: Platform, signer: Signer) -> None:
    users = User.objects.count()
    client = Client()
    _response, state, nonce = signer.login(client)
    other_private, _public = rsa_pem()
    token = signer.sign(signer.claims(nonce), private=other_private)  # the platform's kid, another key
    response = client.post("/lti/launch", {"id_token": token, "state": state})
    assert response.status_code == 401 and b"invalid_signature" in response.content
    _nothing_recorded(users)


def test_a_launch_without_the_login_state_is_refused(platform: Platform, signer: Signer) -> None:
    users = User.objects.count()
    _response, _state, nonce = signer.login(Client())
    response = Client().post("/lti/launch", {"id_token": signer.sign(signer.claims(nonce)), "state": "forged"})
    assert response.status_code == 400 and b"invalid_state" in response.content
    _nothing_recorded(users)


def test_refusals_are_json_for_json_callers(platform: Platform, signer: Signer) -> None:
    client = Client()
    _response, state, nonce = signer.login(client)
    token = signer.sign(signer.claims(nonce, iss="https://impostor.example"))
    response = client.post("/lti/launch", {"id_token": token, "state": state}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["error"] == "unknown_issuer"


def test_a_platform_cannot_take_over_an_account_by_claiming_its_e_mail(
    school: School, platform: Platform, signer: Signer
) -> None:
    """An account that existed before: the launch does not sign anyone in until its owner signs in once."""
    client = Client()
    response = _launch(client, signer, email=school.admin.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Flti%2Fconfirm%2F"
    assert client.get("/lti/courses/1/").status_code == 302  # not signed in
    assert LtiUser.objects.get(sub="s1").confirmed is False
    stranger = make_user()
    client.force_login(stranger)  # someone else signs in: the link is refused
    refused = client.get("/lti/confirm/")
    assert refused.status_code == 403 and b"other_account" in refused.content
    assert LtiUser.objects.get(sub="s1").confirmed is False


def test_the_owner_signs_in_once_and_the_link_is_confirmed(school: School, platform: Platform, signer: Signer) -> None:
    client = Client()
    _launch(client, signer, email=school.admin.email)
    client.post("/accounts/login/", {"username": school.admin.email, "password": PASSWORD})
    response = client.get("/lti/confirm/")
    assert response.status_code == 302 and response["Location"] == "/lti/no-credential/"
    assert LtiUser.objects.get(sub="s1").confirmed is True
    again = _launch(Client(), signer, email=school.admin.email)  # from now on the launch signs them in
    assert again.status_code == 302 and again["Location"] == "/lti/no-credential/"


def test_a_learner_cannot_deep_link(platform: Platform, signer: Signer) -> None:
    users = User.objects.count()
    settings = {
        "deep_link_return_url": "https://lms.example.edu/dl",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
    }
    response = _launch(
        Client(),
        signer,
        **{
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingRequest",
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings,
        },
    )
    assert response.status_code == 403  # a well-formed deep-linking request, refused for the role
    assert b"not_instructor" in response.content
    _nothing_recorded(users)
