"""`microcred bench skills` runs as users run it: a fresh process, no Django set up beforehand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from microcred.frameworks.tests.test_bench_frameworks import snapshot

COMMAND = ["bench", "skills", "--no-semantic", "--no-gap", "--splits", "validation"]
DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "skill-extraction"


@pytest.mark.single_database
@pytest.mark.skipif(not (DATA / "skills_en_label.txt").exists(), reason="shared benchmark data absent")
def test_the_lexical_benchmark_runs_and_prints_its_figures() -> None:
    before = snapshot(DATA.parent)
    done = subprocess.run(
        [sys.executable, "-m", "microcred.cli", *COMMAND],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(row for row in done.stdout.splitlines() if row.strip().startswith("lexical (BM25)"))
    # TECH validation: RP@5 as published, the strict variant, MRR (deterministic for BM25)
    assert line.split()[2:5] == ["60.2", "44.3", "65.7"]
    assert "RP@5 is the published figure" in done.stdout
    if (DATA.parent / "esco-fr" / "skills_fr.csv").exists():
        assert "French index" in done.stdout  # the synthetic French set
    assert snapshot(DATA.parent) == before  # nothing written into ../shared
