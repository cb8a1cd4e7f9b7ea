"""Liveness, readiness and metrics for operators and their load balancers and monitoring."""

from __future__ import annotations

import ipaddress
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily

logger = logging.getLogger(__name__)
_migrations_checked: dict[str, Any] = {"at": 0.0, "pending": None}


@csrf_exempt  # read-only; a POST gets 405, not a CSRF page
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers (nothing else is checked: a load balancer restarts what fails this)."""
    return JsonResponse({"status": "ok"})


def _pending_migrations() -> list[str]:
    """Unapplied migrations, by name (checked at most once a minute: the plan reads every migration file)."""
    now = time.monotonic()
    if _migrations_checked["pending"] is None or now - _migrations_checked["at"] > 60:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_checked["pending"] = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
        _migrations_checked["at"] = now
        if _migrations_checked["pending"]:  # the names in the log, once a check: the public answer has the count
            logger.warning("not ready: migrations not applied: %s", ", ".join(_migrations_checked["pending"]))
    return list(_migrations_checked["pending"])


@csrf_exempt
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers and is migrated, the cache works, the key-encryption keys are set."""
    checks: dict[str, str] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        pending = _pending_migrations()
        checks["migrations"] = "ok" if not pending else f"{len(pending)} not applied"
    except Exception as error:
        checks["database"] = f"unavailable ({type(error).__name__})"
    try:
        cache.set("microcred:readyz", "1", 10)
        checks["cache"] = "ok" if cache.get("microcred:readyz") == "1" else "not answering"
    except Exception as error:
        checks["cache"] = f"unavailable ({type(error).__name__})"
    checks["key_encryption"] = "ok" if getattr(settings, "KEY_ENCRYPTION_KEYS", None) else "not configured"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


class QueueCollector:
    """Task-queue depth and the age of the oldest waiting task, read from the database at each scrape."""

    def collect(self) -> Any:
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily("microcred_task_queue_depth", "Tasks waiting to run, by queue.", labels=["queue"])
        age = GaugeMetricFamily(
            "microcred_task_queue_oldest_seconds", "Age of the oldest waiting task, by queue.", labels=["queue"]
        )
        running = GaugeMetricFamily("microcred_tasks_running", "Tasks being run now, by queue.", labels=["queue"])
        now = timezone.now()
        waiting: dict[str, list[Any]] = {}
        for queue, status, enqueued_at in DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).values_list(
            "queue_name", "status", "enqueued_at"
        ):
            waiting.setdefault(queue, []).append((status, enqueued_at))
        for queue, rows in sorted(waiting.items()):
            ready = [when for status, when in rows if status == "READY"]
            depth.add_metric([queue], len(ready))
            age.add_metric([queue], (now - min(ready)).total_seconds() if ready else 0.0)
            running.add_metric([queue], sum(1 for status, _when in rows if status == "RUNNING"))
        yield depth
        yield age
        yield running


def _registry() -> Any:
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _allowed(request: HttpRequest) -> bool:
    """With ``MICROCRED_METRICS_TOKEN`` set, the scraper sends it as a Bearer token; without it, only loopback."""
    import hmac

    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        kind, _sep, given = request.headers.get("Authorization", "").partition(" ")
        return kind.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@csrf_exempt
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return JsonResponse({"code": "forbidden", "message": "Metrics are for the operator's scraper."}, status=403)
    registry = _registry()
    body = generate_latest(registry)
    scratch = CollectorRegistry()
    scratch.register(QueueCollector())
    body += generate_latest(scratch)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
