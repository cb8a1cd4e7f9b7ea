"""Pages of the registry domain: a provider's registry settings, a version's registry state (a panel on the
credential's page), sending a failed publication again, importing a CTDL credential, and the CTDL document."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from microcred.accounts import selectors as account_selectors
from microcred.accounts.permissions import can, require
from microcred.accounts.views import render_domain_error
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.extensions import Panel
from microcred.catalog.models import MicroCredential
from microcred.errors import DomainError, NotFound, ValidationFailed
from microcred.registry import ctdl, ctids, selectors, services
from microcred.registry.forms import CodesForm, CtdlImportForm, RegistrySettingsForm
from microcred.registry.models import Publication, PublicationStatus

JSON_LD = "application/ld+json"


def registry_panel(request: Any, credential: MicroCredential) -> Panel | None:
    """The version's state in the Credential Registry, for the provider's admins only."""
    if not can(request.user, "registry.configure", credential.provider):
        return None
    settings_row = selectors.settings_of(credential.provider)
    publication = selectors.latest_publication(credential)
    return Panel(
        "registry/panel.html",
        {
            "credential": credential,
            "configured": settings_row is not None,
            "enabled": bool(settings_row and settings_row.enabled),
            "publication": publication,
            "failed": publication is not None
            and publication.status == PublicationStatus.FAILED
            and not services.has_newer(publication),
            "ctid": ctids.design_ctid(credential) if credential.is_public else "",
            "version_ctid": ctids.version_ctid(credential) if credential.is_public else "",
            "ctdl_url": reverse("registry:ctdl", args=[credential.provider.slug, credential.slug, credential.version]),
            "settings_url": reverse("registry:settings", args=[credential.provider.slug]),
            "codes": list(credential.classification_codes.all()),
            "codes_url": reverse("registry:codes", args=[credential.provider.slug, credential.slug, credential.version])
            if credential.is_editable
            else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = account_selectors.organization_by_slug(slug)
        require(request.user, "registry.configure", organization)
    except DomainError as error:
        return render_domain_error(request, error)
    current = selectors.settings_of(organization)
    initial = {"resource_base": ctids.REGISTRY_RESOURCES, "enabled": True}
    if current is not None:
        initial = {
            "assistant_url": current.assistant_url,
            "organization_ctid": current.organization_ctid,
            "resource_base": current.resource_base,
            "enabled": current.enabled,
        }
    if request.method == "POST" and request.POST.get("action") == "publish_existing":
        try:
            queued = services.publish_existing(actor=request.user, organization=organization)
        except DomainError as error:
            return render_domain_error(request, error)
        messages.success(request, _("%(n)s published version(s) will be sent to the registry.") % {"n": len(queued)})
        return redirect("registry:settings", slug=slug)
    form = RegistrySettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.configure(actor=request.user, organization=organization, data=form.cleaned_data)
            except ValidationFailed as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The registry settings are saved."))
                return redirect("registry:settings", slug=slug)
        status = 400
    context = {
        "organization": organization,
        "form": form,
        "current": current,
        "publications": selectors.recent_publications(organization),
    }
    return render(request, "registry/settings.html", context, status=status)


@login_required
@require_POST
def retry(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = Publication.objects.select_related("credential__provider").filter(pk=publication_id).first()
    try:
        if publication is None:
            raise NotFound(_("No such publication."))
        services.retry(actor=request.user, publication=publication)
    except DomainError as error:
        return render_domain_error(request, error)
    credential = publication.credential
    messages.success(request, _("The publication will be sent again."))
    return redirect("catalog:credential_version", credential.provider.slug, credential.slug, credential.version)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = account_selectors.organization_by_slug(slug)
        require(request.user, "catalog.edit", organization)
    except DomainError as error:
        return render_domain_error(request, error)
    form = CtdlImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                credential, notes = services.import_ctdl(
                    actor=request.user, provider=organization, document=form.cleaned_data["parsed"]
                )
            except ValidationFailed as error:
                form.add_service_errors(error)
            else:
                return render(
                    request,
                    "registry/imported.html",
                    {"organization": organization, "credential": credential, "notes": notes},
                    status=201,
                )
        status = 400
    return render(request, "registry/import.html", {"organization": organization, "form": form}, status=status)


def ctdl_document(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    """The complete CTDL of a published version (drafts to their designers only)."""
    try:
        found = catalog_selectors.credential_version(request.user, provider, slug, version)
        if not found.is_public and not can(request.user, "catalog.edit", found):
            raise NotFound(_("Only published versions have a standard description."))
    except DomainError as error:
        return JsonResponse(error.to_json(), status=error.status)
    document = ctdl.catalog_export(found)
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type=JSON_LD)


@login_required
@require_http_methods(["GET", "POST"])
def codes_page(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        credential = catalog_selectors.credential_version(request.user, provider, slug, version)
        require(request.user, "catalog.edit", credential)
    except DomainError as error:
        return render_domain_error(request, error)
    form = CodesForm(request.POST or None, initial=CodesForm.initial_for(credential.classification_codes.all()))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_codes(actor=request.user, credential=credential, codes=form.cleaned_data["codes"])
            except ValidationFailed as error:
                form.add_error("codes", "; ".join(f"{e.field}: {e.message}" for e in error.errors))
            except DomainError as error:
                return render_domain_error(request, error)
            else:
                messages.success(request, _("The codes are saved."))
                return redirect("catalog:credential_version", provider, slug, version)
        status = 400
    return render(request, "registry/codes.html", {"credential": credential, "form": form}, status=status)
