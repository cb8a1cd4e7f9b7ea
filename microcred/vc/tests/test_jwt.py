import base64
import copy
import json
import warnings
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey, RSAKey

from microcred.vc import jwt
from microcred.vc.errors import LimitExceeded, ProofError, VCError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V1

SHARED = Path(__file__).resolve().parents[4] / "shared"  # ../shared beside the project

VECTORS = SHARED / "standards/vectors"
KEY_PAIR = json.loads((VECTORS / "w3c-eddsa/TestVectors/keyPair.json").read_text())
PAIR = Ed25519KeyPair.from_multibase(KEY_PAIR["privateKeyMultibase"])
KID = PAIR.did_key_verification_method
OTHER = Ed25519KeyPair.from_seed(bytes(range(32)))


def credential() -> dict:
    document = json.loads((VECTORS / "ob3/unsigned.json").read_text())
    document["issuer"]["id"] = PAIR.did_key
    document["validUntil"] = "2030-01-01T00:00:00Z"
    return document


def vc1_credential() -> dict:
    document = credential()
    document["@context"] = [CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]
    document["issuanceDate"] = document.pop("validFrom")
    document["expirationDate"] = document.pop("validUntil")
    return document


def b64u(value: bytes | dict | str) -> str:
    if isinstance(value, dict):
        value = json.dumps(value).encode()
    if isinstance(value, str):
        value = value.encode()
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def forge(header: dict, payload: dict, key: Ed25519KeyPair = PAIR) -> str:
    """A token with any header and payload, correctly signed: tests the rules, not the signature."""
    signing_input = f"{b64u(header)}.{b64u(payload)}"
    return f"{signing_input}.{b64u(key.sign(signing_input.encode()))}"


def parts_of(token: str) -> list[dict]:
    return [json.loads(base64.urlsafe_b64decode(p + "==")) for p in token.split(".")[:2]]


def joserfc_ed25519() -> OKPKey:
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64u(PAIR.public_bytes)})


def joserfc_compact(header: dict, payload: dict, key, alg: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc warns that RFC 9864 deprecates the name "EdDSA"
        return jws.serialize_compact(header, json.dumps(payload).encode(), key, algorithms=[alg])


# ---------------------------------------------------------------- what microcred emits


def test_sign_jwt_emits_the_ob_form_with_mirrored_claims():
    token = jwt.sign_jwt(credential(), PAIR, kid=KID)
    header, payload = parts_of(token)
    assert header == {"alg": "EdDSA", "kid": KID, "typ": "JWT"}
    assert "vc" not in payload
    assert payload["iss"] == PAIR.did_key
    assert payload["jti"] == "http://example.com/credentials/3527"
    assert payload["sub"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert payload["nbf"] == 1262304000  # 2010-01-01T00:00:00Z
    assert payload["exp"] == 1893456000  # 2030-01-01T00:00:00Z
    assert {k: v for k, v in payload.items() if k not in jwt.REGISTERED_CLAIMS} == credential()


def test_round_trip_verifies_and_the_claims_hold():
    token = jwt.sign_jwt(credential(), PAIR, kid=KID)
    parts = jwt.decode_jwt(token)
    assert parts.form == jwt.FORM_OB and parts.kid == KID and parts.alg == "EdDSA"
    assert parts.credential == credential()
    jwt.verify_jwt_signature(parts, PAIR.public_bytes)
    jwt.verify_jwt_signature(parts, {"kty": "OKP", "crv": "Ed25519", "x": b64u(PAIR.public_bytes)})
    assert jwt.check_claims(parts) == []
    assert jwt.verify_jwt(token.encode() + b"\n", PAIR.public_bytes).credential == credential()


def test_a_subject_without_id_gets_no_sub_and_fractional_dates_are_floored():
    document = credential()
    del document["credentialSubject"]["id"]
    document["credentialSubject"]["identifier"] = [{"type": "IdentityObject", "identityHash": "x"}]
    document["validFrom"] = "2010-01-01T00:00:00.999Z"
    token = jwt.sign_jwt(document, PAIR, kid=KID)
    _, payload = parts_of(token)
    assert "sub" not in payload and payload["nbf"] == 1262304000
    assert jwt.check_claims(jwt.decode_jwt(token)) == []


def test_vc_1_1_credentials_use_the_vc_claim():
    token = jwt.sign_jwt(vc1_credential(), PAIR, kid=KID)
    _, payload = parts_of(token)
    assert payload["vc"] == vc1_credential()
    assert payload["nbf"] == 1262304000 and payload["exp"] == 1893456000
    parts = jwt.verify_jwt(token, PAIR.public_bytes)
    assert parts.form == jwt.FORM_VC_CLAIM and parts.credential == vc1_credential()


def test_signed_tokens_verify_with_joserfc():
    token = jwt.sign_jwt(credential(), PAIR, kid=KID)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = jws.deserialize_compact(token, joserfc_ed25519(), algorithms=["EdDSA"])
    assert json.loads(result.payload)["jti"] == "http://example.com/credentials/3527"


def test_signing_refuses_credentials_that_cannot_be_mirrored():
    for mutate in (
        lambda c: c.pop("issuer"),
        lambda c: c.update(issuer={"name": "no id"}),
        lambda c: c.update(validFrom="yesterday"),
        lambda c: c.update(iss="https://other.example"),
        lambda c: c.update(vc={}),
    ):
        document = credential()
        mutate(document)
        with pytest.raises(VCError) as caught:
            jwt.sign_jwt(document, PAIR, kid=KID)
        assert caught.value.code == "credential_malformed"


# ---------------------------------------------------------------- other algorithms and forms


def test_rs256_signed_by_microcred_verifies_with_a_jwk_and_with_joserfc():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = jwt.sign_jwt_rs256(credential(), pem, kid="https://example.edu/keys#rsa-1")
    public_jwk = RSAKey.import_key(pem).as_dict(private=False)
    parts = jwt.verify_jwt(token, public_jwk)
    assert parts.alg == "RS256"
    jws.deserialize_compact(token, RSAKey.import_key(public_jwk), algorithms=["RS256"])
    with pytest.raises(ProofError) as caught:
        jwt.verify_jwt_signature(parts, RSAKey.generate_key(2048).as_dict(private=False))
    assert caught.value.code == "signature_invalid"
    with pytest.raises(ProofError) as caught:
        jwt.verify_jwt_signature(parts, PAIR.public_bytes)  # an Ed25519 key for an RS256 token
    assert caught.value.code == "key_alg_mismatch"


def test_short_rsa_keys_are_refused():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc warns about the short key, which is the point
        weak = RSAKey.generate_key(1024, auto_kid=False)
        token = joserfc_compact({"alg": "RS256", "typ": "JWT"}, jwt._payload_for(credential()), weak, "RS256")
        with pytest.raises(ProofError) as caught:
            jwt.verify_jwt_signature(jwt.decode_jwt(token), weak.as_dict(private=False))
    assert caught.value.code == "key_alg_mismatch"
    pem = weak.as_pem(private=True)
    with pytest.raises(VCError):
        jwt.sign_jwt_rs256(credential(), pem, kid="k")


def test_tokens_from_joserfc_verify_with_microcred():
    payload = jwt._payload_for(credential())
    ed = OKPKey.import_key({**joserfc_ed25519().as_dict(), "d": b64u(PAIR.private_bytes)})
    ec_key = ECKey.generate_key("P-256")
    for key, alg in ((ed, "EdDSA"), (ed, "Ed25519"), (ec_key, "ES256")):
        token = joserfc_compact({"alg": alg, "kid": KID, "typ": "JWT"}, payload, key, alg)
        parts = jwt.verify_jwt(token, key.as_dict(private=False))
        assert parts.credential == credential()
    with pytest.raises(ProofError) as caught:
        jwt.verify_jwt_signature(parts, ECKey.generate_key("P-256").as_dict(private=False))
    assert caught.value.code == "signature_invalid"


def test_the_vc_jose_cose_form():
    document = credential()
    for typ in ("vc+jwt", "application/vc+ld+json+jwt"):
        parts = jwt.decode_jwt(forge({"alg": "EdDSA", "typ": typ, "kid": KID}, document))
        assert parts.form == jwt.FORM_JOSE_COSE and parts.credential == document
        jwt.verify_jwt_signature(parts, PAIR.public_bytes)
        assert jwt.check_claims(parts) == []  # claims optional in this form...
    parts = jwt.decode_jwt(forge({"alg": "EdDSA", "typ": "vc+jwt"}, {**document, "iss": "did:example:other"}))
    assert [code for code, _ in jwt.check_claims(parts)] == ["jwt_claim_mismatch"]  # ...but must agree


def test_a_jwk_header_is_accepted_when_public():
    jwk_header = {"kty": "OKP", "crv": "Ed25519", "x": b64u(PAIR.public_bytes)}
    parts = jwt.decode_jwt(forge({"alg": "EdDSA", "typ": "JWT", "jwk": jwk_header}, jwt._payload_for(credential())))
    assert parts.jwk == jwk_header and parts.kid is None
    jwt.verify_jwt_signature(parts, parts.jwk)


def test_exp_sets_valid_until_when_the_credential_has_none():
    document = credential()
    del document["validUntil"]
    payload = {**jwt._payload_for(document), "exp": 1893456000}
    parts = jwt.decode_jwt(forge({"alg": "EdDSA", "typ": "JWT"}, payload))
    assert parts.credential["validUntil"] == "2030-01-01T00:00:00Z"
    assert jwt.check_claims(parts) == []
    vc1 = vc1_credential()
    del vc1["expirationDate"]
    payload = {**jwt._payload_for(vc1), "exp": 1893456000}
    assert jwt.decode_jwt(forge({"alg": "EdDSA"}, payload)).credential["expirationDate"] == "2030-01-01T00:00:00Z"


# ---------------------------------------------------------------- the OB claim rules


OB_PAYLOAD = jwt._payload_for(credential())


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"iss": "https://evil.example/issuer"}, "jwt_claim_mismatch"),
        ({"jti": "urn:uuid:another"}, "jwt_claim_mismatch"),
        ({"sub": "did:example:someone-else"}, "jwt_claim_mismatch"),
        ({"nbf": 1262304001}, "jwt_claim_mismatch"),
        ({"exp": 1893456001}, "jwt_claim_mismatch"),
        ({"iss": None}, "jwt_claim_missing"),
        ({"jti": None}, "jwt_claim_missing"),
        ({"sub": None}, "jwt_claim_missing"),
        ({"nbf": None}, "jwt_claim_missing"),
        ({"exp": None}, "jwt_claim_missing"),
        ({"iss": 12}, "jwt_claim_malformed"),
        ({"nbf": "2010-01-01T00:00:00Z"}, "jwt_claim_malformed"),
        ({"nbf": True}, "jwt_claim_malformed"),
        ({"exp": 10**30}, "jwt_claim_malformed"),
        ({"iat": -5}, "jwt_claim_malformed"),
        ({"validFrom": "2011-01-01T00:00:00Z"}, "jwt_claim_mismatch"),  # the credential changed, not the claim
        ({"issuer": "did:example:other"}, "jwt_claim_mismatch"),
    ],
)
def test_claims_that_do_not_mirror_the_credential(change, code):
    payload = copy.deepcopy(OB_PAYLOAD)
    for name, value in change.items():
        if value is None:
            payload.pop(name)
        else:
            payload[name] = value
    parts = jwt.decode_jwt(forge({"alg": "EdDSA", "typ": "JWT", "kid": KID}, payload))
    jwt.verify_jwt_signature(parts, PAIR.public_bytes)  # correctly signed: only the claims are wrong
    assert code in [c for c, _ in jwt.check_claims(parts)]
    with pytest.raises(VCError):
        jwt.verify_jwt(forge({"alg": "EdDSA", "typ": "JWT", "kid": KID}, payload), PAIR.public_bytes)


def test_sub_without_a_subject_id_is_a_mismatch():
    payload = copy.deepcopy(OB_PAYLOAD)
    del payload["credentialSubject"]["id"]
    assert [c for c, _ in jwt.check_claims(jwt.decode_jwt(forge({"alg": "EdDSA"}, payload)))] == ["jwt_claim_mismatch"]


def test_vc_claim_form_rules():
    payload = jwt._payload_for(vc1_credential())
    payload["vc"]["issuer"]["id"] = "did:example:other"
    assert [c for c, _ in jwt.check_claims(jwt.decode_jwt(forge({"alg": "EdDSA"}, payload)))] == ["jwt_claim_mismatch"]
    for bad in ({**payload, "vc": "a string"}, {**payload, "@context": [CREDENTIALS_V1]}):
        with pytest.raises(VCError) as caught:
            jwt.decode_jwt(forge({"alg": "EdDSA"}, bad))
        assert caught.value.code == "jwt_malformed"


# ---------------------------------------------------------------- signatures


def test_tampering_breaks_the_signature():
    token = jwt.sign_jwt(credential(), PAIR, kid=KID)
    header, payload, signature = token.split(".")
    changed = copy.deepcopy(parts_of(token)[1])
    changed["credentialSubject"]["achievement"]["name"] = "Leadership"
    for bad in (
        f"{header}.{b64u(changed)}.{signature}",
        f"{b64u({'alg': 'EdDSA', 'kid': 'other', 'typ': 'JWT'})}.{payload}.{signature}",
        f"{header}.{payload}.{b64u(OTHER.sign(f'{header}.{payload}'.encode()))}",
    ):
        with pytest.raises(ProofError) as caught:
            jwt.verify_jwt_signature(jwt.decode_jwt(bad), PAIR.public_bytes)
        assert caught.value.code == "signature_invalid"
    with pytest.raises(ProofError) as caught:
        jwt.verify_jwt_signature(jwt.decode_jwt(token), OTHER.public_bytes)
    assert caught.value.code == "signature_invalid"


@pytest.mark.parametrize(
    "key",
    [
        b"short",
        {"kty": "OKP", "crv": "Ed25519"},
        {"kty": "OKP", "crv": "X25519", "x": b64u(bytes(32))},
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": "OKP", "crv": "Ed25519", "x": b64u(PAIR.public_bytes), "d": b64u(PAIR.private_bytes)},
        {"kty": "RSA", "n": "AQAB"},
        "did:key:z6Mk",
    ],
)
def test_unusable_keys_are_refused(key):
    parts = jwt.decode_jwt(jwt.sign_jwt(credential(), PAIR, kid=KID))
    with pytest.raises(ProofError) as caught:
        jwt.verify_jwt_signature(parts, key)
    assert caught.value.code in ("key_alg_mismatch", "key_type_unsupported")


# ---------------------------------------------------------------- hostile tokens


GOOD = jwt.sign_jwt(credential(), PAIR, kid=KID)
GOOD_HEADER, GOOD_PAYLOAD, GOOD_SIGNATURE = GOOD.split(".")


def raw_header(data: bytes) -> str:
    return f"{b64u(data)}.{GOOD_PAYLOAD}.{GOOD_SIGNATURE}"


def raw_payload(data: bytes) -> str:
    return f"{GOOD_HEADER}.{b64u(data)}.{GOOD_SIGNATURE}"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (forge({"alg": "none", "typ": "JWT"}, OB_PAYLOAD).rsplit(".", 1)[0] + ".", "jwt_alg_not_allowed"),
        (forge({"alg": "none"}, OB_PAYLOAD), "jwt_alg_not_allowed"),
        (forge({"alg": "HS256"}, OB_PAYLOAD), "jwt_alg_not_allowed"),
        (forge({"alg": "RS512"}, OB_PAYLOAD), "jwt_alg_not_allowed"),
        (forge({"alg": "eddsa"}, OB_PAYLOAD), "jwt_alg_not_allowed"),
        (forge({"typ": "JWT"}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": ["EdDSA"]}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "crit": ["exp"], "exp": 1}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "b64": False}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "typ": "vp+jwt"}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "typ": 1}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "kid": 7}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "jwk": {"kty": "oct", "k": "c2VjcmV0"}}, OB_PAYLOAD), "jwt_malformed"),
        (forge({"alg": "EdDSA", "jwk": "key"}, OB_PAYLOAD), "jwt_malformed"),
        (f"{GOOD_HEADER}.{GOOD_PAYLOAD}", "jwt_malformed"),
        (f"{GOOD}.extra", "jwt_malformed"),
        (f"{GOOD_HEADER}.{GOOD_PAYLOAD}.", "jwt_malformed"),
        ("", "jwt_malformed"),
        ("...", "jwt_malformed"),
        (f"{GOOD_HEADER}=.{GOOD_PAYLOAD}.{GOOD_SIGNATURE}", "jwt_malformed"),
        (f"{GOOD_HEADER}.{GOOD_PAYLOAD}.{GOOD_SIGNATURE}==", "jwt_malformed"),
        (f"{GOOD_HEADER}.{GOOD_PAYLOAD.replace('-', '+')}x.{GOOD_SIGNATURE}", "jwt_malformed"),
        (f"{GOOD_HEADER}.{GOOD_PAYLOAD}.{GOOD_SIGNATURE[:-1]}B", "jwt_malformed"),  # stray bits, same bytes
        (f"{GOOD_HEADER}.{GOOD_PAYLOAD}.A", "jwt_malformed"),
        (raw_header(b"not json"), "jwt_malformed"),
        (raw_header(b"[1]"), "jwt_malformed"),
        (raw_header(b"{}"), "jwt_malformed"),
        (raw_header(b'{"alg":"none","alg":"EdDSA"}'), "jwt_malformed"),
        (raw_payload(b"[]"), "jwt_malformed"),
        (raw_payload(b"42"), "jwt_malformed"),
        (raw_payload(b'{"a":NaN}'), "jwt_malformed"),
        (raw_payload(b'{"a":1,"a":2}'), "jwt_malformed"),
        (raw_payload(b'{"a":"\xff\xfe"}'), "jwt_malformed"),  # not UTF-8
        (raw_payload(b"[" * 100_000 + b"]" * 100_000), "jwt_malformed"),
        (raw_payload(b'{"a":' * 5000 + b"1" + b"}" * 5000), "jwt_malformed"),
        (f"{'A' * 9000}.{GOOD_PAYLOAD}.{GOOD_SIGNATURE}", "jwt_malformed"),
        ("é" + GOOD, "jwt_malformed"),
    ],
)
def test_hostile_tokens_are_refused_with_a_code(token, code):
    with pytest.raises(VCError) as caught:
        jwt.decode_jwt(token)
    assert caught.value.code == code


def test_non_ascii_bytes_and_non_strings_are_refused():
    with pytest.raises(VCError):
        jwt.decode_jwt(b"\xff" + GOOD.encode())
    with pytest.raises(VCError):
        jwt.decode_jwt({"token": GOOD})  # type: ignore[arg-type]


def test_oversized_tokens_are_refused_before_parsing():
    big = f"{GOOD_HEADER}.{'A' * jwt.MAX_TOKEN_LENGTH}.{GOOD_SIGNATURE}"
    with pytest.raises(LimitExceeded) as caught:
        jwt.decode_jwt(big)
    assert caught.value.code == "limit_exceeded"
    with pytest.raises(LimitExceeded):
        jwt.decode_jwt(big.encode())


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_property_any_changed_character_is_refused(data):
    position = data.draw(st.integers(min_value=0, max_value=len(GOOD) - 1))
    replacement = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "))
    assume(GOOD[position] != replacement)
    tampered = GOOD[:position] + replacement + GOOD[position + 1 :]
    with pytest.raises(VCError):
        parts = jwt.decode_jwt(tampered)
        jwt.verify_jwt_signature(parts, PAIR.public_bytes)
        if not jwt.check_claims(parts):
            raise AssertionError("a changed token verified")  # pragma: no cover


def test_a_vc_claim_without_the_properties_its_claims_carry():
    """VC Data Model 1.1 JWTs may leave issuer, id, issuanceDate and the subject id to the claims."""
    full = vc1_credential()
    sparse = copy.deepcopy(full)
    for name in ("issuer", "id", "issuanceDate"):
        sparse.pop(name)
    del sparse["credentialSubject"]["id"]
    payload = {**jwt.claims_for({**full, "issuer": PAIR.did_key}), "vc": sparse}
    parts = jwt.decode_jwt(forge({"alg": "EdDSA", "typ": "JWT"}, payload))
    assert parts.credential == {**full, "issuer": PAIR.did_key}
    assert jwt.check_claims(parts) == []
