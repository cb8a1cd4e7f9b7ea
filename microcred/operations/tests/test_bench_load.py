"""`microcred bench load` runs end to end for a few seconds per phase, with 1 and 2 app-server workers, on its own
throwaway PostgreSQL server: the table is printed for both and no request of any kind failed (a verify that did not
verify, a page without the learner's credential, an award the task workers did not finish). Timings are printed,
never asserted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from microcred.bench.postgres import server_binaries

pytestmark = pytest.mark.slow


@pytest.mark.single_database
@pytest.mark.skipif(server_binaries() is None, reason="PostgreSQL is not installed")
def test_the_load_benchmark_prints_its_table_with_no_errors() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own throwaway PostgreSQL server
    command = [sys.executable, "-m", "microcred.cli", "bench", "load", "--seconds", "3", "--concurrency", "3"]
    done = subprocess.run(
        [*command, "--learners", "4", "--catalog", "20"], capture_output=True, text=True, timeout=900, env=env
    )
    out = done.stdout
    assert done.returncode == 0, out[-4000:] + done.stderr[-3000:]
    assert "ERROR" not in out and "errors: 0;" in out
    for heading in ("N = 1:", "N = 2:", "library: vc.verify.verify()", "verify only", "mix"):
        assert heading in out
    for kind in ("verify", "search", "wallet", "award ×5"):
        assert f" {kind} " in out
    assert "HTTP verify per worker ≥ 50% of the library's rate:" in out and "2 workers / 1 worker: mix" in out
