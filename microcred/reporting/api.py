"""Reporting API (``/api/v1/reporting/…``): a provider's figures as JSON, its awards as streamed CSV or JSON.

Thin handlers; domain errors (a bad month, a stranger's request) become 4xx in ``microcred.api``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from microcred.errors import ValidationFailed
from microcred.reporting import exports, selectors
from microcred.reporting.periods import parse_period

router = Router(tags=["reporting"])


def _figures(report: selectors.Report) -> dict[str, Any]:
    body = asdict(report)
    body["counts"]["completion_rate"] = report.counts.completion_rate
    for key in ("component_pass_rates", "competency_pass_rates"):
        body[key] = [{**asdict(r), "rate": r.rate} for r in getattr(report, key)]
    for key in ("awards_by_month", "share_views_by_domain", "verifications_by_employer"):
        body[key] = [{"key": k, "count": n} for k, n in getattr(report, key)]
    body["per_credential"] = [
        {k: row[k] for k in ("title", "version", "enrolled", "in_progress", "awarded", "revoked", "completion_rate")}
        | {"id": row["pk"]}
        for row in report.per_credential
    ]
    return body


@router.get("reporting/{slug}", response=dict, summary="A provider's figures for a month range")
def figures(request: HttpRequest, slug: str, start: str = "", end: str = "") -> dict[str, Any]:
    organization = selectors.provider_by_slug(request.auth, slug)
    period = parse_period(start, end)
    return _figures(selectors.organization_report(request.auth, organization, period))


@router.get("reporting/{slug}/credentials/{credential_id}", response=dict, summary="One micro-credential's figures")
def credential_figures(request: HttpRequest, slug: str, credential_id: int, start: str = "", end: str = "") -> dict:
    organization = selectors.provider_by_slug(request.auth, slug)
    credential = selectors.credential_of(organization, credential_id)
    return _figures(selectors.credential_report(request.auth, credential, parse_period(start, end)))


@router.get("reporting/{slug}/awards", summary="Awards of a period with the typology, streamed as CSV or JSON")
def awards(request: HttpRequest, slug: str, start: str = "", end: str = "", format: str = "json") -> HttpResponse:
    organization = selectors.provider_by_slug(request.auth, slug)
    period = parse_period(start, end)
    if format not in ("csv", "json"):
        raise ValidationFailed.single("format", "invalid_format", _("Choose csv or json."))
    rows = selectors.award_rows(request.auth, organization, period)
    filename = f"{organization.slug}-awards.{format}"
    return exports.awards_csv(filename, rows) if format == "csv" else exports.awards_json(filename, rows)
