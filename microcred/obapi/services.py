"""The Open Badges 3.0 API's resources for one learner: their credentials (issued here and imported) as the API
returns them, the upsert of a credential from another system, and their profile."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.errors import ValidationFailed
from microcred.issuing.models import ProofFormat
from microcred.issuing.selectors import credentials_of
from microcred.wallet.models import ImportedCredential, ImportFormat
from microcred.wallet.services import export_clr
from microcred.wallet.upserts import upsert_verified

MAX_NAME = 150


@dataclass(frozen=True)
class Page:
    credentials: list[dict[str, Any]]
    compact_jws: list[str]
    total: int


def _entries(user: User, since: datetime | None) -> list[tuple[datetime, str, Any]]:
    """(when, kind, item) for every credential of the learner: issued here (not revoked), and imported ones that
    verified. ``since``: only those issued or imported at or after it."""
    issued = credentials_of(user).filter(revoked_at__isnull=True)
    imported = ImportedCredential.objects.filter(owner=user, verified=True, legacy=False)
    if since is not None:
        issued = issued.filter(issued_at__gte=since)
        imported = imported.filter(imported_at__gte=since)
    entries: list[tuple[datetime, str, Any]] = [(c.issued_at, "issued", c) for c in issued]
    entries += [(c.imported_at, "imported", c) for c in imported]
    entries.sort(key=lambda entry: (entry[0], str(entry[2].public_id)))
    return entries


def credentials_page(*, user: User, limit: int, offset: int, since: datetime | None) -> Page:
    entries = _entries(user, since)
    documents: list[dict[str, Any]] = []
    tokens: list[str] = []
    for _when, kind, item in entries[offset : offset + limit]:
        if kind == "issued":
            if item.jwt:
                tokens.append(item.jwt)
            else:
                documents.append(item.document)
        elif item.format == ImportFormat.VC_JWT:
            tokens.append(bytes(item.raw).decode("ascii", "replace").strip().strip('"'))
        else:
            documents.append(item.credential)
    return Page(documents, tokens, len(entries))


def clr_page(*, user: User, limit: int, offset: int, since: datetime | None) -> Page:
    """The learner's record as one signed ClrCredential of every credential issued to them here (or those issued
    since ``since``); none when there is nothing to put in it."""
    held = credentials_of(user).exclude(proof_format=ProofFormat.VC_JWT)
    if since is not None:
        held = held.filter(issued_at__gte=since)
    chosen = list(held)
    if not chosen or offset >= 1:
        return Page([], [], 1 if chosen else 0)
    return Page([export_clr(owner=user, credentials=None if since is None else chosen)], [], 1)


def upsert(*, user: User, data: bytes, client_name: str, api: str = "ob") -> tuple[dict[str, Any] | str, bool]:
    wanted = "ClrCredential" if api == "clr" else "OpenBadgeCredential"
    name = "CLR" if api == "clr" else "Open Badges"
    stored, created = upsert_verified(owner=user, data=data, source=f"{name} API: {client_name}", wanted_type=wanted)
    if stored.format == ImportFormat.VC_JWT:
        return bytes(stored.raw).decode("ascii", "replace").strip().strip('"'), created
    return stored.credential, created


def profile_id(user: User) -> str:
    """A stable identifier of the learner that says nothing about them (not their e-mail, not a row number)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"ob-api-profile\x00{user.pk}".encode(), hashlib.sha256).digest()
    return f"urn:uuid:{uuid.UUID(bytes=mac[:16], version=4)}"


def profile(user: User) -> dict[str, Any]:
    return {
        "id": profile_id(user),
        "type": ["Profile"],
        "name": user.display_name or user.email,
        "email": user.email,
    }


def update_profile(*, user: User, body: Any) -> dict[str, Any]:
    """PUT /profile: microcred keeps a name and an e-mail address; the name changes, the e-mail address (the
    sign-in identity) cannot be changed through the API, other Profile fields are not kept."""
    if not isinstance(body, dict):
        raise ValidationFailed.single("profile", "invalid_type", _("The profile must be a JSON object."))
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise ValidationFailed.single("name", "invalid", _("Give a name of 1 to 150 characters."))
    if "email" in body and body["email"] != user.email:
        raise ValidationFailed.single("email", "read_only", _("The e-mail address cannot be changed here."))
    if "id" in body and body["id"] != profile_id(user):
        raise ValidationFailed.single("id", "mismatch", _("This is not your profile's id."))
    with transaction.atomic():
        before = {"name": user.display_name}
        user.display_name = name.strip()
        user.save(update_fields=["display_name"])
        record(actor=user, action="obapi.profile_update", target=user, before=before, after={"name": name.strip()})
    return profile(user)
