"""A credential pushed into a learner's wallet by another system (the Open Badges 3.0 API's upsert): kept only once
it verifies, and replacing the one with the same ``id`` the learner already holds."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.audit.services import record
from microcred.errors import ValidationFailed
from microcred.wallet import services
from microcred.wallet.models import ImportedCredential, ImportFormat


def upsert_verified(
    *, owner: User, data: bytes, source: str, wanted_type: str = "OpenBadgeCredential"
) -> tuple[ImportedCredential, bool]:
    """(the stored credential, whether it is new). A credential that does not verify is refused and not stored:
    another system pushing into a wallet must push what an employer could verify."""
    kind, document = services.format_of(data)
    if kind not in (ImportFormat.OB3_JSON, ImportFormat.VC_JWT):
        raise ValidationFailed.single(
            "credential", "not_ob3", _("Only Open Badges 3.0 and CLR 2.0 credentials can be pushed.")
        )
    report = services.verified_report(data, kind, document, False)
    if not report.get("valid"):
        failed = [check for check in report.get("checks", []) if check.get("outcome") == "fail"]
        reason = ", ".join(sorted({str(check.get("code")) for check in failed})) or "not_verified"
        raise ValidationFailed.single(
            "credential", "not_verified", _("The credential did not verify (%(reason)s).") % {"reason": reason}
        )
    credential: dict[str, Any] = report.get("credential") or document or {}
    types = credential.get("type")
    if wanted_type not in (types if isinstance(types, list) else [types]):
        message = _("This endpoint takes a %(type)s.") % {"type": wanted_type}
        raise ValidationFailed.single("credential", "wrong_type", message)
    name, issuer_name = services.names_of(credential)
    digest = hashlib.sha256(data).hexdigest()
    identifier = credential.get("id") if isinstance(credential.get("id"), str) else None
    now = timezone.now()
    with transaction.atomic():
        existing = None
        if identifier:
            existing = ImportedCredential.objects.select_for_update().filter(owner=owner, credential__id=identifier)
            existing = existing.first()
        if existing is None:
            existing = ImportedCredential.objects.filter(owner=owner, sha256=digest).first()
        fields = {
            "format": kind,
            "raw": data,
            "sha256": digest,
            "credential": credential,
            "report": report,
            "verified": True,
            "legacy": False,
            "name": name,
            "issuer_name": issuer_name,
            "verified_at": now,
            "source_url": source[:2000],
        }
        if existing is None:
            stored = ImportedCredential.objects.create(owner=owner, **fields)
            created = True
        else:
            for field, value in fields.items():
                setattr(existing, field, value)
            existing.save()
            stored, created = existing, False
        record(
            actor=owner,
            action="wallet.upsert",
            target=stored,
            after={"format": kind, "name": name, "created": created, "source": source[:200]},
        )
    return stored, created
