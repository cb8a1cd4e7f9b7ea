"""Verification bundles of issued credentials, assembled from the database (format: ``microcred.vc.bundle``).

A bundle holds the credential, its issuer's DID document as published now (every key not withdrawn: see the
decision below), the signed status list credential(s) it names, signed now, and ``statusCheckedAt`` = now; the
whole is signed with the organization's active key.

**Decision: key history.** A rotated-out key stays in the organization's DID document as a verification method
(``identity.published_keys``: every key not withdrawn), so a credential signed before a rotation verifies online
against the live document and offline against the document in its bundle. We did not add a versioned DID document
endpoint (did:web ``?versionTime=``): the live document already lists every valid key, and a version history would
have to keep serving withdrawn (compromised) keys, which must stop verifying. A *withdrawn* key is removed from the
document, so its credentials are refused online (``verification_method_not_found``); an old bundle still carries the
document of its day, so this platform's verifier checks a bundle's signing keys against the keys it withdrew and
refuses the bundle with ``key_withdrawn`` (an offline verifier cannot know of a withdrawal: that is the limit of
offline verification, which is why the status age is always stated).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils import timezone

from microcred.issuing import identity, services
from microcred.issuing.models import IssuedCredential, IssuerKey
from microcred.vc import bundle as vc_bundle
from microcred.vc import jwt
from microcred.vc.errors import VCError

KEY_WITHDRAWN = "key_withdrawn"


def _entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    status = document.get("credentialStatus")
    if isinstance(status, dict):
        status = [status]
    return [entry for entry in status or [] if isinstance(entry, dict)]


def build_bundle(credential: IssuedCredential) -> dict[str, Any]:
    """The signed verification bundle of ``credential`` as of now."""
    organization = credential.organization
    document = credential.document
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    base = None
    lists: dict[str, Any] = {}
    for status_list in (credential.revocation_list, credential.suspension_list):
        if status_list is None:
            continue
        for entry in _entries(document):
            url = entry.get("statusListCredential")
            if isinstance(url, str) and str(status_list.public_id) in url:
                list_base = services.status_list_base(status_list, url)
                if list_base is not None:
                    lists[url] = services.signed_status_list_credential(status_list, list_base)
                    base = list_base
    did_documents: dict[str, Any] = {}
    if isinstance(issuer_id, str) and issuer_id.startswith("did:web:"):
        did_documents[issuer_id] = identity.did_document(organization, base)
    pair, key = services.signing_key(organization)
    method = identity.signing_method_id(organization, key, base)
    return vc_bundle.build(
        credential.jwt or document,
        did_documents=did_documents,
        status_lists=lists,
        status_checked_at=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        key=pair,
        verification_method=method,
    )


def bundle_filename(credential: IssuedCredential) -> str:
    """A file name after the credential's achievement (not its UUID), e.g. ``welding-safety.bundle.json``."""
    slug = re.sub(r"[^a-z0-9]+", "-", credential.achievement_name.lower()).strip("-")[:60] or "credential"
    return f"{slug}{vc_bundle.FILE_SUFFIX}"


def _bundle_keys(value: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for document in (value.get("didDocuments") or {}).values():
        for method in document.get("verificationMethod") or [] if isinstance(document, dict) else []:
            if isinstance(method, dict) and isinstance(method.get("publicKeyMultibase"), str):
                keys.add(method["publicKeyMultibase"])
    return keys


def _jwt_kid(token: str) -> str:
    try:
        header = json.loads(jwt.b64url_decode(token.split(".")[0], "header"))
    except (VCError, ValueError, RecursionError):
        return ""
    return str(header.get("kid", "")) if isinstance(header, dict) else ""


def verify_bundle(data: dict[str, Any] | str | bytes) -> vc_bundle.BundleReport:
    """A bundle checked offline, plus this platform's knowledge of the keys it withdrew since."""
    result = vc_bundle.verify_bundle(data)
    if not result.valid or result.report is None:
        return result
    parsed = data if isinstance(data, dict) else vc_bundle._parse(data)
    if isinstance(parsed, dict):
        proof = parsed.get("proof") or {}
        used = {str(proof.get("verificationMethod", "")).rsplit("#", 1)[-1]}
        for item in (result.report.credential or {}).get("proof") or []:
            if isinstance(item, dict):
                used.add(str(item.get("verificationMethod", "")).rsplit("#", 1)[-1])
        if isinstance(parsed.get("credential"), str):  # a VC-JWT: its key is the header's kid
            used.add(_jwt_kid(parsed["credential"]).rsplit("#", 1)[-1])
        withdrawn = IssuerKey.objects.filter(
            public_key_multibase__in=used & _bundle_keys(parsed), withdrawn_at__isnull=False
        )
        if withdrawn.exists():
            result.valid = False
            result.reason = KEY_WITHDRAWN
            result.message = "The issuer has withdrawn the key that signed this credential (it may have leaked)."
    return result
