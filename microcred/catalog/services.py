"""State changes of the catalog: designs, their review and publication, versions, pathways.

Governance: draft → in review → changes requested | approved → published → retired. Provider
admins edit and publish; provider reviewers review; nobody reviews a version they designed.
A published version is frozen; ``start_new_version`` copies it into the next draft version.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts.models import Membership, Organization, OrganizationKind, Role, User
from microcred.accounts.permissions import SystemActor, require
from microcred.audit.models import AuditEntry
from microcred.audit.services import record, snapshot
from microcred.catalog import bilingual, formats, search, typology
from microcred.catalog.images import check_image
from microcred.catalog.models import (
    EDITABLE_STATUSES,
    ChecklistItem,
    LearningOutcome,
    MicroCredential,
    Pathway,
    Review,
    ReviewDecision,
    Status,
)
from microcred.errors import Conflict, ErrorList, FieldError, ValidationFailed
from microcred.notifications.models import Kind
from microcred.notifications.services import notify

CREDENTIAL_FIELDS = ["title", "slug", "version", "status", "delivery_mode", "pace", "workload_hours", "cost"]
# Fields copied from one version to the next; everything in the typology a provider edits.
COPIED_FIELDS = [
    f.name
    for f in MicroCredential._meta.concrete_fields
    if f.name
    not in {"id", "version", "status", "previous_version", "created_by", "published_at", "created_at", "updated_at"}
]
DESIGN_ACTIONS = ("catalog.create_draft", "catalog.update_draft", "catalog.submit_for_review", "catalog.new_version")


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None


def _state(credential: MicroCredential) -> dict[str, Any]:
    return snapshot(credential, CREDENTIAL_FIELDS)


def _require_status(credential: MicroCredential, allowed: tuple[str, ...], message: str) -> None:
    if credential.status not in allowed:
        raise Conflict(message, code="wrong_status")


def _set_outcomes(
    credential: MicroCredential, outcomes: list[str], translations: list[dict[str, Any]] | None = None
) -> None:
    """Replace the outcomes; ``translations[i]`` is outcome i's ``translations`` (``{"fr": {"text": …}}``)."""
    translations = translations or []
    credential.outcomes.all().delete()
    LearningOutcome.objects.bulk_create(
        LearningOutcome(
            credential=credential,
            position=i,
            text=text,
            translations=translations[i] if i < len(translations) else {},
        )
        for i, text in enumerate(outcomes)
    )


def create_draft(
    *,
    actor: Any,
    provider: Organization,
    title: str,
    delivery_mode: str,
    workload_hours: Any,
    cost: Any = 0,
    pace: str = "cohort",
    **fields: Any,
) -> MicroCredential:
    """A new micro-credential design in draft. ``actor=None`` is the system (demo loader)."""
    if actor is not None:
        require(actor, "catalog.edit", provider)
    co_designers = fields.pop("co_designed_with", [])
    data = {
        "title": title,
        "delivery_mode": delivery_mode,
        "workload_hours": workload_hours,
        "cost": cost,
        "pace": pace,
        **fields,
    }
    errors = ErrorList()
    if provider.kind != OrganizationKind.PROVIDER:
        errors.add("provider", "not_a_provider", _("Only providers design micro-credentials."))
    try:
        values = typology.clean(data, current={"country": "CA"})
    except ValidationFailed as failed:
        errors.errors.extend(failed.errors)
        values = {}
    errors.raise_if_any()
    outcomes = values.pop("learning_outcomes", [])
    given_translations = values.pop("translations", {})
    slug = values.pop("slug", "") or slugify(values["title"])[:120] or "micro-credential"
    credential = MicroCredential(provider=provider, slug=slug, created_by=_user_or_none(actor), **values)
    outcome_translations = bilingual.merge_translations(credential, outcomes, given_translations, [])
    with transaction.atomic():
        if MicroCredential.objects.filter(provider=provider, slug=slug).exists():
            raise ValidationFailed.single(
                "slug", "taken", _("This provider already has a micro-credential with this short name.")
            )
        credential.save()
        credential.co_designed_with.set(co_designers)
        _set_outcomes(credential, outcomes, outcome_translations)
        record(
            actor=actor,
            action="catalog.create_draft",
            target=credential,
            organization=provider,
            after=_state(credential),
        )
    return credential


def update_draft(*, actor: Any, credential: MicroCredential, changes: dict[str, Any]) -> MicroCredential:
    """Edit a draft (or a design sent back for changes). A published version is never edited in place."""
    require(actor, "catalog.edit", credential)
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        if credential.status not in EDITABLE_STATUSES:
            raise Conflict(
                _("This version is %(status)s and cannot be edited; start a new version instead.")
                % {"status": credential.get_status_display()},
                code="not_editable",
            )
        current = {
            name: getattr(credential, name)
            for name in ("country", "region", "credit_type", "credit_value", "credit_unit", "language")
        }
        values = typology.clean(changes, current=current)
        if "slug" in values:
            raise ValidationFailed.single("slug", "read_only", _("The short name cannot change."))
        before = _state(credential)
        outcomes = values.pop("learning_outcomes", None)
        given_translations = values.pop("translations", None)
        outcome_translations = None
        if outcomes is not None or given_translations is not None:
            if outcomes is None:
                outcomes = [o.text for o in credential.outcomes.all()]
            kept = bilingual.kept_outcome_translations(credential, outcomes)
            outcome_translations = bilingual.merge_translations(credential, outcomes, given_translations or {}, kept)
        for name, value in values.items():
            setattr(credential, name, value)
        credential.save()
        if outcomes is not None:
            _set_outcomes(credential, outcomes, outcome_translations)
        record(
            actor=actor,
            action="catalog.update_draft",
            target=credential,
            organization=credential.provider,
            before=before,
            after={**_state(credential), "changed": sorted(changes)},
        )
    return credential


def generate_image(*, actor: Any, credential: MicroCredential, colour: str) -> MicroCredential:
    """Make the draft's image from its title, its provider and ``colour`` (``#rrggbb``), and keep it as an upload."""
    from microcred.catalog.badge_art import HEX_COLOUR, render_badge

    if not HEX_COLOUR.match(colour or ""):
        raise ValidationFailed.single("badge_colour", "invalid", _("Choose a colour."))
    data = render_badge(credential.title, credential.provider.name, colour)
    return set_image(actor=actor, credential=credential, upload=io.BytesIO(data))


def set_image(*, actor: Any, credential: MicroCredential, upload: IO[bytes]) -> MicroCredential:
    require(actor, "catalog.edit", credential)
    if credential.status not in EDITABLE_STATUSES:
        raise Conflict(_("Only a draft's image can change."), code="not_editable")
    extension = check_image(upload)
    content = upload.read()
    with transaction.atomic():
        credential.image.save(
            f"{credential.provider.slug}-{credential.slug}-v{credential.version}.{extension}",
            ContentFile(content),
            save=True,
        )
        record(
            actor=actor,
            action="catalog.set_image",
            target=credential,
            organization=credential.provider,
            after={"image": credential.image.name},
        )
    return credential


def start_new_version(*, actor: Any, credential: MicroCredential) -> MicroCredential:
    """Copy a published (or superseded/retired) version into a new draft, the next version number."""
    require(actor, "catalog.edit", credential)
    with transaction.atomic():
        lineage = MicroCredential.objects.select_for_update().filter(provider=credential.provider, slug=credential.slug)
        open_draft = [c for c in lineage if c.status not in (Status.PUBLISHED, Status.SUPERSEDED, Status.RETIRED)]
        if open_draft:
            raise Conflict(
                _("Version %(n)s is already being worked on.") % {"n": open_draft[0].version}, code="draft_exists"
            )
        number = (lineage.aggregate(top=Max("version"))["top"] or 0) + 1
        copy = MicroCredential.objects.create(
            **{name: getattr(credential, name) for name in COPIED_FIELDS if name != "provider"},
            provider=credential.provider,
            version=number,
            status=Status.DRAFT,
            previous_version=credential,
            created_by=_user_or_none(actor),
        )
        copy.co_designed_with.set(credential.co_designed_with.all())
        kept = list(credential.outcomes.all())
        _set_outcomes(copy, [o.text for o in kept], [o.translations for o in kept])
        copy_alignments = getattr(credential, "alignments", None)
        if copy_alignments is not None:
            for alignment in copy_alignments.all():
                alignment.pk = None
                alignment.credential = copy
                alignment.save()
        for copy_more in NEW_VERSION_COPIES:
            copy_more(credential, copy)
        record(
            actor=actor,
            action="catalog.new_version",
            target=copy,
            organization=credential.provider,
            before={"from_version": credential.version},
            after=_state(copy),
        )
    return copy


def submit_for_review(*, actor: Any, credential: MicroCredential) -> MicroCredential:
    require(actor, "catalog.edit", credential)
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        _require_status(credential, EDITABLE_STATUSES, _("Only a draft can be sent for review."))
        before = _state(credential)
        credential.status = Status.IN_REVIEW
        credential.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action="catalog.submit_for_review",
            target=credential,
            organization=credential.provider,
            before=before,
            after=_state(credential),
        )
        reviewers = Membership.objects.filter(organization=credential.provider, role=Role.REVIEWER).exclude(
            user_id__in=designers_of(credential)
        )
        version = [credential.provider.slug, credential.slug, credential.version]
        url = reverse("catalog:credential_version", args=version)
        for membership in reviewers.select_related("user"):
            notify(
                recipient=membership.user,
                kind=Kind.DESIGN_AWAITING_REVIEW,
                title=gettext_lazy("“%(title)s” awaits your review"),
                body=gettext_lazy("A design of %(provider)s was sent for review."),
                url=url,
                params={"title": credential.title, "provider": credential.provider.name},
            )
    return credential


def designers_of(credential: MicroCredential) -> set[int]:
    """The users who created, edited or submitted this version: none of them may review it."""
    ids = set(
        AuditEntry.objects.filter(
            target_type=MicroCredential._meta.label_lower,
            target_id=str(credential.pk),
            action__in=DESIGN_ACTIONS,
            actor__isnull=False,
        ).values_list("actor_id", flat=True)
    )
    if credential.created_by_id:
        ids.add(credential.created_by_id)
    return ids


def review(
    *,
    actor: Any,
    credential: MicroCredential,
    decision: str,
    comment: str = "",
    checklist: dict[int, bool] | None = None,
) -> Review:
    """A reviewer approves a design, or requests changes, against the provider's checklist."""
    require(actor, "catalog.review", credential)
    errors = ErrorList()
    if decision not in ReviewDecision.values:
        errors.add("decision", "invalid_choice", _("Approve, or request changes."))
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if len(comment) > 5000:
        errors.add("comment", "too_long", _("Use at most %(n)s characters.") % {"n": 5000})
    if decision == ReviewDecision.CHANGES_REQUESTED and not comment:
        errors.add("comment", "required", _("Say what should change."))
    checklist = checklist or {}
    if not isinstance(checklist, dict):
        errors.add("checklist", "invalid_type", _("Send the checklist as item → met."))
        checklist = {}
    errors.raise_if_any()
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        _require_status(credential, (Status.IN_REVIEW,), _("Only a design in review can be reviewed."))
        if not isinstance(actor, SystemActor) and actor.pk in designers_of(credential):
            raise Conflict(_("You worked on this design, so someone else must review it."), code="own_design")
        items = list(ChecklistItem.objects.filter(provider=credential.provider, active=True))
        answers = {}
        for key, met in checklist.items():
            try:
                answers[int(key)] = met is True
            except (TypeError, ValueError):
                continue
        seen = [{"item": item.pk, "text": item.text, "met": answers.get(item.pk, False)} for item in items]
        unmet = [entry for entry in seen if not entry["met"]]
        if decision == ReviewDecision.APPROVED and unmet:
            raise ValidationFailed(
                [_unmet(f"checklist.{entry['item']}", entry["text"]) for entry in unmet],
                _("Every checklist item must be met before approval."),
            )
        before = _state(credential)
        result = Review.objects.create(
            credential=credential, reviewer=actor, decision=decision, comment=comment, checklist=seen
        )
        credential.status = Status.APPROVED if decision == ReviewDecision.APPROVED else Status.CHANGES_REQUESTED
        credential.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action="catalog.approve" if decision == ReviewDecision.APPROVED else "catalog.request_changes",
            target=credential,
            organization=credential.provider,
            before=before,
            after={**_state(credential), "comment": comment, "checklist": seen},
        )
        # the designers hear the decision (issue 18: they were never told a review approved their design)
        approved = decision == ReviewDecision.APPROVED
        url = reverse(
            "catalog:credential_version", args=[credential.provider.slug, credential.slug, credential.version]
        )
        for designer in User.objects.filter(pk__in=designers_of(credential), is_active=True):
            notify(
                recipient=designer,
                kind=Kind.DESIGN_AWAITING_REVIEW,
                title=gettext_lazy("“%(title)s” was approved")
                if approved
                else gettext_lazy("Changes were requested on “%(title)s”"),
                body=gettext_lazy("%(reviewer)s approved your design; it can now be published.")
                if approved
                else gettext_lazy("%(reviewer)s asked for changes: %(comment)s"),
                url=url,
                params={
                    "title": credential.title,
                    "reviewer": getattr(actor, "display_name", "") or str(actor),
                    "comment": comment,
                },
            )
    return result


def _unmet(field: str, item_text: str) -> FieldError:
    return FieldError(field, "not_met", _("Not met: %(item)s") % {"item": item_text})


# Conditions other domains put on publication without the catalog importing them (they register in their
# AppConfig.ready); each raises a DomainError to refuse. Assessment adds: every certified competency is assessed,
# or a reviewer waived the gap.
PUBLISH_CHECKS: list[Callable[[MicroCredential], None]] = []


def add_publish_check(check: Callable[[MicroCredential], None]) -> None:
    if check not in PUBLISH_CHECKS:
        PUBLISH_CHECKS.append(check)


# What other domains copy into a new version (same registration): assessment copies the assessment plan.
NEW_VERSION_COPIES: list[Callable[[MicroCredential, MicroCredential], None]] = []


def add_new_version_copy(copy: Callable[[MicroCredential, MicroCredential], None]) -> None:
    if copy not in NEW_VERSION_COPIES:
        NEW_VERSION_COPIES.append(copy)


def publish(*, actor: Any, credential: MicroCredential) -> MicroCredential:
    """Freeze an approved version and make it the public one; the version it replaces is superseded."""
    require(actor, "catalog.publish", credential)
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        _require_status(credential, (Status.APPROVED,), _("Only an approved design can be published."))
        for check in PUBLISH_CHECKS:
            check(credential)
        before = _state(credential)
        previous = list(
            MicroCredential.objects.filter(
                provider=credential.provider, slug=credential.slug, status=Status.PUBLISHED
            ).exclude(pk=credential.pk)
        )
        for old in previous:
            old.status = Status.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            search.unindex(old)
            # Pathways follow the design, not one version of it.
            for pathway in old.pathways.all():
                pathway.members.remove(old)
                pathway.members.add(credential)
        credential.status = Status.PUBLISHED
        credential.published_at = timezone.now()
        # Marked "teaches in-demand skills" from its publication, not from the next change in demand. Imported here:
        # demand_markers writes through this module.
        from microcred.catalog.demand_markers import in_demand_labels

        credential.skills_demand = in_demand_labels([credential])[credential.pk]
        credential.save(update_fields=["status", "published_at", "skills_demand", "updated_at"])
        search.index(credential)
        record(
            actor=actor,
            action="catalog.publish",
            target=credential,
            organization=credential.provider,
            before=before,
            after={
                **_state(credential),
                "skills_demand": credential.skills_demand,
                "superseded": [old.version for old in previous],
            },
        )
    return credential


def retire(*, actor: Any, credential: MicroCredential, reason: str = "") -> MicroCredential:
    """Withdraw a published design from the catalog; its page and Achievement stay for those who earned it."""
    require(actor, "catalog.publish", credential)
    with transaction.atomic():
        credential = MicroCredential.objects.select_for_update().get(pk=credential.pk)
        _require_status(credential, (Status.PUBLISHED,), _("Only a published micro-credential can be retired."))
        before = _state(credential)
        credential.status = Status.RETIRED
        credential.save(update_fields=["status", "updated_at"])
        search.unindex(credential)
        record(
            actor=actor,
            action="catalog.retire",
            target=credential,
            organization=credential.provider,
            before=before,
            after={**_state(credential), "reason": str(reason)[:1000]},
        )
    return credential


def configure_checklist(*, actor: Any, provider: Organization, items: list[str]) -> list[ChecklistItem]:
    """Replace the provider's review checklist; past reviews keep the text they were checked against."""
    require(actor, "catalog.edit", provider)
    errors = ErrorList()
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors.add("items", "invalid_type", _("Enter a list of texts."))
        items = []
    texts = [i.strip() for i in items if i.strip()]
    if len(texts) > 30:
        errors.add("items", "too_many", _("Enter at most %(n)s items.") % {"n": 30})
    if any(len(t) > 300 for t in texts):
        errors.add("items", "too_long", _("Each item may have at most %(n)s characters.") % {"n": 300})
    errors.raise_if_any()
    with transaction.atomic():
        before = list(ChecklistItem.objects.filter(provider=provider, active=True).values_list("text", flat=True))
        ChecklistItem.objects.filter(provider=provider, active=True).update(active=False)
        created = [ChecklistItem.objects.create(provider=provider, position=i, text=t) for i, t in enumerate(texts)]
        record(
            actor=actor,
            action="catalog.configure_checklist",
            target=provider,
            organization=provider,
            before={"items": before},
            after={"items": texts},
        )
    return created


def record_skills_demand(*, actor: Any, credential: MicroCredential, skills: list[str]) -> MicroCredential:
    """The skills domain states which in-demand skills a design covers (labour-market data, not a design edit)."""
    require(actor, "catalog.edit", credential)
    values = typology.clean({"industry_partners": skills})["industry_partners"]  # same shape: short texts
    with transaction.atomic():
        before = {"skills_demand": credential.skills_demand}
        credential.skills_demand = values
        credential.save(update_fields=["skills_demand", "updated_at"])
        if credential.status == Status.PUBLISHED:
            search.index(credential)
        record(
            actor=actor,
            action="catalog.record_skills_demand",
            target=credential,
            organization=credential.provider,
            before=before,
            after={"skills_demand": values},
        )
    return credential


def create_pathway(*, actor: Any, provider: Organization, **fields: Any) -> Pathway:
    """A new pathway (see ``catalog.pathways.save_pathway`` for its fields and rules)."""
    from microcred.catalog.pathways import save_pathway

    return save_pathway(actor=actor, provider=provider, **fields)


def import_badge(*, actor: Any, provider: Organization, document: Any) -> tuple[MicroCredential, list[str]]:
    """A draft from an OB 3.0 Achievement or OB 2.0 BadgeClass, and notes on what to complete by hand."""
    require(actor, "catalog.edit", provider)
    fields, notes = formats.read_badge(document)
    fields["slug"] = _free_slug(provider, slugify(fields["title"])[:110] or "imported")
    return create_draft(actor=actor, provider=provider, **fields), notes


def _free_slug(provider: Organization, base: str) -> str:
    taken = set(MicroCredential.objects.filter(provider=provider, slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def bulk_import(*, actor: Any, provider: Organization, rows: list[dict[str, Any]]) -> list[MicroCredential]:
    """Drafts from many records at once; one bad row and nothing is written (errors name the row)."""
    require(actor, "catalog.edit", provider)
    errors = ErrorList()
    slugs: set[str] = set()
    for number, row in enumerate(rows, start=1):
        try:
            values = typology.clean(row)
        except ValidationFailed as failed:
            errors.errors += [FieldError(f"rows.{number}.{e.field}", e.code, e.message) for e in failed.errors]
            continue
        for required in ("title", "delivery_mode", "workload_hours"):
            if required not in values:
                errors.add(f"rows.{number}.{required}", "required", _("This field is required."))
        slug = values.get("slug") or slugify(values.get("title", ""))[:120]
        if slug in slugs or MicroCredential.objects.filter(provider=provider, slug=slug).exists():
            errors.add(f"rows.{number}.slug", "taken", _("This short name is already used."))
        slugs.add(slug)
    errors.raise_if_any()
    with transaction.atomic():
        return [create_draft(actor=actor, provider=provider, **row) for row in rows]
