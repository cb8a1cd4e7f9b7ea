"""Skills pages: the public demand dashboard and occupations; the platform admins' import page.

Thin: parse the filter, call one selector, render (or stream a table as CSV).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from microcred.errors import DomainError, NotFound, ValidationFailed
from microcred.frameworks.models import Competency
from microcred.skills import dashboard, demand, imports, selectors
from microcred.skills.forms import ImportForm
from microcred.skills.interfaces import engine_status, skill_label, skills_framework
from microcred.skills.linking.embeddings import start_embedding
from microcred.skills.models import ImportStatus, OccupationSource


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, ValidationFailed) and error.errors:  # name the field and its code, not just "not valid"
        first = error.errors[0]
        shown = DomainError("; ".join(f"{e.field}: {e.message}" for e in error.errors[:10]), code=first.code)
        return render(request, "error.html", {"error": shown}, status=error.status)
    return render(request, "error.html", {"error": error}, status=error.status)


@require_GET
def demand_dashboard(request: HttpRequest) -> HttpResponse:
    try:
        flt = demand.parse_filter(request.GET)
        total, tables = dashboard.demand_tables(flt)
        wanted = request.GET.get("download")
        if wanted is not None:
            table = next((t for t in tables if t.key == wanted), None)
            if table is None:
                raise NotFound(_("No such table."), code="table_not_found")
            return dashboard.csv_response(f"skills-demand-{table.key}.csv", table)
    except DomainError as error:
        return _error(request, error)
    query = urlencode(flt.params())
    skill = Competency.objects.filter(pk=flt.skill_id).first() if flt.skill_id is not None else None
    context = {
        "filter": flt,
        "total": total,
        "tables": tables,
        "query": query,
        "query_without_skill": urlencode(flt.without_skill().params()),
        "skill_label": skill_label(skill) if skill else "",
        "regions": sorted(dashboard.REGION_NAMES.items(), key=lambda item: str(item[1])),
        "in_demand_rule": {"postings": demand.MIN_POSTINGS, "share": round(demand.MIN_SHARE * 100)},
        "may_manage": selectors.may_manage(request.user),
    }
    return render(request, "skills/demand.html", context)


@require_GET
def occupations(request: HttpRequest) -> HttpResponse:
    text = " ".join(str(request.GET.get("q", "")).split())[:200]
    source = str(request.GET.get("source", ""))
    page = selectors.occupation_page(text, source, request.GET.get("page", 1))
    context = {"page": page, "q": text, "source": source, "sources": OccupationSource.choices}
    return render(request, "skills/occupations.html", context)


@require_GET
def occupation(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        profile = selectors.occupation_profile(pk)
    except DomainError as error:
        return _error(request, error)
    return render(request, "skills/occupation.html", {"profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    try:
        selectors.import_jobs(request.user, limit=1)  # the permission check, before reading any upload
    except DomainError as error:
        return _error(request, error)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = {upload.name: upload.read() for upload in form.cleaned_data["files"]}
        try:
            job = imports.start_import(actor=request.user, kind=form.cleaned_data["kind"], files=files)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("skills:import_job", pk=job.pk)
    return _imports_page(request, form, status=400 if form.errors else 200)


def _imports_page(
    request: HttpRequest, form: ImportForm, *, status: int = 200, embedding_error: str = ""
) -> HttpResponse:
    jobs = selectors.import_jobs(request.user)
    linking = engine_status()
    computing = linking.index_status in ("queued", "running")
    context = {
        "form": form,
        "jobs": jobs,
        "linking": linking,
        "framework": skills_framework(),
        "computing": computing,
        "embedding_error": embedding_error,
    }
    return render(request, "skills/imports.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def embeddings(request: HttpRequest) -> HttpResponse:
    """Start (or restart) computing the ESCO framework's embeddings for the semantic engine."""
    try:
        start_embedding(request.user, skills_framework(), force=request.POST.get("force") == "1")
    except ValidationFailed as error:
        try:
            return _imports_page(request, ImportForm(), status=error.status, embedding_error=error.errors[0].message)
        except DomainError as denied:
            return _error(request, denied)
    except DomainError as error:
        return _error(request, error)
    return redirect("skills:imports")


@login_required
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.import_job(request.user, pk)
    except DomainError as error:
        return _error(request, error)
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    percent = round(100 * job.done / job.total) if job.total else (100 if not running else 0)
    return render(request, "skills/import_job.html", {"job": job, "running": running, "percent": percent})
