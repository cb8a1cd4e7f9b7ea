"""Importing credentials issued elsewhere: each format valid, tampered, expired, revoked, from a wrong issuer,
malformed; Open Badges 2.0 kept as unverified legacy; hostile uploads; the page and the API."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.test.utils import override_settings

from microcred.audit.models import AuditEntry
from microcred.issuing import identity
from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.vc import jwt as vc_jwt
from microcred.wallet import badges, selectors, services
from microcred.wallet.models import ImportedCredential
from microcred.wallet.tests.conftest import as_bytes, issue, jwt_elsewhere, signed_elsewhere

pytestmark = pytest.mark.django_db

FORMATS = ["json", "jwt", "png", "svg"]
PAST = datetime.now(UTC) - timedelta(days=1)


def encode(signed, fmt: str) -> bytes:
    """A signed credential (object or VC-JWT) as the bytes of the given import format."""
    if fmt == "png":
        return badges.baked_png("Badge", signed)
    if fmt == "svg":
        return badges.baked_svg("Badge", signed).encode()
    return signed.encode() if isinstance(signed, str) else as_bytes(signed)


def elsewhere(fmt: str, **kwargs):
    return jwt_elsewhere(**kwargs) if fmt == "jwt" else signed_elsewhere(**kwargs)


def reasons(imported: ImportedCredential) -> set[str]:
    return {check.get("reason") for check in imported.report["checks"] if check["outcome"] == "fail"}


@pytest.fixture
def other(db):
    return factories.make_user(email="someone-else@example.org")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_valid_credential_is_verified_and_kept_with_its_report(learner, fmt) -> None:
    imported = services.import_credential(owner=learner, data=encode(elsewhere(fmt), fmt))
    expected_format = {"json": "ob3-json", "jwt": "vc-jwt", "png": "baked-png", "svg": "baked-svg"}[fmt]
    assert imported.verified is True and imported.format == expected_format, imported.report
    assert imported.name == "First aid" and imported.issuer_name == "Elsewhere Polytechnic"
    assert imported.report["valid"] is True and imported.credential["issuer"]["name"] == "Elsewhere Polytechnic"
    item = selectors.imported_item(imported)
    assert item.status == "valid" and [c.name for c in item.summary.competencies] == ["Hazard identification"]
    assert AuditEntry.objects.filter(action="wallet.import").count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tampered_credential_is_kept_as_failed_never_valid(learner, fmt) -> None:
    signed = elsewhere(fmt)
    if fmt == "jwt":
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["credentialSubject"]["achievement"]["name"] = "Forged"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        signed = f"{header}.{forged}.{signature}"
    else:
        signed["credentialSubject"]["achievement"]["name"] = "Forged"
    imported = services.import_credential(owner=learner, data=encode(signed, fmt))
    assert imported.verified is False and "signature_invalid" in reasons(imported)
    assert selectors.imported_item(imported).status == "invalid"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_expired_credential_is_shown_expired(learner, fmt) -> None:
    imported = services.import_credential(owner=learner, data=encode(elsewhere(fmt, valid_until=PAST), fmt))
    assert imported.verified is False and selectors.imported_item(imported).status == "expired"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_credential_is_shown_revoked(provider, learner, other, fmt) -> None:
    credential = issue(provider, learner, proof_format="vc-jwt" if fmt == "jwt" else "eddsa-rdfc-2022")
    issuing.revoke_credential(actor=None, credential=credential, reason="Issued by mistake")
    signed = credential.jwt if fmt == "jwt" else credential.document
    imported = services.import_credential(owner=other, data=encode(signed, fmt))
    assert imported.verified is False and selectors.imported_item(imported).status == "revoked"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_credential_claiming_another_issuer_fails(provider, learner, fmt) -> None:
    # Signed with a did:key, but claims to be issued by Maple College's did:web.
    signed = elsewhere(fmt, issuer_id=identity.organization_did(provider))
    imported = services.import_credential(owner=learner, data=encode(signed, fmt))
    assert imported.verified is False and selectors.imported_item(imported).status == "invalid"
    failed = {check["code"] for check in imported.report["checks"] if check["outcome"] == "fail"}
    assert failed & {"issuer_key", "proof"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not a credential {", "not_json"),
        (b"[1, 2, 3]", "not_object"),
        (b"\xff\xfe\x00garbage", "not_utf8"),
        (b"eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.", "jwt_malformed"),
        (badges.badge_png("Plain"), "baking_no_credential"),
        (badges.badge_svg("Plain").encode(), "baking_no_credential"),
        (b"\x89PNG\r\n\x1a\nbroken", "baking_malformed_image"),
        (b"   ", "required"),
    ],
)
def test_malformed_input_is_refused_and_nothing_is_written(learner, data, code) -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_credential(owner=learner, data=data)
    assert caught.value.errors[0].code.startswith(code.split("_")[0]), caught.value.errors[0]
    assert ImportedCredential.objects.count() == 0 and not AuditEntry.objects.filter(action="wallet.import").exists()


def test_the_same_file_twice_is_a_conflict(learner) -> None:
    data = as_bytes(signed_elsewhere())
    services.import_credential(owner=learner, data=data)
    with pytest.raises(services.Conflict):
        services.import_credential(owner=learner, data=data)
    assert ImportedCredential.objects.count() == 1


# ---------------------------------------------------------------- hostile uploads


def test_a_huge_upload_is_refused(learner) -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_credential(owner=learner, data=b"{" + b" " * (services.MAX_IMPORT_BYTES + 10) + b"}")
    assert caught.value.errors[0].code == "too_large"


def test_deeply_nested_json_is_refused(learner) -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_credential(owner=learner, data=b"[" * 100_000 + b"]" * 100_000)
    assert caught.value.errors[0].code in ("too_deep", "too_large")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def test_a_decompression_bomb_png_is_refused(learner) -> None:
    # A compressed iTXt chunk that inflates to 20 MB, and an IDAT claiming a 100000×100000 image.
    bomb = zlib.compress(b"{" + b" " * 20_000_000, 9)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1_000_000, 9))
        + _chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + bomb)
        + _chunk(b"IEND", b"")
    )
    assert len(png) < services.MAX_IMPORT_BYTES
    with pytest.raises(services.ValidationFailed):
        services.import_credential(owner=learner, data=png)
    assert ImportedCredential.objects.count() == 0


def test_an_svg_entity_bomb_is_refused(learner) -> None:
    svg = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + ']><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        + "<openbadges:credential>&i;</openbadges:credential></svg>"
    )
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_credential(owner=learner, data=svg)
    assert caught.value.errors[0].code == "baking_malformed_image"


def test_an_svg_with_an_external_entity_is_refused(learner) -> None:
    svg = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        "<openbadges:credential>&x;</openbadges:credential></svg>"
    )
    with pytest.raises(services.ValidationFailed):
        services.import_credential(owner=learner, data=svg)


# ---------------------------------------------------------------- Open Badges 2.0


def ob2_assertion(**changes):
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/assertions/123",
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": {
            "type": "BadgeClass",
            "id": "https://badges.example.org/badges/forklift",
            "name": "Forklift operation",
            "description": "Operates a forklift safely.",
            "issuer": {"type": "Profile", "id": "https://badges.example.org/issuer", "name": "Old Badge Co"},
        },
        "verification": {"type": "hosted"},
        "issuedOn": "2020-05-01T00:00:00Z",
    }
    assertion.update(changes)
    return assertion


def test_an_ob2_assertion_is_kept_as_unverified_legacy_when_it_cannot_be_checked(learner) -> None:
    imported = services.import_credential(owner=learner, data=as_bytes(ob2_assertion()))
    assert imported.legacy is True and imported.verified is False and imported.format == "ob2"
    item = selectors.imported_item(imported)
    assert item.status == "unverified" and item.summary.name == "Forklift operation"
    assert item.summary.issuer_name == "Old Badge Co"


def test_a_hosted_ob2_assertion_served_as_imported_verifies_and_a_different_one_fails() -> None:
    from microcred.wallet import legacy

    assertion = ob2_assertion()
    assert legacy.verify_hosted(assertion, fetched=as_bytes(assertion))["valid"] is True
    changed = ob2_assertion(recipient={"type": "email", "hashed": False, "identity": "thief@example.org"})
    assert legacy.verify_hosted(assertion, fetched=as_bytes(changed))["checks"][0]["reason"] == "legacy_mismatch"
    revoked = ob2_assertion(revoked=True)
    assert legacy.verify_hosted(assertion, fetched=as_bytes(revoked))["checks"][0]["reason"] == "revoked"


def test_url_import_is_refused_while_fetching_is_off(learner) -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_from_url(owner=learner, url="https://badges.example.org/assertions/123")
    assert caught.value.errors[0].code == "network_disabled"


@override_settings(VC_VERIFY_ALLOW_NETWORK=True)
@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/assertion", "https://10.0.0.8/a", "https://[::1]/a", "https://localhost/a"]
)
def test_url_import_never_fetches_private_addresses(learner, url) -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_from_url(owner=learner, url=url)
    assert caught.value.errors[0].code == "fetch_refused"


@pytest.mark.parametrize("url", ["http://badges.example.org/a", "file:///etc/passwd", "ftp://x/y", ""])
def test_url_import_takes_only_https(learner, url) -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        services.import_from_url(owner=learner, url=url)
    assert caught.value.errors[0].code == "invalid_url"


# ---------------------------------------------------------------- re-verification, pages, API


def test_reverify_sees_a_revocation_that_happened_after_the_import(provider, learner, other) -> None:
    credential = issue(provider, learner)
    imported = services.import_credential(owner=other, data=as_bytes(credential.document))
    assert imported.verified is True
    issuing.revoke_credential(actor=None, credential=credential, reason="Fraud")
    imported = services.reverify_import(actor=other, imported=imported)
    assert imported.verified is False and selectors.imported_item(imported).status == "revoked"
    with pytest.raises(services.NotFound):
        services.reverify_import(actor=learner, imported=imported)


def test_the_import_page_verifies_an_upload_and_shows_failures_as_failed(learner) -> None:
    client = Client()
    client.force_login(learner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.png", badges.baked_png("First aid", signed_elsewhere()), "image/png")
    response = client.post("/wallet/import/", {"file": upload}, follow=True)
    assert response.status_code == 200 and b"First aid" in response.content and b"badge ok" in response.content
    tampered = signed_elsewhere()
    tampered["credentialSubject"]["achievement"]["name"] = "Forged"
    response = client.post("/wallet/import/", {"credential": json.dumps(tampered)}, follow=True)
    assert b"Failed verification" in response.content and b"did not pass verification" in response.content
    home = client.get("/wallet/").content.decode()
    assert "Forged" in home and "First aid" in home
    response = client.post("/wallet/import/", {"credential": "nonsense"})
    assert response.status_code == 400 and b"neither JSON" in response.content
    response = client.post("/wallet/import/", {})
    assert response.status_code == 400


def test_the_import_api(api_as, learner) -> None:
    client = api_as(learner)
    response = client.post("wallet/imports", {"credential": signed_elsewhere()})
    assert response.status_code == 201 and response.json_body["verified"] is True
    assert response.json_body["status"] == "valid" and response.json_body["report"]["valid"] is True
    response = client.post("wallet/imports", {"credential": jwt_elsewhere(valid_until=PAST)})
    assert response.status_code == 201 and response.json_body["status"] == "expired"
    png = base64.b64encode(badges.baked_png("x", jwt_elsewhere())).decode()
    response = client.post("wallet/imports", {"png_base64": png})
    assert response.status_code == 201 and response.json_body["format"] == "baked-png"
    for body, code in [
        ({}, "validation_failed"),
        ({"credential": "nonsense"}, "validation_failed"),
        ({"png_base64": "%%%"}, "validation_failed"),
        ({"credential": 5}, "validation_failed"),
        ({"url": "http://x.example/"}, "validation_failed"),
    ]:
        response = client.post("wallet/imports", body)
        assert response.status_code == 400 and response.json_body["code"] == code, body
    assert client.post("wallet/imports", {"credential": signed_elsewhere()}).status_code == 201
    listed = client.get("wallet/credentials").json_body
    assert {item["status"] for item in listed} == {"valid", "expired"}
    assert api_as().post("wallet/imports", {"credential": signed_elsewhere()}).status_code == 401
    public_id = listed[0]["id"]
    assert api_as(factories.make_user()).get(f"wallet/imports/{public_id}").status_code == 404
    assert client.post(f"wallet/imports/{public_id}/verify").status_code == 200
    assert client.delete(f"wallet/imports/{public_id}").status_code == 204


def test_a_vc_jwt_import_keeps_the_token(learner) -> None:
    token = jwt_elsewhere()
    imported = services.import_credential(owner=learner, data=token)
    assert bytes(imported.raw).decode() == token
    assert vc_jwt.decode_jwt(token).credential["name"] == imported.credential["name"]


def test_links_in_an_imported_credential_are_only_web_links(learner) -> None:
    hostile = ob2_assertion(evidence=[{"id": "javascript:alert(1)", "name": "Click me"}])
    hostile["badge"]["alignment"] = [{"targetName": "Trap", "targetUrl": "javascript:alert(2)"}]
    imported = services.import_credential(owner=learner, data=as_bytes(hostile))
    client = Client()
    client.force_login(learner)
    html = client.get(f"/wallet/imports/{imported.public_id}/").content.decode()
    assert "Click me" in html and "Trap" in html and "javascript:" not in html
