"""Proof sets and chains in the verifier (issue 21, F9): every proof must verify, not any one of them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from microcred.vc import data_integrity, verify
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V2

CREATED = "2025-03-04T05:06:07Z"


@pytest.fixture(scope="module")
def issuer() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes([11]) * 32)


@pytest.fixture(scope="module")
def other() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes([12]) * 32)


def _credential(issuer: str, name: str = "Welding") -> dict[str, Any]:
    return {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "name": name,
        "credentialSubject": {"id": "did:example:learner"},
    }


def _sign(document: dict[str, Any], key: Ed25519KeyPair, **kwargs: Any) -> dict[str, Any]:
    return data_integrity.sign(
        document, key, verification_method=key.did_key_verification_method, created=CREATED, **kwargs
    )


def test_appending_another_organizations_proof_fails(issuer, other) -> None:
    valid = _sign(_credential(issuer.did_key), issuer)
    assert verify.verify(valid).valid
    elsewhere = _sign(_credential(other.did_key, name="Something else"), other)
    forged = copy.deepcopy(valid)
    forged["proof"].append(elsewhere["proof"][0])
    report = verify.verify(forged)
    assert not report.valid
    proof = report.check(verify.PROOF)
    assert (proof.outcome, proof.reason) == (verify.FAIL, "signature_invalid")
    assert proof.message.startswith("Proof 2 of 2 does not verify")
    garbage = copy.deepcopy(valid)
    garbage["proof"].append({**valid["proof"][0], "proofValue": "z" + "1" * 80})
    assert not verify.verify(garbage).valid
    unresolvable = copy.deepcopy(valid)
    unresolvable["proof"].append({**valid["proof"][0], "verificationMethod": "did:web:nowhere.example#k"})
    assert verify.verify(unresolvable, resolver=_NoNetwork()).check(verify.PROOF).outcome == verify.FAIL


class _NoNetwork:
    def resolve_verification_method(self, vm: str) -> Any:
        from microcred.vc.errors import ResolutionError

        raise ResolutionError(f"{vm} is not resolved here.")


def test_a_second_valid_proof_by_another_key_keeps_the_credential_valid(issuer, other) -> None:
    cosigned = _sign(_sign(_credential(issuer.did_key), issuer), other, cryptosuite="eddsa-jcs-2022")
    report = verify.verify(cosigned)
    assert report.valid, report.to_json()["checks"]
    assert [detail["signature"] for detail in report.check(verify.PROOF).details] == ["valid", "valid"]


def test_chains_verify_and_a_broken_link_fails(issuer, other) -> None:
    first = _sign(_credential(issuer.did_key), issuer, proof_id="urn:uuid:first")
    chained = _sign(first, other, proof_id="urn:uuid:second", previous_proof="urn:uuid:first")
    assert verify.verify(chained).valid
    missing = copy.deepcopy(chained)
    missing["proof"][1]["previousProof"] = "urn:uuid:nowhere"
    report = verify.verify(missing)
    assert not report.valid and report.check(verify.PROOF).reason == "proof_malformed"
    changed = copy.deepcopy(chained)
    changed["proof"][0]["created"] = "2025-03-04T05:06:08Z"  # both the first proof and the link over it break
    assert not verify.verify(changed).valid


def test_a_valid_proof_set_without_the_issuers_key_is_not_enough(issuer, other) -> None:
    by_other = _sign(_credential(issuer.did_key), other)
    report = verify.verify(by_other)
    assert not report.valid
    assert report.check(verify.ISSUER_KEY).reason == verify.CONTROLLER_MISMATCH


def test_one_proof_can_be_one_object_and_a_second_makes_a_set(issuer, other) -> None:
    single = _sign(_credential(issuer.did_key), issuer, single_proof=True)
    assert isinstance(single["proof"], dict)
    assert verify.verify(single).valid
    both = _sign(single, other, single_proof=True)
    assert isinstance(both["proof"], list) and both["proof"][0] == single["proof"]
    assert verify.verify(both).valid
