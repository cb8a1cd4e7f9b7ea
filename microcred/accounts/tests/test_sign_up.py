"""A learner creates an account: by the page, by the API, and the ways it can go wrong."""

from __future__ import annotations

import pytest

from microcred.accounts.models import User
from microcred.accounts.services import sign_up
from microcred.audit.models import AuditEntry
from microcred.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_learner_and_records_it() -> None:
    user = sign_up(email=" Lena@Example.org ", password="a-long-enough-secret", display_name="Lena")
    assert user.email == "lena@example.org"
    assert user.check_password("a-long-enough-secret")
    assert user.memberships.count() == 0
    entry = AuditEntry.objects.get(action="accounts.sign_up")
    assert entry.actor == user and entry.after == {"email": "lena@example.org"}


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"email": ""}, "email", "required"),
        ({"email": "not-an-address"}, "email", "invalid_email"),
        ({"password": "short"}, "password", "weak_password"),
        ({"password": "1234567890123"}, "password", "weak_password"),
        ({"password": ""}, "password", "required"),
        ({"display_name": "  "}, "display_name", "required"),
        ({"display_name": "x" * 151}, "display_name", "too_long"),
        ({"preferred_language": "de"}, "preferred_language", "invalid_choice"),
    ],
)
def test_sign_up_rejects_bad_input_and_writes_nothing(fields: dict, field: str, code: str) -> None:
    data = {"email": "lena@example.org", "password": "a-long-enough-secret", "display_name": "Lena"} | fields
    with pytest.raises(ValidationFailed) as caught:
        sign_up(**data)
    assert (field, code) in {(e.field, e.code) for e in caught.value.errors}
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_e_mail_address_is_used_once_whatever_its_case() -> None:
    sign_up(email="lena@example.org", password="a-long-enough-secret", display_name="Lena")
    with pytest.raises(ValidationFailed) as caught:
        sign_up(email="LENA@example.org", password="a-long-enough-secret", display_name="Other")
    assert caught.value.errors[0].code == "email_taken"


def test_sign_up_api_answers_201_then_field_errors(api_as) -> None:
    api = api_as()
    created = api.post("accounts", {"email": "a@example.org", "password": "a-long-enough-secret", "display_name": "A"})
    assert created.status_code == 201
    assert created.json_body["email"] == "a@example.org"
    assert "password" not in created.json_body

    again = api.post("accounts", {"email": "a@example.org", "password": "a-long-enough-secret", "display_name": "A"})
    assert again.status_code == 400
    assert again.json_body["code"] == "validation_failed"
    assert again.json_body["errors"][0] == {
        "field": "email",
        "code": "email_taken",
        "message": "An account with this e-mail address already exists.",
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "too_deeply_nested"),
        (b"\xff\xfe{}", 400, "invalid_encoding"),
        (b'{"email": 5}', 400, "validation_failed"),
        (b'{"email": "x@example.org"}', 400, "validation_failed"),
        (b'"a string"', 400, "validation_failed"),
        (b'{"email": "' + b"a" * 3_000_000 + b'"}', 413, "body_too_large"),
    ],
)
def test_sign_up_api_hostile_bodies_get_a_specific_4xx(api_as, body: bytes, status: int, code: str) -> None:
    response = api_as().post("accounts", raw=body)
    assert response.status_code == status, response.content[:300]
    assert response.json_body["code"] == code
    assert not User.objects.exists()


def test_sign_up_page_logs_the_learner_in_and_opens_the_wallet(client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "Lena",
            "email": "lena@example.org",
            "password": "a-long-enough-secret",
            "password_again": "a-long-enough-secret",
            "preferred_language": "fr",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/wallet/"
    wallet = client.get("/wallet/")
    assert wallet.status_code == 200
    assert User.objects.get().preferred_language == "fr"


def test_sign_up_page_shows_each_error_beside_its_field(client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"display_name": "", "email": "nope", "password": "a", "password_again": "b", "preferred_language": "en"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"display_name", "email", "password_again"}
    assert not User.objects.exists()
