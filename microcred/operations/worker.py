"""``microcred worker``: django-tasks' database worker, without the auto-reloader, with a heartbeat and leases.

Each worker writes a heartbeat every ``lease / 4`` seconds. A task left "running" by a worker whose heartbeat is older
than the lease (``MICROCRED_WORKER_LEASE_SECONDS``, default 60; the worker was killed, or its machine died) is put
back in the queue and run again by the next worker; tasks are written to be re-run safely (a bulk award continues
from its cursor and never awards twice). Several workers never run one task at once: each claims a row under a lock
that the others skip (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite).
SIGTERM or SIGINT stops a worker gracefully: it finishes the task it is running, then exits.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def lease_seconds() -> int:
    return int(getattr(settings, "WORKER_LEASE_SECONDS", 60))


def reclaim_abandoned(*, lease: int | None = None) -> int:
    """Put back in the queue every task claimed by a worker whose heartbeat is older than the lease; return how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from microcred.operations.models import WorkerHeartbeat

    lease = lease_seconds() if lease is None else lease
    cutoff = timezone.now() - timedelta(seconds=lease)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    reclaimed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        for task in running:
            owner = task.worker_ids[-1] if task.worker_ids else None
            if owner in alive or (owner is None and task.started_at and task.started_at >= cutoff):
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            reclaimed += 1
            logger.warning("Task %s of worker %s was abandoned (no heartbeat): queued again", task.pk, owner)
    WorkerHeartbeat.objects.filter(seen_at__lt=cutoff - timedelta(days=1)).delete()
    return reclaimed


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, every: float) -> None:
        super().__init__(name="microcred-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stopped = threading.Event()

    def beat(self) -> None:
        from microcred.operations.models import WorkerHeartbeat

        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=timezone.now())

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    self.beat()
                    reclaim_abandoned()
                except Exception:  # a missed beat must not kill the worker; the next one tries again
                    logger.exception("Heartbeat failed")
                finally:
                    close_old_connections()
        finally:
            connection.close()


def run_worker(*, batch: bool) -> int:
    from microcred.operations.models import WorkerHeartbeat

    worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid(), seen_at=timezone.now()
    )
    reclaimed = reclaim_abandoned()
    if reclaimed:
        logger.warning("Queued again %s task(s) of workers that stopped", reclaimed)
    heartbeat = Heartbeat(worker_id, max(1.0, lease_seconds() / 4))
    heartbeat.start()
    arguments = ["--no-reload", "--worker-id", worker_id]
    if batch:
        arguments += ["--batch", "--no-startup-delay"]
    try:
        call_command("db_worker", *arguments)
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=5)
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    return 0
