"""The gap benchmark runs (a few samples) and leaves the database as it was."""

from __future__ import annotations

import pytest

from microcred.bench.gap import run_gap_benchmark
from microcred.catalog.models import MicroCredential
from microcred.frameworks.models import Competency

pytestmark = pytest.mark.django_db


def test_gap_benchmark_runs_and_rolls_back() -> None:
    figures = run_gap_benchmark(samples=3)
    assert figures["samples"] == 3 and figures["skills"] >= 2_000 and figures["credentials"] >= 500
    assert figures["held skills"] > 0 and figures["recommended"] > 0
    assert 0 < figures["p50"] <= figures["p95"] <= figures["max"]
    assert not Competency.objects.exists() and not MicroCredential.objects.exists()
