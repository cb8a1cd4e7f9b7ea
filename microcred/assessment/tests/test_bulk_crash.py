"""Kill the bulk-award worker with SIGKILL half-way, in its own process and database, then start it again:
nothing is lost, nothing is issued twice, and every award has exactly one credential."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

COHORT = 120
LEASE_COHORT = 60


def _worker(env: dict[str, str], *args: str, **kwargs):  # type: ignore[no-untyped-def]
    command = [sys.executable, "-m", "microcred.testing.bulk_worker", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - a fixed name


def test_a_killed_worker_loses_nothing_and_issues_nothing_twice(
    tmp_path: Path, migrated_sqlite: Callable[[Path], str]
) -> None:
    database = tmp_path / "crash.sqlite3"
    migrated_sqlite(database)
    env = {
        **os.environ,
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    setup = _worker(env, "setup", str(COHORT))
    out, err = setup.communicate(timeout=300)
    assert setup.returncode == 0, err
    job = out.strip().splitlines()[-1]

    worker = _worker(env, "run", job)
    deadline = time.monotonic() + 240
    while _count(database, "assessment_award") < 10:
        assert worker.poll() is None, "the worker finished before it could be killed: " + worker.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL

    awarded = _count(database, "assessment_award")
    assert 10 <= awarded < COHORT  # killed half-way
    assert _count(database, "issuing_issuedcredential") == awarded  # no award without its credential, or reverse

    resumed = _worker(env, "resume", job)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert out.split()[0] == "done"

    with sqlite3.connect(database) as connection:
        (awards,) = connection.execute("SELECT COUNT(*) FROM assessment_award").fetchone()
        (issued,) = connection.execute("SELECT COUNT(*) FROM issuing_issuedcredential").fetchone()
        (learners,) = connection.execute("SELECT COUNT(DISTINCT recipient_id) FROM issuing_issuedcredential").fetchone()
        (twice,) = connection.execute(
            "SELECT COUNT(*) FROM (SELECT enrolment_id FROM assessment_award GROUP BY enrolment_id HAVING COUNT(*) > 1)"
        ).fetchone()
    assert awards == issued == learners == COHORT and twice == 0


def test_microcred_worker_runs_a_queued_bulk_award(tmp_path: Path, migrated_sqlite: Callable[[Path], str]) -> None:
    database = tmp_path / "queue.sqlite3"
    migrated_sqlite(database)
    env = {
        **os.environ,
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    setup = _worker(env, "setup", "12")
    out, err = setup.communicate(timeout=300)
    assert setup.returncode == 0, err
    job = out.strip().splitlines()[-1]
    queue = _worker(env, "queue", job)
    assert queue.wait(timeout=120) == 0, queue.stderr.read()
    assert _count(database, "assessment_award") == 0
    command = [sys.executable, "-m", "microcred.cli", "worker", "--batch"]
    worker = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr
    with sqlite3.connect(database) as connection:
        status, awarded = connection.execute("SELECT status, awarded FROM assessment_bulkawardjob").fetchone()
    assert (status, awarded) == ("done", 12) and _count(database, "issuing_issuedcredential") == 12


def test_a_task_of_a_killed_worker_is_taken_up_again_after_its_lease(
    tmp_path: Path, migrated_sqlite: Callable[[Path], str]
) -> None:
    """`microcred worker` dies (SIGKILL) in the middle of a queued bulk award: the task stays "running" with no one
    on it. Once its lease has passed, the next worker queues it again and finishes it; the job's counters are those
    of the committed awards."""
    database = tmp_path / "lease.sqlite3"
    migrated_sqlite(database)
    env = {
        **os.environ,
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "MICROCRED_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MICROCRED_WORKER_LEASE_SECONDS": "4",
        "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    setup = _worker(env, "setup", str(LEASE_COHORT))
    out, err = setup.communicate(timeout=300)
    assert setup.returncode == 0, err
    job = out.strip().splitlines()[-1]
    queue = _worker(env, "queue", job)
    assert queue.wait(timeout=120) == 0, queue.stderr.read()

    command = [sys.executable, "-m", "microcred.cli", "worker"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while _count(database, "assessment_award") < 10:
        assert first.poll() is None, "the worker stopped: " + first.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    with sqlite3.connect(database) as connection:
        (status,) = connection.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()
    assert status == "RUNNING"  # abandoned: nobody will finish it without a lease

    time.sleep(5)  # the lease (4 s) runs out
    second = subprocess.run([*command, "--batch"], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    with sqlite3.connect(database) as connection:
        (task_status,) = connection.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()
        job_status, awarded, processed = connection.execute(
            "SELECT status, awarded, processed FROM assessment_bulkawardjob"
        ).fetchone()
        (twice,) = connection.execute(
            "SELECT COUNT(*) FROM (SELECT enrolment_id FROM assessment_award GROUP BY enrolment_id HAVING COUNT(*) > 1)"
        ).fetchone()
    assert task_status == "SUCCESSFUL" and job_status == "done"
    assert awarded == processed == LEASE_COHORT == _count(database, "assessment_award") and twice == 0
