"""Framework pages: the list, a version's tree (lazy levels, search, permalinks), a competency, imports,
crosswalk review. Thin: parse, call one selector or service, render; domain errors show as pages or
beside form fields."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.models import Organization
from microcred.accounts.permissions import can
from microcred.accounts.selectors import organization_by_slug
from microcred.errors import DomainError, NotFound, ValidationFailed
from microcred.frameworks import imports, selectors, services, suggestion_runs
from microcred.frameworks.forms import (
    CompetencyForm,
    CrosswalkForm,
    FrameworkForm,
    ImportForm,
    NewVersionForm,
    ScaleForm,
)
from microcred.frameworks.models import Competency, Framework, ImportStatus, LinkStatus, MatchRelation
from microcred.frameworks.relations import related_of
from microcred.frameworks.similarity import available_methods, best_method


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def _editable_organizations(user: object) -> list[Organization]:
    if not getattr(user, "is_authenticated", False):
        return []
    rows = Organization.objects.filter(memberships__user=user).distinct().order_by("name")
    return [org for org in rows if can(user, "frameworks.edit", org)]


def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = selectors.visible_frameworks(request.user).order_by("title")
    return render(
        request,
        "frameworks/list.html",
        {"frameworks": frameworks, "organizations": _editable_organizations(request.user)},
    )


def framework(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.framework_version(request.user, slug)
    except DomainError as error:
        return _error(request, error)
    return redirect("frameworks:framework_version", found.slug, found.version)


def framework_version(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    try:
        found = selectors.framework_version(request.user, slug, version)
    except DomainError as error:
        return _error(request, error)
    query = request.GET.get("q", "").strip()[:200]
    nodes, total = selectors.children(found, None)
    context = {
        "framework": found,
        "nodes": nodes,
        "total": total,
        "query": query,
        "matches": selectors.search(found, query) if query else None,
        "versions": [f for f in selectors.versions_of(found) if selectors.may_see(request.user, f)],
        "scales": found.scales.prefetch_related("levels"),
        "crosswalks": selectors.crosswalks_of(found, request.user),
        "may_edit": selectors.may_edit(request.user, found),
        "competency_form": CompetencyForm(prefix="c"),
        "scale_form": ScaleForm(prefix="s"),
        "version_form": NewVersionForm(prefix="v"),
        "crosswalk_form": CrosswalkForm(frameworks=_crosswalk_targets(request, found))
        if _editable_organizations(request.user)
        else None,
        "esco": _esco_target(request, found),
    }
    return render(request, "frameworks/framework.html", context)


def _esco_target(request: HttpRequest, source: Framework) -> Framework | None:
    """The ESCO framework, when this user may map ``source`` to it (the "Suggest ESCO skills" action)."""
    esco = selectors.esco_framework()
    if esco is None or esco.pk == source.pk or not _editable_organizations(request.user):
        return None
    return esco


def _crosswalk_owner(request: HttpRequest, source: Framework) -> Organization:
    """The organization a new crosswalk belongs to: the source's publisher if this user edits for it."""
    organizations = _editable_organizations(request.user)
    if not organizations:
        raise NotFound(_("No such organization."), code="organization_not_found")
    return next((org for org in organizations if org.pk == source.organization_id), organizations[0])


def _crosswalk_targets(request: HttpRequest, source: Framework) -> list[Framework]:
    return [f for f in selectors.visible_frameworks(request.user).order_by("title") if f.pk != source.pk]


def children(request: HttpRequest, slug: str, version: str, identifier: str) -> HttpResponse:
    """One level of the tree as an HTML fragment, loaded when a branch is opened."""
    try:
        found = selectors.framework_version(request.user, slug, version)
        parent = selectors.competency(found, identifier)
    except DomainError as error:
        return HttpResponse(error.message, status=error.status)
    nodes, total = selectors.children(found, parent)
    return render(request, "frameworks/tree_level.html", {"framework": found, "nodes": nodes, "total": total})


def competency(request: HttpRequest, slug: str, version: str, identifier: str) -> HttpResponse:
    try:
        found = selectors.framework_version(request.user, slug, version)
        item = selectors.competency(found, identifier)
    except DomainError as error:
        return _error(request, error)
    nodes, total = selectors.children(found, item)
    context = {
        "framework": found,
        "item": item,
        "ancestors": selectors.ancestors(item),
        "nodes": nodes,
        "total": total,
        "links": selectors.links_of(item),
        "criteria": item.rubric_criteria.select_related("rubric").prefetch_related("levels"),
        "aligned_url": f"{reverse('catalog:search')}?competency={item.pk}",
        "usages": selectors.usages_of(item),
        "esco": _esco_target(request, found),
        "related": related_of(item),
        "translation": _translation(found, item),
    }
    return render(request, "frameworks/competency.html", context)


def _translation(framework: Framework, item: Competency) -> dict[str, Any] | None:
    """The competency's label in the reader's language, when the framework is in another one and has it."""
    language = (get_language() or "en").split("-")[0]
    if language == (framework.language or "en").split("-")[0]:
        return None
    found = (item.translations or {}).get(language)
    return {"language": language, **found} if isinstance(found, dict) and found.get("label") else None


def by_uri(request: HttpRequest, identifier: str) -> HttpResponse:
    """A URI the platform minted: the page of what it names."""
    try:
        found, item = selectors.by_uri(request.build_absolute_uri(request.path))
    except NotFound:
        try:
            found, item = selectors.by_uri(identifier)
        except DomainError as error:
            return _error(request, error)
    if item is not None:
        return redirect("frameworks:competency", found.slug, found.version, item.identifier)
    return redirect("frameworks:framework_version", found.slug, found.version)


@login_required
def start_import(request: HttpRequest, organization: str) -> HttpResponse:
    try:
        org = organization_by_slug(organization)
    except DomainError as error:
        return _error(request, error)
    if not can(request.user, "frameworks.edit", org):
        return _error(request, NotFound(_("No such organization."), code="organization_not_found"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.start_import(
                actor=request.user,
                organization=org,
                source_format=form.cleaned_data["format"],
                data=upload.read(),
                file_name=upload.name,
                options={"title": form.cleaned_data["title"], "version": form.cleaned_data["version"]},
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("frameworks:import_job", job.pk)
    return render(
        request, "frameworks/import.html", {"form": form, "organization": org}, status=400 if form.errors else 200
    )


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = selectors.import_job(request.user, job_id)
    except DomainError as error:
        return _error(request, error)
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    return render(request, "frameworks/import_job.html", {"job": job, "running": running})


@login_required
@require_POST
def create_crosswalk(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    try:
        source = selectors.framework_version(request.user, slug, version)
        form = CrosswalkForm(request.POST, frameworks=_crosswalk_targets(request, source))
        if not form.is_valid():
            messages.error(request, _("Choose a framework to map to."))
            return redirect("frameworks:framework_version", source.slug, source.version)
        crosswalk = services.create_crosswalk(
            actor=request.user,
            organization=_crosswalk_owner(request, source),
            source_framework=source,
            target_framework=form.cleaned_data["target"],
        )
        if form.cleaned_data["method"]:
            suggestion_runs.start_suggestions(
                actor=request.user, crosswalk=crosswalk, method=form.cleaned_data["method"]
            )
    except DomainError as error:
        return _error(request, error)
    return redirect("frameworks:crosswalk", crosswalk.pk)


@login_required
@require_POST
def suggest_esco(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    """Map this framework (or one of its competencies) to ESCO skills: the crosswalk, with suggestions to review."""
    try:
        source = selectors.framework_version(request.user, slug, version)
        target = _esco_target(request, source)
        if target is None:
            raise NotFound(_("No ESCO skills framework to map to."), code="esco_not_found")
        identifier = request.POST.get("competency", "")
        sources = [selectors.competency(source, identifier[:100])] if identifier else None
        crosswalk = services.create_crosswalk(
            actor=request.user,
            organization=_crosswalk_owner(request, source),
            source_framework=source,
            target_framework=target,
        )
        suggestion_runs.start_suggestions(
            actor=request.user, crosswalk=crosswalk, sources=sources, method=best_method(target)
        )
    except DomainError as error:
        return _error(request, error)
    return redirect("frameworks:crosswalk", crosswalk.pk)


def crosswalk(request: HttpRequest, crosswalk_id: int) -> HttpResponse:
    try:
        found = selectors.crosswalk(request.user, crosswalk_id)
    except DomainError as error:
        return _error(request, error)
    links = found.links.select_related("source", "target", "confirmed_by").order_by(
        "status", "source__sort_order", "source_id", "-score"
    )
    context = {
        "crosswalk": found,
        "suggested": [link for link in links if link.status == LinkStatus.SUGGESTED][:300],
        "decided": [link for link in links if link.status != LinkStatus.SUGGESTED][:300],
        "relations": MatchRelation.choices,
        "may_edit": found.organization is not None and can(request.user, "frameworks.edit", found.organization),
        "methods": available_methods(found.target_framework),
        "run": suggestion_runs.latest_run(found),
    }
    return render(request, "frameworks/crosswalk.html", context)


@login_required
@require_POST
def crosswalk_action(request: HttpRequest, crosswalk_id: int) -> HttpResponse:
    try:
        found = selectors.crosswalk(request.user, crosswalk_id)
        if "suggest" in request.POST:
            method = request.POST.get("method", "")[:32] or "bm25"
            suggestion_runs.start_suggestions(actor=request.user, crosswalk=found, method=method)
        else:
            link = found.links.filter(pk=request.POST.get("link", "0") or "0").first()
            if link is None:
                raise NotFound(_("No such link."), code="link_not_found")
            relation = request.POST.get("relation") or None
            services.decide_link(actor=request.user, link=link, accept="accept" in request.POST, relation=relation)
    except (DomainError, ValueError) as error:
        if isinstance(error, ValueError):
            error = NotFound(_("No such link."), code="link_not_found")
        return _error(request, error)
    return redirect("frameworks:crosswalk", found.pk)


@login_required
def create_framework(request: HttpRequest, organization: str) -> HttpResponse:
    try:
        org = organization_by_slug(organization)
    except DomainError as error:
        return _error(request, error)
    if not can(request.user, "frameworks.edit", org):
        return _error(request, NotFound(_("No such organization."), code="organization_not_found"))
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_framework(actor=request.user, organization=org, **form.service_data())
        except ValidationFailed as error:
            form.add_service_errors(error)
        except DomainError as error:
            return _error(request, error)
        else:
            return redirect("frameworks:framework_version", made.slug, made.version)
    return render(
        request,
        "frameworks/framework_form.html",
        {"form": form, "organization": org},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def edit(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    """The authoring actions of a version's page: add a competency or a scale, publish, start the next version."""
    try:
        found = selectors.framework_version(request.user, slug, version)
        action = request.POST.get("action", "")
        if action == "add_competency":
            form = CompetencyForm(request.POST, prefix="c")
            if form.is_valid():
                data = form.cleaned_data
                parent = found.competencies.filter(code=data["parent"]).first() if data["parent"] else None
                if data["parent"] and parent is None:
                    raise ValidationFailed.single("parent", "unknown_parent", _("No competency has this code."))
                services.add_competency(
                    actor=request.user,
                    framework=found,
                    statement=data["statement"],
                    short_name=data["short_name"],
                    code=data["code"],
                    competency_type=data["competency_type"],
                    parent=parent,
                    translations=form.translations(),
                )
                messages.success(request, _("Competency added."))
        elif action == "add_scale":
            form = ScaleForm(request.POST, prefix="s")
            if form.is_valid():
                levels = [line.strip() for line in form.cleaned_data["levels"].splitlines() if line.strip()]
                services.add_scale(actor=request.user, framework=found, name=form.cleaned_data["name"], levels=levels)
                messages.success(request, _("Scale added."))
        elif action == "publish":
            services.publish_framework(actor=request.user, framework=found)
            messages.success(request, _("Published."))
        elif action == "new_version":
            form = NewVersionForm(request.POST, prefix="v")
            if form.is_valid():
                made = services.start_new_version(
                    actor=request.user, framework=found, version=form.cleaned_data["version"]
                )
                return redirect("frameworks:framework_version", made.slug, made.version)
        else:
            raise ValidationFailed.single("action", "invalid", _("Unknown action."))
        if action in ("add_competency", "add_scale", "new_version") and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    except ValidationFailed as error:
        for field_error in error.errors:
            messages.error(request, field_error.message)
    except DomainError as error:
        return _error(request, error)
    return redirect("frameworks:framework_version", found.slug, found.version)
