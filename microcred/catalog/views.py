"""Catalog pages: the public search, records, comparison and pathways; the provider's design workspace.

Thin: parse, call one selector or service, render. Errors of the domain show beside form fields.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from microcred.accounts.permissions import can, require
from microcred.catalog import extensions, formats, selectors, services
from microcred.catalog.forms import ChecklistForm, CredentialForm, ReviewForm
from microcred.catalog.models import ChecklistItem, MicroCredential, Status
from microcred.catalog.selectors import SORTS
from microcred.errors import DomainError, NotFound, ValidationFailed

JSON_LD = "application/ld+json"


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def search(request: HttpRequest) -> HttpResponse:
    try:
        query = selectors.parse_query(request.GET)
    except ValidationFailed as error:
        return render(request, "catalog/search.html", {"query_errors": error.errors, "sorts": SORTS}, status=400)
    found = selectors.search_catalog(query)
    context = {
        "found": found,
        "query": query,
        "sorts": SORTS,
        "sort": query.effective_sort(),
        "permalink": f"{request.path}?{query.permalink()}",
        "previous_page": query.permalink(page=found.page - 1) if found.page > 1 else "",
        "next_page": query.permalink(page=found.page + 1) if found.page < found.pages else "",
        "workspaces": selectors.workspaces_for(request.user),
        "selected_filters": sum(1 for facet in found.facets for value in facet.values if value.selected),
    }
    return render(request, "catalog/search.html", context)


def _credential_page(request: HttpRequest, credential: MicroCredential) -> HttpResponse:
    member = can(request.user, "organization.view", credential.provider)
    checklist = list(ChecklistItem.objects.filter(provider=credential.provider, active=True))
    context = {
        "credential": credential,
        "rows": selectors.comparison_rows([credential]),
        "versions": selectors.versions_of(request.user, credential),
        "pathways": credential.pathways.select_related("provider"),
        "outcomes": credential.outcomes.all(),
        "member": member,
        "can_edit": can(request.user, "catalog.edit", credential) and credential.is_editable,
        "can_submit": can(request.user, "catalog.edit", credential) and credential.is_editable,
        "can_review": can(request.user, "catalog.review", credential) and credential.status == Status.IN_REVIEW,
        "can_publish": can(request.user, "catalog.publish", credential) and credential.status == Status.APPROVED,
        "can_retire": can(request.user, "catalog.publish", credential) and credential.status == Status.PUBLISHED,
        "can_new_version": can(request.user, "catalog.edit", credential) and credential.is_public,
        "review_form": ReviewForm(checklist=checklist),
        "reviews": credential.reviews.select_related("reviewer") if member else [],
        "achievement_url": formats.achievement_url(credential),
        "co_designers": credential.co_designed_with.all(),
        "panels": extensions.panels_for(request, credential),
    }
    return render(request, "catalog/credential.html", context)


def credential(request: HttpRequest, provider: str, slug: str) -> HttpResponse:
    try:
        found = selectors.credential_version(request.user, provider, slug)
    except DomainError as error:
        return _error(request, error)
    return _credential_page(request, found)


def credential_version(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
    except DomainError as error:
        return _error(request, error)
    return _credential_page(request, found)


def _json_ld(request: HttpRequest, provider: str, slug: str, version: int, export: str) -> HttpResponse:
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
        if not found.is_public:
            raise NotFound(_("Only published versions have a standard description."))
    except DomainError as error:
        return JsonResponse(error.to_json(), status=error.status)
    if export == "achievement":
        document = extensions.extend_achievement(found, formats.to_achievement(found))
    else:
        document = formats.to_ctdl(found)
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type=JSON_LD)


def achievement(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    return _json_ld(request, provider, slug, version, "achievement")


def ctdl(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    return _json_ld(request, provider, slug, version, "ctdl")


def compare(request: HttpRequest) -> HttpResponse:
    try:
        keys = selectors.parse_compare_keys(request.GET.getlist("ids"))
        credentials = selectors.compare(request.user, keys)
    except DomainError as error:
        return _error(request, error)
    rows = selectors.comparison_rows(credentials)
    return render(request, "catalog/compare.html", {"credentials": credentials, "rows": rows})


def pathway(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.pathway_by_slug(slug)
    except DomainError as error:
        return _error(request, error)
    members = [m for m in found.members.select_related("provider") if selectors.may_see(request.user, m)]
    return render(request, "catalog/pathway.html", {"pathway": found, "members": members})


def pathways(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/pathways.html", {"pathways": selectors.pathways()})


# --- the provider's workspace ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workspace(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        organization = selectors.provider_by_slug(provider)
        require(request.user, "organization.view", organization)
    except DomainError as error:
        return _error(request, error)
    items = ChecklistItem.objects.filter(provider=organization, active=True)
    form = ChecklistForm(request.POST or None, initial={"items": "\n".join(i.text for i in items)})
    if request.method == "POST" and form.is_valid():
        try:
            services.configure_checklist(
                actor=request.user, provider=organization, items=form.cleaned_data["items"].splitlines()
            )
        except ValidationFailed as error:
            form.add_service_errors(error)
        except DomainError as error:
            return _error(request, error)
        else:
            messages.success(request, _("The review checklist was saved."))
            return redirect("catalog:workspace", provider=provider)
    context = {
        "organization": organization,
        "designs": selectors.drafts_of(organization),
        "published": selectors.published().filter(provider=organization).order_by("title"),
        "checklist_form": form,
        "can_edit": can(request.user, "catalog.edit", organization),
    }
    return render(request, "catalog/workspace.html", context, status=400 if form.errors else 200)


def _save_image(request: HttpRequest, form: CredentialForm, credential: MicroCredential) -> bool:
    upload = request.FILES.get("image")
    generate = form.cleaned_data.get("generate_badge")
    if not upload and not generate:
        return True
    try:
        if upload:
            services.set_image(actor=request.user, credential=credential, upload=upload)
        else:
            colour = form.cleaned_data.get("badge_colour") or ""
            services.generate_image(actor=request.user, credential=credential, colour=colour)
    except ValidationFailed as error:
        form.add_service_errors(error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        organization = selectors.provider_by_slug(provider)
        require(request.user, "catalog.edit", organization)
    except DomainError as error:
        return _error(request, error)
    form = CredentialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_draft(actor=request.user, provider=organization, **form.typology_data())
        except ValidationFailed as error:
            form.add_service_errors(error)
        else:
            _save_image(request, form, made)
            messages.success(request, _("The draft was saved."))
            return redirect("catalog:credential_version", provider, made.slug, made.version)
    context = {"form": form, "organization": organization, "title": _("New micro-credential")}
    return render(request, "catalog/credential_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
        require(request.user, "catalog.edit", found)
    except DomainError as error:
        return _error(request, error)
    initial = {name: getattr(found, name) for name in CredentialForm.base_fields if hasattr(found, name)}
    initial.update(
        learning_outcomes="\n".join(o.text for o in found.outcomes.all()),
        start_dates=", ".join(found.start_dates or []),
        ladders_into="\n".join(found.ladders_into or []),
        industry_partners="\n".join(found.industry_partners or []),
        image=None,
        **CredentialForm.initial_translations(found),
    )
    form = CredentialForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(actor=request.user, credential=found, changes=form.typology_data())
        except ValidationFailed as error:
            form.add_service_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if _save_image(request, form, found):
                messages.success(request, _("The draft was saved."))
                return redirect("catalog:credential_version", provider, slug, version)
    context = {
        "form": form,
        "organization": found.provider,
        "credential": found,
        "title": _("Edit %(title)s") % {"title": found.title},
    }
    return render(request, "catalog/credential_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def transition(request: HttpRequest, provider: str, slug: str, version: int, action: str) -> HttpResponse:
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
    except DomainError as error:
        return _error(request, error)
    target = found
    try:
        if action == "submit":
            services.submit_for_review(actor=request.user, credential=found)
            messages.success(request, _("Sent for review."))
        elif action == "publish":
            services.publish(actor=request.user, credential=found)
            messages.success(request, _("Published. It is now in the public catalog."))
        elif action == "retire":
            services.retire(actor=request.user, credential=found, reason=request.POST.get("reason", ""))
            messages.success(request, _("Retired from the catalog."))
        elif action == "new-version":
            target = services.start_new_version(actor=request.user, credential=found)
            messages.success(request, _("Version %(n)s was started as a draft.") % {"n": target.version})
        elif action == "review":
            checklist = list(ChecklistItem.objects.filter(provider=found.provider, active=True))
            form = ReviewForm(request.POST, checklist=checklist)
            if not form.is_valid():
                raise ValidationFailed.single("comment", "invalid", _("The review could not be read."))
            services.review(
                actor=request.user,
                credential=found,
                decision=request.POST.get("decision", ""),
                comment=form.cleaned_data["comment"],
                checklist=form.checklist_answers(),
            )
            messages.success(request, _("Your review was recorded."))
        else:
            return _error(request, NotFound(_("No such action.")))
    except DomainError as error:
        detail = getattr(error, "errors", None)
        text = " ".join(str(e.message) for e in detail) if detail else str(error.message)
        messages.error(request, text)
    return redirect(reverse("catalog:credential_version", args=[provider, slug, target.version]))
