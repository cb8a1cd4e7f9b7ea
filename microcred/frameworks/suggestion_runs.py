"""Suggested crosswalk links ranked off the request path: "Suggest ESCO skills" on a framework of a hundred
competencies embeds and searches each one, which can take minutes with the semantic ranking. The page starts a run and
shows its progress; a background task ranks the competencies a batch at a time and stores the suggestions as it goes.
"""

from __future__ import annotations

import traceback
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.errors import DomainError, ValidationFailed
from microcred.frameworks import services
from microcred.frameworks.models import Competency, Crosswalk, ImportStatus, SuggestionRun

BATCH = 16  # competencies ranked per step: the progress moves often, and one embedding batch stays small


def start_suggestions(
    *,
    actor: Any,
    crosswalk: Crosswalk,
    method: str,
    sources: list[Competency] | None = None,
    enqueue: bool = True,
) -> SuggestionRun:
    """Queue the ranking of ``sources`` (default: every competency of the source framework) against the target."""
    from microcred.frameworks.similarity import available_methods

    services.require_edit(actor, crosswalk.organization)
    if method not in dict(available_methods()):
        raise ValidationFailed.single("method", "invalid_choice", _("This ranking method is not available."))
    if sources is not None and any(source.framework_id != crosswalk.source_framework_id for source in sources):
        raise ValidationFailed.single(
            "source", "wrong_framework", _("This competency is not in the crosswalk's source framework.")
        )
    ids = [source.pk for source in sources] if sources is not None else []
    total = len(ids) if sources is not None else crosswalk.source_framework.competencies.count()
    with transaction.atomic():
        run = SuggestionRun.objects.create(
            crosswalk=crosswalk,
            method=method,
            source_ids=ids,
            total=total,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    result = suggestion_task.enqueue(run_id)
    SuggestionRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


@task()
def suggestion_task(run_id: int) -> dict[str, Any]:
    run = run_suggestions(run_id)
    return {"status": run.status, "suggested": run.suggested}


def run_suggestions(run_id: int) -> SuggestionRun:
    """Rank the run's competencies a batch at a time, counting progress; a run that finished is left as it is."""
    run = SuggestionRun.objects.select_related("crosswalk__source_framework", "created_by").get(pk=run_id)
    if not run.running:
        return run
    SuggestionRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    competencies = run.crosswalk.source_framework.competencies.order_by("sort_order", "pk")
    if run.source_ids:
        competencies = competencies.filter(pk__in=run.source_ids)
    sources = list(competencies)
    suggested = 0
    try:
        for start in range(0, len(sources), BATCH):
            batch = sources[start : start + BATCH]
            made = services.suggest_links(
                actor=run.created_by, crosswalk=run.crosswalk, sources=batch, method=run.method
            )
            suggested += len(made)
            SuggestionRun.objects.filter(pk=run.pk).update(done=start + len(batch), suggested=suggested)
    except DomainError as error:  # e.g. the person lost the right to edit meanwhile
        _finish(run, ImportStatus.FAILED, {"code": error.code, "message": str(error.message)})
    except Exception as error:
        _finish(run, ImportStatus.FAILED, {"code": "suggestion_failed", "message": str(error)[:500]})
        traceback.print_exc()
        raise
    else:
        _finish(run, ImportStatus.DONE, {})
    run.refresh_from_db()
    return run


def _finish(run: SuggestionRun, status: str, error: dict[str, str]) -> None:
    SuggestionRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=timezone.now())


def latest_run(crosswalk: Crosswalk) -> SuggestionRun | None:
    return crosswalk.suggestion_runs.order_by("-created_at", "-pk").first()

