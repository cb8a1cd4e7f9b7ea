"""The DID-authentication presentation verifier (no Django): each refusal names its stable reason."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.vc import data_integrity
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2
from microcred.vc.presentation import verify_presentation


def signed(key: Ed25519KeyPair, *, challenge: str = "c-1", domain: str | None = "verifier.example", **extra: Any):
    document = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": key.did_key, **extra}
    return data_integrity.sign(
        document,
        key,
        verification_method=key.did_key_verification_method,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


def test_a_did_auth_presentation_verifies_and_names_its_holder() -> None:
    key = Ed25519KeyPair.generate()
    for cryptosuite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        document = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": key.did_key}
        presentation = data_integrity.sign(
            document,
            key,
            verification_method=key.did_key_verification_method,
            cryptosuite=cryptosuite,
            proof_purpose="authentication",
            challenge="c-1",
            domain="verifier.example",
        )
        report = verify_presentation(presentation, challenge="c-1", domain="verifier.example")
        assert report.valid and report.holder == key.did_key and report.credentials == []
        assert [check.outcome for check in report.checks] == ["pass"] * 8


def test_a_vc_1_1_presentation_and_one_without_holder() -> None:
    key = Ed25519KeyPair.generate()
    document = {"@context": [CREDENTIALS_V1], "type": ["VerifiablePresentation"]}
    presentation = data_integrity.sign(
        document, key, verification_method=key.did_key_verification_method, proof_purpose="authentication",
        challenge="c-1",
    )  # fmt: skip
    report = verify_presentation(presentation, challenge="c-1", domain="verifier.example", require_domain=False)
    assert report.valid and report.holder == key.did_key
    assert verify_presentation(presentation, challenge="c-1", domain="verifier.example").reason == "domain_missing"


def _cases() -> list[tuple[str, Any, str]]:
    key, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    good = signed(key)
    return [
        ("challenge", signed(key, challenge="other"), "challenge_mismatch"),
        ("domain", signed(key, domain="evil.example"), "domain_mismatch"),
        ("other key", signed(other, holder=key.did_key), "holder_mismatch"),
        ("no proof", {k: v for k, v in good.items() if k != "proof"}, "proof_missing"),
        ("changed", {**good, "id": "urn:uuid:0b8c5a4e-4a0f-4b3b-8d1f-1f1f1f1f1f1f"}, "signature_invalid"),
        ("context", {**good, "@context": ["https://example.org/ctx"]}, "context_missing"),
        ("unknown context", {**good, "@context": [CREDENTIALS_V2, "https://example.org/x"]}, "context_not_bundled"),
        ("type", {**good, "type": ["VerifiableCredential"]}, "not_presentation"),
        ("holder", {**good, "holder": "mailto:a@b.example"}, "holder_malformed"),
        ("list", [good], "not_object"),
    ]


@pytest.mark.parametrize("index", range(10))
def test_refusals_name_their_reason(index: int) -> None:
    name, presentation, reason = _cases()[index]
    report = verify_presentation(presentation, challenge="c-1", domain="verifier.example")
    assert not report.valid and report.reason == reason, (name, report.to_json())


def test_deep_nesting_is_refused_without_recursion() -> None:
    nested: Any = {}
    for _ in range(5000):
        nested = {"a": nested}
    report = verify_presentation({"x": nested}, challenge="c-1")
    assert report.reason == "too_deep"
