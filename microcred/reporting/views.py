"""Reporting pages: a provider's dashboard, one micro-credential's, the platform's; each table also as CSV.

Thin: parse the month range, call one selector, lay it out as tables, render or stream.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from microcred.errors import DomainError, NotFound
from microcred.reporting import exports, selectors
from microcred.reporting.periods import Period, parse_period
from microcred.reporting.tables import Table, report_tables


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def _period(request: HttpRequest) -> Period:
    return parse_period(request.GET.get("from"), request.GET.get("to"))


def _page_or_csv(request: HttpRequest, template: str, context: dict, tables: list[Table], name: str) -> HttpResponse:
    wanted = request.GET.get("download")
    if wanted is None:
        for table in tables:
            table.query = context["period"].query_string() if context.get("period") else ""
        return render(request, template, {**context, "tables": tables})
    table = next((t for t in tables if t.key == wanted), None)
    if table is None:
        raise NotFound(_("No such table."), code="table_not_found")
    return exports.csv_response(f"{name}-{table.key}.csv", [str(h) for h in table.header], table.rows)


@login_required
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = selectors.provider_by_slug(request.user, slug)
        period = _period(request)
        report = selectors.organization_report(request.user, organization, period)
        tables = report_tables(report)
        for table in tables:
            if table.key == "credentials":
                table.links = [reverse("reporting:credential", args=[slug, r["pk"]]) for r in report.per_credential]
        context = {"organization": organization, "period": period, "credential": None}
        return _page_or_csv(request, "reporting/dashboard.html", context, tables, organization.slug)
    except DomainError as error:
        return _error(request, error)


@login_required
@require_GET
def credential(request: HttpRequest, slug: str, credential_id: int) -> HttpResponse:
    try:
        organization = selectors.provider_by_slug(request.user, slug)
        credential = selectors.credential_of(organization, credential_id)
        period = _period(request)
        tables = report_tables(selectors.credential_report(request.user, credential, period))
        context = {"organization": organization, "period": period, "credential": credential}
        name = f"{organization.slug}-{credential.slug}-v{credential.version}"
        return _page_or_csv(request, "reporting/dashboard.html", context, tables, name)
    except DomainError as error:
        return _error(request, error)


@login_required
@require_GET
def awards_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    try:
        organization = selectors.provider_by_slug(request.user, slug)
        rows = selectors.award_rows(request.user, organization, _period(request))
    except DomainError as error:
        return _error(request, error)
    filename = f"{organization.slug}-awards.{fmt}"
    return exports.awards_csv(filename, rows) if fmt == "csv" else exports.awards_json(filename, rows)


@login_required
@require_GET
def platform(request: HttpRequest) -> HttpResponse:
    try:
        rows = selectors.platform_report(request.user)
    except DomainError as error:
        return _error(request, error)
    table = Table(
        "published",
        _("Published micro-credentials by provider and level"),
        [_("Provider"), _("Level"), _("Published")],
        [[r["provider__name"], r["level"] or "—", r["n"]] for r in rows],
    )
    return _page_or_csv(request, "reporting/platform.html", {}, [table], "platform")
