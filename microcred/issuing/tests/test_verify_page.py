"""Verify, for anyone: the page /verify/ and POST /api/v1/verify with valid, tampered, expired, revoked,
suspended, wrong-issuer, malformed and hostile input. Never a 500."""

from __future__ import annotations

import copy
import io
import json
import struct
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from microcred.accounts.permissions import SYSTEM
from microcred.issuing import identity, services, verifying
from microcred.issuing.models import ProofFormat
from microcred.issuing.tests.conftest import issue
from microcred.testing import factories
from microcred.vc import baking, compose, data_integrity

pytestmark = pytest.mark.django_db

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


TINY_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    + _png_chunk(b"IEND", b"")
)


def _verify_api(body: Any = None, *, raw: bytes | None = None, client: Client | None = None, **headers: str):
    client = client or Client()
    data = raw if raw is not None else json.dumps(body)
    response = client.post("/api/v1/verify", data=data, content_type="application/json", headers=headers or None)
    response.body = json.loads(response.content) if response.content else None
    return response


def _signed(organization, *, issuer_organization=None, **overrides: Any) -> dict[str, Any]:
    """A credential signed with ``organization``'s key, claiming ``issuer_organization`` (default: the same)."""
    pair, key = services.signing_key(organization)
    claimed = issuer_organization or organization
    arguments: dict[str, Any] = {
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "issuer": identity.issuer_profile(claimed),
        "achievement": {
            "id": "https://microcred.example/a/1",
            "type": ["Achievement"],
            "name": "Welding safety",
            "description": "Safe work.",
            "criteria": {"narrative": "Pass."},
        },
        "subject_id": "did:example:learner",
        "valid_from": "2024-01-01T00:00:00Z",
    }
    arguments.update(overrides)
    unsigned = compose.open_badge_credential(**arguments)
    return data_integrity.sign(unsigned, pair, verification_method=identity.signing_method_id(organization, key))


def _checks(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["code"]: check for check in body["checks"]}


@pytest.mark.parametrize("proof_format", [f.value for f in ProofFormat])
def test_a_valid_credential_verifies_through_the_api_in_every_format(provider, achievement, learner, proof_format):
    issued = issue(provider, achievement, learner, proof_format=proof_format)
    credential = issued.jwt if proof_format == ProofFormat.VC_JWT else issued.document
    response = _verify_api({"credential": credential})
    assert response.status_code == 200, response.body
    assert response.body["verified"] is True and response.body["headline"] == "Verified"
    checks = _checks(response.body)
    assert checks["proof"]["outcome"] == "pass" and checks["status"]["outcome"] == "pass"
    assert checks["issuer_registry"]["outcome"] == "pass"
    assert provider.name in checks["issuer_registry"]["message"]
    assert response.body["issuer"]["organization"] == provider.slug


def test_a_tampered_credential_is_not_verified(issued):
    tampered = copy.deepcopy(issued.document)
    tampered["credentialSubject"]["achievement"]["name"] = "Master welder"
    response = _verify_api({"credential": tampered})
    assert response.status_code == 200
    assert response.body["verified"] is False and response.body["headline"] == "Not verified"
    assert _checks(response.body)["proof"]["reason"] == "signature_invalid"
    assert "changed after it was signed" in response.body["reason"]


def test_an_expired_credential_is_not_verified(provider):
    expired = _signed(provider, valid_until="2024-06-01T00:00:00Z")
    response = _verify_api({"credential": expired})
    assert response.body["verified"] is False
    assert _checks(response.body)["validity"]["reason"] == "expired"
    assert response.body["reason"] == "The credential has expired."


def test_revoked_and_suspended_credentials_are_not_verified(provider, achievement, learner):
    revoked = issue(provider, achievement, learner)
    services.revoke_credential(actor=SYSTEM, credential=revoked, reason="fraud")
    suspended = issue(provider, achievement, learner, proof_format=ProofFormat.VC_JWT)
    services.set_suspension(actor=SYSTEM, credential=suspended, suspended=True)
    first = _verify_api({"credential": revoked.document})
    second = _verify_api({"credential": suspended.jwt})
    assert first.body["verified"] is False and _checks(first.body)["status"]["reason"] == "revoked"
    assert first.body["reason"] == "The issuer has revoked this credential."
    assert second.body["verified"] is False and _checks(second.body)["status"]["reason"] == "suspended"


def test_a_credential_signed_by_another_organization_than_the_issuer_it_names_is_not_verified(provider):
    impostor = factories.make_organization("provider", name="Impostor Academy")
    forged = _signed(impostor, issuer_organization=provider)
    response = _verify_api({"credential": forged})
    assert response.body["verified"] is False
    assert _checks(response.body)["issuer_key"]["reason"] in ("controller_mismatch", "key_unresolved")


def test_a_credential_that_calls_its_issuer_by_another_name_is_not_verified(provider):
    _pair, key = services.signing_key(provider)
    profile = {**identity.issuer_profile(provider, key), "name": "Harvard University"}
    forged = _signed(provider, issuer=profile)
    response = _verify_api({"credential": forged})
    checks = _checks(response.body)
    assert checks["proof"]["outcome"] == "pass"
    registry = checks["issuer_registry"]
    assert registry["outcome"] == "fail" and registry["reason"] == "issuer_name_mismatch"
    assert response.body["verified"] is False


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "validation_failed"),
        ({"credential": 5}, "validation_failed"),
        ({"credential": {}}, "validation_failed"),
        ({"credential": ""}, "validation_failed"),
        ({"credential": "not a credential"}, "validation_failed"),
        ({"credential": "eyJhbGciOiJub25lIn0.e30."}, "validation_failed"),
        ({"credential": "x" * (1024 * 1024 + 1)}, "validation_failed"),
    ],
)
def test_malformed_input_is_a_400_with_the_api_error_body(body, code):
    response = _verify_api(body)
    assert response.status_code == 400, response.body
    assert response.body["code"] == code and response.body["errors"][0]["field"] == "credential"


def test_hostile_bodies_are_refused_without_a_500():
    assert _verify_api(raw=b"{not json").status_code == 400
    assert _verify_api(raw=b"[" * 100_000 + b"]" * 100_000).status_code == 400
    assert _verify_api(raw=b"\xff\xfe").status_code == 400
    assert _verify_api(raw=b'"just a string"').status_code == 400
    deep: Any = {}
    for _ in range(200):
        deep = {"a": deep}
    nested = _verify_api({"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "x": deep}})
    assert nested.status_code == 400 and nested.body["errors"][0]["code"] == "too_deep"
    assert _verify_api(raw=b"x" * (3 * 1024 * 1024)).status_code == 413


def test_the_w3c_vc_api_endpoint_answers_too(issued):
    response = Client().post(
        "/credentials/verify", data={"verifiableCredential": issued.document}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["verified"] is True


# --- the page ------------------------------------------------------------------------------------------


def test_the_page_is_open_to_anyone():
    response = Client().get("/verify/")
    assert response.status_code == 200
    assert b"Verify a credential" in response.content


def test_a_pasted_credential_is_verified_with_each_check_the_competencies_and_the_evidence(provider, learner):
    achievement = {
        "id": "https://microcred.example/a/2",
        "type": ["Achievement"],
        "name": "Grid safety",
        "description": "Works safely near live lines.",
        "criteria": {"narrative": "Pass the field test."},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": "Hazard assessment",
                "targetUrl": "https://frameworks.example/c/1",
                "targetCode": "HA-1",
            }
        ],
    }
    evidence = [{"type": ["Evidence"], "name": "Field test video", "id": "https://evidence.example/v/1"}]
    issued = issue(provider, achievement, learner, evidence=evidence)
    response = Client().post("/verify/", {"credential": json.dumps(issued.document)})
    assert response.status_code == 200
    page = response.content.decode()
    assert ">Verified<" in page
    for text in ("Signature", "Issuer identity", "The issuer is the organization it claims", "Dates"):
        assert text in page
    assert "Revocation and suspension" in page and "Hazard assessment" in page and "HA-1" in page
    assert "Field test video" in page and "https://evidence.example/v/1" in page
    assert f"?provider={provider.slug}" in page  # the issuer's page on this platform


def test_the_page_speaks_french(issued):
    client = Client(headers={"Accept-Language": "fr"})
    response = client.post("/verify/", {"credential": json.dumps(issued.document)})
    page = response.content.decode()
    assert "Vérifié" in page and "Signature" in page and "Dates" in page


def test_a_tampered_paste_shows_not_verified_and_the_reason(issued):
    tampered = copy.deepcopy(issued.document)
    tampered["validFrom"] = "2020-01-01T00:00:00Z"
    page = Client().post("/verify/", {"credential": json.dumps(tampered)}).content.decode()
    assert "Not verified" in page and "changed after it was signed" in page


@pytest.mark.parametrize("proof_format", [ProofFormat.DATA_INTEGRITY_RDFC, ProofFormat.VC_JWT])
def test_uploaded_files_and_baked_images_are_verified(provider, achievement, learner, proof_format):
    issued = issue(provider, achievement, learner, proof_format=proof_format)
    credential = issued.jwt if proof_format == ProofFormat.VC_JWT else issued.document
    png = baking.bake_png(TINY_PNG, credential)
    svg = baking.bake_svg('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>', credential)
    text = credential if isinstance(credential, str) else json.dumps(credential)
    for name, data in (("badge.png", png), ("badge.svg", svg.encode()), ("credential.json", text.encode())):
        upload = io.BytesIO(data)
        upload.name = name
        response = Client().post("/verify/", {"file": upload})
        assert response.status_code == 200, name
        assert ">Verified<" in response.content.decode(), name


def test_a_platform_link_opens_and_verifies(issued):
    url = f"{identity.public_base_url()}/credentials/{issued.public_id}"
    response = Client().get("/verify/", {"url": url})
    assert response.status_code == 200 and ">Verified<" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/credentials/00000000-0000-4000-8000-000000000001",
        "file:///etc/passwd",
        "",
        "x" * 3000,
    ],
)
def test_other_links_are_not_fetched(url):
    response = Client().get("/verify/", {"url": url})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_link_to_no_credential_is_a_400():
    url = f"{identity.public_base_url()}/credentials/00000000-0000-4000-8000-000000000009"
    assert Client().get("/verify/", {"url": url}).status_code == 400


def _png_bomb() -> bytes:
    """A PNG whose compressed iTXt chunk inflates to 64 MiB."""
    text = zlib.compress(b"{" + b" " * (64 * 1024 * 1024), 9)
    chunk = _png_chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + text)
    return TINY_PNG[:-12] + chunk + TINY_PNG[-12:]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\xff" * 100,
        b"\x89PNG\r\n\x1a\ngarbage",
        TINY_PNG,
        b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg>&b;</svg>',
        b"[" * 50_000,
        json.dumps({"a": [1] * 200_000}).encode(),
    ],
)
def test_hostile_uploads_are_answered_without_a_500(data):
    upload = io.BytesIO(data)
    upload.name = "badge.png"
    response = Client().post("/verify/", {"file": upload})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Not verified" in response.content.decode()


def test_a_decompression_bomb_is_not_inflated():
    upload = io.BytesIO(_png_bomb())
    upload.name = "bomb.png"
    response = Client().post("/verify/", {"file": upload})
    assert response.status_code == 200 and "Not verified" in response.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_read():
    upload = io.BytesIO(b"x" * (verifying.MAX_INPUT_BYTES + 200 * 1024))
    upload.name = "big.json"
    response = Client().post("/verify/", {"file": upload})
    assert response.status_code == 413


def test_a_file_just_over_the_limit_is_refused():
    upload = io.BytesIO(b" " * (verifying.MAX_INPUT_BYTES + 1))
    upload.name = "big.json"
    response = Client().post("/verify/", {"file": upload})
    assert response.status_code == 400 and "larger than" in response.content.decode()


def test_an_empty_form_says_what_is_missing():
    response = Client().post("/verify/", {})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def test_not_yet_valid_credentials_are_not_verified(provider):
    future = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = _verify_api({"credential": _signed(provider, valid_from=future)})
    assert response.body["verified"] is False and _checks(response.body)["validity"]["reason"] == "not_yet_valid"


def test_a_browser_opening_a_credential_link_lands_on_its_verdict(issued):
    path = f"/credentials/{issued.public_id}"
    browser = Client().get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, follow=True)
    assert browser.redirect_chain and ">Verified<" in browser.content.decode()
    program = Client().get(path, headers={"Accept": "*/*"})
    assert program.status_code == 200 and program.json()["id"] == issued.credential_id
    assert "Accept" in program["Vary"]


def test_the_site_navigation_links_to_the_verify_page():
    assert 'href="/verify/"' in Client().get("/").content.decode()


def test_hostile_text_and_links_in_a_credential_are_shown_as_text(provider):
    hostile = _signed(
        provider,
        achievement={
            "id": "https://microcred.example/a/3",
            "type": ["Achievement"],
            "name": "<script>alert(1)</script>",
            "description": "<img src=x onerror=alert(2)>",
            "criteria": {"narrative": "Pass.", "id": "javascript:alert(3)"},
            "alignment": [{"type": ["Alignment"], "targetName": "Evil", "targetUrl": "javascript:alert(4)"}],
        },
        evidence=[{"type": ["Evidence"], "id": "data:text/html,<b>x</b>", "name": "Proof"}],
    )
    page = Client().post("/verify/", {"credential": json.dumps(hostile)}).content.decode()
    assert ">Verified<" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page and 'href="data:' not in page
