"""A throwaway data directory and database for a benchmark, and the process's peak memory.

Benchmarks never touch the developer's ``./var``: each runs in a fresh directory under the system's
temporary folder, with SQLite there unless ``--database-url`` names another database.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def migrated_sandbox(name: str, *, database_url: str | None = None) -> tuple[Path, float]:
    """Django set up on a new, migrated database: the data directory and the seconds migrating took."""
    workdir = new_workdir(name)
    os.environ["MICROCRED_DATA_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("MICROCRED_DEBUG", "1")
    return workdir, migrate()


def new_workdir(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"microcred-bench-{name}-"))


def migrate() -> float:
    """``django.setup()`` and ``migrate`` on the database the environment names; the seconds it took."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    return time.perf_counter() - started


def peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)
