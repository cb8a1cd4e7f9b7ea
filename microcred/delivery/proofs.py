"""OID4VCI key proofs (``proof_type: jwt``): who holds the key the credential is bound to.

The JOSE work (parsing, JWK import, signature checks) is joserfc's; this module only decides which key the proof
names (``kid`` as did:key / did:jwk, or a ``jwk`` header) and checks the claims OID4VCI 1.0 §8.2.1.1 requires.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from microcred.vc.errors import VCError
from microcred.vc.keys import public_key_from_did_key

PROOF_TYP = "openid4vci-proof+jwt"
# "Ed25519" is RFC 9864's fully-specified name for EdDSA on Ed25519, which deprecates "EdDSA"; wallets still send
# "EdDSA", so both are accepted, for the same keys.
ED25519_ALGORITHMS = ("EdDSA", "Ed25519")
ALGORITHMS = (*ED25519_ALGORITHMS, "ES256")
MAX_PROOF_CHARS = 8192
MAX_SKEW_SECONDS = 60  # a proof may be this far in the future (clocks differ)


class ProofRefused(Exception):
    """The proof is refused; ``error`` is the OID4VCI error code (invalid_proof or invalid_nonce)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class KeyProof:
    holder_id: str  # the DID the credential is bound to
    nonce: str
    public_jwk: dict[str, Any]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _public_only(jwk: Any) -> dict[str, Any]:
    if not isinstance(jwk, dict) or "d" in jwk:
        raise ProofRefused("invalid_proof", "The jwk header must be a public key.")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519" and isinstance(jwk.get("x"), str):
        return {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]}
    if kty == "EC" and crv == "P-256" and isinstance(jwk.get("x"), str) and isinstance(jwk.get("y"), str):
        return {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"]}
    raise ProofRefused("invalid_proof", "Only Ed25519 (OKP) and P-256 (EC) keys are accepted.")


def did_jwk(jwk: dict[str, Any]) -> str:
    """The did:jwk of a public JWK (its members in a fixed order, so one key has one DID)."""
    return "did:jwk:" + _b64url(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode("utf-8"))


def _key_of_kid(kid: str) -> tuple[str, dict[str, Any]]:
    """(holder DID, public JWK) of a ``kid`` naming a did:key or did:jwk verification method."""
    did = kid.split("#", 1)[0]
    if did.startswith("did:key:"):
        try:
            public = public_key_from_did_key(did)
        except (VCError, ValueError) as error:
            raise ProofRefused("invalid_proof", "The kid is not an Ed25519 did:key.") from error
        if kid != did and kid.split("#", 1)[1] != did.removeprefix("did:key:"):
            raise ProofRefused("invalid_proof", "The kid's fragment does not name the did:key's key.")
        return did, {"kty": "OKP", "crv": "Ed25519", "x": _b64url(public)}
    if did.startswith("did:jwk:"):
        try:
            jwk = json.loads(_b64url_decode(did.removeprefix("did:jwk:")))
        except (ValueError, UnicodeDecodeError) as error:
            raise ProofRefused("invalid_proof", "The kid is not a did:jwk.") from error
        if kid != did and kid.split("#", 1)[1] != "0":
            raise ProofRefused("invalid_proof", "A did:jwk's key is its fragment #0.")
        return did, _public_only(jwk)
    raise ProofRefused("invalid_proof", "The kid must be a did:key or did:jwk URL.")


def verify_key_proof(token: Any, *, audience: str, now: float | None = None, max_age: int = 300) -> KeyProof:
    """Check one ``jwt`` key proof: header, signature by the key it names, ``aud``, ``iat``; return the holder.

    The nonce is returned, not checked: the caller consumes it (it is state)."""
    if not isinstance(token, str) or not token or len(token) > MAX_PROOF_CHARS:
        raise ProofRefused("invalid_proof", "The proof must be a compact JWT.")
    try:
        compact = jws.extract_compact(token.encode("ascii"))
    except (JoseError, ValueError, UnicodeError) as error:
        raise ProofRefused("invalid_proof", "The proof is not a compact JWS.") from error
    header = compact.protected
    if header.get("typ") != PROOF_TYP:
        raise ProofRefused("invalid_proof", f"The proof's typ must be {PROOF_TYP}.")
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise ProofRefused("invalid_proof", "The proof's alg must be EdDSA, Ed25519 or ES256.")
    named = [name for name in ("kid", "jwk", "x5c", "key_attestation", "trust_chain") if name in header]
    if len(named) != 1 or named[0] not in ("kid", "jwk"):
        raise ProofRefused("invalid_proof", "The proof must name its key with exactly one of kid or jwk.")
    if "kid" in header:
        if not isinstance(header["kid"], str):
            raise ProofRefused("invalid_proof", "The kid must be a string.")
        holder_id, jwk = _key_of_kid(header["kid"])
    else:
        jwk = _public_only(header["jwk"])
        holder_id = did_jwk(jwk)
    if (jwk["kty"] == "OKP") != (algorithm in ED25519_ALGORITHMS):
        raise ProofRefused("invalid_proof", "The proof's alg does not fit its key.")
    try:
        key = JWKRegistry.import_key(jwk)
        jws.deserialize_compact(token.encode("ascii"), key, algorithms=[algorithm])
    except (JoseError, ValueError) as error:
        raise ProofRefused("invalid_proof", "The proof's signature is not the named key's.") from error
    try:
        claims = json.loads(compact.payload)
    except (ValueError, UnicodeDecodeError) as error:
        raise ProofRefused("invalid_proof", "The proof's payload is not JSON.") from error
    if not isinstance(claims, dict):
        raise ProofRefused("invalid_proof", "The proof's payload is not a JSON object.")
    aud = claims.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise ProofRefused("invalid_proof", "The proof's aud is not this credential issuer.")
    iat = claims.get("iat")
    now = time.time() if now is None else now
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise ProofRefused("invalid_proof", "The proof has no iat.")
    if iat > now + MAX_SKEW_SECONDS or iat < now - max_age:
        raise ProofRefused("invalid_proof", "The proof's iat is not recent.")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise ProofRefused("invalid_nonce", "The proof carries no c_nonce.")
    return KeyProof(holder_id=holder_id, nonce=nonce, public_jwk=jwk)
