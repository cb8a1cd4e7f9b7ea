"""Data Integrity proofs: signing a micro-credential, and every way a tampered or malformed proof is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.vc import data_integrity
from microcred.vc.data_integrity import sign, verify_proof
from microcred.vc.errors import CanonicalizationError, ContextError, ProofError, VCError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V2, OB_V3P0

ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER_KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
VERIFICATION_METHOD = ISSUER_KEY.did_key_verification_method


def micro_credential() -> dict[str, Any]:
    """A typical micro-credential: about twenty statements."""
    return {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": "urn:uuid:6a1c3f0e-2f8b-4b59-9a53-1f0e7d4c9b21",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Safe lifting techniques",
        "issuer": {
            "id": ISSUER_KEY.did_key,
            "type": ["Profile"],
            "name": "Northern Skills Institute",
        },
        "validFrom": "2025-03-01T09:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://skills.example/achievements/safe-lifting",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Safe lifting techniques",
                "description": "Plans and performs manual lifts without injury risk.",
                "criteria": {"narrative": "Pass the practical assessment and the written test."},
                "creditsAvailable": 1.5,
            },
        },
    }


def signed(cryptosuite: str = "eddsa-rdfc-2022", **options: Any) -> dict[str, Any]:
    options.setdefault("created", "2025-03-01T09:00:00Z")
    return sign(
        micro_credential(), ISSUER_KEY, verification_method=VERIFICATION_METHOD, cryptosuite=cryptosuite, **options
    )


def verify(document: dict[str, Any], proof: dict[str, Any] | None = None, key: bytes | None = None) -> None:
    proof = data_integrity.proofs_of(document)[-1] if proof is None else proof
    verify_proof(document, proof, ISSUER_KEY.public_bytes if key is None else key)


def refusal(document: dict[str, Any], proof: dict[str, Any] | None = None, key: bytes | None = None) -> str:
    with pytest.raises(VCError) as refused:
        verify(document, proof, key)
    return refused.value.code


SUITES = pytest.mark.parametrize("cryptosuite", data_integrity.SUPPORTED_CRYPTOSUITES)
SIGNED_RDFC_PROOF_VALUE = signed()["proof"][0]["proofValue"]


@SUITES
def test_a_signed_micro_credential_verifies(cryptosuite):
    document = signed(cryptosuite)
    assert isinstance(document["proof"], list) and len(document["proof"]) == 1
    proof = document["proof"][0]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == cryptosuite
    assert proof["verificationMethod"] == VERIFICATION_METHOD
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["proofValue"].startswith("z")
    verify(document)


def test_signing_does_not_modify_the_input_and_is_deterministic():
    credential = micro_credential()
    before = copy.deepcopy(credential)
    first = sign(credential, ISSUER_KEY, verification_method=VERIFICATION_METHOD, created="2025-03-01T09:00:00Z")
    second = sign(credential, ISSUER_KEY, verification_method=VERIFICATION_METHOD, created="2025-03-01T09:00:00Z")
    assert credential == before
    assert first == second
    first["proof"][0]["created"] = "changed"
    assert credential == before


def test_created_defaults_to_now_in_utc_whole_seconds():
    proof = sign(micro_credential(), ISSUER_KEY, verification_method=VERIFICATION_METHOD)["proof"][0]
    assert data_integrity.is_xml_datetime(proof["created"])
    assert proof["created"].endswith("Z") and len(proof["created"]) == len("2025-03-01T09:00:00Z")


def test_an_existing_proof_object_is_kept_and_proof_becomes_an_array():
    first = signed()
    as_object = dict(first, proof=first["proof"][0])
    both = sign(
        as_object, OTHER_KEY, verification_method=OTHER_KEY.did_key_verification_method, created="2025-03-02T00:00:00Z"
    )
    assert len(both["proof"]) == 2 and both["proof"][0] == first["proof"][0]
    verify(both, both["proof"][0])
    verify(both, both["proof"][1], OTHER_KEY.public_bytes)


def test_a_proof_chain_covers_the_previous_proof():
    first = signed(proof_id="urn:uuid:first-proof")
    chained = sign(
        first,
        OTHER_KEY,
        verification_method=OTHER_KEY.did_key_verification_method,
        created="2025-03-02T00:00:00Z",
        previous_proof="urn:uuid:first-proof",
    )
    verify(chained, chained["proof"][1], OTHER_KEY.public_bytes)
    # Changing the earlier proof breaks the later one, which signed it.
    tampered = copy.deepcopy(chained)
    tampered["proof"][0]["created"] = "2025-03-01T09:00:01Z"
    assert refusal(tampered, tampered["proof"][1], OTHER_KEY.public_bytes) == "signature_invalid"
    # Removing it makes the chain unverifiable.
    dropped = copy.deepcopy(chained)
    del dropped["proof"][0]
    assert refusal(dropped, dropped["proof"][0], OTHER_KEY.public_bytes) == "proof_malformed"


def test_a_chain_to_a_proof_that_is_not_there_is_refused_when_signing():
    with pytest.raises(ProofError) as refused:
        sign(micro_credential(), ISSUER_KEY, verification_method=VERIFICATION_METHOD, previous_proof="urn:uuid:nowhere")
    assert refused.value.code == "proof_malformed"


def test_signing_refuses_undefined_terms_for_both_suites():
    credential = micro_credential()
    credential["credentialSubject"]["favouriteColour"] = "green"
    for cryptosuite in data_integrity.SUPPORTED_CRYPTOSUITES:
        with pytest.raises(CanonicalizationError) as refused:
            sign(credential, ISSUER_KEY, verification_method=VERIFICATION_METHOD, cryptosuite=cryptosuite)
        assert refused.value.code == "undefined_term"
        assert "favouriteColour" in refused.value.message


def test_signing_refuses_a_context_that_is_not_bundled():
    credential = micro_credential()
    credential["@context"] = [*credential["@context"], "https://contexts.example/extra.jsonld"]
    with pytest.raises(ContextError):
        sign(credential, ISSUER_KEY, verification_method=VERIFICATION_METHOD)


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "cryptosuite_unsupported"),
        ({"created": "yesterday"}, "proof_malformed"),
        ({"verification_method": ""}, "proof_malformed"),
    ],
)
def test_signing_refuses_bad_options(options, code):
    arguments = {"verification_method": VERIFICATION_METHOD, **options}
    with pytest.raises(ProofError) as refused:
        sign(micro_credential(), ISSUER_KEY, **arguments)
    assert refused.value.code == code


def tamper_document(document: dict) -> None:
    document["credentialSubject"]["achievement"]["name"] = "Safe lifting techniques (advanced)"


def tamper_subject(document: dict) -> None:
    document["credentialSubject"]["id"] = "did:example:someone-else"


def tamper_credits(document: dict) -> None:
    document["credentialSubject"]["achievement"]["creditsAvailable"] = 15


def tamper_valid_from(document: dict) -> None:
    document["validFrom"] = "2025-03-01T09:00:01Z"


def add_property(document: dict) -> None:
    document["description"] = "An added sentence."


def remove_property(document: dict) -> None:
    del document["credentialSubject"]["achievement"]["description"]


def tamper_created(document: dict) -> None:
    document["proof"][0]["created"] = "2025-03-01T09:00:01Z"


def tamper_purpose(document: dict) -> None:
    document["proof"][0]["proofPurpose"] = "authentication"


def tamper_method(document: dict) -> None:
    document["proof"][0]["verificationMethod"] = OTHER_KEY.did_key_verification_method


def tamper_signature_byte(document: dict) -> None:
    value = data_integrity.decode_multibase_base58btc(document["proof"][0]["proofValue"])
    changed = bytes([value[0] ^ 1]) + value[1:]
    document["proof"][0]["proofValue"] = data_integrity.encode_multibase_base58btc(changed)


@SUITES
@pytest.mark.parametrize(
    "tamper",
    [
        tamper_document,
        tamper_subject,
        tamper_credits,
        tamper_valid_from,
        add_property,
        remove_property,
        tamper_created,
        tamper_purpose,
        tamper_method,
        tamper_signature_byte,
    ],
)
def test_a_tampered_credential_fails_with_signature_invalid(cryptosuite, tamper):
    document = signed(cryptosuite)
    tamper(document)
    assert refusal(document) == "signature_invalid"


@SUITES
def test_the_wrong_key_fails(cryptosuite):
    assert refusal(signed(cryptosuite), key=OTHER_KEY.public_bytes) == "signature_invalid"


@pytest.mark.parametrize("key", [b"", b"\x00" * 31, b"\x00" * 33])
def test_a_public_key_of_the_wrong_size_fails(key):
    assert refusal(signed(), key=key) == "signature_invalid"


def test_switching_cryptosuite_between_the_two_suites_fails():
    document = signed("eddsa-rdfc-2022")
    document["proof"][0]["cryptosuite"] = "eddsa-jcs-2022"
    assert refusal(document) == "signature_invalid"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "cryptosuite_unsupported"),
        ({"cryptosuite": "Eddsa-rdfc-2022"}, "cryptosuite_unsupported"),
        ({"type": "Ed25519Signature2020"}, "proof_malformed"),
        ({"type": None}, "proof_malformed"),
        ({"cryptosuite": None}, "proof_malformed"),
        ({"verificationMethod": None}, "proof_malformed"),
        ({"proofPurpose": None}, "proof_malformed"),
        ({"proofValue": None}, "proof_malformed"),
        ({"verificationMethod": 42}, "proof_malformed"),
        ({"created": "2025-13-01T00:00:00Z"}, "proof_malformed"),
        ({"created": "2025-02-30T00:00:00Z"}, "proof_malformed"),
        ({"created": "1 March 2025"}, "proof_malformed"),
        ({"created": 1740819600}, "proof_malformed"),
        ({"proofValue": "uAAAA"}, "proof_value_malformed"),
        ({"proofValue": "z0OIl"}, "proof_value_malformed"),
        ({"proofValue": "z"}, "proof_value_malformed"),
        ({"proofValue": "z3vQB7B6MrGQZaxCuFg4oh"}, "proof_value_malformed"),
        ({"proofValue": 12}, "proof_value_malformed"),
        ({"proofValue": "z" + "1" * 500}, "proof_value_malformed"),
        ({"proofValue": SIGNED_RDFC_PROOF_VALUE + " "}, "proof_value_malformed"),
        ({"proofValue": " " + SIGNED_RDFC_PROOF_VALUE}, "proof_value_malformed"),
        ({"proofValue": SIGNED_RDFC_PROOF_VALUE + "\n"}, "proof_value_malformed"),
        ({"@context": ["https://www.w3.org/ns/credentials/examples/v2"]}, "proof_malformed"),
        ({"expires": []}, "proof_malformed"),  # no value to JSON-LD: unsigned, so refused
        ({"domain": []}, "proof_malformed"),
    ],
)
def test_malformed_proofs_are_refused_with_their_code(change, code):
    document = signed()
    proof = document["proof"][0]
    for name, value in change.items():
        if value is None:
            del proof[name]
        else:
            proof[name] = value
    assert refusal(document, proof) == code


@pytest.mark.parametrize("proof", [["not", "an", "object"], "a string", [{"type": "DataIntegrityProof"}, 3]])
def test_proofs_that_are_not_objects_are_malformed(proof):
    document = dict(micro_credential(), proof=proof)
    with pytest.raises(ProofError) as refused:
        data_integrity.proofs_of(document)
    assert refused.value.code == "proof_malformed"


def test_proofs_of_accepts_an_object_an_array_or_nothing():
    proof = {"type": "DataIntegrityProof"}
    assert data_integrity.proofs_of(dict(micro_credential(), proof=proof)) == [proof]
    assert data_integrity.proofs_of(dict(micro_credential(), proof=[proof, proof])) == [proof, proof]
    assert data_integrity.proofs_of(micro_credential()) == []


def test_a_proof_context_that_starts_the_document_context_is_accepted():
    document = signed("eddsa-jcs-2022")
    assert document["proof"][0]["@context"] == document["@context"]
    verify(document)


def test_a_credential_that_became_undefined_after_signing_is_refused_as_such():
    document = signed()
    document["credentialSubject"]["shoeSize"] = 44
    assert refusal(document) == "undefined_term"


def test_a_context_swapped_for_one_that_is_not_bundled_is_refused():
    document = signed()
    document["@context"] = [CREDENTIALS_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-9.9.9.json"]
    assert refusal(document) == "context_not_allowed"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-03-01T09:00:00Z", True),
        ("2025-03-01T09:00:00.123Z", True),
        ("2025-03-01T09:00:00+05:30", True),
        ("2025-03-01T09:00:00", True),
        ("12025-03-01T09:00:00Z", True),
        ("2024-02-29T00:00:00Z", True),
        ("2023-02-29T00:00:00Z", False),
        ("2025-03-01 09:00:00Z", False),
        ("2025-03-01T25:00:00Z", False),
        ("2025-03-01T09:60:00Z", False),
        ("2025-03-01T09:00:00+15:00", False),
        ("2025-3-1T09:00:00Z", False),
        ("0000-01-01T00:00:00Z", False),
        ("", False),
        (None, False),
    ],
)
def test_xml_schema_date_times(value, valid):
    assert data_integrity.is_xml_datetime(value) is valid


def string_paths(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in string_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in string_paths(item, (*path, index))]
    return [path] if isinstance(value, str) else []


SIGNED = {suite: signed(suite) for suite in data_integrity.SUPPORTED_CRYPTOSUITES}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cryptosuite=st.sampled_from(data_integrity.SUPPORTED_CRYPTOSUITES),
    choice=st.integers(min_value=0),
    replacement=st.text(max_size=40),
    how=st.sampled_from(["replace", "append", "prepend"]),
)
def test_changing_any_string_of_a_signed_credential_makes_verification_fail(cryptosuite, choice, replacement, how):
    document = copy.deepcopy(SIGNED[cryptosuite])
    paths = string_paths(document)
    path = paths[choice % len(paths)]
    target = document
    for step in path[:-1]:
        target = target[step]
    original = target[path[-1]]
    if how == "append":
        replacement = original + (replacement or " ")
    elif how == "prepend":
        replacement = (replacement or " ") + original
    elif replacement == original:
        replacement += "x"
    target[path[-1]] = replacement
    with pytest.raises(VCError):
        verify(document)


def test_jcs_of_json_nested_too_deep_is_refused():
    document = signed("eddsa-jcs-2022")
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    document["credentialSubject"]["achievement"]["criteria"]["narrative"] = deep
    assert refusal(document) in ("canonicalization_limit", "signature_invalid")


def test_a_public_key_that_is_not_bytes_is_refused():
    assert refusal(signed(), key="z6Mk…") == "invalid_key"  # type: ignore[arg-type]


PROOF_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
    st.sampled_from(["DataIntegrityProof", "eddsa-rdfc-2022", "eddsa-jcs-2022", "z" + "2" * 88, "urn:uuid:x"]),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from(
            ["type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "previousProof",
             "@context", "id", "expires"]
        ),
        PROOF_VALUES,
        max_size=4,
    ),
    cryptosuite=st.sampled_from(data_integrity.SUPPORTED_CRYPTOSUITES),
)
def test_hostile_proofs_are_refused_with_a_vc_error(changes, cryptosuite):
    document = signed(cryptosuite)
    document["proof"][0].update(changes)
    try:
        verify(document)
    except VCError:
        return
    # Only changes that leave the signed proof as it was may verify.
    assert all(SIGNED[cryptosuite]["proof"][0].get(name) == value for name, value in changes.items())


@settings(max_examples=60, deadline=None)
@given(
    cryptosuite=st.sampled_from(data_integrity.SUPPORTED_CRYPTOSUITES),
    name=st.text(min_size=1, max_size=30),
    narrative=st.text(max_size=60),
    # RFC 8785 (JCS) accepts integers up to 2^53 - 1 only; 2^53 is refused with a CanonicalizationError when signing
    credits=st.integers(min_value=0, max_value=2**53 - 1) | st.floats(min_value=0.5, max_value=1e6),
    results=st.lists(st.sampled_from(["Completed", "Enrolled", "Failed", "InProgress"]), max_size=3),
)
def test_any_signed_micro_credential_verifies(cryptosuite, name, narrative, credits, results):
    credential = micro_credential()
    achievement = credential["credentialSubject"]["achievement"]
    achievement.update(name=name, criteria={"narrative": narrative}, creditsAvailable=credits)
    credential["credentialSubject"]["result"] = [{"type": ["Result"], "status": status} for status in results]
    document = sign(credential, ISSUER_KEY, verification_method=VERIFICATION_METHOD, cryptosuite=cryptosuite)
    verify(document)


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_vc_1_1_credential_gets_the_data_integrity_context_and_verifies(cryptosuite: str) -> None:
    key = Ed25519KeyPair.generate()
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"],
        "id": "urn:uuid:6a2a4c1e-1111-4a5b-8c9d-0e1f2a3b4c5d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did_key, "type": ["Profile"], "name": "Maple College"},
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
    }
    signed = sign(document, key, verification_method=key.did_key_verification_method, cryptosuite=cryptosuite)
    assert signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert document["@context"][-1] != "https://w3id.org/security/data-integrity/v2"  # the input is not changed
    verify_proof(signed, signed["proof"][0], key.public_bytes)
