"""Data Integrity proofs (``DataIntegrityProof``) with the cryptosuites ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``.

Exactly the algorithms of W3C vc-di-eddsa and VC Data Integrity 1.0:

* the document without its ``proof`` is canonicalized (RDFC-1.0 N-Quads, or RFC 8785 JCS);
* the proof configuration (the proof without ``proofValue``, with the document's ``@context``) is
  canonicalized the same way;
* the Ed25519 signature covers SHA-256(canonical proof configuration) ‖ SHA-256(canonical document),
  and ``proofValue`` is its multibase base58-btc form (``z…``).

Proof sets (several independent proofs) and proof chains (``previousProof``) follow Data Integrity
§4.2–4.5: a proof that names previous proofs signs, and is verified over, the document together with
exactly those proofs. :func:`sign` emits ``proof`` as an array (or, asked to, one object when it is the only proof)
and keeps the proofs already there; :func:`proofs_of` reads both forms.

The legacy ``Ed25519Signature2020`` suite is verified too (never made), for wallets that still sign with it.

Which key may sign for which issuer is not decided here: :func:`verify_proof` checks one proof against
the public key it is given; resolving ``verificationMethod`` and checking its controller is the verifier's.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

from microcred.vc.canonical import canonicalize
from microcred.vc.errors import CanonicalizationError, InvalidKey, ProofError
from microcred.vc.keys import (
    Ed25519KeyPair,
    decode_multibase_base58btc,
    encode_multibase_base58btc,
    verify_signature,
)
from microcred.vc.loader import CREDENTIALS_V2, DATA_INTEGRITY_V2, Loader

PROOF_TYPE = "DataIntegrityProof"
# The legacy suite (W3C CCG "Ed25519Signature 2020", https://w3id.org/security/suites/ed25519-2020/v1): verified,
# never made. Wallets such as the DCC Learner Credential Wallet still sign with it.
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
SUPPORTED_CRYPTOSUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022)

REQUIRED_PROOF_PROPERTIES = ("type", "cryptosuite", "verificationMethod", "proofPurpose")

_XSD_DATE_TIME = re.compile(
    r"^-?(?P<year>[0-9]{4,})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.[0-9]+)?"
    r"(?P<zone>Z|[+-](?:[0-9]{2}):[0-9]{2})?$"
)


_BASE58BTC_MULTIBASE = re.compile(r"z[1-9A-HJ-NP-Za-km-z]{1,128}")


@dataclass(frozen=True)
class SigningInput:
    """What a proof signs, with the intermediate values the W3C test vectors list."""

    canonical_document: bytes
    canonical_proof_config: bytes

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document).digest()

    @property
    def proof_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config).digest()

    @property
    def hash_data(self) -> bytes:
        return self.proof_hash + self.document_hash


def is_xml_datetime(value: Any) -> bool:
    """True for an XML Schema ``dateTime`` (time zone optional) that names a real instant."""
    if not isinstance(value, str):
        return False
    match = _XSD_DATE_TIME.fullmatch(value)
    if match is None:
        return False
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if year == 0 or int(match["hour"]) > 23 or int(match["minute"]) > 59 or int(match["second"]) > 59:
        return False  # (XML Schema's 24:00:00 is refused too: no issuer writes it)
    try:
        datetime(min(year, 9999), month, day)
    except ValueError:
        return False
    zone = match["zone"]
    if zone and zone != "Z":
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
        if zone_minutes > 59 or zone_hours > 14 or (zone_hours == 14 and zone_minutes):
            return False
    return True


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's proofs, whether ``proof`` is one object or an array (none: an empty list)."""
    if not isinstance(document, dict):
        raise ProofError("A secured document must be a JSON object.", code="proof_malformed")
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    if not all(isinstance(item, dict) for item in proofs):
        raise ProofError("Every proof must be a JSON object.", code="proof_malformed")
    return list(proofs)


def _previous_ids(previous_proof: Any) -> list[str]:
    ids = [previous_proof] if isinstance(previous_proof, str) else previous_proof
    if not isinstance(ids, list) or not ids or not all(isinstance(item, str) and item for item in ids):
        raise ProofError(
            "previousProof must be a proof id or a non-empty list of proof ids.", code="proof_malformed"
        )
    return ids


def _document_to_secure(document: dict[str, Any], all_proofs: list[dict[str, Any]], previous_proof: Any) -> dict:
    """The document without proofs, or with exactly the previous proofs a chained proof names."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    if previous_proof is None:
        return unsecured
    matching = []
    for proof_id in _previous_ids(previous_proof):
        found = [proof for proof in all_proofs if proof.get("id") == proof_id]
        if not found:
            raise ProofError(
                f"The previous proof {proof_id!r} is not among the document's proofs.", code="proof_malformed"
            )
        matching.extend(found)
    unsecured["proof"] = matching
    return unsecured


def _jcs(value: Any) -> bytes:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise CanonicalizationError(f"The document cannot be written as JCS (RFC 8785): {error}") from None
    except RecursionError:
        raise CanonicalizationError("The document is nested too deeply.", code="canonicalization_limit") from None


def signing_input(
    document: dict[str, Any], proof_options: dict[str, Any], *, loader: Loader | None = None
) -> SigningInput:
    """Canonical forms for ``document`` (already without the proofs it must not include) and a proof.

    ``proof_options`` is the proof without ``proofValue``; its ``@context``, if any, replaces the
    document's (vc-di-eddsa "Verify Proof" step 4). The proof configuration gets the document's
    ``@context``.
    """
    cryptosuite = proof_options.get("cryptosuite")
    document = dict(document)
    if "@context" in proof_options:
        document["@context"] = proof_options["@context"]
    proof_config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    if "@context" in document:
        proof_config["@context"] = document["@context"]
    if cryptosuite == EDDSA_RDFC_2022:
        return SigningInput(
            canonical_document=canonicalize(document, loader=loader).encode("utf-8"),
            canonical_proof_config=canonicalize(proof_config, loader=loader).encode("utf-8"),
        )
    if cryptosuite == EDDSA_JCS_2022:
        return SigningInput(canonical_document=_jcs(document), canonical_proof_config=_jcs(proof_config))
    raise ProofError(
        f"The cryptosuite {cryptosuite!r} is not supported (only {', '.join(SUPPORTED_CRYPTOSUITES)}).",
        code="cryptosuite_unsupported",
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: dict[str, Any],
    key: Ed25519KeyPair,
    *,
    verification_method: str,
    cryptosuite: str = EDDSA_RDFC_2022,
    created: str | None = None,
    proof_purpose: str = "assertionMethod",
    previous_proof: str | list[str] | None = None,
    proof_id: str | None = None,
    loader: Loader | None = None,
    single_proof: bool = False,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """A new document: ``document`` with a ``DataIntegrityProof`` added to its ``proof`` array.

    Existing proofs are kept (a proof set); ``previous_proof`` names the proof(s) this one chains to.
    ``single_proof``: when the new proof is the document's only one, ``proof`` is that object rather than a
    one-element array (the VC-API issuer test suite expects it; the strict OB 3.0 JSON Schema wants the array).
    ``created`` defaults to now (UTC, whole seconds). A document whose terms JSON-LD would drop is
    refused (:class:`CanonicalizationError` ``undefined_term``), for either cryptosuite.
    """
    if cryptosuite not in SUPPORTED_CRYPTOSUITES:
        raise ProofError(
            f"The cryptosuite {cryptosuite!r} is not supported (only {', '.join(SUPPORTED_CRYPTOSUITES)}).",
            code="cryptosuite_unsupported",
        )
    if not isinstance(verification_method, str) or not verification_method:
        raise ProofError("A proof needs a verification method.", code="proof_malformed")
    if created is None:
        created = _now()
    elif not is_xml_datetime(created):
        raise ProofError(f"created {created!r} is not an XML Schema dateTime.", code="proof_malformed")

    existing = proofs_of(document)
    if not existing:
        document = _with_suite_context(document)
    proof: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        proof["id"] = proof_id
    proof.update(
        cryptosuite=cryptosuite,
        created=created,
        verificationMethod=verification_method,
        proofPurpose=proof_purpose,
    )
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    if challenge is not None:  # an authentication proof's options (a presentation for DID authentication)
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    to_secure = _document_to_secure(document, existing, previous_proof)
    if cryptosuite == EDDSA_JCS_2022 and "@context" in to_secure:
        # JCS signs the JSON as written, but what JSON-LD would drop still means nothing to a reader.
        canonicalize({key_: value for key_, value in to_secure.items() if key_ != "proof"}, loader=loader)
        proof["@context"] = copy.deepcopy(to_secure["@context"])

    data = signing_input(to_secure, proof, loader=loader)
    proof["proofValue"] = encode_multibase_base58btc(key.sign(data.hash_data))

    secured = copy.deepcopy({key_: value for key_, value in document.items() if key_ != "proof"})
    secured["proof"] = proof if single_proof and not existing else [*copy.deepcopy(existing), proof]
    return secured


def _with_suite_context(document: dict[str, Any]) -> dict[str, Any]:
    """A VC 1.1 document gets the Data Integrity context appended, as the reference libraries add it.

    VC 2.0's context defines the proof terms already; without them a 1.1 proof's terms would be dropped.
    """
    context = document.get("@context")
    if context is None:
        return document
    contexts = context if isinstance(context, list) else [context]
    if CREDENTIALS_V2 in contexts or DATA_INTEGRITY_V2 in contexts:
        return document
    return {**document, "@context": [*contexts, DATA_INTEGRITY_V2]}


def _check_proof(proof: Any) -> None:
    if not isinstance(proof, dict):
        raise ProofError("A proof must be a JSON object.", code="proof_malformed")
    for name in REQUIRED_PROOF_PROPERTIES:
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise ProofError(f"The proof has no {name}.", code="proof_malformed")
    if "proofValue" not in proof:
        raise ProofError("The proof has no proofValue.", code="proof_malformed")
    for name, value in proof.items():
        # JSON-LD reads null and [] as no value, so they could be added to a signed proof unnoticed.
        if value is None or value == []:
            raise ProofError(f"The proof's {name} is empty.", code="proof_malformed")
    if proof["type"] != PROOF_TYPE:
        raise ProofError(f"The proof type is {proof['type']!r}, not {PROOF_TYPE!r}.", code="proof_malformed")
    if proof["cryptosuite"] not in SUPPORTED_CRYPTOSUITES:
        raise ProofError(
            f"The cryptosuite {proof['cryptosuite']!r} is not supported (only {', '.join(SUPPORTED_CRYPTOSUITES)}).",
            code="cryptosuite_unsupported",
        )
    if "created" in proof and not is_xml_datetime(proof["created"]):
        raise ProofError(
            f"The proof's created {proof['created']!r} is not an XML Schema dateTime.", code="proof_malformed"
        )


def _check_context_prefix(document: dict[str, Any], proof: dict[str, Any]) -> None:
    if "@context" not in proof:
        return
    proof_context = proof["@context"]
    proof_context = proof_context if isinstance(proof_context, list) else [proof_context]
    document_context = document.get("@context")
    document_context = document_context if isinstance(document_context, list) else [document_context]
    if document_context[: len(proof_context)] != proof_context:
        raise ProofError(
            "The proof's @context does not match the start of the document's @context.", code="proof_malformed"
        )


def _decode_proof_value(proof_value: Any) -> bytes:
    # The alphabet is checked here because the base58 library forgives surrounding whitespace.
    if not isinstance(proof_value, str) or _BASE58BTC_MULTIBASE.fullmatch(proof_value) is None:
        raise ProofError(
            "proofValue must be a multibase base58-btc string (starting with 'z').", code="proof_value_malformed"
        )
    try:
        signature = decode_multibase_base58btc(proof_value)
    except InvalidKey:
        raise ProofError("proofValue is not valid base58-btc.", code="proof_value_malformed") from None
    if len(signature) != 64:
        raise ProofError(
            f"proofValue holds {len(signature)} bytes; an Ed25519 signature has 64.", code="proof_value_malformed"
        )
    return signature


def verify_proof(
    document: dict[str, Any], proof: dict[str, Any], public_key: bytes, *, loader: Loader | None = None
) -> None:
    """Check one of the document's proofs with the given Ed25519 public key; return quietly or raise.

    :class:`ProofError` codes: ``proof_malformed``, ``cryptosuite_unsupported``, ``proof_value_malformed``,
    ``signature_invalid``; :class:`CanonicalizationError` and :class:`ContextError` pass through.
    """
    if not isinstance(public_key, bytes | bytearray):
        raise InvalidKey("The public key must be given as raw bytes.")
    all_proofs = proofs_of(document)
    if isinstance(proof, dict) and proof.get("type") == ED25519_SIGNATURE_2020:
        _verify_ed25519_signature_2020(document, proof, bytes(public_key), loader=loader)
        return
    _check_proof(proof)
    signature = _decode_proof_value(proof["proofValue"])
    _check_context_prefix(document, proof)
    to_verify = _document_to_secure(document, all_proofs, proof.get("previousProof"))
    data = signing_input(to_verify, proof, loader=loader)
    if not verify_signature(bytes(public_key), signature, data.hash_data):
        raise ProofError("The signature does not match the document and the key.", code="signature_invalid")


ED25519_2020_REQUIRED = ("type", "created", "verificationMethod", "proofPurpose", "proofValue")


def _verify_ed25519_signature_2020(
    document: dict[str, Any], proof: dict[str, Any], public_key: bytes, *, loader: Loader | None = None
) -> None:
    """Check an ``Ed25519Signature2020`` proof (W3C CCG Ed25519Signature2020, as jsonld-signatures computes it).

    The document without its proofs and the proof options (the proof without ``proofValue``, under the document's
    ``@context`` unless the proof has its own) are canonicalized with RDFC-1.0; the Ed25519 signature covers
    SHA-256(canonical proof options) ‖ SHA-256(canonical document). The document must use the suite's context, or
    the proof's terms would mean nothing. No proof chains: the suite predates them.
    """
    for name in ED25519_2020_REQUIRED:
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise ProofError(f"The proof has no {name}.", code="proof_malformed")
    for name, value in proof.items():
        if value is None or value == []:
            raise ProofError(f"The proof's {name} is empty.", code="proof_malformed")
    if "previousProof" in proof:
        raise ProofError("Ed25519Signature2020 proofs are not chained.", code="proof_malformed")
    if not is_xml_datetime(proof["created"]):
        raise ProofError(
            f"The proof's created {proof['created']!r} is not an XML Schema dateTime.", code="proof_malformed"
        )
    contexts = proof.get("@context", document.get("@context"))
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if ED25519_2020_CONTEXT not in contexts:
        raise ProofError(
            f"An Ed25519Signature2020 proof needs the context {ED25519_2020_CONTEXT}.", code="proof_malformed"
        )
    signature = _decode_proof_value(proof["proofValue"])
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {"@context": document.get("@context")}
    options.update({key: value for key, value in proof.items() if key not in ("proofValue", "jws", "signatureValue")})
    data = SigningInput(
        canonical_document=canonicalize(unsecured, loader=loader).encode("utf-8"),
        canonical_proof_config=canonicalize(options, loader=loader).encode("utf-8"),
    )
    if not verify_signature(public_key, signature, data.hash_data):
        raise ProofError("The signature does not match the document and the key.", code="signature_invalid")
