"""Routes for operators. ``ACCESS`` declares who may call each."""

from __future__ import annotations

from django.urls import path

from microcred.accounts.route_access import RouteAccess, public
from microcred.operations import health, media

app_name = "operations"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("media/<path:name>", media.media_file, name="media"),
]

ACCESS: dict[str, RouteAccess] = {
    "healthz": public("liveness for load balancers: says only that the process answers"),
    "readyz": public("readiness for load balancers: names which dependency is down, nothing secret"),
    "metrics": public("the operator's scraper: a Bearer MICROCRED_METRICS_TOKEN, or loopback only without one"),
    "media": public("public uploads (catalog images) from local disk or the bucket; evidence is never served here"),
}
