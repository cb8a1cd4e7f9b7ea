"""Verification bundles (issue 17 part 3): build from the database, verify offline, tampering, key history."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from microcred.accounts.permissions import SYSTEM
from microcred.issuing import bundles, services, verification
from microcred.issuing.models import IssuerKey
from microcred.issuing.tests.conftest import issue
from microcred.vc import bundle as vc_bundle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def test_a_bundle_verifies_offline_and_states_the_status_age(issued) -> None:
    value = bundles.build_bundle(issued)
    assert value["type"] == "VerificationBundle" and value["version"] == 1
    assert value["mediaType"] == vc_bundle.MEDIA_TYPE
    assert list(value["didDocuments"]) == [issued.document["issuer"]["id"]]
    assert len(value["statusLists"]) == 2
    result = vc_bundle.verify_bundle(json.dumps(value).encode())
    assert result.valid, result.message
    assert result.status_age_days() == 0
    assert result.status_sentence().startswith("status as of 20") and "0 days ago" in result.status_sentence()
    assert bundles.bundle_filename(issued) == "welding-safety.bundle.json"


@pytest.mark.parametrize("proof_format", ["eddsa-jcs-2022", "vc-jwt"])
def test_every_proof_format_bundles(provider, achievement, learner, admin, proof_format) -> None:
    issued = issue(provider, achievement, learner, proof_format=proof_format)
    value = bundles.build_bundle(issued)
    assert isinstance(value["credential"], str) == (proof_format == "vc-jwt")
    assert vc_bundle.verify_bundle(value).valid
    old_key = IssuerKey.objects.get(organization=provider)
    services.rotate_issuer_key(actor=admin, organization=provider)
    assert bundles.verify_bundle(value).valid
    services.withdraw_issuer_key(actor=admin, key=IssuerKey.objects.get(pk=old_key.pk))
    assert bundles.verify_bundle(value).reason == bundles.KEY_WITHDRAWN


def test_a_revoked_credential_bundle_says_revoked(issued) -> None:
    services.revoke_credential(actor=SYSTEM, credential=issued, reason="error")
    issued.refresh_from_db()
    result = vc_bundle.verify_bundle(bundles.build_bundle(issued))
    assert not result.valid and result.reason == vc_bundle.CREDENTIAL_INVALID
    assert result.report.check("status").reason == "revoked"


def _tampered(value: dict[str, Any], change) -> dict[str, Any]:
    copied = copy.deepcopy(value)
    change(copied)
    return copied


def _other_key(value: dict[str, Any]) -> None:
    document = next(iter(value["didDocuments"].values()))
    document["verificationMethod"][0]["publicKeyMultibase"] = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def _flip_status(value: dict[str, Any]) -> None:
    status_list = next(iter(value["statusLists"].values()))
    status_list["credentialSubject"]["encodedList"] = (
        "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda v: v["credential"]["credentialSubject"].update(id="mailto:mallory@example.org"),
            "bundle_credential_altered",
        ),
        (_other_key, "bundle_did_document_altered"),
        (_flip_status, "bundle_status_list_altered"),
        (lambda v: v.pop("proof"), "bundle_signature_missing"),
        (lambda v: v.update(statusCheckedAt="2099-01-01T00:00:00Z"), "bundle_signature_invalid"),
        (lambda v: v.update(version=2), "bundle_version_unsupported"),
        (lambda v: v.update(didDocuments=[]), "bundle_malformed"),
    ],
)
def test_tampering_with_any_part_fails_with_its_reason(issued, change, reason) -> None:
    value = bundles.build_bundle(issued)
    result = vc_bundle.verify_bundle(_tampered(value, change))
    assert not result.valid and result.reason == reason, result.message
    assert result.message


def test_a_changed_part_with_a_matching_digest_still_fails_the_signature(issued) -> None:
    value = bundles.build_bundle(issued)
    changed = copy.deepcopy(value)
    changed["credential"]["name"] = "Forged"
    changed["digests"]["credential"] = vc_bundle.digest(changed["credential"])
    result = vc_bundle.verify_bundle(changed)
    assert result.reason == vc_bundle.SIGNATURE_INVALID


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe", "bundle_not_json"),
        (b"[1, 2]", "bundle_malformed"),
        (b"{" * 200 + b"}" * 200, "bundle_malformed"),
        (b" " * (vc_bundle.MAX_BYTES + 1), "bundle_too_large"),
        (b'{"type": "VerificationBundle", "version": 1, "credential": 3}', "bundle_malformed"),
    ],
)
def test_hostile_bundles_give_a_reason_not_a_traceback(data: bytes, reason: str) -> None:
    result = vc_bundle.verify_bundle(data)
    assert not result.valid and result.reason == reason


def test_a_rotated_out_key_still_verifies_online_and_offline(provider, achievement, learner, admin) -> None:
    old = issue(provider, achievement, learner)
    services.rotate_issuer_key(actor=admin, organization=provider)
    assert verification.verify_credential(old.document).valid
    value = bundles.build_bundle(old)
    assert len(next(iter(value["didDocuments"].values()))["verificationMethod"]) == 2
    assert vc_bundle.verify_bundle(value).valid
    assert bundles.verify_bundle(value).valid


def test_a_withdrawn_keys_credentials_are_refused(provider, achievement, learner, admin) -> None:
    old = issue(provider, achievement, learner)
    old_key = IssuerKey.objects.get(organization=provider)
    value = bundles.build_bundle(old)  # a bundle made before the key leaked
    services.rotate_issuer_key(actor=admin, organization=provider)
    services.withdraw_issuer_key(actor=admin, key=IssuerKey.objects.get(pk=old_key.pk))
    online = verification.verify_credential(old.document)
    assert not online.valid
    result = bundles.verify_bundle(value)
    assert not result.valid and result.reason == bundles.KEY_WITHDRAWN
    assert "withdrawn" in result.message


def test_cli_verify_offline_bundle_with_the_network_impossible(issued, tmp_path) -> None:
    value = bundles.build_bundle(issued)
    path = tmp_path / bundles.bundle_filename(issued)
    path.write_text(json.dumps(value))
    tampered = tmp_path / "tampered.bundle.json"
    tampered.write_text(json.dumps(_tampered(value, _other_key)))
    # A child whose every socket creation fails: any network use would be an error, not a silent fetch.
    guard = tmp_path / "sitecustomize.py"
    guard.write_text(
        "import socket\n"
        "def _refuse(*a, **k):\n"
        "    raise OSError('network is off in this test')\n"
        "socket.socket.connect = _refuse\n"
        "socket.socket.connect_ex = _refuse\n"
        "socket.create_connection = _refuse\n"
        "socket.getaddrinfo = _refuse\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    command = [sys.executable, "-m", "microcred.vc.cli", "verify", "--offline"]
    good = subprocess.run([*command, str(path)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "VALID" in good.stdout and "status as of" in good.stdout and "0 days ago" in good.stdout
    bad = subprocess.run([*command, str(tampered)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert bad.returncode == 1
    assert "bundle_did_document_altered" in bad.stdout and "NOT VALID" in bad.stdout


# --- the public verifier, the wallet and the API -----------------------------------------------------------


def test_the_verify_api_and_page_accept_a_bundle_and_state_the_status_age(issued) -> None:
    from django.test import Client

    value = bundles.build_bundle(issued)
    response = Client().post("/api/v1/verify", data=json.dumps({"credential": value}), content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is True
    assert body["bundle"]["statusAgeDays"] == 0 and body["bundle"]["statusCheckedAt"] == value["statusCheckedAt"]
    assert body["checks"][0]["code"] == "bundle" and body["checks"][0]["outcome"] == "pass"
    tampered = _tampered(value, _other_key)
    response = Client().post(
        "/api/v1/verify", data=json.dumps({"credential": tampered}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["verified"] is False
    assert response.json()["bundle"]["reason"] == "bundle_did_document_altered"
    page = Client().post("/verify/", {"credential": json.dumps(value)})
    assert page.status_code == 200 and "Status as of" in page.content.decode()
    hostile = Client().post("/verify/", {"credential": '{"type": "VerificationBundle", "statusCheckedAt": ['})
    assert hostile.status_code in (200, 400) and "bundle" in hostile.content.decode().lower()


def test_the_learner_downloads_the_bundle_from_the_wallet_and_the_api(issued, learner) -> None:
    from django.test import Client

    client = Client()
    client.force_login(learner)
    response = client.get(f"/wallet/credentials/{issued.public_id}/download.bundle")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(vc_bundle.MEDIA_TYPE)
    day = timezone.localtime(issued.issued_at).strftime("%Y-%m-%d")  # every download: the title and the date
    assert f'filename="welding-safety-{day}.bundle.json"' in response["Content-Disposition"]
    assert vc_bundle.verify_bundle(response.content).valid
    page = client.get(f"/wallet/credentials/{issued.public_id}/")
    assert "download.bundle" in page.content.decode()
    api = client.get(f"/api/v1/wallet/credentials/{issued.public_id}/bundle")
    assert api.status_code == 200 and vc_bundle.verify_bundle(api.json()).valid
    assert client.get("/api/v1/wallet/credentials/not-a-uuid/bundle").status_code == 404
    stranger = Client()
    stranger.force_login(factories_user())
    assert stranger.get(f"/api/v1/wallet/credentials/{issued.public_id}/bundle").status_code in (403, 404)


def factories_user():
    from microcred.testing import factories

    return factories.make_user(email="stranger@example.org")
