"""`microcred bench verify` runs end to end on a small count, in every proof format through the library and through
a gunicorn it starts, and every credential it times is verified: it was broken for a round (its server answered
every probe with a redirect to HTTPS) with no test to say so. Timings are printed, never asserted."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.single_database
def test_the_verify_benchmark_runs_and_every_credential_is_verified() -> None:
    command = [sys.executable, "-m", "microcred.cli", "bench", "verify", "--count", "12", "--clients", "2"]
    formats = "vc-jwt,eddsa-jcs-2022,eddsa-rdfc-2022"
    result = subprocess.run(
        [*command, "--workers", "1", "--http-formats", formats, "--max-seconds", "120"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "NOT VERIFIED" not in result.stdout
    for fmt in formats.split(","):
        assert f"library {fmt} " in result.stdout
        assert f"library {fmt}, lists kept" in result.stdout
        http_line = next(line for line in result.stdout.splitlines() if line.strip().startswith(f"HTTP {fmt} "))
        assert http_line.split()[2] == "12", http_line  # all twelve answered, none cut off by --max-seconds
    assert "library-JWT / HTTP-JWT = " in result.stdout
