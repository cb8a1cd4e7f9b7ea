"""The legacy ``Ed25519Signature2020`` suite: verified (never made), with the bundled suite context."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from microcred.vc import data_integrity, verify
from microcred.vc.errors import ProofError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import is_bundled, load_context

STANDARDS = Path(__file__).resolve().parents[3].parent / "shared" / "standards"
VECTORS = STANDARDS / "vectors" / "w3c-eddsa" / "TestVectors"
needs_standards = pytest.mark.skipif(not VECTORS.is_dir(), reason=f"the standards data folder {STANDARDS} is absent")


def test_the_suite_context_is_bundled() -> None:
    assert is_bundled(data_integrity.ED25519_2020_CONTEXT)
    context = load_context(data_integrity.ED25519_2020_CONTEXT)["@context"]
    assert context["Ed25519Signature2020"]["@id"] == "https://w3id.org/security#Ed25519Signature2020"


@pytest.fixture
def vector() -> dict:
    if not VECTORS.is_dir():
        pytest.skip("the W3C vectors are absent")
    return json.loads((VECTORS / "Ed25519Signature2020" / "signedEdSig.json").read_text())


@pytest.fixture
def vector_key() -> bytes:
    pair = json.loads((VECTORS / "keyPair.json").read_text())
    return Ed25519KeyPair.from_multibase(pair["privateKeyMultibase"]).public_bytes


@needs_standards
def test_the_w3c_vector_verifies(vector, vector_key) -> None:
    data_integrity.verify_proof(vector, vector["proof"], vector_key)
    report = verify.verify(vector)
    assert report.check(verify.PROOF).outcome == verify.PASS
    # the vector's issuer is an https URL, not the did:key that signed it
    assert report.check(verify.ISSUER_KEY).reason == verify.CONTROLLER_MISMATCH


@needs_standards
@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["credentialSubject"].update(alumniOf="Another School"), "signature_invalid"),
        (lambda d: d["proof"].update(created="2023-02-24T23:36:39Z"), "signature_invalid"),
        (lambda d: d["proof"].update(proofPurpose="authentication"), "signature_invalid"),
        (lambda d: d["proof"].pop("created"), "proof_malformed"),
        (lambda d: d["proof"].update(created="yesterday"), "proof_malformed"),
        (lambda d: d["proof"].update(proofValue="not multibase"), "proof_value_malformed"),
        (lambda d: d["proof"].update(previousProof="urn:uuid:x"), "proof_malformed"),
        (lambda d: d["proof"].update(domain=None), "proof_malformed"),
        (lambda d: d.update({"@context": d["@context"][:2]}), "proof_malformed"),
    ],
)
def test_a_changed_vector_fails(vector, vector_key, change, code) -> None:
    changed = copy.deepcopy(vector)
    change(changed)
    with pytest.raises(ProofError) as refused:
        data_integrity.verify_proof(changed, changed["proof"], vector_key)
    assert refused.value.code == code


def test_nothing_signs_with_the_legacy_suite() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(ProofError):
        data_integrity.sign({"@context": []}, key, verification_method="x", cryptosuite="Ed25519Signature2020")
