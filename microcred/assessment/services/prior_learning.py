"""Recognition of prior learning: a learner asks that a component be satisfied by what they already did."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.permissions import require
from microcred.assessment.models import (
    AssessmentComponent,
    Enrolment,
    Evaluation,
    Evidence,
    PriorLearningRequest,
    PriorLearningStatus,
    ResultSource,
)
from microcred.audit.services import record
from microcred.errors import Conflict, ErrorList, PermissionDenied, ValidationFailed

MAX_NARRATIVE = 20_000


def request_recognition(
    *,
    actor: Any,
    enrolment: Enrolment,
    component: AssessmentComponent,
    narrative: str,
    evidence: list[Evidence] = (),  # type: ignore[assignment]
) -> PriorLearningRequest:
    if actor != enrolment.learner:
        raise PermissionDenied(_("Only the learner asks for recognition of their prior learning."))
    errors = ErrorList()
    if component.plan.credential_id != enrolment.credential_id:
        errors.add("component", "other_plan", _("Choose a component of this credential's plan."))
    elif not component.prior_learning_allowed:
        errors.add("component", "not_recognizable", _("This component cannot be satisfied by prior learning."))
    narrative = str(narrative or "").strip()
    if not narrative:
        errors.add("narrative", "required", _("Describe what you learned, where and when."))
    elif len(narrative) > MAX_NARRATIVE:
        errors.add("narrative", "too_long", _("At most %(n)d characters.") % {"n": MAX_NARRATIVE})
    evidence = list(evidence)
    if any(e.enrolment_id != enrolment.pk for e in evidence):
        errors.add("evidence", "not_yours", _("Choose evidence you submitted for this enrolment."))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            request = PriorLearningRequest.objects.create(enrolment=enrolment, component=component, narrative=narrative)
            request.evidence.set(evidence)
            record(
                actor=actor,
                action="assessment.request_recognition",
                target=request,
                organization=enrolment.credential.provider,
                after={"component": component.name, "evidence": [e.pk for e in evidence]},
            )
    except IntegrityError as exc:
        raise Conflict(_("You already asked for this component."), code="already_requested") from exc
    return request


def decide_recognition(
    *, actor: Any, request: PriorLearningRequest, recognized: bool, comment: str = ""
) -> PriorLearningRequest:
    """An assessor recognizes (the component counts as passed) or declines a request."""
    require(actor, "assessment.evaluate", request)
    if not isinstance(recognized, bool):
        raise ValidationFailed.single("recognized", "invalid_type", _("Recognized is true or false."))
    with transaction.atomic():
        request = (
            PriorLearningRequest.objects.select_for_update().select_related("enrolment", "component").get(pk=request.pk)
        )
        if request.status != PriorLearningStatus.REQUESTED:
            raise Conflict(_("This request was already decided."), code="already_decided")
        request.status = PriorLearningStatus.RECOGNIZED if recognized else PriorLearningStatus.DECLINED
        request.decided_by = actor if getattr(actor, "pk", None) else None
        request.decided_at = timezone.now()
        request.decision_comment = str(comment or "")[:5000]
        request.save()
        if recognized:
            Evaluation.objects.create(
                enrolment=request.enrolment,
                component=request.component,
                assessor=request.decided_by,
                assessor_name=getattr(actor, "display_name", "") or str(actor),
                source=ResultSource.PRIOR_LEARNING,
                passed=True,
                comment=request.decision_comment,
            )
        record(
            actor=actor,
            action="assessment.decide_recognition",
            target=request,
            organization=request.enrolment.credential.provider,
            after={"status": request.status, "component": request.component.name},
        )
    if recognized:
        from microcred.assessment.services.awards import award_after_result

        award_after_result(request.enrolment)
    return request
