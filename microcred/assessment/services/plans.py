"""Assessment plans: components, their competencies and scales, the plan check and its waiver, the award rule."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.permissions import require
from microcred.assessment import selectors
from microcred.assessment.award_rules import RuleSyntaxError, compile_rule
from microcred.assessment.models import AssessmentComponent, AssessmentPlan, ComponentKind, LogBookTask
from microcred.audit.services import record
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict, ErrorList, ValidationFailed
from microcred.frameworks.models import Competency, Framework, ProficiencyLevel, ProficiencyScale

MAX_COMPONENTS = 50
MAX_TASKS = 200


def _require_editable(credential: MicroCredential) -> None:
    """A version's plan and rule are part of the design: frozen once it is sent for review, like the rest of it."""
    if not credential.is_editable:
        raise Conflict(
            _("This version is frozen; change its assessment in a new version."), code="plan_frozen"
        )


def _plan_for(credential: MicroCredential) -> AssessmentPlan:
    plan, _created = AssessmentPlan.objects.get_or_create(credential=credential)
    return plan


def _decimal(errors: ErrorList, field: str, value: Any, *, low: Decimal, high: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        errors.add(field, "not_a_number", _("Enter a number."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, "not_a_number", _("Enter a number."))
        return None
    if not number.is_finite() or number < low or number > high:
        errors.add(field, "out_of_range", _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
        return None
    return number.quantize(Decimal("0.01"))


def add_component(
    *,
    actor: Any,
    credential: MicroCredential,
    name: str,
    kind: str,
    competencies: list[Competency] = (),  # type: ignore[assignment]
    scale: ProficiencyScale | None = None,
    max_score: Any = None,
    pass_mark: Any = None,
    prior_learning_allowed: bool = False,
    unlocked_by: AssessmentComponent | None = None,
    tasks: list[str] = (),  # type: ignore[assignment]
    description: str = "",
    default_scale: bool = False,
) -> AssessmentComponent:
    """Add one component to the credential's plan (created on first use). ``default_scale``: rate its competencies
    on the provider's default scale (four levels, made on first use) when no framework offers one (ESCO has none)."""
    require(actor, "assessment.manage", credential)
    _require_editable(credential)
    errors = ErrorList()
    name = " ".join(str(name or "").split())
    if not name:
        errors.add("name", "required", _("Name the component."))
    elif len(name) > 120:
        errors.add("name", "too_long", _("At most 120 characters."))
    if kind not in ComponentKind.values:
        errors.add("kind", "invalid_choice", _("Choose a kind of component."))
    maximum = _decimal(errors, "max_score", max_score, low=Decimal("0.01"), high=Decimal("1000000"))
    mark = _decimal(errors, "pass_mark", pass_mark, low=Decimal(0), high=Decimal(100))
    if mark is not None and maximum is None and kind != ComponentKind.LOG_BOOK:
        errors.add("pass_mark", "needs_score", _("A pass mark needs a maximum score."))
    competencies = list(competencies)
    if competencies and scale is None and not default_scale:
        errors.add("scale", "required", _("Choose the scale the competencies are rated on."))
    if scale is not None and not selectors.scale_levels(scale):
        errors.add("scale", "empty_scale", _("This scale has no levels."))
    tasks = [" ".join(str(t).split())[:300] for t in tasks if str(t).strip()]
    if kind == ComponentKind.LOG_BOOK and not tasks:
        errors.add("tasks", "required", _("A log book lists at least one task."))
    if len(tasks) > MAX_TASKS:
        errors.add("tasks", "too_many", _("At most %(n)d tasks.") % {"n": MAX_TASKS})
    if unlocked_by is not None and unlocked_by.plan.credential_id != credential.pk:
        errors.add("unlocked_by", "other_plan", _("Choose a component of this plan."))
    errors.raise_if_any()
    with transaction.atomic():
        plan = _plan_for(credential)
        if default_scale and scale is None and competencies:
            scale = _default_scale(actor, credential)
        if plan.components.count() >= MAX_COMPONENTS:
            raise Conflict(_("A plan has at most %(n)d components.") % {"n": MAX_COMPONENTS}, code="too_many")
        if plan.components.filter(name__iexact=name).exists():
            raise ValidationFailed.single("name", "duplicate", _("The plan already has a component with this name."))
        component = AssessmentComponent.objects.create(
            plan=plan,
            name=name,
            kind=kind,
            description=str(description or "")[:5000],
            max_score=maximum,
            pass_mark=mark,
            scale=scale,
            prior_learning_allowed=bool(prior_learning_allowed),
            unlocked_by=unlocked_by,
            sort_order=plan.components.count(),
        )
        component.competencies.set(competencies)
        LogBookTask.objects.bulk_create(
            LogBookTask(component=component, title=title, sort_order=i) for i, title in enumerate(tasks)
        )
        record(
            actor=actor,
            action="assessment.add_component",
            target=component,
            organization=credential.provider,
            after={
                "name": name,
                "kind": kind,
                "competencies": [c.pk for c in competencies],
                "max_score": None if maximum is None else str(maximum),
                "pass_mark": None if mark is None else str(mark),
            },
        )
    return component


DEFAULT_LEVELS = ("not yet demonstrated", "developing", "competent", "proficient")


def _default_scale(actor: Any, credential: MicroCredential) -> ProficiencyScale:
    """The provider's default four-level scale, in a framework of its own ("… assessment scales"), made once."""
    provider = credential.provider
    framework, _created = Framework.objects.get_or_create(
        organization=provider,
        slug=f"{provider.slug}-assessment-scales"[:120],
        version="1",
        defaults={"title": _("%(name)s: assessment scales") % {"name": provider.name}, "publisher": provider.name},
    )
    scale, created = ProficiencyScale.objects.get_or_create(
        framework=framework, name=_("Default proficiency scale"), defaults={"is_default": True}
    )
    if created:
        ProficiencyLevel.objects.bulk_create(
            ProficiencyLevel(scale=scale, rank=rank, label=label) for rank, label in enumerate(DEFAULT_LEVELS)
        )
    return scale


def set_plan_competencies(*, actor: Any, credential: MicroCredential, competencies: list[Competency]) -> AssessmentPlan:
    """The competencies the credential certifies; the plan check looks for any that no component assesses."""
    require(actor, "assessment.manage", credential)
    _require_editable(credential)
    with transaction.atomic():
        plan = _plan_for(credential)
        before = sorted(plan.competencies.values_list("pk", flat=True))
        plan.competencies.set(competencies)
        plan.save(update_fields=["updated_at"])
        record(
            actor=actor,
            action="assessment.set_plan_competencies",
            target=plan,
            organization=credential.provider,
            before={"competencies": before},
            after={"competencies": sorted(c.pk for c in competencies)},
        )
    return plan


def waive_plan_gaps(*, actor: Any, credential: MicroCredential, reason: str) -> AssessmentPlan:
    """A reviewer accepts, with a reason, that the current gaps may be published. New gaps need a new waiver."""
    require(actor, "assessment.waive_gaps", credential)
    if credential.is_public:
        raise Conflict(_("This version is published; a waiver is given during its review."), code="plan_frozen")
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed.single("reason", "required", _("Say why the gap is acceptable."))
    report = selectors.plan_check(credential)
    if not report.gaps:
        raise Conflict(_("The plan has no gap to waive."), code="no_gaps")
    with transaction.atomic():
        plan = _plan_for(credential)
        plan.gaps_waived_by = actor if getattr(actor, "pk", None) else None
        plan.gaps_waived_at = timezone.now()
        plan.waived_gaps = sorted(c.pk for c in report.gaps)
        plan.waiver_reason = reason[:2000]
        plan.save()
        record(
            actor=actor,
            action="assessment.waive_plan_gaps",
            target=plan,
            organization=credential.provider,
            after={"gaps": plan.waived_gaps, "reason": plan.waiver_reason},
        )
    return plan


def check_plan_before_publication(credential: MicroCredential) -> None:
    """The catalog calls this before it publishes a version: a competency the credential certifies but no
    component assesses needs a reviewer's waiver, and a competency must not be rated on two scales."""
    report = selectors.plan_check(credential)
    if report.conflicting_scales:
        raise Conflict(
            _("These competencies are rated on more than one scale: %(names)s.")
            % {"names": ", ".join(selectors.competency_name(c) for c in report.conflicting_scales)},
            code="plan_conflicting_scales",
        )
    if report.gaps and not report.waived:
        raise Conflict(
            _("No assessment component assesses: %(names)s. A reviewer must waive this gap before publication.")
            % {"names": ", ".join(selectors.competency_name(c) for c in report.gaps)},
            code="plan_gaps_not_waived",
        )


def copy_plan(source: MicroCredential, copy: MicroCredential) -> None:
    """A new version starts from the plan of the version it copies (the catalog calls this in its
    ``start_new_version`` transaction, whose audit entry records the copy). A waiver is not copied: the new version
    is reviewed again."""
    plan = AssessmentPlan.objects.filter(credential=source).first()
    if plan is None:
        return
    new_plan = AssessmentPlan.objects.create(credential=copy)
    new_plan.competencies.set(plan.competencies.all())
    copies: dict[int, tuple[AssessmentComponent, int | None]] = {}
    for component in plan.components.prefetch_related("competencies", "tasks"):
        competencies, tasks = list(component.competencies.all()), list(component.tasks.all())
        old_pk, unlocked_by = component.pk, component.unlocked_by_id
        component.pk = None
        component._state.adding = True
        component._prefetched_objects_cache = {}  # else set() below would compare with the old component's rows
        component.plan, component.unlocked_by = new_plan, None
        component.save()
        component.competencies.set(competencies)
        LogBookTask.objects.bulk_create(
            LogBookTask(component=component, title=task.title, sort_order=task.sort_order) for task in tasks
        )
        copies[old_pk] = (component, unlocked_by)
    for component, unlocked_by in copies.values():
        if unlocked_by is not None:
            component.unlocked_by = copies[unlocked_by][0]
            component.save(update_fields=["unlocked_by"])


def check_award_rule(credential: MicroCredential, rule: str) -> None:
    """Raise :class:`RuleSyntaxError` if ``rule`` does not parse or does not fit the credential's plan."""
    compile_rule(rule, selectors.signature_of(credential))


def save_award_rule(*, actor: Any, credential: MicroCredential, rule: str) -> MicroCredential:
    """Validate the rule against the plan (position of the first fault on error) and store it."""
    require(actor, "assessment.manage", credential)
    _require_editable(credential)
    if not isinstance(rule, str):
        raise RuleSyntaxError(0, _("A rule is text."))
    rule = rule.strip()
    check_award_rule(credential, rule)
    with transaction.atomic():
        before = credential.award_rule
        credential.award_rule = rule
        credential.save(update_fields=["award_rule"])
        record(
            actor=actor,
            action="assessment.save_award_rule",
            target=credential,
            organization=credential.provider,
            before={"award_rule": before},
            after={"award_rule": rule},
        )
    return credential
