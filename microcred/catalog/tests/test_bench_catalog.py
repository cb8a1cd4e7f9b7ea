"""`microcred bench catalog` builds a small catalog from the shared ESCO export and prints its figures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.single_database
@pytest.mark.skipif(not (SHARED / "esco" / "skills_en.csv").exists(), reason="shared ESCO export absent")
def test_the_benchmark_prints_its_figures_at_a_small_size() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own throwaway SQLite database
    done = subprocess.run(
        [sys.executable, "-m", "microcred.cli", "bench", "catalog", "--credentials", "2000", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    # exit 1 means the speed target was not met: the figures are the bench's business, not the test's
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    out = done.stdout
    assert "2,000 published micro-credentials" in out
    assert "micro-credentials 2,000" in out and "alignments" in out and "search documents 2,000" in out
    for kind in ("words", "phrases", "typos", "facets combined", "sort orders", "comparison of four"):
        assert kind in out
    assert "credential permalink page" in out and "p95" in out
    assert "Delivery mode: Online" in out  # the catalog's facet counts
    assert "peak memory" in out
