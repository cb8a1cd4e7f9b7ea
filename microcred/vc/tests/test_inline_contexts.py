"""Inline ``@context`` objects (VC DM 2.0 §4.3): signed and verified with both cryptosuites, within bounds, offline,
and with JSON-LD's protected-term rules."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from microcred.vc import data_integrity, verify
from microcred.vc.canonical import canonicalize
from microcred.vc.errors import CanonicalizationError, ContextError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V2, MAX_INLINE_CONTEXT_BYTES, inline_context_problem

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
CREATED = "2025-01-02T03:04:05Z"


@pytest.fixture(scope="module")
def key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(1, 33)))


def credential(issuer: str, context: Any, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [CREDENTIALS_V2, *context],
        "type": ["VerifiableCredential", "ExampleVerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:subject", **extra},
    }


EXAMPLE = {"ExampleVerifiableCredential": "https://example.org/#ExampleVerifiableCredential"}
WITH_TERM = {**EXAMPLE, "favourite": {"@id": "https://example.org/#favourite", "@type": "@id"}}


def _sign(document: dict[str, Any], key: Ed25519KeyPair, suite: str, **kwargs: Any) -> dict[str, Any]:
    return data_integrity.sign(
        document, key, verification_method=key.did_key_verification_method, cryptosuite=suite, created=CREATED, **kwargs
    )


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "context", [[EXAMPLE], [WITH_TERM], [EXAMPLE, {"@protected": True, "favourite": "https://e.org/f"}]]
)
def test_inline_contexts_are_signed_and_verified(key, suite, context) -> None:
    extra = {"favourite": "https://example.org/things/1"} if len(context) > 1 or "favourite" in context[0] else {}
    signed = _sign(credential(key.did_key, context, **extra), key, suite)
    report = verify.verify(signed)
    assert report.valid, report.to_json()["checks"]
    tampered = copy.deepcopy(signed)
    tampered["@context"][1] = {"ExampleVerifiableCredential": "https://evil.example/#Other"}
    assert not verify.verify(tampered).valid


@pytest.mark.parametrize("suite", SUITES)
def test_a_changed_inline_context_breaks_the_rdfc_and_jcs_signatures(key, suite) -> None:
    signed = _sign(credential(key.did_key, [WITH_TERM], favourite="https://example.org/things/1"), key, suite)
    changed = copy.deepcopy(signed)
    changed["@context"][1]["favourite"] = {"@id": "https://example.org/#other", "@type": "@id"}
    report = verify.verify(changed)
    assert not report.valid
    assert report.check(verify.PROOF).outcome == verify.FAIL


@pytest.mark.parametrize(
    "context",
    [
        [{"VerifiableCredential": "https://example.org/#BadVerifiableCredential"}],
        [
            {"@protected": True, "ExampleVerifiableCredential": "https://example.org/#ExampleVerifiableCredential"},
            {"ExampleVerifiableCredential": "https://example.org/#ExampleBadVerifiableCredential"},
        ],
        [{"id": "https://example.org/#id"}],
    ],
)
def test_redefining_a_protected_term_is_refused(key, context) -> None:
    with pytest.raises(CanonicalizationError) as refused:
        canonicalize(credential(key.did_key, context))
    assert refused.value.code == "protected_term_redefinition"
    for suite in SUITES:
        with pytest.raises(CanonicalizationError):
            _sign(credential(key.did_key, context), key, suite)


def test_an_identical_redefinition_of_a_protected_term_is_allowed(key) -> None:
    context = [{"@protected": True, **EXAMPLE}, {"@protected": True, **EXAMPLE}]
    assert verify.verify(_sign(credential(key.did_key, context), key, "eddsa-rdfc-2022")).valid


@pytest.mark.parametrize(
    "context",
    [
        [{"@import": "https://evil.example/context.jsonld", **EXAMPLE}],
        [{**EXAMPLE, "favourite": {"@id": "https://e.org/f", "@context": "https://evil.example/scoped.jsonld"}}],
    ],
)
def test_inline_contexts_load_nothing_remote(key, context) -> None:
    for suite in SUITES:
        with pytest.raises(ContextError):
            _sign(credential(key.did_key, context, favourite={"id": "https://e.org/x"}), key, suite)


@pytest.mark.parametrize(
    "contexts",
    [
        [CREDENTIALS_V2, {"x": "https://e.example/" + "y" * MAX_INLINE_CONTEXT_BYTES}],
        [CREDENTIALS_V2, *[{"@version": 1.1}] * 9],
        [CREDENTIALS_V2, {"a": {"@context": {"b": {"@context": {"c": {"@context": {"d": {"@context": {"e": {}}}}}}}}}}],
        [CREDENTIALS_V2, 7],
        [CREDENTIALS_V2, None],
    ],
)
def test_inline_contexts_are_bounded(contexts) -> None:
    assert inline_context_problem(contexts) is not None
    report = verify.verify({"@context": contexts, "type": ["VerifiableCredential"], "credentialSubject": {"id": "x:y"}})
    assert (report.first_failure.code, report.first_failure.reason) == (verify.CONTEXTS, verify.CONTEXT_INLINE)


def test_a_previous_proof_chain_over_an_inline_context(key) -> None:
    other = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
    first = _sign(
        credential(key.did_key, [WITH_TERM], favourite="https://e.org/1"), key, "eddsa-rdfc-2022", proof_id="urn:uuid:1"
    )
    chained = data_integrity.sign(
        first,
        other,
        verification_method=other.did_key_verification_method,
        created=CREATED,
        proof_id="urn:uuid:2",
        previous_proof="urn:uuid:1",
    )
    proofs = data_integrity.proofs_of(chained)
    data_integrity.verify_proof(chained, proofs[0], key.public_bytes)
    data_integrity.verify_proof(chained, proofs[1], other.public_bytes)
    tampered = copy.deepcopy(chained)
    tampered["proof"][0]["created"] = "2025-01-02T03:04:06Z"  # the chained proof signed the first one as it was
    with pytest.raises(Exception):  # noqa: B017
        data_integrity.verify_proof(tampered, data_integrity.proofs_of(tampered)[1], other.public_bytes)
