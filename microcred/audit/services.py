"""Writing to the audit log. Every service that changes state calls :func:`record` in its transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from microcred.audit.models import AuditEntry


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    if hasattr(actor, "label"):  # accounts.permissions.SystemActor
        return str(actor.label)
    return getattr(actor, "email", "") or str(actor)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organization: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` is a user, a label such as ``"cli"``, or None for the system."""
    user = actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=_label(actor),
        action=action,
        organization=organization,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        before=before,
        after=after,
    )


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The JSON-safe values of some fields, for an entry's before/after."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value
    return values
