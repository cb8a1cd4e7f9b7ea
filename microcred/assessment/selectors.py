"""Reads of the assessment domain: plans and their check, a learner's counted results, progress, gap reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.permissions import can, require
from microcred.assessment import holdings
from microcred.assessment.award_rules import CompetencyInfo, ComponentInfo, Facts, Signature
from microcred.assessment.models import (
    AssessmentComponent,
    AssessmentPlan,
    Award,
    CompetencyRating,
    ComponentKind,
    Enrolment,
    Evaluation,
    LogBookTask,
    ResultSource,
    TaskSignOff,
)
from microcred.catalog.models import MicroCredential, Status
from microcred.errors import NotFound
from microcred.frameworks.models import Competency, ProficiencyLevel, ProficiencyScale

HUNDRED = Decimal(100)


def competency_name(competency: Competency) -> str:
    """The name a rule uses for a competency."""
    return (competency.short_name or competency.code or competency.statement or str(competency.pk)).strip()


def scale_levels(scale: ProficiencyScale) -> list[ProficiencyLevel]:
    return list(ProficiencyLevel.objects.filter(scale=scale).order_by("rank"))


def level_name(level: ProficiencyLevel) -> str:
    return level.label


def competencies_for(credential: MicroCredential, limit: int = 500) -> list[Competency]:
    """The competencies a plan may use: the provider's own frameworks and the public ones."""
    return list(
        Competency.objects.filter(
            Q(framework__organization=credential.provider) | Q(framework__organization__isnull=True)
        )
        .select_related("framework")
        .order_by("framework__title", "sort_order", "pk")[:limit]
    )


def scales_for(credential: MicroCredential) -> list[ProficiencyScale]:
    return list(
        ProficiencyScale.objects.filter(
            Q(framework__organization=credential.provider) | Q(framework__organization__isnull=True)
        )
        .select_related("framework")
        .order_by("framework__title", "name", "pk")
    )


def plan_of(credential: MicroCredential) -> AssessmentPlan | None:
    return AssessmentPlan.objects.filter(credential=credential).first()


def components_of(credential: MicroCredential) -> list[AssessmentComponent]:
    return list(
        AssessmentComponent.objects.filter(plan__credential=credential)
        .select_related("scale", "unlocked_by")
        .prefetch_related("competencies", "tasks")
    )


def component_by_id(credential: MicroCredential, component_id: Any) -> AssessmentComponent:
    try:
        return AssessmentComponent.objects.select_related("plan__credential__provider").get(
            pk=int(component_id), plan__credential=credential
        )
    except (AssessmentComponent.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise NotFound("No such component in this plan.", code="component_not_found") from exc


@dataclass
class PlanCheck:
    """What the plan assesses, and the certified competencies nothing assesses (gaps)."""

    assessed: list[Competency] = field(default_factory=list)
    gaps: list[Competency] = field(default_factory=list)
    conflicting_scales: list[Competency] = field(default_factory=list)
    waived: bool = False

    @property
    def ok(self) -> bool:
        return not self.conflicting_scales and (not self.gaps or self.waived)


def plan_for(user: Any, credential_id: Any) -> MicroCredential:
    """A credential whose assessment plan ``user`` may read.

    A published (or superseded, retired) version's plan is read by anyone signed in, as its catalog page is; a
    draft's only with ``assessment.view_plan`` on its provider. A draft is "not found" for whoever may not see it
    in the catalog either, and refused to a member of the provider without that permission.
    """
    text = str(credential_id)
    credential = (
        MicroCredential.objects.select_related("provider").filter(pk=int(text)).first()
        if text.isascii() and text.isdigit() and len(text) < 12
        else None
    )
    if credential is None or not (credential.is_public or can(user, "organization.view", credential.provider)):
        raise NotFound(_("No such micro-credential."), code="credential_not_found")
    if not credential.is_public:
        require(user, "assessment.view_plan", credential)
    return credential


def plan_check(credential: MicroCredential) -> PlanCheck:
    plan = plan_of(credential)
    if plan is None:
        return PlanCheck()
    components = components_of(credential)
    assessed: dict[int, Competency] = {}
    scales: dict[int, set[int]] = defaultdict(set)
    for component in components:
        for competency in component.competencies.all():
            assessed[competency.pk] = competency
            if component.scale_id:
                scales[competency.pk].add(component.scale_id)
    required = list(plan.competencies.all())
    gaps = [c for c in required if c.pk not in assessed]
    conflicting = [assessed[pk] for pk, ids in scales.items() if len(ids) > 1]
    waived = bool(gaps) and sorted(c.pk for c in gaps) == sorted(plan.waived_gaps or [])
    return PlanCheck(list(assessed.values()), gaps, conflicting, waived)


def _competency_scales(components: list[AssessmentComponent]) -> dict[int, tuple[Competency, ProficiencyScale]]:
    found: dict[int, tuple[Competency, ProficiencyScale]] = {}
    for component in components:
        if component.scale is None:
            continue
        for competency in component.competencies.all():
            found.setdefault(competency.pk, (competency, component.scale))
    return found


def signature_of(credential: MicroCredential, *, components: list[AssessmentComponent] | None = None) -> Signature:
    """What the credential's award rule may refer to: its components and rated competencies with their scales.

    ``components``: the credential's components when the caller has read them already."""
    components = components_of(credential) if components is None else components
    levels_by_scale: dict[int, tuple[str, ...]] = {}
    competencies = []
    for competency, scale in _competency_scales(components).values():
        if scale.pk not in levels_by_scale:
            levels_by_scale[scale.pk] = tuple(level_name(level) for level in scale_levels(scale))
        competencies.append(CompetencyInfo(competency_name(competency), levels_by_scale[scale.pk]))
    return Signature.build(
        [ComponentInfo(c.name, scored=c.scored) for c in components],
        competencies,
    )


# ---------------------------------------------------------------- a learner's results


def _component_passed(component: AssessmentComponent, evaluation: Evaluation | None) -> bool | None:
    if evaluation is None:
        return None
    if evaluation.passed is not None:
        return evaluation.passed
    if evaluation.score is not None and component.pass_mark is not None and component.max_score:
        return evaluation.score * HUNDRED / component.max_score >= component.pass_mark
    return None


def facts_for_many(
    credential: MicroCredential, enrolments: list[Enrolment], *, components: list[AssessmentComponent] | None = None
) -> dict[int, Facts]:
    """Each enrolment's counted results in a handful of queries: the latest non-self evaluation per component,
    the latest rating per competency, and log books passed when every task is signed off."""
    components = components_of(credential) if components is None else components
    by_id = {c.pk: c for c in components}
    ids = [e.pk for e in enrolments]
    shared: dict[Any, Any] = {}  # holds(): the trust list and what each achievement means, read once for all
    latest: dict[tuple[int, int], Evaluation] = {}
    evaluations = (
        Evaluation.objects.filter(enrolment_id__in=ids)
        .exclude(source=ResultSource.SELF)
        .order_by("enrolment_id", "component_id", "-created_at", "-pk")
        .only("pk", "enrolment_id", "component_id", "score", "passed", "created_at")
    )
    for evaluation in evaluations.iterator(chunk_size=2000):
        latest.setdefault((evaluation.enrolment_id, evaluation.component_id), evaluation)
    ratings: dict[tuple[int, int], str] = {}
    rating_rows = (
        CompetencyRating.objects.filter(evaluation__enrolment_id__in=ids)
        .exclude(evaluation__source=ResultSource.SELF)
        .order_by("evaluation__enrolment_id", "competency_id", "-evaluation__created_at", "-evaluation_id")
        .values_list("evaluation__enrolment_id", "competency_id", "level__label")
    )
    for enrolment_id, competency_id, label in rating_rows.iterator(chunk_size=2000):
        ratings.setdefault((enrolment_id, competency_id), label)
    log_books = [c for c in components if c.kind == ComponentKind.LOG_BOOK]
    signed: dict[tuple[int, int], int] = defaultdict(int)
    task_counts: dict[int, int] = {}
    if log_books:
        for component in log_books:
            task_counts[component.pk] = len(component.tasks.all())
        for enrolment_id, component_id in TaskSignOff.objects.filter(
            enrolment_id__in=ids, task__component__in=log_books
        ).values_list("enrolment_id", "task__component_id"):
            signed[(enrolment_id, component_id)] += 1
    competencies = _competency_scales(components)
    result: dict[int, Facts] = {}
    for enrolment in enrolments:
        grades: dict[str, Decimal] = {}
        passed: dict[str, bool] = {}
        for component in components:
            evaluation = latest.get((enrolment.pk, component.pk))
            if component.kind == ComponentKind.LOG_BOOK:
                count = task_counts.get(component.pk, 0)
                if count and signed[(enrolment.pk, component.pk)] >= count:
                    passed[component.name] = True
                elif evaluation is not None and evaluation.passed is not None:
                    passed[component.name] = evaluation.passed
                continue
            if evaluation is not None and evaluation.score is not None and component.max_score:
                grades[component.name] = (evaluation.score * HUNDRED / component.max_score).quantize(Decimal("0.01"))
            outcome = _component_passed(by_id[component.pk], evaluation)
            if outcome is not None:
                passed[component.name] = outcome
        levels = {
            competency_name(competency): ratings[(enrolment.pk, competency_id)]
            for competency_id, (competency, _scale) in competencies.items()
            if (enrolment.pk, competency_id) in ratings
        }
        holds = holdings.resolver(enrolment.learner_id, credential.provider, shared)
        result[enrolment.pk] = Facts(grades, passed, levels, holds)
    return result


def facts_for(enrolment: Enrolment, *, components: list[AssessmentComponent] | None = None) -> Facts:
    return facts_for_many(enrolment.credential, [enrolment], components=components)[enrolment.pk]


# ---------------------------------------------------------------- learners, progress, routes


def enrolment_by_id(enrolment_id: Any) -> Enrolment:
    try:
        return Enrolment.objects.select_related("learner", "credential__provider").get(pk=int(enrolment_id))
    except (Enrolment.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise NotFound("No such enrolment.", code="enrolment_not_found") from exc


def enrolments_of_learner(user: Any) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(learner=user)
        .select_related("credential__provider")
        .prefetch_related(Prefetch("award", queryset=Award.objects.select_related("issued_credential")))
        .order_by("-enrolled_at")
    )


def cohort(credential: MicroCredential) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(credential=credential).select_related("learner").order_by("learner__email")


def latest_evaluations(enrolment: Enrolment) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(enrolment=enrolment)
        .select_related("component", "assessor")
        .prefetch_related("ratings__competency", "ratings__level")
        .order_by("-created_at", "-pk")
    )


def is_unlocked(enrolment: Enrolment, component: AssessmentComponent) -> bool:
    """A component unlocked by another (a post-test by its pre-test) opens once that one is passed."""
    if component.unlocked_by_id is None:
        return True
    facts = facts_for(enrolment)
    return facts.passed.get(" ".join(component.unlocked_by.name.split()).casefold()) is True


@dataclass
class GapReport:
    """After a failed pre-test: the competencies still to learn and the published credentials that teach them."""

    competencies: list[Competency]
    credentials: dict[int, list[MicroCredential]]  # competency id -> credentials


def gap_report(enrolment: Enrolment, component: AssessmentComponent) -> GapReport:
    evaluation = (
        Evaluation.objects.filter(enrolment=enrolment, component=component)
        .exclude(source=ResultSource.SELF)
        .prefetch_related("ratings__level", "ratings__competency")
        .order_by("-created_at", "-pk")
        .first()
    )
    assessed = list(component.competencies.all())
    gaps: list[Competency] = []
    rated = {r.competency_id: r for r in evaluation.ratings.all()} if evaluation is not None else {}
    for competency in assessed:
        rating = rated.get(competency.pk)
        if rating is None:
            gaps.append(competency)  # not shown on the test: still to learn
            continue
        levels = scale_levels(rating.level.scale)
        shown_from = levels[len(levels) // 2].rank if levels else 0  # the upper half of the scale counts as shown
        if rating.level.rank < shown_from:
            gaps.append(competency)
    teaching: dict[int, list[MicroCredential]] = {}
    for competency in gaps:
        teaching[competency.pk] = list(
            MicroCredential.objects.filter(
                status=Status.PUBLISHED,
                assessment_only=False,
                assessment_plan__components__competencies=competency,
            )
            .exclude(pk=enrolment.credential_id)
            .distinct()
            .order_by("title")[:10]
        )
    return GapReport(gaps, teaching)


def award_of(enrolment: Enrolment) -> Award | None:
    return Award.objects.filter(enrolment=enrolment).select_related("issued_credential").first()


def tasks_with_sign_offs(enrolment: Enrolment, component: AssessmentComponent) -> list[tuple[LogBookTask, Any]]:
    signed = {s.task_id: s for s in TaskSignOff.objects.filter(enrolment=enrolment, task__component=component)}
    return [(task, signed.get(task.pk)) for task in component.tasks.all()]
