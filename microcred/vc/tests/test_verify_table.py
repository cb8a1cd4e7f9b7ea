"""The verifier's report: a table of tampered and malformed credentials, each rejected with the right check and reason.

Every case names the first check that must fail and its reason; the report must never be valid, and
``verify()`` must never raise.
"""

from __future__ import annotations

import json

import pytest

from microcred.vc import verify as verifier
from microcred.vc.loader import CREDENTIALS_V2, OB_V3P0


def minimal() -> dict:
    return {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"]},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "n",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a",
                "type": ["Achievement"],
                "name": "n",
                "description": "d",
                "criteria": {"narrative": "c"},
            },
        },
    }


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_dict(levels: int) -> dict:
    root: dict = {}
    node = root
    for _ in range(levels):
        node["a"] = {}
        node = node["a"]
    return root


INPUT_CASES = {
    "not-utf8": (b"\xff\xfe\x00{", verifier.PARSE, verifier.NOT_UTF8),
    "not-json": ("this is not a credential", verifier.PARSE, verifier.NOT_JSON),
    "truncated-json": ('{"@context": [', verifier.PARSE, verifier.NOT_JSON),
    "json-array": ("[1, 2, 3]", verifier.PARSE, verifier.NOT_OBJECT),
    "json-number": ("42", verifier.PARSE, verifier.NOT_OBJECT),
    "oversized": (b'{"a": "' + b"x" * (1024 * 1024) + b'"}', verifier.PARSE, verifier.TOO_LARGE),
    "deep-json-100k": (deep_json(100_000), verifier.PARSE, verifier.TOO_DEEP),
    "deep-dict-100k": (deep_dict(100_000), verifier.PARSE, verifier.TOO_DEEP),
    "wrong-python-type": (12345, verifier.PARSE, verifier.NOT_OBJECT),
    "no-context": (
        {k: v for k, v in minimal().items() if k != "@context"},
        verifier.CONTEXTS,
        verifier.CONTEXT_MISSING,
    ),
    "first-context": (
        {**minimal(), "@context": [OB_V3P0, CREDENTIALS_V2]},
        verifier.CONTEXTS,
        verifier.CONTEXT_FIRST,
    ),
    "non-bundled-context": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, "https://evil.example/context.json"]},
        verifier.CONTEXTS,
        verifier.CONTEXT_NOT_BUNDLED,
    ),
    "inline-context-too-large": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, {"x": "https://e.example/" + "x" * 17_000}]},
        verifier.CONTEXTS,
        verifier.CONTEXT_INLINE,
    ),
    "inline-context-too-deep": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, {"x": {"@context": {"y": {"@context": [[[[[[[]]]]]]]}}}}]},
        verifier.CONTEXTS,
        verifier.CONTEXT_INLINE,
    ),
    "inline-contexts-too-many": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, *[{"@version": 1.1}] * 9]},
        verifier.CONTEXTS,
        verifier.CONTEXT_INLINE,
    ),
    "inline-context-not-an-object": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, 7]},
        verifier.CONTEXTS,
        verifier.CONTEXT_INLINE,
    ),
}


@pytest.mark.parametrize(("given", "code", "reason"), INPUT_CASES.values(), ids=INPUT_CASES.keys())
def test_unreadable_input_is_rejected(given, code, reason):
    report = verifier.verify(given)
    assert not report.valid
    failure = report.first_failure
    assert (failure.code, failure.reason) == (code, reason), report.to_json()["checks"]
    assert failure.message
    skipped = [check for check in report.checks if check.code not in (verifier.PARSE, verifier.CONTEXTS)]
    assert skipped and all(check.outcome == verifier.SKIP for check in skipped)
    json.dumps(report.to_json())


# --- signed credentials, tampered -----------------------------------------------------------------------

from microcred.vc import data_integrity, jwt  # noqa: E402
from microcred.vc.tests.verify_fixtures import (  # noqa: E402
    AUTH_ONLY_ISSUER,
    AUTH_ONLY_VM,
    ENDORSER,
    KEY,
    NOW,
    OTHER,
    StatusServer,
    endorsement,
    resolver,
    sign,
    unsigned,
)


def signed(suite: str = "eddsa-rdfc-2022", **changes) -> dict:
    return sign(unsigned(**changes), suite=suite)


def changed(document: dict, path: str, value) -> dict:
    """A copy of ``document`` with the value at a /-separated path replaced (``DELETE`` removes it)."""
    document = json.loads(json.dumps(document))
    *parents, last = path.split("/")
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return document


DELETE = object()


def flip_char(text: str) -> str:
    middle = len(text) // 2
    return text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :]


def forged_jwt(*, payload: dict | None = None, header: dict | None = None, key=KEY, credential=None) -> str:
    """A VC-JWT whose header or claims were changed, then signed again with ``key`` (a valid signature)."""
    token = jwt.sign_jwt(credential or unsigned(), KEY, kid=KEY.did_key_verification_method)
    parts = jwt.decode_jwt(token)
    new_header = {**parts.header, **(header or {})}
    new_payload = {**parts.payload, **(payload or {})}
    for name, value in list(new_payload.items()):
        if value is DELETE:
            del new_payload[name]
    head = jwt.b64url_encode(json.dumps(new_header).encode())
    body = jwt.b64url_encode(json.dumps(new_payload).encode())
    signature = key.sign(f"{head}.{body}".encode())
    return f"{head}.{body}.{jwt.b64url_encode(signature)}"


def jwt_with(*, payload=None, signature=None) -> str:
    """A valid VC-JWT with its payload or signature changed afterwards (not signed again)."""
    head, body, sig = jwt.sign_jwt(unsigned(), KEY, kid=KEY.did_key_verification_method).split(".")
    if payload is not None:
        decoded = json.loads(jwt.b64url_decode(body, "payload"))
        body = jwt.b64url_encode(json.dumps(payload(decoded)).encode())
    if signature is not None:
        sig = signature(sig)
    return f"{head}.{body}.{sig}"


def unsigned_jwt(alg: str) -> str:
    head = jwt.b64url_encode(json.dumps({"alg": alg, "kid": KEY.did_key_verification_method}).encode())
    body = jwt.b64url_encode(json.dumps(unsigned()).encode())
    return f"{head}.{body}." + ("" if alg == "none" else jwt.b64url_encode(b"x" * 32))


def clique_credential() -> dict:
    nodes = [
        {"@id": f"_:n{i}", "https://example.org/knows": [{"@id": f"_:n{j}"} for j in range(8) if j != i]}
        for i in range(8)
    ]
    credential = unsigned()
    credential["credentialSubject"]["https://example.org/network"] = nodes
    good = sign(unsigned())
    credential["proof"] = good["proof"]
    return credential


def two_bad_proofs() -> dict:
    document = sign(signed(), OTHER, vm=KEY.did_key_verification_method)
    document["name"] = "Changed"
    return document


def with_endorsement_tampered() -> dict:
    bad = changed(endorsement(), "credentialSubject/endorsementComment", "We never hire on this.")
    return sign(unsigned(endorsements=[bad]))


def with_endorsement_not_an_endorsement() -> dict:
    other = sign(unsigned(issuer_id=ENDORSER.did_key, id="urn:uuid:not-an-endorsement"), ENDORSER)
    return sign(unsigned(endorsements=[other]))


def status_case(*, revoked=(), suspended=(), list_key=KEY, list_issuer=None, tamper_list=False, index=7):
    server = StatusServer(revoked=set(revoked), suspended=set(suspended), key=list_key, issuer=list_issuer)
    if tamper_list:
        for url, document in server.lists.items():
            subject = document["credentialSubject"]
            other = StatusServer(revoked={index}, suspended={index})
            subject["encodedList"] = other.lists[url]["credentialSubject"]["encodedList"]
    credential = sign(unsigned(credential_status=server.entries(index=index)))
    return credential, {"status_fetcher": server.fetch}


def unavailable_status():
    server = StatusServer()
    credential = sign(unsigned(credential_status=server.entries(index=7)))

    def fetch(url: str) -> dict:
        raise OSError("connection refused")

    return credential, {"status_fetcher": fetch}


def clr_holding(credentials: list, *, signed_by_key: bool = True) -> dict:
    from microcred.vc import compose

    clr = compose.clr_credential(
        id="urn:uuid:clr",
        issuer={"id": KEY.did_key, "name": "Example University"},
        credentials=credentials,
        subject_id="did:example:learner",
        name="Transcript",
        valid_from="2026-02-01T00:00:00Z",
    )
    if not signed_by_key:  # too big to sign: another credential's proof, the check still runs
        return {**clr, "proof": signed()["proof"]}
    return sign(clr)


V = verifier
SIGNED_CASES = [
    # changed bytes in signed fields (rdfc and jcs)
    pytest.param(
        lambda: changed(signed(), "name", "Data analysis with Pythons"), V.PROOF, "signature_invalid", id="name"
    ),
    pytest.param(
        lambda: changed(signed("eddsa-jcs-2022"), "name", "Data analysis with Pythom"),
        V.PROOF,
        "signature_invalid",
        id="name-jcs",
    ),
    pytest.param(
        lambda: changed(signed(), "credentialSubject/id", "did:example:someone-else"),
        V.PROOF,
        "signature_invalid",
        id="subject-id",
    ),
    pytest.param(
        lambda: changed(signed(), "credentialSubject/achievement/description", "Anything."),
        V.PROOF,
        "signature_invalid",
        id="achievement-description",
    ),
    pytest.param(
        lambda: changed(signed(), "credentialSubject/achievement/creditsAvailable", 30),
        V.PROOF,
        "signature_invalid",
        id="credits",
    ),
    pytest.param(
        lambda: changed(signed(), "validUntil", "2099-01-15T09:00:00Z"), V.PROOF, "signature_invalid", id="validUntil"
    ),
    pytest.param(lambda: changed(signed(), "issuer/name", "Evil U"), V.PROOF, "signature_invalid", id="issuer-name"),
    pytest.param(lambda: changed(signed(), "id", "urn:uuid:2"), V.PROOF, "signature_invalid", id="credential-id"),
    pytest.param(
        lambda: changed(signed(), "credentialSubject/achievement/criteria", DELETE),
        V.PROOF,
        "signature_invalid",
        id="removed-criteria",
    ),
    pytest.param(
        lambda: changed(signed(), "description", "An added claim."), V.PROOF, "signature_invalid", id="added-property"
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/created", "2026-01-15T09:00:01Z"),
        V.PROOF,
        "signature_invalid",
        id="proof-created",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/proofValue", flip_char(signed()["proof"][0]["proofValue"])),
        V.PROOF,
        "signature_invalid",
        id="proof-value-byte",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/proofValue", "not-multibase"),
        V.PROOF,
        "proof_value_malformed",
        id="proof-value-not-multibase",
    ),
    # keys, controllers, suites, purposes
    pytest.param(
        lambda: sign(unsigned(), OTHER, vm=KEY.did_key_verification_method),
        V.PROOF,
        "signature_invalid",
        id="wrong-key",
    ),
    pytest.param(lambda: sign(unsigned(), OTHER), V.ISSUER_KEY, V.CONTROLLER_MISMATCH, id="wrong-controller"),
    pytest.param(
        lambda: sign(unsigned(issuer_id=AUTH_ONLY_ISSUER), vm=AUTH_ONLY_VM),
        V.ISSUER_KEY,
        V.NOT_AUTHORIZED,
        id="key-not-for-assertion",
    ),
    pytest.param(
        lambda: sign(unsigned(issuer_id="https://unknown.example/issuer"), vm="https://unknown.example/issuer#key-1"),
        V.PROOF,
        V.KEY_UNRESOLVED,
        id="key-unresolvable",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/cryptosuite", "eddsa-2022"),
        V.PROOF,
        "cryptosuite_unsupported",
        id="unknown-cryptosuite",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/cryptosuite", "eddsa-jcs-2022"),
        V.PROOF,
        "signature_invalid",
        id="swapped-cryptosuite",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/type", "Ed25519Signature2020"),
        V.PROOF,
        "proof_malformed",
        id="proof-type",
    ),
    pytest.param(
        lambda: sign(unsigned(), proof_purpose="authentication"),
        V.PROOF,
        V.PROOF_PURPOSE,
        id="proof-purpose",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/proofPurpose", "authentication"),
        V.PROOF,
        "signature_invalid",
        id="proof-purpose-changed",
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/created", "yesterday"), V.PROOF, "proof_malformed", id="malformed-created"
    ),
    pytest.param(
        lambda: changed(signed(), "proof/0/verificationMethod", DELETE),
        V.PROOF,
        V.PROOF_MALFORMED,
        id="no-verification-method",
    ),
    pytest.param(lambda: unsigned(), V.PROOF, V.PROOF_MISSING, id="missing-proof"),
    pytest.param(lambda: {**unsigned(), "proof": []}, V.PROOF, V.PROOF_MISSING, id="empty-proof-array"),
    pytest.param(lambda: {**unsigned(), "proof": "trust me"}, V.PROOF, V.PROOF_MALFORMED, id="proof-not-object"),
    pytest.param(lambda: {**signed(), "proof": signed()["proof"] * 9}, V.PROOF, V.TOO_MANY, id="too-many-proofs"),
    pytest.param(two_bad_proofs, V.PROOF, "signature_invalid", id="proof-set-all-invalid"),
    # what canonicalization refuses
    pytest.param(
        lambda: changed(signed(), "credentialSubject/achievement/undefinedTerm", "unsigned claim"),
        V.PROOF,
        "undefined_term",
        id="undefined-term",
    ),
    pytest.param(clique_credential, V.PROOF, "canonicalization_limit", id="blank-node-clique"),
    # subject
    pytest.param(
        lambda: sign(changed(unsigned(), "credentialSubject/id", DELETE)),
        V.SUBJECT,
        V.SUBJECT_UNIDENTIFIED,
        id="subject-unidentified",
    ),
    pytest.param(
        lambda: signed(
            subject_id=None,
            subject_identifier={"hashed": True, "identityHash": "sha256$not-hex", "identityType": "emailAddress"},
        ),
        V.SUBJECT,
        V.IDENTIFIER_MALFORMED,
        id="identifier-not-a-hash",
    ),
    # dates
    pytest.param(
        lambda: signed(valid_from="2020-01-01T00:00:00Z", valid_until="2027-01-01T00:00:00Z"),
        V.VALIDITY,
        V.EXPIRED,
        id="expired",
    ),
    pytest.param(lambda: signed(valid_from="2028-01-01T00:00:00Z"), V.VALIDITY, V.NOT_YET_VALID, id="not-yet-valid"),
    pytest.param(lambda: changed(signed(), "validFrom", "soon"), V.SCHEMA, V.SCHEMA_INVALID, id="malformed-date"),
    # schema
    pytest.param(
        lambda: changed(signed(), "credentialSubject/achievement/criteria", DELETE),
        V.SCHEMA,
        V.SCHEMA_INVALID,
        id="schema-no-criteria",
    ),
    # status
    pytest.param(lambda: status_case(revoked={7}), V.STATUS, V.REVOKED, id="revoked"),
    pytest.param(lambda: status_case(suspended={7}), V.STATUS, V.SUSPENDED, id="suspended"),
    pytest.param(lambda: status_case(list_key=OTHER), V.STATUS, V.STATUS_LIST_ISSUER, id="status-list-other-issuer"),
    pytest.param(
        lambda: status_case(list_key=OTHER, list_issuer=KEY.did_key),
        V.STATUS,
        V.STATUS_LIST_INVALID,
        id="status-list-forged-issuer",
    ),
    pytest.param(lambda: status_case(tamper_list=True), V.STATUS, V.STATUS_LIST_INVALID, id="status-list-tampered"),
    pytest.param(unavailable_status, V.STATUS, V.STATUS_UNAVAILABLE, id="status-unavailable"),
    # endorsements
    pytest.param(with_endorsement_tampered, V.ENDORSEMENTS, V.ENDORSEMENT_INVALID, id="endorsement-bad-signature"),
    pytest.param(
        with_endorsement_not_an_endorsement, V.ENDORSEMENTS, V.ENDORSEMENT_INVALID, id="endorsement-wrong-type"
    ),
    # CLR
    pytest.param(
        lambda: clr_holding([changed(signed(), "name", "Tampered")]),
        V.CREDENTIALS,
        V.CREDENTIAL_INVALID,
        id="clr-tampered-credential",
    ),
    pytest.param(
        lambda: clr_holding([signed()] * 257, signed_by_key=False), V.CREDENTIALS, V.TOO_MANY, id="clr-too-many"
    ),
    # VC-JWT
    pytest.param(lambda: unsigned_jwt("none"), V.PARSE, "jwt_alg_not_allowed", id="jwt-alg-none"),
    pytest.param(lambda: unsigned_jwt("HS256"), V.PARSE, "jwt_alg_not_allowed", id="jwt-alg-hs256"),
    pytest.param(lambda: jwt_with(signature=flip_char), V.PROOF, "signature_invalid", id="jwt-signature-byte"),
    pytest.param(
        lambda: jwt_with(payload=lambda p: {**p, "name": "Changed"}), V.PROOF, "signature_invalid", id="jwt-payload"
    ),
    pytest.param(
        lambda: forged_jwt(key=OTHER),
        V.PROOF,
        "signature_invalid",
        id="jwt-wrong-key",
    ),
    pytest.param(lambda: forged_jwt(payload={"iss": OTHER.did_key}), V.PROOF, "jwt_claim_mismatch", id="jwt-iss"),
    pytest.param(lambda: forged_jwt(payload={"jti": "urn:uuid:other"}), V.PROOF, "jwt_claim_mismatch", id="jwt-jti"),
    pytest.param(lambda: forged_jwt(payload={"sub": "did:example:other"}), V.PROOF, "jwt_claim_mismatch", id="jwt-sub"),
    pytest.param(lambda: forged_jwt(payload={"nbf": 1_000_000}), V.PROOF, "jwt_claim_mismatch", id="jwt-nbf"),
    pytest.param(lambda: forged_jwt(payload={"exp": 4_000_000_000}), V.PROOF, "jwt_claim_mismatch", id="jwt-exp"),
    pytest.param(lambda: forged_jwt(payload={"iss": DELETE}), V.PROOF, "jwt_claim_missing", id="jwt-no-iss"),
    pytest.param(
        lambda: forged_jwt(header={"kid": OTHER.did_key_verification_method}),
        V.PROOF,
        "signature_invalid",
        id="jwt-kid-other-key",
    ),
    pytest.param(
        lambda: forged_jwt(header={"kid": OTHER.did_key_verification_method}, key=OTHER),
        V.ISSUER_KEY,
        V.CONTROLLER_MISMATCH,
        id="jwt-kid-not-issuer",
    ),
    pytest.param(
        lambda: forged_jwt(credential=unsigned(valid_from="2020-01-01T00:00:00Z", valid_until="2027-01-01T00:00:00Z")),
        V.VALIDITY,
        V.EXPIRED,
        id="jwt-expired",
    ),
]


@pytest.mark.parametrize(("build", "code", "reason"), SIGNED_CASES)
def test_tampered_credential_is_rejected(build, code, reason):
    built = build()
    given, options = built if isinstance(built, tuple) else (built, {})
    report = verifier.verify(given, resolver=resolver(), now=NOW, **options)
    assert not report.valid
    failures = [(check.code, check.reason) for check in report.failures]
    assert (code, reason) in failures, report.to_json()["checks"]
    assert all(check.message for check in report.checks)
    json.dumps(report.to_json())


def test_the_table_is_large_enough():
    assert len(INPUT_CASES) + len(SIGNED_CASES) >= 40


def test_controls_are_valid():
    """The credentials the table tampers with are valid before they are tampered with."""
    token = jwt.sign_jwt(unsigned(), KEY, kid=KEY.did_key_verification_method)
    for given in (signed(), signed("eddsa-jcs-2022"), token):
        assert verifier.verify(given, resolver=resolver(), now=NOW).valid
    credential, options = status_case()
    assert verifier.verify(credential, resolver=resolver(), now=NOW, **options).valid
    assert verifier.verify(sign(unsigned(endorsements=[endorsement()])), resolver=resolver(), now=NOW).valid
    assert data_integrity.proofs_of(signed())


# --- baked images ------------------------------------------------------------------------------------------


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _baked_tampered_png() -> bytes:
    from microcred.vc import baking

    return baking.bake_png(_png(), changed(signed(), "name", "Tampered after baking"))


def _corrupted_png() -> bytes:
    png = bytearray(_png())
    png[20] ^= 0xFF  # inside the IHDR chunk: its CRC no longer matches
    return bytes(png)


IMAGE_CASES = [
    pytest.param(_baked_tampered_png, V.PROOF, "signature_invalid", id="baked-png-tampered"),
    pytest.param(_png, V.PARSE, "baking_no_credential", id="png-without-credential"),
    pytest.param(_corrupted_png, V.PARSE, "baking_malformed_image", id="png-corrupted"),
    pytest.param(lambda: "<svg xmlns='http://www.w3.org/2000/svg'/>", V.PARSE, "baking_no_credential", id="bare-svg"),
    pytest.param(
        lambda: '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        V.PARSE,
        "baking_malformed_image",
        id="svg-with-entities",
    ),
]


@pytest.mark.parametrize(("build", "code", "reason"), IMAGE_CASES)
def test_bad_baked_image_is_rejected(build, code, reason):
    report = verifier.verify(build(), resolver=resolver(), now=NOW)
    assert not report.valid
    assert (code, reason) in [(check.code, check.reason) for check in report.failures], report.to_json()["checks"]


class _Hostile:
    """An object that fails whatever is done with it."""

    def __eq__(self, other):
        raise RuntimeError("boom")

    def __hash__(self):
        raise RuntimeError("boom")

    def __repr__(self):
        raise RuntimeError("boom")


@pytest.mark.parametrize(
    "value",
    [float("nan"), {1, 2}, b"bytes", object(), _Hostile(), 10**400, {"k": _Hostile()}, {1: "an int key"}],
    ids=["nan", "set", "bytes", "object", "hostile", "huge-int", "nested-hostile", "int-key"],
)
def test_python_values_json_cannot_hold_never_raise(value):
    credential = signed()
    credential["credentialSubject"]["achievement"]["name"] = value
    report = verifier.verify(credential, resolver=resolver(), now=NOW)
    assert not report.valid
    assert report.failures


def test_hostile_context_entry_never_raises():
    credential = signed()
    credential["@context"] = [credential["@context"][0], _Hostile()]
    report = verifier.verify(credential, resolver=resolver(), now=NOW)
    assert not report.valid
