"""A killed worker's task completes after a restart, on PostgreSQL (issue 20): `microcred worker` is killed with SIGKILL
in the middle of a queued bulk award, the task stays "running" with no one on it, and once its lease has passed the
next worker claims it (``SELECT … FOR UPDATE SKIP LOCKED``), finishes it, and nothing is awarded twice.

`microcred/assessment/tests/test_bulk_crash.py` proves the same on SQLite (its own file in both passes); this test runs
in the PostgreSQL pass of `make test`, in a fresh database on the server of `scripts/with-postgres`, and is skipped
on SQLite."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.configured_database]

SERVER = os.environ.get("DATABASE_URL", "")
COHORT = 60


@pytest.fixture
def database() -> Iterator[str]:
    """A new, empty database on the PostgreSQL server the pass runs on (the workers need committed data)."""
    if not SERVER.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL pass only (the SQLite case is test_bulk_crash.py)")
    name = f"microcred_lease_{secrets.token_hex(4)}"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(SERVER, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _one(url: str, query: str) -> tuple:  # type: ignore[type-arg]
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(query).fetchone()
    assert row is not None
    return tuple(row)


def _helper(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "microcred.testing.bulk_worker", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_task_of_a_worker_killed_on_postgresql_is_finished_by_the_next_worker(database: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MICROCRED_WORKER_LEASE_SECONDS": "4",
        "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    job = _helper(env, "setup", str(COHORT)).strip().splitlines()[-1]
    _helper(env, "queue", job)

    command = [sys.executable, "-m", "microcred.cli", "worker"]
    log = tmp_path / "first-worker.log"
    with log.open("wb") as output:  # a file, not a pipe nobody reads while the worker runs
        first = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while _one(database, "SELECT COUNT(*) FROM assessment_award")[0] < 10:
            assert first.poll() is None, "the worker stopped: " + log.read_text()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL
    awarded = _one(database, "SELECT COUNT(*) FROM assessment_award")[0]
    assert 10 <= awarded < COHORT  # killed half-way
    assert _one(database, "SELECT status FROM django_tasks_database_dbtaskresult") == ("RUNNING",)  # abandoned

    time.sleep(5)  # the lease (4 s) runs out
    second = subprocess.run([*command, "--batch"], env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert _one(database, "SELECT status FROM django_tasks_database_dbtaskresult") == ("SUCCESSFUL",)
    status, job_awarded, processed = _one(database, "SELECT status, awarded, processed FROM assessment_bulkawardjob")
    awards, issued = _one(
        database, "SELECT (SELECT COUNT(*) FROM assessment_award), (SELECT COUNT(*) FROM issuing_issuedcredential)"
    )
    twice = _one(
        database,
        "SELECT COUNT(*) FROM (SELECT enrolment_id FROM assessment_award GROUP BY enrolment_id HAVING COUNT(*) > 1) t",
    )[0]
    assert status == "done" and job_awarded == processed == awards == issued == COHORT and twice == 0
