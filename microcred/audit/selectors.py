"""Reading the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred.audit.models import AuditEntry


def entries_for_organization(organization_id: int, *, limit: int = 200) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(organization_id=organization_id).select_related("actor")[:limit]


def entries_for_target(target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id))
