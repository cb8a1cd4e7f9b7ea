"""Pages of the European standard elements: the panel on a design's page, the elements page with the design's
European details, the ELM export and the ELM import. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts.permissions import can, require
from microcred.catalog import selectors
from microcred.catalog.extensions import Panel
from microcred.catalog.models import MicroCredential
from microcred.errors import DomainError, ValidationFailed
from microcred.europe import services
from microcred.europe.elements import details_of, element_states
from microcred.europe.elm import to_elm
from microcred.europe.forms import ElmImportForm, EuropeanDetailsForm

MAX_IMPORT_BYTES = 1024 * 1024


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": error}, status=error.status)


def panel(request: Any, credential: MicroCredential) -> Panel | None:
    """On a design's page: for the provider's members, how many European elements it states and the links; for
    everyone, a published version's ELM export."""
    if not can(request.user, "organization.view", credential.provider):
        return Panel("europe/panel.html", {"credential": credential, "member": False}) if credential.is_public else None
    details = details_of(credential)
    states = element_states(credential, details)
    mandatory = [state for state in states if state.element.mandatory]
    return Panel("europe/panel.html", {
        "member": True,
        "credential": credential,
        "details": details,
        "stated": sum(1 for state in mandatory if state.stated),
        "total": len(mandatory),
        "can_import": can(request.user, "catalog.edit", credential.provider),
        "missing": [state.element.label for state in mandatory if not state.stated] if details.european_profile else [],
    })


@require_http_methods(["GET", "POST"])
def elements(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
        require(request.user, "organization.view", found.provider)
    except DomainError as error:
        return _error(request, error)
    details = details_of(found)
    can_edit = can(request.user, "catalog.edit", found) and found.is_editable
    initial = EuropeanDetailsForm.initial_for(details, services.EDITABLE)
    form = EuropeanDetailsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_european_details(actor=request.user, credential=found, changes=form.changes())
            except ValidationFailed as error:
                form.add_service_errors(error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The European elements were saved."))
                return redirect("europe:elements", provider, slug, version)
        status = 400
    details = details_of(found)
    context = {
        "credential": found,
        "details": details,
        "states": element_states(found, details),
        "missing": services.missing_element_errors(found),
        "form": form,
        "can_edit": can_edit,
        "can_edit_design": can_edit,
    }
    return render(request, "europe/elements.html", context, status=status)


def elm(request: HttpRequest, provider: str, slug: str, version: int) -> HttpResponse:
    """The ELM 3 JSON-LD of a version: anyone's once published, members' before."""
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
    except DomainError as error:
        return JsonResponse(error.to_json(), status=error.status)
    document = to_elm(found)
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/ld+json")


def _read_upload(form: ElmImportForm) -> Any:
    upload = form.cleaned_data.get("document")
    if upload is not None:
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationFailed.single("document", "too_large", _("The file is larger than 1 MiB."))
        raw = upload.read()
    else:
        raw = (form.cleaned_data.get("text") or "").encode()
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValidationFailed.single("text", "too_large", _("The text is larger than 1 MiB."))
    if not raw.strip():
        raise ValidationFailed.single("document", "required", _("Choose a file or paste the specification."))
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ValidationFailed.single("document", "invalid_json", _("This is not valid JSON.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def import_elm(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        organization = selectors.provider_by_slug(provider)
        require(request.user, "catalog.edit", organization)
    except DomainError as error:
        return _error(request, error)
    form = ElmImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_elm(actor=request.user, provider=organization, document=_read_upload(form))
        except ValidationFailed as error:
            for field_error in error.errors:
                name = field_error.field if field_error.field in form.fields else None
                form.add_error(name, f"{field_error.field}: {field_error.message}" if name is None
                               else field_error.message)
            status = 400
        except DomainError as error:
            form.add_error(None, error.message)
            status = 400
    elif request.method == "POST":
        status = 400
    context = {"organization": organization, "form": form, "result": result}
    return render(request, "europe/import.html", context, status=status)
