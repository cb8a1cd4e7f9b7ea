"""Verification bundles: a credential that verifies without its issuer's server.

A **verification bundle** is one JSON document holding everything a verifier would otherwise fetch from the
issuer: the credential, the issuer's DID document as it was when the bundle was made, and the signed status list
credential(s) the credential names, as of a stated time. With it, ``microcred verify --offline BUNDLE`` checks a
``did:web`` credential with no network at all, and says how old the status it saw is.

Format (version 1), media type ``application/vnd.microcred.verification-bundle+json``, file suffix
``.bundle.json``::

    {
      "type": "VerificationBundle",
      "version": 1,
      "mediaType": "application/vnd.microcred.verification-bundle+json",
      "created": "2026-12-05T16:00:00Z",
      "credential": { …signed JSON-LD credential… }   or   "eyJ… (a VC-JWT, compact form)",
      "didDocuments": { "did:web:…": { …the issuer's DID document… } },
      "statusLists": { "https://…/status/…": { …signed BitstringStatusListCredential… } },
      "statusCheckedAt": "2026-12-05T16:00:00Z",
      "digests": { "credential": "sha256-…", "didDocuments": "sha256-…", "statusLists": "sha256-…" },
      "proof": { "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                 "verificationMethod": "did:web:…#z6Mk…", "proofPurpose": "assertionMethod", … }
    }

Each digest is ``sha256-`` + hex SHA-256 of the part's RFC 8785 (JCS) form, so a changed part is named; the
``proof`` is an ``eddsa-jcs-2022`` Data Integrity proof over the whole envelope (digests included) by a key of the
credential's issuer that the bundled DID document lists under ``assertionMethod``. The credential and each status
list keep their own proofs and are verified as usual (``microcred.vc.verify``), with a resolver that answers only
from the bundle.

What a bundle proves and does not: it cannot prove that the DID document in it *was* the issuer's (offline, no one
can: a did:web is only as good as its host). What it proves is that the issuer's key signed this credential, this
DID document and this status list together, and that nothing was changed since. A verifier that can reach the
issuer may still compare. The status is the status at ``statusCheckedAt``; a revocation after that is not in it,
which is why the age is always reported.

Verification never raises: :func:`verify_bundle` returns a :class:`BundleReport` whose ``reason`` is one of
``REASONS`` when the bundle itself is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

from microcred.vc import data_integrity, did, verify
from microcred.vc.errors import ResolutionError, VCError
from microcred.vc.keys import Ed25519KeyPair

BUNDLE_TYPE = "VerificationBundle"
BUNDLE_VERSION = 1
MEDIA_TYPE = "application/vnd.microcred.verification-bundle+json"
FILE_SUFFIX = ".bundle.json"
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_DID_DOCUMENTS = 8
MAX_STATUS_LISTS = 8
PARTS = ("credential", "didDocuments", "statusLists")

NOT_JSON = "bundle_not_json"
TOO_LARGE = "bundle_too_large"
MALFORMED = "bundle_malformed"
VERSION_UNSUPPORTED = "bundle_version_unsupported"
SIGNATURE_MISSING = "bundle_signature_missing"
SIGNATURE_INVALID = "bundle_signature_invalid"
SIGNER_UNKNOWN = "bundle_signer_unknown"
SIGNER_NOT_ISSUER = "bundle_signer_not_issuer"
CREDENTIAL_ALTERED = "bundle_credential_altered"
DID_DOCUMENT_ALTERED = "bundle_did_document_altered"
STATUS_LIST_ALTERED = "bundle_status_list_altered"
CREDENTIAL_INVALID = "bundle_credential_invalid"
ALTERED = {"credential": CREDENTIAL_ALTERED, "didDocuments": DID_DOCUMENT_ALTERED, "statusLists": STATUS_LIST_ALTERED}
REASONS = (
    NOT_JSON,
    TOO_LARGE,
    MALFORMED,
    VERSION_UNSUPPORTED,
    SIGNATURE_MISSING,
    SIGNATURE_INVALID,
    SIGNER_UNKNOWN,
    SIGNER_NOT_ISSUER,
    CREDENTIAL_ALTERED,
    DID_DOCUMENT_ALTERED,
    STATUS_LIST_ALTERED,
    CREDENTIAL_INVALID,
)


class BundleError(VCError):
    code = MALFORMED


def digest(value: Any) -> str:
    return "sha256-" + hashlib.sha256(rfc8785.dumps(value)).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(
    credential: dict[str, Any] | str,
    *,
    did_documents: Mapping[str, dict[str, Any]],
    status_lists: Mapping[str, dict[str, Any]],
    status_checked_at: str,
    key: Ed25519KeyPair,
    verification_method: str,
    created: str | None = None,
) -> dict[str, Any]:
    """The signed bundle (see the module docstring); ``key`` is the issuer's, named by ``verification_method``."""
    envelope: dict[str, Any] = {
        "type": BUNDLE_TYPE,
        "version": BUNDLE_VERSION,
        "mediaType": MEDIA_TYPE,
        "created": created or _now(),
        "credential": credential,
        "didDocuments": dict(did_documents),
        "statusLists": dict(status_lists),
        "statusCheckedAt": status_checked_at,
    }
    envelope["digests"] = {part: digest(envelope[part]) for part in PARTS}
    return data_integrity.sign(
        envelope,
        key,
        verification_method=verification_method,
        cryptosuite=data_integrity.EDDSA_JCS_2022,
        created=envelope["created"],
        single_proof=True,
    )


def is_bundle(value: Any) -> bool:
    """Whether parsed JSON claims to be a verification bundle (then :func:`verify_bundle` decides)."""
    return isinstance(value, dict) and value.get("type") == BUNDLE_TYPE


def looks_like_bundle(data: bytes | str) -> bool:
    """A cheap test on raw input: JSON that names the bundle type near its start or anywhere in it."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes | bytearray) else data
    return f'"{BUNDLE_TYPE}"' in text and '"statusCheckedAt"' in text


@dataclass
class BundleReport:
    valid: bool
    reason: str | None = None
    message: str = ""
    report: verify.Report | None = None
    status_checked_at: datetime | None = None
    signer: str | None = None

    def status_age_days(self, now: datetime | None = None) -> int | None:
        if self.status_checked_at is None:
            return None
        return max(0, ((now or datetime.now(UTC)) - self.status_checked_at).days)

    def status_sentence(self, now: datetime | None = None) -> str:
        days = self.status_age_days(now)
        if days is None or self.status_checked_at is None:
            return ""
        when = self.status_checked_at.strftime("%Y-%m-%d %H:%M UTC")
        return f"status as of {when}, {days} day{'s' if days != 1 else ''} ago"

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "reason": self.reason,
            "message": self.message,
            "signer": self.signer,
            "statusCheckedAt": self.status_checked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if self.status_checked_at
            else None,
            "statusAgeDays": self.status_age_days(),
            "report": self.report.to_json() if self.report is not None else None,
        }


def _refuse(reason: str, message: str, **extra: Any) -> BundleReport:
    return BundleReport(valid=False, reason=reason, message=message, **extra)


def _parse(data: dict[str, Any] | str | bytes) -> dict[str, Any] | BundleReport:
    if isinstance(data, dict):
        return data
    if len(data) > MAX_BYTES:
        return _refuse(TOO_LARGE, f"The bundle is larger than {MAX_BYTES // (1024 * 1024)} MiB.")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        if verify.json_depth_exceeds(text, MAX_DEPTH):
            return _refuse(MALFORMED, "The bundle is nested too deeply.")
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _refuse(NOT_JSON, "The bundle is not JSON text.")
    if not isinstance(value, dict):
        return _refuse(MALFORMED, "A bundle is a JSON object.")
    return value


def _shape(bundle: dict[str, Any]) -> BundleReport | None:
    if bundle.get("type") != BUNDLE_TYPE:
        return _refuse(MALFORMED, f"The document's type is not {BUNDLE_TYPE}.")
    if bundle.get("version") != BUNDLE_VERSION:
        return _refuse(VERSION_UNSUPPORTED, f"Bundle version {str(bundle.get('version'))[:20]!r} is not supported.")
    credential = bundle.get("credential")
    if not isinstance(credential, dict | str):
        return _refuse(MALFORMED, "The bundle holds no credential.")
    for part, limit in (("didDocuments", MAX_DID_DOCUMENTS), ("statusLists", MAX_STATUS_LISTS)):
        value = bundle.get(part)
        if not isinstance(value, dict) or len(value) > limit:
            return _refuse(MALFORMED, f"The bundle's {part} is not an object of at most {limit} documents.")
        if not all(isinstance(key, str) and isinstance(item, dict) for key, item in value.items()):
            return _refuse(MALFORMED, f"The bundle's {part} holds something other than documents.")
    if not isinstance(bundle.get("digests"), dict):
        return _refuse(MALFORMED, "The bundle has no digests.")
    return None


def _checked_at(bundle: dict[str, Any]) -> datetime | BundleReport:
    value = bundle.get("statusCheckedAt")
    if not isinstance(value, str) or not data_integrity.is_xml_datetime(value):
        return _refuse(MALFORMED, "The bundle's statusCheckedAt is not a date and time.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _refuse(MALFORMED, "The bundle's statusCheckedAt is not a date and time.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _credential_issuer(credential: dict[str, Any] | str) -> str | None:
    if isinstance(credential, str):
        from microcred.vc import jwt

        try:
            payload = json.loads(jwt.b64url_decode(credential.split(".")[1], "payload"))
        except (VCError, IndexError, ValueError, RecursionError):
            return None  # a malformed JWT fails the credential's own check later
        if not isinstance(payload, dict):
            return None
        if isinstance(payload.get("iss"), str):
            return payload["iss"]
        credential = payload.get("vc", payload)
        if not isinstance(credential, dict):
            return None
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def _offline(url: str) -> bytes:
    raise ResolutionError(f"{url[:200]} is not in the bundle (offline).", code="resolution_network_refused")


def _signature(bundle: dict[str, Any], resolver: did.Resolver) -> BundleReport | str:
    proofs = data_integrity.proofs_of(bundle)
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        return _refuse(SIGNATURE_MISSING, "The bundle is not signed (it needs exactly one proof).")
    proof = proofs[0]
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        return _refuse(SIGNATURE_MISSING, "The bundle's proof names no key.")
    try:
        method = resolver.resolve_verification_method(method_id)
        authorized = resolver.controller_authorizes(method.controller, method.id)
    except VCError as error:
        return _refuse(SIGNER_UNKNOWN, f"The key that signed the bundle is not in its DID documents ({error.code}).")
    if not authorized:
        return _refuse(SIGNER_UNKNOWN, "The key that signed the bundle is not an assertion key of its DID document.")
    try:
        data_integrity.verify_proof(bundle, proof, method.public_key)
    except VCError as error:
        return _refuse(SIGNATURE_INVALID, f"The bundle's signature does not match its contents ({error.code}).")
    return method.controller


def verify_bundle(
    data: dict[str, Any] | str | bytes, *, now: datetime | None = None, check_status: bool = True
) -> BundleReport:
    """Check a bundle offline: its shape, each part's digest, its signature, then the credential. Never raises."""
    try:
        return _verify_bundle(data, now=now, check_status=check_status)
    except Exception as error:
        return _refuse(MALFORMED, f"The bundle could not be read ({type(error).__name__}).")


def _verify_bundle(data: dict[str, Any] | str | bytes, *, now: datetime | None, check_status: bool) -> BundleReport:
    bundle = _parse(data)
    if isinstance(bundle, BundleReport):
        return bundle
    refused = _shape(bundle)
    if refused is not None:
        return refused
    checked_at = _checked_at(bundle)
    if isinstance(checked_at, BundleReport):
        return checked_at
    for part in PARTS:
        if bundle["digests"].get(part) != digest(bundle[part]):
            return _refuse(ALTERED[part], f"The bundle's {part} is not what was signed (its digest differs).")
    documents = bundle["didDocuments"]
    resolver = did.Resolver(_offline, documents=documents, cache_seconds=0)
    signer = _signature(bundle, resolver)
    if isinstance(signer, BundleReport):
        return signer
    issuer = _credential_issuer(bundle["credential"])
    if issuer is None or issuer.split("#", 1)[0] != signer:
        return _refuse(SIGNER_NOT_ISSUER, "The bundle was not signed by the credential's issuer.", signer=signer)
    status_lists = bundle["statusLists"]

    def status_fetcher(url: str) -> Any:
        if url in status_lists:
            return json.loads(json.dumps(status_lists[url]))
        raise ResolutionError(f"The status list {url[:200]} is not in the bundle.", code="resolution_network_refused")

    report = verify.verify(
        bundle["credential"], resolver=resolver, status_fetcher=status_fetcher, now=now, check_status=check_status
    )
    if not report.valid:
        failure = report.first_failure
        detail = f"{failure.code}: {failure.reason}" if failure is not None else "not valid"
        return BundleReport(
            valid=False,
            reason=CREDENTIAL_INVALID,
            message=f"The credential in the bundle is not valid ({detail}).",
            report=report,
            status_checked_at=checked_at,
            signer=signer,
        )
    return BundleReport(
        valid=True,
        message="The bundle and its credential are valid.",
        report=report,
        status_checked_at=checked_at,
        signer=signer,
    )
