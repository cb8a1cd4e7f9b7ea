"""The explicit award step of the pages: a new result decides the rule and moves the enrolment's status, and an
assessor then awards, seeing the decision in words. (The API and gradebook imports still award as a result lands.)"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.permissions import require
from microcred.assessment.models import Award, Enrolment, EnrolmentStatus, RuleDecision
from microcred.assessment.services import awards
from microcred.errors import Conflict


def decide_and_follow(enrolment: Enrolment) -> RuleDecision | None:
    """Decide the rule after a new result (stored with its inputs, like every decision) and move the status; award
    nothing. Nothing to decide once awarded or withdrawn."""
    if enrolment.status in (EnrolmentStatus.AWARDED, EnrolmentStatus.WITHDRAWN):
        return None
    with transaction.atomic():
        decision = awards.decide(enrolment)
        status = awards.next_status(enrolment.status, decision.outcome, decision.inputs)
        if status is not None:
            enrolment.status = status
            enrolment.save(update_fields=["status", "updated_at"])
    return decision


def award_now(*, actor: Any, enrolment: Enrolment) -> tuple[RuleDecision | None, Award | None]:
    """An assessor's "Award the credential": the rule is decided again and, if it is met, the credential is awarded
    and issued (one transaction, one audit entry, in ``awards``); otherwise nothing is awarded and the decision says
    why."""
    require(actor, "assessment.evaluate", enrolment)
    if Award.objects.filter(enrolment=enrolment).exists():
        raise Conflict(_("This learner was already awarded this credential."), code="already_awarded")
    return awards.evaluate_now(actor=actor, enrolment=enrolment)
