"""`microcred bench skills` runs as users run it: a fresh process, no Django set up beforehand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = ["bench", "skills", "--no-semantic", "--no-gap", "--splits", "validation"]
DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "skill-extraction"


@pytest.mark.skipif(not (DATA / "skills_en_label.txt").exists(), reason="shared benchmark data absent")
def test_the_lexical_benchmark_runs_and_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "microcred.cli", *COMMAND],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(row for row in done.stdout.splitlines() if row.strip().startswith("lexical (BM25)"))
    assert line.split()[2:4] == ["43.8", "63.0"]  # TECH validation RP@5 and MRR: deterministic for BM25
