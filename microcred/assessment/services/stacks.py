"""Automatic award of a pathway's resulting (stack) credential once its last component is earned or imported, and
of a credential whose award rule asks ``holds(…)`` once what the learner holds changes.

Event-driven: an award here (``awards.award_if_earned``) and an import into the wallet (``wallet.services``) call
:func:`check_after_commit`, which runs :func:`award_completed_pathways` once their transaction is committed.
Idempotent: the stack credential is awarded through an enrolment in it, and an enrolment has at most one award (a
database constraint, and a lock here), so replayed or simultaneous events award it once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_tasks import task

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SYSTEM
from microcred.assessment import award_rules, ladder
from microcred.assessment.models import Award, Enrolment, EnrolmentStatus, RuleDecision
from microcred.audit.services import record
from microcred.catalog.models import Pathway
from microcred.notifications.models import Kind
from microcred.notifications.services import notify

logger = logging.getLogger(__name__)


def _already_awarded(learner: Any, pathway: Pathway) -> bool:
    credential = pathway.resulting_credential
    assert credential is not None
    return Award.objects.filter(
        enrolment__learner=learner,
        enrolment__credential__provider_id=credential.provider_id,
        enrolment__credential__slug=credential.slug,
    ).exists()


def award_pathway(*, learner: User, pathway: Pathway, standing: ladder.Standing) -> Award | None:
    """Award ``pathway``'s resulting credential to ``learner`` for a complete ``standing``; None when it was already
    awarded. One transaction: the enrolment, the decision (the standing, with every component's source), the
    issued credential, the award, one audit entry; the learner is notified."""
    from microcred.assessment.services.awards import _issue, issue_context

    credential = pathway.resulting_credential
    if credential is None or not standing.complete:
        return None
    try:
        with transaction.atomic():
            enrolment, _created = Enrolment.objects.get_or_create(learner=learner, credential=credential)
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
            if Award.objects.filter(enrolment=enrolment).exists() or _already_awarded(learner, pathway):
                return None
            decision = RuleDecision.objects.create(
                enrolment=enrolment,
                rule=f'pathway("{pathway.slug}")',
                outcome=award_rules.MET,
                inputs=standing.to_json(),
                missing=[],
            )
            issued = _issue(
                actor=SYSTEM, enrolment=enrolment, context=issue_context(credential), facts=award_rules.Facts()
            )
            award = Award.objects.create(enrolment=enrolment, decision=decision, issued_credential=issued)
            enrolment.status = EnrolmentStatus.AWARDED
            enrolment.save(update_fields=["status", "updated_at"])
            record(
                actor=SYSTEM,
                action="assessment.award_pathway",
                target=award,
                organization=credential.provider,
                after={
                    "learner": learner.email,
                    "pathway": pathway.slug,
                    "credential": credential.pk,
                    "decision": decision.pk,
                    "issued_credential": str(issued.public_id),
                },
            )
            notify(
                recipient=learner,
                kind=Kind.CREDENTIAL_AWARDED,
                title=gettext_lazy("You were awarded “%(title)s”"),
                body=gettext_lazy("You completed the pathway “%(pathway)s”: %(provider)s awarded you its credential."),
                url=reverse("wallet:credential", args=[str(issued.public_id)]),
                params={"title": credential.title, "pathway": pathway.title, "provider": credential.provider.name},
            )
            check_after_commit(learner.pk)  # a stack credential may itself be a component of a larger one
    except IntegrityError:  # another worker enrolled or awarded this learner at the same moment
        return None
    return award


def award_completed_pathways(*, learner: User) -> list[Award]:
    """Award every pathway credential ``learner`` has now completed and not yet received."""
    pathways = Pathway.objects.filter(resulting_credential__isnull=False).select_related(
        "provider", "resulting_credential__provider"
    )
    todo = [p for p in pathways if not _already_awarded(learner, p)]
    if not todo:
        return []
    from microcred.assessment import holdings

    held = holdings.holdings_of(learner)
    awarded = []
    for pathway in todo:
        standing = ladder.standing(pathway, learner, held=held)
        if standing.complete:
            award = award_pathway(learner=learner, pathway=pathway, standing=standing)
            if award is not None:
                awarded.append(award)
    return awarded


def decide_rules_that_hold(*, learner: User) -> list[Award]:
    """Decide again the learner's open enrolments whose award rule asks ``holds(…)``: what they hold has changed."""
    from microcred.assessment.services.awards import award_if_earned

    open_statuses = (EnrolmentStatus.ENROLLED, EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.ASSESSED)
    awarded = []
    for enrolment in Enrolment.objects.filter(
        learner=learner, status__in=open_statuses, credential__award_rule__contains="holds("
    ).select_related("credential__provider", "learner"):
        award = award_if_earned(enrolment=enrolment)
        if award is not None:
            awarded.append(award)
    return awarded


def check_pathways(learner_id: int) -> list[Award]:
    """The event handler: awards earned through ``holds`` rules, then completed pathways. Never raises (a failure is
    logged, and the next event tries again)."""
    try:
        learner = User.objects.filter(pk=learner_id, is_active=True).first()
        if learner is None:
            return []
        return decide_rules_that_hold(learner=learner) + award_completed_pathways(learner=learner)
    except Exception:
        logger.exception("Pathway check for learner %s failed", learner_id)
        return []


def learners_to_recheck(provider: Organization, limit: int = 5000) -> list[int]:
    """Learners whose standing may change with ``provider``'s trust: those enrolled in, or holding a credential of, a
    component of its pathways that award a credential, and those with an open enrolment whose rule asks ``holds``."""
    from microcred.assessment import holdings
    from microcred.catalog.models import MicroCredential
    from microcred.issuing.models import IssuedCredential

    designs = Q(pk__in=[])
    ids: set[str] = set()
    for pathway in Pathway.objects.filter(provider=provider, resulting_credential__isnull=False):
        for member in pathway.members.select_related("provider"):
            designs |= Q(provider_id=member.provider_id, slug=member.slug)
            ids |= holdings.design_ids(member)
    credentials = MicroCredential.objects.filter(designs)
    found = set(Enrolment.objects.filter(credential__in=credentials).values_list("learner_id", flat=True)[:limit])
    found |= set(
        IssuedCredential.objects.filter(achievement_id__in=ids, recipient__isnull=False).values_list(
            "recipient_id", flat=True
        )[:limit]
    )
    found |= set(
        Enrolment.objects.filter(
            credential__provider=provider,
            credential__award_rule__contains="holds(",
            status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.ASSESSED),
        ).values_list("learner_id", flat=True)[:limit]
    )
    return sorted(found)[:limit]


def recheck_provider(provider_id: int) -> int:
    """Check again every learner :func:`learners_to_recheck` names; the number of awards made."""
    provider = Organization.objects.filter(pk=provider_id).first()
    if provider is None:
        return 0
    return sum(len(check_pathways(learner_id)) for learner_id in learners_to_recheck(provider))


@task()
def recheck_provider_task(provider_id: int) -> int:
    return recheck_provider(provider_id)


def on_trust_changed(provider: Organization) -> None:
    """The catalog's ``TRUST_CHANGED`` listener (already after the commit): a background task re-checks."""
    recheck_provider_task.enqueue(provider.pk)


def stacking_in_use() -> bool:
    """Whether an award can lead to another: a pathway awards a credential, or an award rule asks ``holds(…)``."""
    from microcred.catalog.models import MicroCredential

    return (
        Pathway.objects.filter(resulting_credential__isnull=False).exists()
        or MicroCredential.objects.filter(award_rule__contains="holds(").exists()
    )


def check_after_commit(learner_id: int) -> None:
    """Check the learner's pathways once the current transaction is committed (at once outside one)."""
    transaction.on_commit(lambda: check_pathways(learner_id))
