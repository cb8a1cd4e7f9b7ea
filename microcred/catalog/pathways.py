"""Pathways: creating and editing one (components, the N-of-M or credit rule, credit, the resulting credential).

Components are catalog micro-credentials (``members``, counted by design whatever the version) and achievements
issued elsewhere (``external_components``: an achievement id or CTID, a name, its credits). The resulting credential
is a micro-credential of the pathway's provider, awarded automatically once a learner completes the pathway
(``assessment/services/stacks.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.catalog import typology
from microcred.catalog.models import MicroCredential, Pathway, PathwayKind, PathwayRule
from microcred.errors import ErrorList

MAX_EXTERNAL = 50


def _external(errors: ErrorList, value: Any) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_EXTERNAL:
        errors.add("external_components", "invalid", _("Give at most 50 achievements from elsewhere."))
        return []
    cleaned = []
    for number, entry in enumerate(value, start=1):
        achievement = entry.get("achievement") if isinstance(entry, dict) else None
        name = entry.get("name", "") if isinstance(entry, dict) else ""
        if not isinstance(achievement, str) or not achievement.strip() or len(achievement) > 500:
            errors.add(
                f"external_components.{number}.achievement",
                "required",
                _("Name each achievement by its id or CTID (at most 500 characters)."),
            )
            continue
        if not isinstance(name, str) or len(name) > 300:
            errors.add(
                f"external_components.{number}.name", "too_long", _("Use at most %(n)s characters.") % {"n": 300}
            )
            continue
        credits = Decimal(0)
        if entry.get("credits") not in (None, ""):
            credits = typology.decimal_value(
                errors, f"external_components.{number}.credits", entry["credits"], typology.DECIMALS["credit_value"]
            ) or Decimal(0)
        cleaned.append(
            {"achievement": achievement.strip(), "name": name.strip() or achievement.strip(), "credits": str(credits)}
        )
    return cleaned


def save_pathway(
    *,
    actor: Any,
    provider: Organization,
    title: str,
    kind: str,
    members: list[MicroCredential],
    rule: str = PathwayRule.ALL,
    required_count: int | None = None,
    min_credits: Any = None,
    transfer_notes: str = "",
    description: str = "",
    external_components: Any = None,
    resulting_credential: MicroCredential | None = None,
    pathway: Pathway | None = None,
) -> Pathway:
    """Create a pathway, or (``pathway``) replace an existing one's definition; one audit entry either way."""
    if actor is not None:
        require(actor, "catalog.edit", provider)
    if pathway is not None and pathway.provider_id != provider.pk:
        require(actor, "catalog.edit", pathway.provider)
    errors = ErrorList()
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title or len(title) > 200:
        errors.add("title", "required", _("Enter a title of at most 200 characters."))
    if kind not in PathwayKind.values:
        errors.add("kind", "invalid_choice", _("Choose the kind of credential this pathway leads to."))
    if rule not in PathwayRule.values:
        errors.add("rule", "invalid_choice", _("Choose how micro-credentials add up."))
    external = _external(errors, external_components)
    size = len(members) + len(external)
    if not size:
        errors.add("members", "required", _("A pathway needs at least one micro-credential."))
    counted = isinstance(required_count, int) and not isinstance(required_count, bool)
    if rule == PathwayRule.N_OF and not (counted and 0 < required_count <= size):
        errors.add("required_count", "out_of_range", _("Require between 1 and the number of micro-credentials."))
    credits = None
    if rule == PathwayRule.MIN_CREDITS:
        credits = typology.decimal_value(errors, "min_credits", min_credits, typology.DECIMALS["credit_value"])
        available = sum((m.credit_value or 0) for m in members) + sum(Decimal(e["credits"]) for e in external)
        if credits is not None and credits <= 0:
            errors.add("min_credits", "out_of_range", _("Require a positive number of credits."))
        elif credits is not None and available < credits:
            errors.add("min_credits", "unreachable", _("The micro-credentials of this pathway do not add up to it."))
    if resulting_credential is not None and resulting_credential.provider_id != provider.pk:
        errors.add(
            "resulting_credential", "not_yours", _("The resulting credential must be one of your micro-credentials.")
        )
    if resulting_credential is not None and any(
        (m.provider_id, m.slug) == (resulting_credential.provider_id, resulting_credential.slug) for m in members
    ):
        errors.add("resulting_credential", "circular", _("The resulting credential cannot be one of its components."))
    for text_field, value in (("transfer_notes", transfer_notes), ("description", description)):
        if not isinstance(value, str) or len(value) > 5000:
            errors.add(text_field, "too_long", _("Use at most %(n)s characters.") % {"n": 5000})
    errors.raise_if_any()
    fields = {
        "title": title,
        "kind": kind,
        "rule": rule,
        "required_count": required_count if rule == PathwayRule.N_OF else None,
        "min_credits": credits,
        "transfer_notes": transfer_notes.strip(),
        "description": description.strip(),
        "external_components": external,
        "resulting_credential": resulting_credential,
    }
    with transaction.atomic():
        before = None
        if pathway is None:
            slug = slugify(title)[:120] or "pathway"
            if Pathway.objects.filter(slug=slug).exists():
                slug = f"{slugify(provider.slug)}-{slug}"[:120]
            pathway = Pathway.objects.create(provider=provider, slug=slug, **fields)
        else:
            pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
            before = {"title": pathway.title, "rule": pathway.rule, "members": [m.pk for m in pathway.members.all()]}
            for name, value in fields.items():
                setattr(pathway, name, value)
            pathway.save()
        pathway.members.set(members)
        record(
            actor=actor,
            action="catalog.create_pathway" if before is None else "catalog.edit_pathway",
            target=pathway,
            organization=provider,
            before=before,
            after={
                "title": title,
                "rule": rule,
                "members": [m.pk for m in members],
                "external_components": external,
                "resulting_credential": resulting_credential.pk if resulting_credential else None,
            },
        )
    return pathway
