"""The process's Prometheus metrics (``prometheus_client``), which any domain may update and ``operations`` serves
at ``/metrics``. With several app-server processes, set ``PROMETHEUS_MULTIPROC_DIR`` to a directory they share (and
empty it at start): the endpoint then adds up every process's figures."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "microcred_request_seconds",
    "Time to answer a request, by route pattern, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
VERIFICATIONS = Counter(
    "microcred_verifications",
    "Credentials verified (public verifier, API, share links), by outcome and channel.",
    ["outcome", "channel"],
)
