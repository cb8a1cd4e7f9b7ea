"""Bulk award of a cohort as a background task, with progress, idempotent and safe to kill.

Each learner is decided and (when earned) awarded and issued in its own transaction; the job's
cursor and counters move forward only after a chunk is committed. A worker killed mid-run loses
at most its open transaction: on restart the job continues from its cursor, and the award of a
learner already awarded is skipped (one award per enrolment, enforced by the database).
"""

from __future__ import annotations

import traceback
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.accounts.permissions import SYSTEM, require
from microcred.assessment import award_rules, selectors
from microcred.assessment.models import Award, BulkAwardJob, Enrolment, EnrolmentStatus, JobStatus, RuleDecision
from microcred.assessment.services.awards import (
    MOVABLE,
    award_if_earned,
    compiled_rule,
    issue_context,
    next_status,
)
from microcred.audit.services import record
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict

CHUNK = 200


def start_bulk_award(*, actor: Any, credential: MicroCredential, enqueue: bool = True) -> BulkAwardJob:
    """Queue a bulk award; an unfinished job for the same credential is resumed instead of duplicated."""
    require(actor, "assessment.manage", credential)
    require(actor, "issuing.issue", credential)
    if not credential.award_rule.strip():
        raise Conflict(_("Set an award rule first."), code="no_award_rule")
    compiled_rule(credential)  # a rule that no longer compiles is refused before anything is queued
    with transaction.atomic():
        job = (
            BulkAwardJob.objects.select_for_update()
            .filter(credential=credential, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .first()
        )
        resumed = job is not None
        if job is None:
            job = BulkAwardJob.objects.create(
                credential=credential,
                requested_by=actor if getattr(actor, "pk", None) else None,
                total=Enrolment.objects.filter(credential=credential).exclude(status=EnrolmentStatus.WITHDRAWN).count(),
            )
        record(
            actor=actor,
            action="assessment.start_bulk_award",
            target=job,
            organization=credential.provider,
            after={"job": job.pk, "resumed": resumed, "total": job.total},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    result = bulk_award_task.enqueue(job_id)
    BulkAwardJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


@task()
def bulk_award_task(job_id: int) -> dict[str, int]:
    job = run_bulk_award(job_id)
    return {"awarded": job.awarded, "processed": job.processed}


def run_bulk_award(job_id: int, *, chunk: int = CHUNK) -> BulkAwardJob:
    """Work through the job from its cursor to the end. Running it again after it finished does nothing."""
    job = BulkAwardJob.objects.select_related("credential__provider").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    started = job.started_at or timezone.now()
    BulkAwardJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=started)
    credential = job.credential
    context = issue_context(credential)
    cursor = job.cursor
    from microcred.issuing.services import signing_session

    try:
        with signing_session():  # the provider's key decrypted once for the job, not once per credential
            while True:
                enrolments = list(
                    Enrolment.objects.filter(credential=credential, pk__gt=cursor)
                    .exclude(status=EnrolmentStatus.WITHDRAWN)
                    .select_related("learner", "credential__provider")
                    .order_by("pk")[:chunk]
                )
                if not enrolments:
                    break
                earlier = Award.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", flat=True)
                awarded_before = set(earlier)
                # Awarded earlier (a previous run, or by hand): nothing to do, nothing issued twice.
                pending = [e for e in enrolments if e.pk not in awarded_before]
                facts = selectors.facts_for_many(credential, pending)
                counts = {"awarded": 0, "not_met": 0, "undetermined": 0, "failed": 0}
                error = ""
                for enrolment in _decide_unearned(credential, pending, facts, context.compiled, counts):
                    try:
                        award = award_if_earned(enrolment=enrolment, facts=facts[enrolment.pk], context=context)
                    except Exception:  # one learner's failure must not stop the cohort; it is counted and reported
                        counts["failed"] += 1
                        error = traceback.format_exc(limit=3)[-2000:]
                        continue
                    if award is not None:
                        counts["awarded"] += 1
                    else:
                        outcome = enrolment.decisions.order_by("-pk").values_list("outcome", flat=True).first()
                        counts["undetermined" if outcome == award_rules.UNDETERMINED else "not_met"] += 1
                cursor = enrolments[-1].pk
                BulkAwardJob.objects.filter(pk=job.pk).update(
                    cursor=cursor,
                    # Derived from what is committed, not added up: a run killed mid-chunk committed some awards
                    # whose chunk was never counted, and the next run skips them as "awarded before".
                    processed=_processed_up_to(credential, cursor),
                    awarded=_awarded_up_to(credential, cursor, started),
                    not_met=F("not_met") + counts["not_met"],
                    undetermined=F("undetermined") + counts["undetermined"],
                    failed=F("failed") + counts["failed"],
                    **({"last_error": error} if error else {}),
                )
    except Exception:
        BulkAwardJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, last_error=traceback.format_exc(limit=5)[-2000:], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        BulkAwardJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
        job.refresh_from_db()
        record(
            actor=SYSTEM,
            action="assessment.finish_bulk_award",
            target=job,
            organization=credential.provider,
            after={"processed": job.processed, "awarded": job.awarded, "failed": job.failed},
        )
    return job


def _processed_up_to(credential: MicroCredential, cursor: int) -> int:
    enrolments = Enrolment.objects.filter(credential=credential, pk__lte=cursor)
    return enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()


def _awarded_up_to(credential: MicroCredential, cursor: int, started: Any) -> int:
    """Awards of this credential made since the job started, for the enrolments it has passed."""
    return Award.objects.filter(
        enrolment__credential=credential, enrolment__pk__lte=cursor, awarded_at__gte=started
    ).count()


def _decide_unearned(
    credential: MicroCredential,
    pending: list[Enrolment],
    facts: dict[int, award_rules.Facts],
    compiled: award_rules.CompiledRule | None,
    counts: dict[str, int],
) -> list[Enrolment]:
    """Decide the rule for a chunk at once and store, in one transaction, the decisions of those who did not earn
    it; return those who did, each to be decided again and awarded in its own transaction."""
    if compiled is None:
        return pending  # no rule: the per-learner path records that nothing can be decided
    rule = credential.award_rule.strip()
    earned: list[Enrolment] = []
    decisions: list[RuleDecision] = []
    moves: dict[str, list[int]] = defaultdict(list)
    for enrolment in pending:
        decision = award_rules.evaluate(compiled, facts[enrolment.pk])
        if decision.met:
            earned.append(enrolment)
            continue
        counts["undetermined" if decision.outcome == award_rules.UNDETERMINED else "not_met"] += 1
        decisions.append(
            RuleDecision(
                enrolment=enrolment,
                rule=rule,
                outcome=decision.outcome,
                inputs=decision.inputs,
                missing=decision.missing,
            )
        )
        status = next_status(enrolment.status, decision.outcome, decision.inputs)
        if status is not None:
            moves[status].append(enrolment.pk)
    with transaction.atomic():
        RuleDecision.objects.bulk_create(decisions, batch_size=500)
        for status, ids in moves.items():
            Enrolment.objects.filter(pk__in=ids, status__in=MOVABLE).update(status=status, updated_at=timezone.now())
    return earned


def resume_bulk_award(*, actor: Any, job: BulkAwardJob) -> BulkAwardJob:
    """Re-queue a job whose worker died (it stays "running" with no one working on it)."""
    require(actor, "assessment.manage", job)
    if job.status == JobStatus.DONE:
        raise Conflict(_("This bulk award has finished."), code="job_done")
    with transaction.atomic():
        BulkAwardJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        record(
            actor=actor,
            action="assessment.resume_bulk_award",
            target=job,
            organization=job.credential.provider,
            after={"cursor": job.cursor},
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job
