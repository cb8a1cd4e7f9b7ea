"""microcred's Data Integrity proofs against an independent implementation: the Digital Bazaar JavaScript libraries.

microcred signs, the JavaScript libraries (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022 and eddsa-jcs-2022
cryptosuites, did-method-key) verify, and the other way round. The libraries are installed by ``make node-deps``
into ``tests/node/node_modules``; ``tests/node/crosscheck.mjs`` reads the contexts bundled with microcred and
nothing else.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from microcred.vc.canonical import canonicalize
from microcred.vc.data_integrity import proofs_of, sign, verify_proof
from microcred.vc.errors import ProofError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V2, OB_V3P0

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "crosscheck.mjs"
NODE = shutil.which("node")
CREATED = "2024-05-06T07:08:09Z"
STANDARDS = Path(__file__).resolve().parents[3].parent / "shared" / "standards"
needs_standards = pytest.mark.skipif(not STANDARDS.is_dir(), reason=f"the standards data folder {STANDARDS} is absent")

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript cross-checks cannot run"),
    pytest.mark.skipif(
        not (NODE_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
        reason="the JavaScript libraries are not installed: run `make node-deps`",
    ),
]

# The W3C vc-di-eddsa test vectors (TestVectors/keyPair.json, unsigned.json, signedDataInt.json, signedJCS.json).
VECTOR_KEY = {
    "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "secretKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
}
VECTOR_VM = f"did:key:{VECTOR_KEY['publicKeyMultibase']}#{VECTOR_KEY['publicKeyMultibase']}"
VECTOR_UNSIGNED: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
VECTOR_CREATED = "2023-02-24T23:36:38Z"
VECTOR_PROOF_VALUES = {
    "eddsa-rdfc-2022": "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme",
    "eddsa-jcs-2022": "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX",
}

# Every character RDFC-1.0 escapes in a literal (ECHAR and UCHAR forms), plus text it must leave alone.
AWKWARD = (
    'nul\x00 soh\x01 bs\x08 tab\t lf\n vt\x0b ff\x0c cr\r esc\x1b us\x1f del\x7f quote" backslash\\ '
    "é ñ ß 中文 한국어 العربية 😀 \u00a0nbsp \u2028ls \u2029ps \ufeffbom \U0010fffd <>{}|^`"
)


@pytest.fixture(scope="module")
def issuer_key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(32)))


def node(command: str, payload: Any) -> Any:
    completed = subprocess.run(
        [NODE, str(SCRIPT), command],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def outcome(answer: dict) -> tuple[bool, str | None, list[bool]]:
    """What the JS libraries said: verified, their error, and each proof's own verdict."""
    return answer["verified"], answer["error"], [proof["verified"] for proof in answer["proofs"]]


VERIFIED = (True, None, [True])


def js_key(key: Ed25519KeyPair) -> dict[str, str]:
    return {"publicKeyMultibase": key.public_key_multibase, "secretKeyMultibase": key.secret_key_multibase}


def ob_credential(issuer: str, *, name: str = "Brewing fundamentals", description: str = "Can brew.") -> dict:
    return {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": "urn:uuid:2d4c4a34-6e0e-4a6a-9d8a-6f4f0d4b6f3e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {"id": issuer, "type": ["Profile"], "name": "École de brasserie", "url": "https://brew.example/"},
        "validFrom": "2024-05-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://brew.example/achievements/fundamentals",
                "type": ["Achievement"],
                "name": name,
                "description": description,
                "criteria": {"narrative": "Brew three batches under supervision."},
                "achievementType": "Competency",
            },
            "result": [{"type": ["Result"], "status": "Completed"}],
        },
    }


def awkward_credential(issuer: str) -> dict:
    return ob_credential(issuer, name=f"Awkward {AWKWARD}", description=AWKWARD)


def signed_by_microcred(credential: dict, key: Ed25519KeyPair, cryptosuite: str = "eddsa-rdfc-2022") -> dict:
    return sign(
        credential, key, verification_method=key.did_key_verification_method, cryptosuite=cryptosuite, created=CREATED
    )


def verified_by_microcred(document: dict, public_key: bytes) -> None:
    (proof,) = proofs_of(document)
    verify_proof(document, proof, public_key)


def vector_signed(cryptosuite: str) -> dict:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": VECTOR_CREATED,
        "verificationMethod": VECTOR_VM,
        "proofPurpose": "assertionMethod",
        "proofValue": VECTOR_PROOF_VALUES[cryptosuite],
    }
    if cryptosuite == "eddsa-jcs-2022":
        proof["@context"] = VECTOR_UNSIGNED["@context"]
    return {**copy.deepcopy(VECTOR_UNSIGNED), "proof": proof}


def test_js_side_reproduces_and_verifies_the_w3c_vectors() -> None:
    cryptosuites = list(VECTOR_PROOF_VALUES)
    signing = [
        {
            "op": "sign",
            "mode": "assertion",
            "credential": VECTOR_UNSIGNED,
            "keyPair": VECTOR_KEY,
            "verificationMethod": VECTOR_VM,
            "cryptosuite": cryptosuite,
            "created": VECTOR_CREATED,
        }
        for cryptosuite in cryptosuites
    ]
    verifying = [
        {"op": "verify", "mode": "assertion", "credential": vector_signed(cryptosuite)} for cryptosuite in cryptosuites
    ]
    answers = node("batch", signing + verifying)
    assert [answer["proof"]["proofValue"] for answer in answers[: len(cryptosuites)]] == [
        VECTOR_PROOF_VALUES[cryptosuite] for cryptosuite in cryptosuites
    ]
    assert [outcome(answer) for answer in answers[len(cryptosuites) :]] == [VERIFIED] * len(cryptosuites)


def test_js_loader_refuses_what_microcred_does_not_bundle() -> None:
    key = Ed25519KeyPair.from_multibase(VECTOR_KEY["secretKeyMultibase"])
    signed = sign(VECTOR_UNSIGNED, key, verification_method=VECTOR_VM, created=VECTOR_CREATED)
    signed["@context"] = [*signed["@context"], "https://evil.example/context.jsonld"]
    answer = node("verify", {"credential": signed, "mode": "assertion"})
    assert answer["verified"] is False
    assert 'refused "https://evil.example/context.jsonld": not bundled' in answer["error"]


def test_js_serves_a_controller_document_for_an_https_verification_method() -> None:
    key = Ed25519KeyPair.from_multibase(VECTOR_KEY["secretKeyMultibase"])
    method = "https://vc.example/issuers/5678#key-1"
    signed = sign(VECTOR_UNSIGNED, key, verification_method=method, created=VECTOR_CREATED)
    keys = [{"id": method, "publicKeyMultibase": key.public_key_multibase}]
    assert outcome(node("verify", {"credential": signed, "keys": keys})) == VERIFIED
    refused = node("verify", {"credential": signed})
    assert refused["verified"] is False
    assert "not bundled" in refused["error"]


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_microcred_signs_the_w3c_vector_credential_as_the_vector_and_js_verifies(cryptosuite: str) -> None:
    key = Ed25519KeyPair.from_multibase(VECTOR_KEY["secretKeyMultibase"])
    signed = sign(VECTOR_UNSIGNED, key, verification_method=VECTOR_VM, cryptosuite=cryptosuite, created=VECTOR_CREATED)
    assert signed["proof"][0]["proofValue"] == VECTOR_PROOF_VALUES[cryptosuite]
    # The vector's issuer is not the key's controller: only the assertionMethod purpose applies.
    assert outcome(node("verify", {"credential": signed, "mode": "assertion"})) == VERIFIED


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_microcred_signed_credentials_verify_in_js(issuer_key: Ed25519KeyPair, cryptosuite: str) -> None:
    credentials = {
        "open badge": ob_credential(issuer_key.did_key),
        "awkward strings": awkward_credential(issuer_key.did_key),
        "w3c vector with our issuer": {**VECTOR_UNSIGNED, "issuer": issuer_key.did_key},
    }
    requests = [
        {"op": "verify", "credential": signed_by_microcred(credential, issuer_key, cryptosuite)}
        for credential in credentials.values()
    ]
    answers = node("batch", requests)
    assert {name: outcome(answer) for name, answer in zip(credentials, answers, strict=True)} == dict.fromkeys(
        credentials, VERIFIED
    )


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_js_signed_credentials_verify_in_microcred(issuer_key: Ed25519KeyPair, cryptosuite: str) -> None:
    credentials = [
        ob_credential(issuer_key.did_key),
        awkward_credential(issuer_key.did_key),
        {**VECTOR_UNSIGNED, "issuer": issuer_key.did_key},
    ]
    requests = [
        {
            "op": "sign",
            "credential": credential,
            "keyPair": js_key(issuer_key),
            "verificationMethod": issuer_key.did_key_verification_method,
            "cryptosuite": cryptosuite,
            "created": CREATED,
        }
        for credential in credentials
    ]
    for credential, signed in zip(credentials, node("batch", requests), strict=True):
        assert "error" not in signed, signed["error"]
        assert signed["proof"]["cryptosuite"] == cryptosuite
        verified_by_microcred(signed, issuer_key.public_bytes)
        # Ed25519 is deterministic: both implementations must produce the very same proof.
        ours = signed_by_microcred(credential, issuer_key, cryptosuite)
        assert ours["proof"][0]["proofValue"] == signed["proof"]["proofValue"]


def test_js_signed_credential_tampered_fails_in_microcred(issuer_key: Ed25519KeyPair) -> None:
    signed = node(
        "sign",
        {
            "credential": awkward_credential(issuer_key.did_key),
            "keyPair": js_key(issuer_key),
            "verificationMethod": issuer_key.did_key_verification_method,
            "created": CREATED,
        },
    )
    signed["credentialSubject"]["achievement"]["description"] = AWKWARD.replace("\x7f", "\x7e")
    with pytest.raises(ProofError) as raised:
        verified_by_microcred(signed, issuer_key.public_bytes)
    assert raised.value.code == "signature_invalid"


def test_tampered_microcred_credentials_fail_in_js(issuer_key: Ed25519KeyPair) -> None:
    signed = signed_by_microcred(awkward_credential(issuer_key.did_key), issuer_key)
    other = Ed25519KeyPair.from_seed(bytes(32))

    def tampered(change: Any) -> dict:
        document = copy.deepcopy(signed)
        change(document)
        return document

    def last_proof_value_character(document: dict) -> None:
        proof = document["proof"][0]
        proof["proofValue"] = proof["proofValue"][:-1] + ("2" if proof["proofValue"][-1] != "2" else "3")

    cases = {
        "subject": tampered(lambda d: d["credentialSubject"].update(id="did:example:someone-else")),
        "one control character": tampered(
            lambda d: d["credentialSubject"]["achievement"].update(description=AWKWARD.replace("\x1f", "\x1e"))
        ),
        "one escaped quote": tampered(lambda d: d.update(name=d["name"].replace('"', "'"))),
        "validFrom": tampered(lambda d: d.update(validFrom="2024-05-01T00:00:01Z")),
        "type dropped": tampered(lambda d: d.update(type=["VerifiableCredential"])),
        "proof created": tampered(lambda d: d["proof"][0].update(created="2024-05-06T07:08:10Z")),
        "proofValue": tampered(last_proof_value_character),
        "someone else's key": tampered(
            lambda d: d["proof"][0].update(verificationMethod=other.did_key_verification_method)
        ),
    }
    answers = node("batch", [{"op": "verify", "credential": document} for document in cases.values()])
    assert {name: answer["verified"] for name, answer in zip(cases, answers, strict=True)} == dict.fromkeys(
        cases, False
    )
    # The untouched credential still verifies in the same run of the JS libraries.
    assert outcome(node("verify", {"credential": signed})) == VERIFIED


def test_microcred_proof_sets_verify_proof_by_proof_in_js(issuer_key: Ed25519KeyPair) -> None:
    cosigner = Ed25519KeyPair.from_seed(bytes([7]) * 32)
    signed = sign(
        ob_credential(issuer_key.did_key),
        issuer_key,
        verification_method=issuer_key.did_key_verification_method,
        created=CREATED,
        proof_id="urn:uuid:0b6f5a3e-1c1d-4b8e-9a51-5d9c6f0e2a11",
    )
    signed = sign(
        signed, cosigner, verification_method=cosigner.did_key_verification_method, cryptosuite="eddsa-jcs-2022"
    )
    forged = copy.deepcopy(signed)
    forged["proof"][1]["proofValue"] = signed["proof"][0]["proofValue"]
    # jsonld-signatures calls a document verified when any proof verifies: look at each proof.
    answers = node("batch", [{"op": "verify", "mode": "assertion", "credential": doc} for doc in (signed, forged)])
    verdicts = [{proof["verificationMethod"]: proof["verified"] for proof in answer["proofs"]} for answer in answers]
    assert verdicts == [
        {issuer_key.did_key_verification_method: True, cosigner.did_key_verification_method: True},
        {issuer_key.did_key_verification_method: True, cosigner.did_key_verification_method: False},
    ]


def test_js_cosigned_proof_set_verifies_in_microcred(issuer_key: Ed25519KeyPair) -> None:
    cosigner = Ed25519KeyPair.from_seed(bytes([7]) * 32)
    ours = signed_by_microcred(awkward_credential(issuer_key.did_key), issuer_key)
    both = node(
        "sign",
        {
            "mode": "assertion",
            "credential": ours,
            "keyPair": js_key(cosigner),
            "verificationMethod": cosigner.did_key_verification_method,
            "created": CREATED,
        },
    )
    proofs = proofs_of(both)
    assert [proof["verificationMethod"] for proof in proofs] == [
        issuer_key.did_key_verification_method,
        cosigner.did_key_verification_method,
    ]
    verify_proof(both, proofs[0], issuer_key.public_bytes)
    verify_proof(both, proofs[1], cosigner.public_bytes)


@needs_standards
def test_js_verifies_the_1edtech_ob3_and_clr_vectors() -> None:
    vectors = STANDARDS / "vectors" / "ob3"
    controller = json.loads((vectors / "issuer-565049-controller.json").read_text())
    (method,) = controller["assertionMethod"]
    keys = [{"id": method["id"], "controller": controller["id"], "publicKeyMultibase": method["publicKeyMultibase"]}]
    requests = [
        {"op": "verify", "credential": json.loads((vectors / name).read_text()), "keys": keys}
        for name in ("signed.json", "clr-signed.json")
    ]
    assert [outcome(answer) for answer in node("batch", requests)] == [VERIFIED, VERIFIED]


@needs_standards
@pytest.mark.parametrize("name", ["ob30-simple.json", "ob30-complete.json"])
def test_1edtech_samples_signed_by_microcred_verify_in_js(issuer_key: Ed25519KeyPair, name: str) -> None:
    sample = json.loads((STANDARDS / "samples" / name).read_text())
    sample.pop("proof", None)
    method = f"{sample['issuer']['id']}#key-1"
    signed = sign(sample, issuer_key, verification_method=method, created=CREATED)
    keys = [{"id": method, "publicKeyMultibase": issuer_key.public_key_multibase}]
    answers = node(
        "batch",
        [
            # While the sample is valid (the complete one expires) and its issuer controls the key.
            {"op": "verify", "credential": signed, "keys": keys, "now": "2021-01-01T00:00:00Z"},
            {"op": "canonize", "document": sample},
        ],
    )
    assert outcome(answers[0]) == VERIFIED
    assert answers[1]["nquads"] == canonicalize(sample)


def test_canonical_nquads_are_the_same_in_both_implementations(issuer_key: Ed25519KeyPair) -> None:
    vocab = {"@vocab": "https://ex.example/", "@language": "fr"}
    documents = {
        "open badge": ob_credential(issuer_key.did_key),
        "awkward strings": awkward_credential(issuer_key.did_key),
        "w3c vector": VECTOR_UNSIGNED,
        "literals": {
            "@context": {
                **vocab,
                "n": {"@id": "https://ex.example/n", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
            },
            "@id": f"https://ex.example/{AWKWARD[:12].encode().hex()}",
            "label": [AWKWARD, {"@value": "hello", "@language": "en-GB"}],
            "n": ["1", "007"],
            "flag": True,
            "ratio": 1.5,
        },
        "symmetric blank nodes": {
            "@context": vocab,
            "@id": "_:a",
            "knows": [
                {"@id": "_:b", "knows": {"@id": "_:a"}},
                {"knows": {"name": "same"}},
                {"knows": {"name": "same"}},
            ],
        },
    }
    answers = node("batch", [{"op": "canonize", "document": document} for document in documents.values()])
    for name, document, answer in zip(documents, documents.values(), answers, strict=True):
        assert "error" not in answer, (name, answer)
        assert canonicalize(document) == answer["nquads"], name


def test_a_direction_is_signed_as_the_reference_cryptosuite_signs_it(issuer_key: Ed25519KeyPair) -> None:
    """``@direction`` becomes an i18n datatype on both sides, so it is covered by the signature."""
    credential = ob_credential(issuer_key.did_key)
    credential["credentialSubject"]["achievement"]["name"] = {"@value": "تخمير", "@language": "ar", "@direction": "rtl"}
    by_js = node(
        "sign",
        {
            "credential": credential,
            "keyPair": js_key(issuer_key),
            "verificationMethod": issuer_key.did_key_verification_method,
            "created": "2026-01-01T00:00:00Z",
        },
    )
    by_microcred = sign(
        credential,
        issuer_key,
        verification_method=issuer_key.did_key_verification_method,
        created="2026-01-01T00:00:00Z",
    )
    js_proofs = by_js["proof"] if isinstance(by_js["proof"], list) else [by_js["proof"]]
    assert js_proofs[-1]["proofValue"] == by_microcred["proof"][-1]["proofValue"]
    flipped = copy.deepcopy(by_microcred)
    flipped["credentialSubject"]["achievement"]["name"]["@direction"] = "ltr"
    with pytest.raises(ProofError):
        verify_proof(flipped, flipped["proof"][0], issuer_key.public_bytes)


INLINE_CONTEXT = {
    "ExampleVerifiableCredential": "https://example.org/#ExampleVerifiableCredential",
    "favourite": {"@id": "https://example.org/#favourite", "@type": "@id"},
}


def inline_credential(issuer: str) -> dict:
    return {
        "@context": [CREDENTIALS_V2, INLINE_CONTEXT],
        "id": "urn:uuid:7f1d0c61-27d6-4cbb-9f3f-2b8a1e0c4d55",
        "type": ["VerifiableCredential", "ExampleVerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2024-05-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "favourite": "https://example.org/things/1"},
    }


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_inline_contexts_sign_and_verify_the_same_in_both_implementations(
    issuer_key: Ed25519KeyPair, cryptosuite: str
) -> None:
    credential = inline_credential(issuer_key.did_key)
    ours = signed_by_microcred(credential, issuer_key, cryptosuite)
    theirs = node(
        "sign",
        {
            "credential": credential,
            "keyPair": js_key(issuer_key),
            "verificationMethod": issuer_key.did_key_verification_method,
            "cryptosuite": cryptosuite,
            "created": CREATED,
        },
    )
    assert "error" not in theirs, theirs
    assert ours["proof"][0]["proofValue"] == theirs["proof"]["proofValue"]
    verified_by_microcred(theirs, issuer_key.public_bytes)
    answer = node("verify", {"credential": ours})
    if cryptosuite == "eddsa-jcs-2022":
        # The JS cryptosuite compares proof.@context with the document's @context entry by entry with `!==`, so an
        # object never equals its copy: it refuses every inline context, its own signatures included (above, the
        # same proof value). vc-di-eddsa "Verify Proof (eddsa-jcs-2022)" step 4.1 compares values; microcred does.
        assert answer["error"] == "document.@context does not start with proof.@context"
        assert node("verify", {"credential": theirs})["verified"] is False
        return
    assert outcome(answer) == VERIFIED
    changed = copy.deepcopy(ours)
    changed["@context"][1]["favourite"]["@id"] = "https://example.org/#other"
    assert node("verify", {"credential": changed})["verified"] is False


def test_a_previous_proof_chain_over_an_inline_context_verifies_in_js(issuer_key: Ed25519KeyPair) -> None:
    cosigner = Ed25519KeyPair.from_seed(bytes([9]) * 32)
    first = sign(
        inline_credential(issuer_key.did_key),
        issuer_key,
        verification_method=issuer_key.did_key_verification_method,
        created=CREATED,
        proof_id="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544",
    )
    chained = sign(
        first,
        cosigner,
        verification_method=cosigner.did_key_verification_method,
        created=CREATED,
        proof_id="urn:uuid:8cc9022b-6b14-4cf3-8571-74972c143abb",
        previous_proof="urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544",
    )
    for proof, key in zip(proofs_of(chained), (issuer_key, cosigner), strict=True):
        verify_proof(chained, proof, key.public_bytes)
    # @digitalbazaar/data-integrity (2.5.0, the newest) does not implement previousProof: it verifies the first proof
    # and checks the chained one as a member of a set. What the chained proof signs is the document together with the
    # proof it names (Data Integrity §4.3 step 4.2.1): its canonical form must be the same in both implementations.
    answer = node("verify", {"mode": "assertion", "credential": chained})
    assert answer["proofs"][0]["verified"] is True, answer
    secured_with_previous = {**{k: v for k, v in chained.items() if k != "proof"}, "proof": [chained["proof"][0]]}
    theirs = node("canonize", {"document": secured_with_previous})
    assert theirs["nquads"] == canonicalize(secured_with_previous)


ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def js_signed_2020(document: dict, key: Ed25519KeyPair, **options: Any) -> dict:
    signed = node(
        "sign",
        {
            "credential": document,
            "keyPair": js_key(key),
            "verificationMethod": key.did_key_verification_method,
            "cryptosuite": "Ed25519Signature2020",
            "created": CREATED,
            "mode": "assertion",
            **options,
        },
    )
    assert "error" not in signed, signed
    return signed


@pytest.mark.parametrize(
    "contexts",
    [
        [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2", ED25519_2020],
        ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/examples/v2", ED25519_2020],
    ],
)
def test_js_ed25519_signature_2020_credentials_verify_in_microcred(issuer_key: Ed25519KeyPair, contexts) -> None:
    from microcred.vc import verify

    credential = {**VECTOR_UNSIGNED, "@context": contexts, "issuer": issuer_key.did_key}
    if contexts[0] != CREDENTIALS_V2:
        credential = {k: v for k, v in credential.items() if k != "validFrom"} | {
            "issuanceDate": "2023-01-01T00:00:00Z"
        }
    signed = js_signed_2020(credential, issuer_key)
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    report = verify.verify(signed)
    assert report.valid, report.to_json()["checks"]
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    report = verify.verify(tampered)
    assert (report.check(verify.PROOF).outcome, report.check(verify.PROOF).reason) == (verify.FAIL, "signature_invalid")
