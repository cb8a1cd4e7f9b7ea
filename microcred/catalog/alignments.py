"""Aligning a micro-credential (or one of its learning outcomes) to competencies of a framework version.

An alignment copies the target's name, code, URL and framework title (OB 3.0 ``Alignment``) and
points at the competency row of one framework version, so it keeps meaning what it meant.
Only an editable version is aligned; published versions are frozen like the rest of the design.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.catalog.models import EDITABLE_STATUSES, PUBLIC_STATUSES, Alignment, MicroCredential
from microcred.errors import Conflict, ValidationFailed
from microcred.frameworks.models import Competency
from microcred.frameworks.selectors import Usage


def _require_editable(credential: MicroCredential) -> None:
    if credential.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("This version is %(status)s and cannot be edited; start a new version instead.")
            % {"status": credential.get_status_display()},
            code="not_editable",
        )


def align(
    *, actor: Any, credential: MicroCredential, competency: Competency, outcome_position: int | None = None
) -> Alignment:
    require(actor, "catalog.edit", credential)
    if outcome_position is not None and not credential.outcomes.filter(position=outcome_position).exists():
        raise ValidationFailed.single("outcome", "not_found", _("This micro-credential has no such learning outcome."))
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        _require_editable(credential)
        try:
            with transaction.atomic():
                alignment = Alignment.objects.create(
                    credential=credential,
                    competency=competency,
                    outcome_position=outcome_position,
                    label=(competency.short_name or competency.statement)[:300],
                    target_code=competency.code,
                    target_url=competency.uri,
                    target_framework=competency.framework.title[:300],
                )
        except IntegrityError as exc:
            raise Conflict(_("It is already aligned to this competency."), code="already_aligned") from exc
        record(
            actor=actor,
            action="catalog.align",
            target=credential,
            organization=credential.provider,
            after={"competency": competency.pk, "uri": competency.uri, "outcome": outcome_position},
        )
    return alignment


def remove_alignment(*, actor: Any, alignment: Alignment) -> None:
    credential = alignment.credential
    require(actor, "catalog.edit", credential)
    with transaction.atomic():
        _require_editable(MicroCredential.objects.select_for_update().get(pk=credential.pk))
        before = {"competency": alignment.competency_id, "uri": alignment.target_url}
        alignment.delete()
        record(
            actor=actor,
            action="catalog.remove_alignment",
            target=credential,
            organization=credential.provider,
            before=before,
        )


def usages(competency: Competency) -> list[Usage]:
    """The public micro-credentials aligned to a competency, for its page in the frameworks domain."""
    from django.urls import reverse

    rows = (
        Alignment.objects.filter(competency=competency, credential__status__in=PUBLIC_STATUSES)
        .select_related("credential__provider")
        .order_by("credential__title", "credential__version")[:200]
    )
    seen: dict[int, Usage] = {}
    for row in rows:
        credential = row.credential
        seen.setdefault(
            credential.pk,
            Usage(
                kind=str(_("Micro-credential")),
                label=f"{credential.title} ({credential.provider.name}, v{credential.version})",
                url=reverse(
                    "catalog:credential_version", args=[credential.provider.slug, credential.slug, credential.version]
                ),
            ),
        )
    return list(seen.values())
