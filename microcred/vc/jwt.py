"""VC-JWT: credentials secured as a compact JWS, the way Open Badges 3.0 §8.2 defines it.

What microcred emits (``sign_jwt``):

- JOSE header ``{"alg": "EdDSA", "kid": <verification method URL>, "typ": "JWT"}`` (OB 3.0 §8.2.3; no other
  header: OB forbids additional ones).
- For a VC 2.0 credential (OB 3.0.3): the payload IS the credential, with the JWT claims added at the top
  level (OB 3.0 §8.2.4.1): ``iss`` = ``issuer.id``, ``jti`` = ``id``, ``nbf`` = ``validFrom``, ``sub`` =
  ``credentialSubject.id`` (when the subject has one), ``exp`` = ``validUntil`` (when present). NumericDates
  are whole seconds (fractions are dropped).
- For a VC 1.1 credential (``issuanceDate``, OB 3.0.0–3.0.2): the VC-JWT 1.1 form, the credential in the
  ``vc`` claim beside the same claims (``nbf`` = ``issuanceDate``, ``exp`` = ``expirationDate``), as the
  wallets of that generation expect.

What it verifies (``decode_jwt`` + ``verify_jwt_signature`` + ``check_claims``):

- the two forms above, and the W3C VC-JOSE-COSE form (``typ`` ``vc+jwt`` or ``vc+ld+json+jwt``: the payload
  is the credential, JWT claims optional but consistent when present);
- ``alg`` EdDSA (Ed25519; also its RFC 9864 name ``Ed25519``), RS256 (RSA keys of at least 2048 bits) or
  ES256 (P-256), and nothing else: ``none`` and the HMAC algorithms are refused before any key is looked at;
- no ``crit`` header (microcred understands no extension), no ``b64``, a ``jwk`` header only if public;
- strict base64url (no padding, canonical), UTF-8 JSON objects without duplicate names or NaN, a size cap.

In the ``vc`` form, properties the ``vc`` claim leaves out are taken from ``iss``/``jti``/``nbf``/``sub``
(VC Data Model 1.1 §6.3.1). The OB claim rules (§8.2.6.1) are reported by :func:`check_claims` as
``(code, message)`` problems; in the OB and ``vc`` forms ``iss``, ``jti``, ``nbf`` and ``sub`` are required
whenever the credential has the property they mirror, and every claim present must equal it. As §8.2.6.1
says, an ``exp`` claim sets ``validUntil`` (``expirationDate`` for VC 1.1) when the credential has none.

The curve and RSA arithmetic are ``cryptography``'s; JWKs are imported with ``joserfc``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from microcred.vc.dates import format_date_time, parse_date_time
from microcred.vc.errors import LimitExceeded, ProofError, VCError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V1

MAX_TOKEN_LENGTH = 1024 * 1024
MAX_HEADER_LENGTH = 8 * 1024
ALLOWED_ALGS = ("EdDSA", "Ed25519", "RS256", "ES256")  # Ed25519: RFC 9864's name for EdDSA on Ed25519
MIN_RSA_BITS = 2048
MAX_NUMERIC_DATE = 253_402_300_799  # 9999-12-31T23:59:59Z, the last date a credential can write
REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
OB_TYPES = ("jwt",)  # and no typ at all
JOSE_COSE_TYPES = ("vc+jwt", "vc+ld+json+jwt")
FORM_OB = "ob"  # OB 3.0.3: the credential's members at the top level of the payload
FORM_VC_CLAIM = "vc-claim"  # VC-JWT 1.1: the credential in the ``vc`` claim
FORM_JOSE_COSE = "vc-jose-cose"  # W3C VC-JOSE-COSE: the payload is the credential

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class JwtParts:
    """A decoded compact JWS. ``credential`` is the credential it secures (a copy: safe to read)."""

    header: dict[str, Any]
    payload: dict[str, Any]
    credential: dict[str, Any]
    signing_input: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    form: str = FORM_OB

    @property
    def alg(self) -> str:
        return self.header["alg"]

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None

    @property
    def jwk(self) -> dict[str, Any] | None:
        jwk = self.header.get("jwk")
        return jwk if isinstance(jwk, dict) else None


def _malformed(message: str) -> VCError:
    return VCError(message, code="jwt_malformed")


# ---------------------------------------------------------------- encoding


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    """Strict base64url: the URL-safe alphabet, no padding, no stray bits (one string, one meaning)."""
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise _malformed(f"The JWT {what} is not base64url.")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _malformed(f"The JWT {what} is not base64url.") from exc
    if b64url_encode(data) != text:
        raise _malformed(f"The JWT {what} is not canonical base64url.")
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _malformed("A JWT part repeats a member name.")
    return result


def _refuse_constant(name: str) -> Any:
    raise _malformed(f"A JWT part contains {name}, which is not JSON.")


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise _malformed(f"The JWT {what} is not UTF-8.") from exc
    except RecursionError as exc:
        raise _malformed(f"The JWT {what} is nested too deeply.") from exc
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise _malformed(f"The JWT {what} is not JSON.") from exc
    if not isinstance(value, dict):
        raise _malformed(f"The JWT {what} is not a JSON object.")
    return value


def _json_bytes(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


# ---------------------------------------------------------------- claims


def _is_vc1(credential: Mapping[str, Any]) -> bool:
    context = credential.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    return first == CREDENTIALS_V1 or ("issuanceDate" in credential and "validFrom" not in credential)


def _date_names(credential: Mapping[str, Any]) -> tuple[str, str]:
    return ("issuanceDate", "expirationDate") if _is_vc1(credential) else ("validFrom", "validUntil")


def _issuer_id(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def _subject_id(credential: Mapping[str, Any]) -> Any:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if len(subject) == 1 else None
    return subject.get("id") if isinstance(subject, Mapping) else None


def _numeric_date(value: Any, name: str) -> int:
    moment = parse_date_time(value) if isinstance(value, str) else None
    if moment is None:
        raise VCError(f"The credential's {name} is not a date-time.", code="credential_malformed")
    return int(moment.timestamp() // 1)


def claims_for(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT claims that mirror a credential (``iss``, ``jti``, ``nbf``, ``sub``, ``exp``)."""
    start_name, end_name = _date_names(credential)
    claims: dict[str, Any] = {}
    issuer = _issuer_id(credential)
    if not isinstance(issuer, str) or not issuer:
        raise VCError("The credential has no issuer id.", code="credential_malformed")
    claims["iss"] = issuer
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    if start_name in credential:
        claims["nbf"] = _numeric_date(credential[start_name], start_name)
    subject = _subject_id(credential)
    if isinstance(subject, str):
        claims["sub"] = subject
    if end_name in credential:
        claims["exp"] = _numeric_date(credential[end_name], end_name)
    return claims


def _payload_for(credential: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(credential, Mapping):
        raise VCError("A credential is a JSON object.", code="credential_malformed")
    claims = claims_for(credential)
    if _is_vc1(credential):
        return {**claims, "vc": dict(credential)}
    clashing = sorted(set(credential) & set(REGISTERED_CLAIMS))
    if clashing or "vc" in credential:
        raise VCError(
            f"The credential has JWT claim names as members: {clashing or ['vc']}.", code="credential_malformed"
        )
    return {**credential, **claims}


# ---------------------------------------------------------------- signing


def _compact(header: Mapping[str, Any], payload: Mapping[str, Any], sign: Any) -> str:
    signing_input = (b64url_encode(_json_bytes(header)) + "." + b64url_encode(_json_bytes(payload))).encode("ascii")
    return signing_input.decode("ascii") + "." + b64url_encode(sign(signing_input))


def sign_jwt(credential: dict[str, Any], key: Ed25519KeyPair, *, kid: str) -> str:
    """The credential as an OB 3.0 VC-JWT signed with EdDSA (Ed25519); ``kid`` names the verification method."""
    return _compact({"alg": "EdDSA", "kid": kid, "typ": "JWT"}, _payload_for(credential), key.sign)


def sign_jwt_rs256(credential: dict[str, Any], private_key_pem: bytes, *, kid: str) -> str:
    """The credential as an OB 3.0 VC-JWT signed with RS256 (RSASSA-PKCS1-v1_5, SHA-256)."""
    private_key = serialization.load_pem_private_key(private_key_pem, password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey) or private_key.key_size < MIN_RSA_BITS:
        raise VCError(f"RS256 needs an RSA key of at least {MIN_RSA_BITS} bits.", code="invalid_key")
    return _compact(
        {"alg": "RS256", "kid": kid, "typ": "JWT"},
        _payload_for(credential),
        lambda data: private_key.sign(data, padding.PKCS1v15(), hashes.SHA256()),
    )


# ---------------------------------------------------------------- decoding


def _check_header(header: dict[str, Any]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise _malformed("The JWT header has no alg.")
    if alg not in ALLOWED_ALGS:
        raise VCError(
            f"The JWT algorithm {alg!r} is not allowed (only {', '.join(ALLOWED_ALGS)}).", code="jwt_alg_not_allowed"
        )
    if "crit" in header:
        raise _malformed("The JWT header has critical extensions (crit), which microcred does not understand.")
    if "b64" in header:
        raise _malformed("Unencoded JWS payloads (b64) are not credentials.")
    if "kid" in header and (not isinstance(header["kid"], str) or not header["kid"] or len(header["kid"]) > 2048):
        raise _malformed("The JWT kid is not a URI.")
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
            raise _malformed("The JWT jwk header is not a JSON Web Key.")
        if any(name in jwk for name in ("d", "p", "q", "dp", "dq", "qi", "k")):
            raise _malformed("The JWT jwk header contains private key material.")
    typ = header.get("typ")
    if typ is None:
        return FORM_OB
    if not isinstance(typ, str):
        raise _malformed("The JWT typ is not a string.")
    media = typ.lower().removeprefix("application/")
    if media in OB_TYPES:
        return FORM_OB
    if media in JOSE_COSE_TYPES:
        return FORM_JOSE_COSE
    raise _malformed(f"The JWT typ {typ!r} is not a credential's.")


def _credential_of(payload: dict[str, Any], form: str) -> tuple[dict[str, Any], str]:
    if "vc" in payload:
        if not isinstance(payload["vc"], dict):
            raise _malformed("The JWT vc claim is not a JSON object.")
        if "@context" in payload:
            raise _malformed("The JWT payload has both a vc claim and credential members.")
        credential = _detached(payload["vc"])
        _fill_from_claims(credential, payload)
        return credential, FORM_VC_CLAIM
    credential = _detached({name: value for name, value in payload.items() if name not in REGISTERED_CLAIMS})
    return credential, form


def _detached(credential: dict[str, Any]) -> dict[str, Any]:
    """A copy that decoding may fill in without touching the payload: only the top level and the subject
    are ever written to, so copying those is enough (a deep copy cost a third of a VC-JWT check)."""
    copied = dict(credential)
    if isinstance(copied.get("credentialSubject"), dict):
        copied["credentialSubject"] = dict(copied["credentialSubject"])
    return copied


def _fill_from_claims(credential: dict[str, Any], payload: Mapping[str, Any]) -> None:
    """VC-JWT 1.1 (VC Data Model 1.1 §6.3.1) lets the ``vc`` claim leave out what the JWT claims say; the
    decoded credential gets it back from them. A property present in both is compared later, never replaced."""
    if "issuer" not in credential and isinstance(payload.get("iss"), str):
        credential["issuer"] = payload["iss"]
    if "id" not in credential and isinstance(payload.get("jti"), str):
        credential["id"] = payload["jti"]
    start_name, _ = _date_names(credential)
    if start_name not in credential and _is_numeric_date(payload.get("nbf")):
        credential[start_name] = format_date_time(datetime.fromtimestamp(int(payload["nbf"] // 1), tz=UTC))
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        subject["id"] = payload["sub"]


def decode_jwt(token: str | bytes) -> JwtParts:
    """Parse a compact JWS VC-JWT without verifying it. Raises ``VCError`` (``jwt_malformed``,
    ``jwt_alg_not_allowed``) or :class:`LimitExceeded`."""
    if isinstance(token, bytes | bytearray):
        if len(token) > MAX_TOKEN_LENGTH + 64:
            raise LimitExceeded(f"The JWT is longer than {MAX_TOKEN_LENGTH} bytes.")
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError as exc:
            raise _malformed("A JWT is ASCII text.") from exc
    if not isinstance(token, str):
        raise _malformed("A JWT is a string.")
    token = token.strip(" \t\r\n")
    if len(token) > MAX_TOKEN_LENGTH:
        raise LimitExceeded(f"The JWT is longer than {MAX_TOKEN_LENGTH} bytes.")
    pieces = token.split(".")
    if len(pieces) != 3:
        raise _malformed("A compact JWS has three parts separated by dots.")
    header_text, payload_text, signature_text = pieces
    if len(header_text) > MAX_HEADER_LENGTH:
        raise _malformed("The JWT header is too long.")
    header = _json_object(b64url_decode(header_text, "header"), "header")
    form = _check_header(header)
    payload = _json_object(b64url_decode(payload_text, "payload"), "payload")
    signature = b64url_decode(signature_text, "signature")
    if not signature:
        raise _malformed("The JWT has no signature.")
    credential, form = _credential_of(payload, form)
    _set_expiry_from_exp(credential, payload)
    return JwtParts(
        header=header,
        payload=payload,
        credential=credential,
        signing_input=f"{header_text}.{payload_text}".encode("ascii"),
        signature=signature,
        form=form,
    )


def _set_expiry_from_exp(credential: dict[str, Any], payload: Mapping[str, Any]) -> None:
    exp = payload.get("exp")
    _, end_name = _date_names(credential)
    if end_name not in credential and _is_numeric_date(exp):
        credential[end_name] = format_date_time(datetime.fromtimestamp(int(exp // 1), tz=UTC))


# ---------------------------------------------------------------- signature


def _public_key(key: bytes | Mapping[str, Any]) -> Any:
    if isinstance(key, bytes | bytearray):
        if len(key) != 32:
            raise ProofError("An Ed25519 public key has 32 bytes.", code="key_alg_mismatch")
        return Ed25519PublicKey.from_public_bytes(bytes(key))
    if isinstance(key, Mapping):
        if any(name in key for name in ("d", "k")):
            raise ProofError("A verification key must be public.", code="key_alg_mismatch")
        try:
            return JWKRegistry.import_key(dict(key)).public_key
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ProofError(f"The JSON Web Key cannot be used: {exc}", code="key_type_unsupported") from exc
    raise ProofError("The verification key is neither raw Ed25519 bytes nor a JWK.", code="key_type_unsupported")


def verify_jwt_signature(parts: JwtParts, key: bytes | Mapping[str, Any]) -> None:
    """Check the JWS signature with ``key``: raw Ed25519 public bytes, or a public JWK (OKP, RSA, EC).

    Raises :class:`ProofError`: ``signature_invalid``, or ``key_alg_mismatch`` when the key does not fit
    the header's ``alg`` (an RSA key for EdDSA, a short RSA key…), ``key_type_unsupported`` for unusable JWKs.
    """
    public_key = _public_key(key)
    alg = parts.alg
    data, signature = parts.signing_input, parts.signature
    try:
        if alg in ("EdDSA", "Ed25519") and isinstance(public_key, Ed25519PublicKey):
            public_key.verify(signature, data)
        elif alg == "RS256" and isinstance(public_key, rsa.RSAPublicKey):
            if public_key.key_size < MIN_RSA_BITS:
                raise ProofError(f"RSA keys under {MIN_RSA_BITS} bits are refused.", code="key_alg_mismatch")
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif (
            alg == "ES256"
            and isinstance(public_key, ec.EllipticCurvePublicKey)
            and isinstance(public_key.curve, ec.SECP256R1)
        ):
            if len(signature) != 64:
                raise InvalidSignature
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public_key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise ProofError(f"The key does not fit the JWT algorithm {alg}.", code="key_alg_mismatch")
    except InvalidSignature as exc:
        raise ProofError("The JWT signature does not verify with the issuer's key.", code="signature_invalid") from exc


# ---------------------------------------------------------------- OB claim rules


def _is_numeric_date(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= MAX_NUMERIC_DATE


def check_claims(parts: JwtParts) -> list[tuple[str, str]]:
    """The OB 3.0 §8.2.6.1 problems of a decoded VC-JWT, as ``(code, message)``; empty when the claims hold.

    Codes: ``jwt_claim_missing`` (a claim the credential requires is absent), ``jwt_claim_mismatch`` (a claim
    differs from the credential property it mirrors), ``jwt_claim_malformed`` (not a string / NumericDate).
    """
    payload, credential = parts.payload, parts.credential
    required = parts.form != FORM_JOSE_COSE
    problems: list[tuple[str, str]] = []
    start_name, end_name = _date_names(credential)

    def compare_uri(claim: str, expected: Any, what: str) -> None:
        if claim not in payload:
            if required and isinstance(expected, str):
                problems.append(("jwt_claim_missing", f"The JWT has no {claim} claim for the credential's {what}."))
            return
        value = payload[claim]
        if not isinstance(value, str):
            problems.append(("jwt_claim_malformed", f"The JWT {claim} claim is not a string."))
        elif value != expected:
            problems.append(("jwt_claim_mismatch", f"The JWT {claim} claim is not the credential's {what}."))

    def compare_date(claim: str, name: str) -> None:
        if claim not in payload:
            if required and name in credential:
                problems.append(("jwt_claim_missing", f"The JWT has no {claim} claim for the credential's {name}."))
            return
        value = payload[claim]
        if not _is_numeric_date(value):
            problems.append(("jwt_claim_malformed", f"The JWT {claim} claim is not a NumericDate."))
            return
        moment = parse_date_time(credential.get(name))  # type: ignore[arg-type]
        if moment is None or int(moment.timestamp() // 1) != int(value // 1):
            problems.append(("jwt_claim_mismatch", f"The JWT {claim} claim is not the credential's {name}."))

    compare_uri("iss", _issuer_id(credential), "issuer id")
    compare_uri("jti", credential.get("id"), "id")
    compare_uri("sub", _subject_id(credential), "subject id")
    compare_date("nbf", start_name)
    compare_date("exp", end_name)
    if "iat" in payload and not _is_numeric_date(payload["iat"]):
        problems.append(("jwt_claim_malformed", "The JWT iat claim is not a NumericDate."))
    return problems


def verify_jwt(token: str | bytes, key: bytes | Mapping[str, Any]) -> JwtParts:
    """Decode, check the signature and the OB claims in one call; the first problem is raised as ``VCError``."""
    parts = decode_jwt(token)
    verify_jwt_signature(parts, key)
    problems = check_claims(parts)
    if problems:
        code, message = problems[0]
        raise VCError(message, code=code)
    return parts
