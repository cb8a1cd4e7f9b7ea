"""The microcred command, as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["demo", "--help"], ["manage", "help"]])
def test_help_everywhere(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "microcred.cli", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower() or "subcommands" in result.stdout.lower()


@pytest.mark.slow
def test_demo_without_serving_loads_into_a_fresh_database(tmp_path) -> None:
    env = {"MICROCRED_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-m", "microcred.cli", "demo", "--no-serve"]
    first = subprocess.run(run, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded." in first.stdout and "microcred-demo" in first.stdout
    second = subprocess.run(run, capture_output=True, text=True, env=env, timeout=300)
    assert "already present" in second.stdout
    assert (tmp_path / "microcred.sqlite3").exists()


def test_migrate_and_manage_pass_options_to_django(tmp_path, migrated_sqlite) -> None:
    """`microcred migrate --no-input -v 2` (options first) reaches Django's migrate, which argparse used to refuse."""
    env = {"MICROCRED_DATA_DIR": str(tmp_path), "DATABASE_URL": migrated_sqlite(tmp_path / "db.sqlite3"),
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    migrate = [sys.executable, "-m", "microcred.cli", "migrate", "--no-input", "-v", "2"]
    done = subprocess.run(migrate, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "No migrations to apply." in done.stdout
    check = [sys.executable, "-m", "microcred.cli", "manage", "showmigrations", "--list", "catalog"]
    listed = subprocess.run(check, capture_output=True, text=True, env=env, timeout=300)
    assert listed.returncode == 0 and "[X] 0010_search_vectors" in listed.stdout, listed.stderr
    usage = subprocess.run([sys.executable, "-m", "microcred.cli", "migrate", "--help"], capture_output=True, text=True)
    assert usage.returncode == 0 and "usage: microcred migrate" in usage.stdout
