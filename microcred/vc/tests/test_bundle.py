"""microcred.vc.bundle without Django: a did:web credential and its status list, bundled and checked offline."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from microcred.vc import bundle, compose, data_integrity, status
from microcred.vc.cli import main
from microcred.vc.keys import Ed25519KeyPair

DID = "did:web:issuer.example"
LIST_URL = "https://issuer.example/status/1"


def _did_document(*keys: Ed25519KeyPair) -> dict[str, Any]:
    methods = [
        {
            "id": f"{DID}#{k.public_key_multibase}",
            "type": "Multikey",
            "controller": DID,
            "publicKeyMultibase": k.public_key_multibase,
        }
        for k in keys
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }


def _bundle(key: Ed25519KeyPair, *, signer: Ed25519KeyPair | None = None, revoked: bool = False) -> dict[str, Any]:
    method = f"{DID}#{key.public_key_multibase}"
    unsigned = compose.open_badge_credential(
        id="urn:uuid:00000000-0000-4000-8000-000000000009",
        issuer={"id": DID, "type": ["Profile"], "name": "Issuer"},
        achievement={
            "id": "https://issuer.example/a",
            "type": ["Achievement"],
            "name": "A",
            "description": "A.",
            "criteria": {"narrative": "Pass."},
        },
        subject_id="did:example:learner",
        valid_from="2024-01-01T00:00:00Z",
        credential_status=status.status_entry(list_url=LIST_URL, index=7, purpose="revocation"),
    )
    credential = data_integrity.sign(unsigned, key, verification_method=method)
    bits = bytearray(16384)
    if revoked:
        bits[0] = 0x01  # index 7
    status_list = data_integrity.sign(
        status.status_list_credential(id=LIST_URL, issuer=DID, bits=bytes(bits), purpose="revocation"),
        key,
        verification_method=method,
    )
    signer = signer or key
    keys = (key,) if signer is key else (key, signer)
    return bundle.build(
        credential,
        did_documents={DID: _did_document(*keys)},
        status_lists={LIST_URL: status_list},
        status_checked_at=(datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        key=signer,
        verification_method=f"{DID}#{signer.public_key_multibase}",
    )


def test_a_bundle_verifies_with_no_network_and_states_its_age() -> None:
    result = bundle.verify_bundle(json.dumps(_bundle(Ed25519KeyPair.generate())))
    assert result.valid, result.message
    assert result.status_age_days() == 3 and result.status_sentence().endswith("3 days ago")
    assert result.to_json()["statusAgeDays"] == 3


def test_a_revoked_credential_in_a_bundle_is_not_valid() -> None:
    result = bundle.verify_bundle(_bundle(Ed25519KeyPair.generate(), revoked=True))
    assert result.reason == bundle.CREDENTIAL_INVALID and result.report.check("status").reason == "revoked"


def test_a_bundle_signed_by_a_key_not_in_its_document_is_refused() -> None:
    value = _bundle(Ed25519KeyPair.generate())
    other = Ed25519KeyPair.generate()
    value["proof"]["verificationMethod"] = f"{DID}#{other.public_key_multibase}"
    assert bundle.verify_bundle(value).reason == bundle.SIGNER_UNKNOWN


def test_the_cli_prints_the_bundle_verdict_and_age(tmp_path, capsys) -> None:
    path = tmp_path / "a.bundle.json"
    value = _bundle(Ed25519KeyPair.generate())
    path.write_text(json.dumps(value))
    assert main(["verify", "--offline", str(path)]) == 0
    assert "3 days ago" in capsys.readouterr().out
    assert main(["verify", "--offline", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    changed = copy.deepcopy(value)
    changed["statusLists"][LIST_URL]["validFrom"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(changed))
    assert main(["verify", "--offline", str(path)]) == 1
    assert "bundle_status_list_altered" in capsys.readouterr().out
