"""Institution archives: what another host needs to keep an organization's credentials verifiable if it closes.

``microcred issuing export-archive ORG_SLUG FILE`` writes a zip (media type
``application/vnd.microcred.institution-archive+zip``, version 1)::

    manifest.json                  type "InstitutionArchive", version, organization, did, exported, frozen, note,
                                   files: {path: "sha256-<hex>"} for every other member
    did.json                       the organization's DID document (every key not withdrawn)
    keys.json                      every key's public part and dates (created, retired, withdrawn)
    status-lists/<public_id>.json  purpose, size, public bases and the signed BitstringStatusListCredential
    credentials/<public_id>.json   each issued credential (signed document or VC-JWT) and its public facts

**No private key is in it.** So the importing host cannot sign: the status lists are **frozen** as they were at
export (signed then, by the organization's key): no further revocation or suspension is possible, and the
organization issues nothing more there. ``microcred issuing import-archive FILE`` checks every digest (and the
member count and sizes: a zip bomb is refused), then recreates the organization, its keys (public parts only,
marked retired, so the DID document it serves is the archived one), its status lists (with the signed credentials
as archived) and its credentials, so that the host serves ``/organizations/<slug>/did.json``, ``/status/<id>``
and ``/credentials/<id>`` as before (the host takes over the public URL: did:web names the host). Who received each
credential is not exported (no accounts move); the credential documents name their subjects as issued.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.audit.services import record
from microcred.errors import Conflict, ValidationFailed
from microcred.issuing import identity, services
from microcred.issuing.models import IssuedCredential, IssuerKey, StatusList
from microcred.vc import status as vc_status
from microcred.vc.errors import VCError

ARCHIVE_TYPE = "InstitutionArchive"
ARCHIVE_VERSION = 1
MEDIA_TYPE = "application/vnd.microcred.institution-archive+zip"
MAX_MEMBERS = 200_000
MAX_MEMBER_BYTES = 8 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
FROZEN_NOTE = (
    "No private key is in this archive: the status lists are frozen as of the export, and no further revocation, "
    "suspension or issuance is possible for this organization on the host that imports it."
)


def _digest(data: bytes) -> str:
    return "sha256-" + hashlib.sha256(data).hexdigest()


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def export_archive(organization: Organization, target: str | Path | io.BufferedIOBase) -> dict[str, Any]:
    """Write the organization's archive to ``target``; returns its manifest."""
    members: dict[str, bytes] = {
        "did.json": _dumps(identity.did_document(organization)),
        "keys.json": _dumps(
            [
                {
                    "publicKeyMultibase": key.public_key_multibase,
                    "algorithm": key.algorithm,
                    "created": _when(key.created_at),
                    "retired": _when(key.retired_at),
                    "withdrawn": _when(key.withdrawn_at),
                }
                for key in organization.issuer_keys.order_by("created_at")
            ]
        ),
    }
    for status_list in organization.status_lists.order_by("created_at"):
        members[f"status-lists/{status_list.public_id}.json"] = _dumps(
            {
                "publicId": str(status_list.public_id),
                "purpose": status_list.purpose,
                "size": status_list.size,
                "publicBases": status_list.public_bases,
                "credential": services.signed_status_list_credential(status_list),
            }
        )
    for credential in organization.issued_credentials.order_by("issued_at").iterator():
        members[f"credentials/{credential.public_id}.json"] = _dumps(
            {
                "publicId": str(credential.public_id),
                "achievementId": credential.achievement_id,
                "achievementName": credential.achievement_name,
                "credentialType": credential.credential_type,
                "proofFormat": credential.proof_format,
                "document": credential.document,
                "jwt": credential.jwt,
                "issued": _when(credential.issued_at),
                "revoked": _when(credential.revoked_at),
                "revocationReason": credential.revocation_reason,
                "suspended": _when(credential.suspended_at),
                "revocationList": str(credential.revocation_list.public_id) if credential.revocation_list else None,
                "revocationIndex": credential.revocation_index,
                "suspensionList": str(credential.suspension_list.public_id) if credential.suspension_list else None,
                "suspensionIndex": credential.suspension_index,
            }
        )
    manifest = {
        "type": ARCHIVE_TYPE,
        "version": ARCHIVE_VERSION,
        "mediaType": MEDIA_TYPE,
        "exported": timezone.now().isoformat(),
        "organization": {
            "slug": organization.slug,
            "name": organization.name,
            "kind": organization.kind,
            "description": organization.description,
            "website": organization.website,
            "email": organization.email,
            "country": organization.country,
        },
        "did": identity.organization_did(organization),
        "publicBase": identity.public_base_url(),
        "frozen": True,
        "note": FROZEN_NOTE,
        "files": {name: _digest(data) for name, data in members.items()},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return manifest


def _bad(message: str, code: str = "archive_invalid") -> ValidationFailed:
    return ValidationFailed.single("archive", code, message)


def _read_members(source: str | Path | io.BufferedIOBase) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and every member, parsed, after checking sizes and digests."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise _bad(_("The file is not a zip archive."), "archive_not_zip") from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS or sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
            raise _bad(_("The archive is too large."), "archive_too_large")
        if any(info.file_size > MAX_MEMBER_BYTES for info in infos):
            raise _bad(_("The archive is too large."), "archive_too_large")
        names = {info.filename for info in infos}
        if "manifest.json" not in names:
            raise _bad(_("The archive has no manifest."))
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except ValueError as error:
            raise _bad(_("The archive's manifest is not JSON.")) from error
        if not isinstance(manifest, dict) or manifest.get("type") != ARCHIVE_TYPE:
            raise _bad(_("This is not an institution archive."))
        if manifest.get("version") != ARCHIVE_VERSION:
            raise _bad(_("This version of institution archive is not supported."), "archive_version_unsupported")
        files = manifest.get("files")
        if not isinstance(files, dict) or set(files) != names - {"manifest.json"}:
            raise _bad(_("The archive's files do not match its manifest."), "archive_altered")
        members: dict[str, Any] = {}
        for name, expected in files.items():
            data = archive.read(name)
            if len(data) > MAX_MEMBER_BYTES or _digest(data) != expected:
                raise _bad(_("The archive's files do not match its manifest."), "archive_altered")
            try:
                members[name] = json.loads(data)
            except ValueError as error:
                raise _bad(_("The archive's files do not match its manifest."), "archive_altered") from error
    return manifest, members


def import_archive(source: str | Path | io.BufferedIOBase, *, actor: Any = None) -> Organization:
    """Recreate an archived organization on this host (frozen: no private key). See the module docstring."""
    manifest, members = _read_members(source)
    about = manifest.get("organization")
    if not isinstance(about, dict) or not isinstance(about.get("slug"), str):
        raise _bad(_("The archive's manifest names no organization."))
    if Organization.objects.filter(slug=about["slug"]).exists():
        raise Conflict(_("An organization with this short name already exists here."), code="organization_exists")
    try:
        with transaction.atomic():
            organization = Organization.objects.create(
                slug=about["slug"],
                name=str(about.get("name", ""))[:200],
                kind=str(about.get("kind", "provider")),
                description=str(about.get("description", "")),
                website=str(about.get("website", "")),
                email=str(about.get("email", "")),
                country=str(about.get("country", "CA"))[:2],
            )
            now = timezone.now()
            for key in members["keys.json"]:
                IssuerKey.objects.create(
                    organization=organization,
                    public_key_multibase=key["publicKeyMultibase"],
                    algorithm=key.get("algorithm", "Ed25519"),
                    encrypted_private_key=b"",  # archived: public part only, never signs (services.is_frozen)
                    retired_at=_parse_when(key.get("retired")) or now,
                    withdrawn_at=_parse_when(key.get("withdrawn")),
                )
            lists: dict[str, StatusList] = {}
            for name, item in members.items():
                if not name.startswith("status-lists/"):
                    continue
                signed = item["credential"]
                bits = vc_status.decode_bitstring(signed["credentialSubject"]["encodedList"])
                lists[item["publicId"]] = StatusList.objects.create(
                    public_id=item["publicId"],
                    organization=organization,
                    purpose=item["purpose"],
                    size=item["size"],
                    bits=bits,
                    allocated=item["size"],  # full: nothing more is allocated from a frozen list
                    stride=1,
                    offset=0,
                    signed_credential=signed,
                    public_bases=item.get("publicBases") or [],
                )
            for name, item in members.items():
                if not name.startswith("credentials/"):
                    continue
                credential = IssuedCredential.objects.create(
                    public_id=item["publicId"],
                    organization=organization,
                    recipient=None,
                    achievement_id=item["achievementId"],
                    achievement_name=item["achievementName"],
                    credential_type=item["credentialType"],
                    proof_format=item["proofFormat"],
                    document=item["document"],
                    jwt=item.get("jwt") or "",
                    revocation_list=lists.get(item.get("revocationList") or ""),
                    revocation_index=item.get("revocationIndex"),
                    suspension_list=lists.get(item.get("suspensionList") or ""),
                    suspension_index=item.get("suspensionIndex"),
                    revoked_at=_parse_when(item.get("revoked")),
                    revocation_reason=item.get("revocationReason") or "",
                    suspended_at=_parse_when(item.get("suspended")),
                )
                IssuedCredential.objects.filter(pk=credential.pk).update(
                    issued_at=_parse_when(item.get("issued")) or now
                )
            if identity.did_document(organization) != members["did.json"]:
                raise _bad(_("The archive's DID document does not match its keys."), "archive_altered")
            record(
                actor=actor,
                action="issuing.import_archive",
                target=organization,
                organization=organization,
                after={"did": manifest.get("did"), "files": len(members)},
            )
    except (KeyError, TypeError, ValueError, AttributeError, VCError) as error:
        raise _bad(_("The archive's contents are malformed.")) from error
    return organization
