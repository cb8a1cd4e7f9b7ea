"""State changes of the catalog. The registry issue adds review, publication and versions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, OrganizationKind
from microcred.accounts.permissions import require
from microcred.audit.services import record, snapshot
from microcred.catalog.models import DeliveryMode, MicroCredential, Pace, Pathway, PathwayKind, PathwayRule
from microcred.errors import ErrorList

CREDENTIAL_FIELDS = ["title", "slug", "version", "status", "delivery_mode", "pace", "workload_hours", "cost"]


def _decimal(errors: ErrorList, field: str, value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, "not_a_number", _("Enter a number."))
        return Decimal(0)
    if not number.is_finite():
        errors.add(field, "not_a_number", _("Enter a number."))
        return Decimal(0)
    if number < 0:
        errors.add(field, "negative", _("This cannot be negative."))
    return number


def create_draft(
    *,
    actor: Any,
    provider: Organization,
    title: str,
    delivery_mode: str,
    workload_hours: Any,
    cost: Any = 0,
    pace: str = Pace.COHORT,
    **fields: Any,
) -> MicroCredential:
    """A new micro-credential design in draft. ``actor=None`` is the system (demo loader)."""
    if actor is not None:
        require(actor, "catalog.edit", provider)
    errors = ErrorList()
    if provider.kind != OrganizationKind.PROVIDER:
        errors.add("provider", "not_a_provider", _("Only providers design micro-credentials."))
    title = (title or "").strip()
    if not title:
        errors.add("title", "required", _("Enter a title."))
    if delivery_mode not in DeliveryMode.values:
        errors.add("delivery_mode", "invalid_choice", _("Choose online, in person or hybrid."))
    if pace not in Pace.values:
        errors.add("pace", "invalid_choice", _("Choose self-paced, cohort or on demand."))
    hours = _decimal(errors, "workload_hours", workload_hours)
    price = _decimal(errors, "cost", cost)
    slug = slugify(fields.pop("slug", "") or title)[:120]
    errors.raise_if_any()
    co_designers = fields.pop("co_designed_with", [])
    with transaction.atomic():
        credential = MicroCredential.objects.create(
            provider=provider,
            title=title,
            slug=slug,
            delivery_mode=delivery_mode,
            pace=pace,
            workload_hours=hours,
            cost=price,
            **fields,
        )
        credential.co_designed_with.set(co_designers)
        record(
            actor=actor,
            action="catalog.create_draft",
            target=credential,
            organization=provider,
            after=snapshot(credential, CREDENTIAL_FIELDS),
        )
    return credential


def create_pathway(
    *,
    actor: Any,
    provider: Organization,
    title: str,
    kind: str,
    members: list[MicroCredential],
    rule: str = PathwayRule.ALL,
    required_count: int | None = None,
    description: str = "",
) -> Pathway:
    if actor is not None:
        require(actor, "catalog.edit", provider)
    errors = ErrorList()
    if kind not in PathwayKind.values:
        errors.add("kind", "invalid_choice", _("Choose the kind of credential this pathway leads to."))
    if rule not in PathwayRule.values:
        errors.add("rule", "invalid_choice", _("Choose how micro-credentials add up."))
    if rule == PathwayRule.N_OF and not (required_count and 0 < required_count <= len(members)):
        errors.add("required_count", "out_of_range", _("Require between 1 and the number of micro-credentials."))
    if not members:
        errors.add("members", "required", _("A pathway needs at least one micro-credential."))
    errors.raise_if_any()
    with transaction.atomic():
        pathway = Pathway.objects.create(
            provider=provider,
            slug=slugify(title)[:120],
            title=title,
            kind=kind,
            rule=rule,
            required_count=required_count,
            description=description,
        )
        pathway.members.set(members)
        record(
            actor=actor,
            action="catalog.create_pathway",
            target=pathway,
            organization=provider,
            after={"title": title, "members": [m.pk for m in members]},
        )
    return pathway
