"""``/api/v1/``: issue for an organization, revoke, suspend and reinstate, with the permission matrix and bad input."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from microcred.accounts.services import create_api_token
from microcred.issuing.models import IssuedCredential
from microcred.testing import factories
from microcred.vc import status

pytestmark = pytest.mark.django_db


def _body(achievement, **extra):
    return {"achievement": achievement, "recipient_identifier": "learner@example.org", **extra}


def test_an_admin_issues_revokes_and_the_status_list_follows(api_as, admin, provider, achievement, learner) -> None:
    client = api_as(admin)
    response = client.post(f"organizations/{provider.slug}/credentials", _body(achievement))
    assert response.status_code == 201, response.json_body
    detail = response.json_body
    assert detail["organization"] == provider.slug and detail["revoked_at"] is None
    assert IssuedCredential.objects.get().recipient == learner  # the address is a known user's: it reaches the wallet
    public_id = detail["id"].removeprefix("urn:uuid:")
    served = Client().get(f"/credentials/{public_id}")
    assert served.status_code == 200 and served.json() == detail["credential"]
    entry = next(e for e in detail["credential"]["credentialStatus"] if e["statusPurpose"] == "revocation")
    list_path = entry["statusListCredential"].split("127.0.0.1:8000", 1)[1]
    assert status.check_entry(entry, Client().get(list_path).json()) is False

    assert client.post(f"credentials/{public_id}/revoke", {}).status_code == 400
    response = client.post(f"credentials/{public_id}/revoke", {"reason": "Issued by mistake"})
    assert response.status_code == 200 and response.json_body["revoked_at"]
    assert status.check_entry(entry, Client().get(list_path).json()) is True
    assert client.post(f"credentials/{public_id}/revoke", {"reason": "again"}).json_body["code"] == "already_revoked"


def test_suspend_and_unsuspend(api_as, admin, provider, achievement) -> None:
    client = api_as(admin)
    public_id = client.post(f"organizations/{provider.slug}/credentials", _body(achievement)).json_body["id"]
    response = client.post(f"credentials/{public_id}/suspend", {"reason": "under review"})
    assert response.status_code == 200 and response.json_body["suspended_at"]
    assert client.post(f"credentials/{public_id}/suspend", {}).status_code == 409
    response = client.post(f"credentials/{public_id}/unsuspend", {})
    assert response.status_code == 200 and response.json_body["suspended_at"] is None


def test_a_vc_jwt_through_the_api(api_as, admin, provider, achievement) -> None:
    response = api_as(admin).post(
        f"organizations/{provider.slug}/credentials",
        _body(achievement, proof_format="vc-jwt", valid_until="2099-01-01T00:00:00Z"),
    )
    assert response.status_code == 201
    assert response.json_body["credential"].count(".") == 2


@pytest.mark.parametrize("role", ["assessor", "reviewer", None])
def test_who_may_not_issue_or_revoke(api_as, admin, provider, achievement, role) -> None:
    user = factories.make_member(provider, role) if role else factories.make_user()
    response = api_as(user).post(f"organizations/{provider.slug}/credentials", _body(achievement))
    assert response.status_code == 403
    public_id = api_as(admin).post(f"organizations/{provider.slug}/credentials", _body(achievement)).json_body["id"]
    assert api_as(user).post(f"credentials/{public_id}/revoke", {"reason": "x"}).status_code == 403
    assert api_as(user).post(f"credentials/{public_id}/suspend", {}).status_code == 403


def test_anonymous_callers_and_bearer_tokens(api_as, admin, provider, achievement) -> None:
    anonymous = api_as()
    assert anonymous.post(f"organizations/{provider.slug}/credentials", _body(achievement)).status_code == 401
    secret = create_api_token(user=admin, name="ci")[1]
    response = anonymous.post(
        f"organizations/{provider.slug}/credentials", _body(achievement), Authorization=f"Bearer {secret}"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recipient_identifier": "a@example.org"}, "achievement"),
        ({"achievement": "x", "recipient_identifier": 5}, "recipient_identifier"),
        ({"recipient_identifier": "a@example.org", "valid_until": "soon"}, "valid_until"),
        ({"recipient_identifier": "a@example.org", "valid_until": 17}, "valid_until"),
        ({"recipient_identifier": "a@example.org", "proof_format": ["vc-jwt"]}, "proof_format"),
        ({"recipient_identifier": "a@example.org", "results": {"a": 1}}, "results"),
    ],
)
def test_bad_bodies_are_400_with_the_field(api_as, admin, provider, achievement, body, field) -> None:
    if "achievement" not in body and field != "achievement":
        body = {**body, "achievement": achievement}
    response = api_as(admin).post(f"organizations/{provider.slug}/credentials", body)
    assert response.status_code == 400, response.json_body
    fields = [e["field"] for e in response.json_body.get("errors", [])] + [response.json_body.get("field")]
    assert field in fields, response.json_body
    assert not IssuedCredential.objects.exists()


def test_hostile_bodies_and_unknown_ids(api_as, admin, provider) -> None:
    client = api_as(admin)
    path = f"organizations/{provider.slug}/credentials"
    assert client.post(path, raw=b"{").json_body["code"] == "malformed_json"
    assert client.post(path, raw=b"[1]").status_code == 400
    assert client.post(path, raw=b"[" * 50_000 + b"]" * 50_000).json_body["code"] == "too_deeply_nested"
    assert client.post(path, raw=b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}').status_code == 413
    assert client.post("organizations/nobody/credentials", {}).status_code == 404
    for public_id in ("nope", "00000000-0000-0000-0000-000000000000", "urn:uuid:" + "a" * 300):
        assert client.post(f"credentials/{public_id}/revoke", {"reason": "x"}).status_code == 404


def test_keys_rotate_and_withdraw_through_the_api(api_as, admin, provider, achievement) -> None:
    client = api_as(admin)
    client.post(f"organizations/{provider.slug}/credentials", _body(achievement))
    (first,) = client.get(f"organizations/{provider.slug}/keys").json_body
    assert first["state"] == "active" and first["verification_method"].endswith(first["public_key_multibase"])
    response = client.post(f"organizations/{provider.slug}/keys/rotate")
    assert response.status_code == 201 and response.json_body["state"] == "active"
    second = response.json_body
    listed = client.get(f"organizations/{provider.slug}/keys").json_body
    assert [k["state"] for k in listed] == ["retired", "active"]
    path = f"organizations/{provider.slug}/keys"
    assert client.post(f"{path}/{second['public_key_multibase']}/withdraw").status_code == 409
    response = client.post(f"{path}/{first['public_key_multibase']}/withdraw")
    assert response.status_code == 200 and response.json_body["state"] == "withdrawn"
    assert client.post(f"{path}/{first['public_key_multibase']}/withdraw").json_body["code"] == "key_withdrawn"
    assert client.post(f"{path}/z6MkNotAKey/withdraw").status_code == 404
    did = Client().get(f"/organizations/{provider.slug}/did.json").json()
    assert [m["publicKeyMultibase"] for m in did["verificationMethod"]] == [second["public_key_multibase"]]
    body = json.dumps(client.get(path).json_body)
    assert "private" not in body and "encrypted" not in body


@pytest.mark.parametrize("role", ["assessor", "reviewer", None])
def test_only_admins_see_and_manage_keys(api_as, provider, role) -> None:
    user = factories.make_member(provider, role) if role else factories.make_user()
    client = api_as(user)
    assert client.get(f"organizations/{provider.slug}/keys").status_code == 403
    assert client.post(f"organizations/{provider.slug}/keys/rotate").status_code == 403
    assert api_as().get(f"organizations/{provider.slug}/keys").status_code == 401


def test_no_response_carries_secret_key_material(api_as, admin, provider, achievement) -> None:
    from microcred.issuing import services

    client = api_as(admin)
    responses = [client.post(f"organizations/{provider.slug}/credentials", _body(achievement))]
    pair, key = services.signing_key(provider)
    responses.append(client.get(f"organizations/{provider.slug}/keys"))
    public_id = responses[0].json_body["id"].removeprefix("urn:uuid:")
    responses.append(client.post(f"credentials/{public_id}/suspend", {}))
    page = Client()
    bodies = [r.content for r in responses] + [
        page.get(f"/organizations/{provider.slug}/did.json").content,
        page.get(f"/credentials/{public_id}").content,
    ]
    secrets = (pair.secret_key_multibase.encode(), pair.private_bytes.hex().encode(), bytes(key.encrypted_private_key))
    for body in bodies:
        for secret in secrets:
            assert secret not in body


def test_no_log_record_carries_secret_key_material(api_as, admin, provider, achievement, caplog, settings) -> None:
    """OWASP ASVS 7.1.1 / 6.4: issuing, rotating and revoking log no plaintext secret key, even at DEBUG level with
    every SQL statement logged (the key is stored encrypted, so only its ciphertext ever reaches the database)."""
    import logging

    from microcred.issuing import services

    settings.DEBUG = True  # Django logs every query and its parameters only in debug mode
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    client = api_as(admin)
    created = client.post(f"organizations/{provider.slug}/credentials", _body(achievement))
    pair, _key = services.signing_key(provider)
    client.post(f"organizations/{provider.slug}/keys/rotate")
    client.post(f"credentials/{created.json_body['id'].removeprefix('urn:uuid:')}/revoke", {"reason": "test"})
    logged = "\n".join(f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records)
    assert caplog.records, "nothing was logged at DEBUG: the test would prove nothing"
    assert "INSERT INTO" in logged
    for secret in (pair.secret_key_multibase, pair.private_bytes.hex(), repr(pair.private_bytes)):
        assert secret not in logged
