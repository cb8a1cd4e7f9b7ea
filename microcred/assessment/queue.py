"""The assessor's work queue (reads): enrolments waiting for an award, an evidence review, a recognition decision or
an evaluation, at the organizations where the person assesses; most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Membership, OrganizationKind, Role
from microcred.accounts.permissions import can
from microcred.assessment import award_rules, selectors
from microcred.assessment.models import (
    ComponentKind,
    Enrolment,
    EnrolmentStatus,
    Evaluation,
    Evidence,
    PriorLearningRequest,
    ResultSource,
)

MAX_ITEMS = 200
OPEN = (EnrolmentStatus.ENROLLED, EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.ASSESSED)
AWARD, EVIDENCE, RECOGNITION, EVALUATION = "award", "evidence", "recognition", "evaluation"
REASONS = {
    AWARD: _("Ready to award: the award rule is met"),
    EVIDENCE: _("New evidence to review"),
    RECOGNITION: _("Prior learning to decide"),
    EVALUATION: _("Waiting for an evaluation"),
}


@dataclass(frozen=True)
class QueueItem:
    enrolment: Enrolment
    reason: str
    waiting: list[str]  # the components still without a result, for an evaluation
    since: datetime

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason])


def assesses_anywhere(user: Any) -> bool:
    """An assessor of a provider or an employer: the role whose home is the work queue (admins may assess too and
    reach the queue, but their home is their own role's)."""
    return Membership.objects.filter(
        user=user,
        role=Role.ASSESSOR,
        organization__kind__in=(OrganizationKind.PROVIDER, OrganizationKind.EMPLOYER),
    ).exists()


def _open_enrolments(user: Any) -> list[Enrolment]:
    providers = [
        m.organization
        for m in Membership.objects.filter(user=user, organization__kind=OrganizationKind.PROVIDER).select_related(
            "organization"
        )
        if can(user, "assessment.evaluate", m.organization)
    ]
    employers = [
        m.organization
        for m in Membership.objects.filter(user=user, organization__kind=OrganizationKind.EMPLOYER).select_related(
            "organization"
        )
        if can(user, "assessment.evaluate_workplace", m.organization)
    ]
    if not providers and not employers:
        return []
    found = Q(credential__provider__in=providers) | Q(
        supervisor_invitations__organization__in=employers, supervisor_invitations__revoked_at__isnull=True
    )
    return list(
        Enrolment.objects.filter(found, status__in=OPEN)
        .select_related("learner", "credential__provider")
        .distinct()
        .order_by("enrolled_at", "pk")[:MAX_ITEMS]
    )


def may_record(user: Any, enrolment: Enrolment, component: Any) -> bool:
    """Whether this person records this component's result (a workplace evaluation: its designated supervisor)."""
    if component.kind == ComponentKind.LOG_BOOK:
        return False
    if component.kind == ComponentKind.WORKPLACE_EVALUATION:
        return any(
            can(user, "assessment.evaluate_workplace", invitation.organization)
            for invitation in enrolment.supervisor_invitations.all()
            if invitation.revoked_at is None and component in invitation.components.all()
        )
    return can(user, "assessment.evaluate", enrolment)


def work_queue(user: Any) -> list[QueueItem]:
    enrolments = _open_enrolments(user)
    if not enrolments:
        return []
    ids = [e.pk for e in enrolments]
    last_result = dict(
        Evaluation.objects.filter(enrolment_id__in=ids)
        .exclude(source=ResultSource.SELF)
        .values_list("enrolment_id")
        .annotate(last=Max("created_at"))
    )
    evidence = dict(
        Evidence.objects.filter(enrolment_id__in=ids).values_list("enrolment_id").annotate(last=Max("created_at"))
    )
    recognition = dict(
        PriorLearningRequest.objects.filter(enrolment_id__in=ids, status="requested")
        .values_list("enrolment_id")
        .annotate(first=Max("created_at"))
    )
    done = {
        (e, c)
        for e, c in Evaluation.objects.filter(enrolment_id__in=ids)
        .exclude(source=ResultSource.SELF)
        .values_list("enrolment_id", "component_id")
    }
    items = []
    by_credential: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_credential.setdefault(enrolment.credential_id, []).append(enrolment)
    for group in by_credential.values():
        credential = group[0].credential
        components = selectors.components_of(credential)
        compiled = None
        if credential.award_rule.strip():
            try:
                compiled = award_rules.compile_rule(credential.award_rule, selectors.signature_of(credential))
            except award_rules.RuleSyntaxError:
                compiled = None
        facts = selectors.facts_for_many(credential, group) if compiled is not None else {}
        for enrolment in group:
            may_award = can(user, "assessment.evaluate", enrolment)
            if may_award and compiled is not None and award_rules.evaluate(compiled, facts[enrolment.pk]).met:
                items.append(QueueItem(enrolment, AWARD, [], last_result.get(enrolment.pk) or enrolment.updated_at))
                continue
            submitted = evidence.get(enrolment.pk)
            if may_award and submitted and (enrolment.pk not in last_result or submitted > last_result[enrolment.pk]):
                items.append(QueueItem(enrolment, EVIDENCE, [], submitted))
                continue
            if may_award and enrolment.pk in recognition:
                items.append(QueueItem(enrolment, RECOGNITION, [], recognition[enrolment.pk]))
                continue
            waiting = [
                c.name for c in components if (enrolment.pk, c.pk) not in done and may_record(user, enrolment, c)
            ]
            if waiting:
                items.append(QueueItem(enrolment, EVALUATION, waiting, enrolment.enrolled_at))
    order = list(REASONS)
    return sorted(items, key=lambda item: (order.index(item.reason), item.since))
