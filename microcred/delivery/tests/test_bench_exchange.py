"""`microcred bench exchange` runs end to end on a small count, and every issuance it times is complete (no 429 from
the per-address limits, no refused proof): the benchmark's figures are only worth something if nothing failed.
Timings are printed, never asserted."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.single_database
def test_the_exchange_benchmark_runs_and_every_issuance_completes() -> None:
    command = [sys.executable, "-m", "microcred.cli", "bench", "exchange", "--count", "12", "--clients", "2"]
    result = subprocess.run([*command, "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "NOT VERIFIED" not in result.stdout and "HTTP issuance" in result.stdout
    assert "1 worker(s):" in result.stdout and "bare signing:" in result.stdout
