"""Drafts saved as the designer types (issue 18): the JSON endpoints that ``static/microcred/autosave.js`` posts the
design form to, a couple of seconds after typing stops and when the page is left.

The body is the form itself (form-encoded, with its CSRF token), read by the same ``CredentialForm`` and saved by
the same services as the form's "Save draft" (``create_draft`` / ``update_draft``), so the same rules hold: an
invalid value is a 400 with every field error (the form's field name, a stable code, the reason) and nothing is
written. The image is left to the form's own submit: nothing is uploaded or drawn in the background. The first
save of a new design creates the draft and answers with its edit page, which the script switches to, so later
saves update that record. Only the design's editors (``catalog.edit``) may save; for anyone else the design does
not exist (404), as on its edit page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.permissions import can, require
from microcred.catalog import selectors, services
from microcred.catalog.forms import CredentialForm
from microcred.catalog.models import MicroCredential
from microcred.errors import DomainError, FieldError, NotFound, ValidationFailed


def _label(form: CredentialForm, name: str) -> str:
    return str(form.fields[name].label) if name in form.fields else ""


def _form_field(form: CredentialForm, field: str) -> str:
    """A service's field name as the form names it (``translations.fr.title`` → ``other_title``), as the page
    shows service errors (``CredentialForm.add_service_errors``)."""
    parts = field.split(".")
    if parts[0] == "translations":
        name = f"other_{parts[2]}" if len(parts) > 2 else "other_language"
        return name if name in form.fields else "other_language"
    return field if field in form.fields else ""


def _not_saved(form: CredentialForm, errors: list[FieldError], status: int = 400) -> JsonResponse:
    shown = []
    reasons = []
    for error in errors:
        name = _form_field(form, error.field)
        label = _label(form, name)
        shown.append({**error.to_json(), "input": name, "label": label})
        reasons.append(f"{label}: {error.message}" if label else str(error.message))
    body = {
        "code": "validation_failed",
        "message": _("Not saved: %(reason)s") % {"reason": " ".join(reasons)},
        "errors": shown,
    }
    return JsonResponse(body, status=status)


def _form_errors(form: CredentialForm) -> list[FieldError]:
    return [
        FieldError(name, item.get("code") or "invalid", item["message"])
        for name, items in form.errors.get_json_data().items()
        for item in items
    ]


def _refused(error: DomainError) -> JsonResponse:
    body = error.to_json()
    body["message"] = _("Not saved: %(reason)s") % {"reason": error.message}
    return JsonResponse(body, status=error.status)


def _signed_out() -> JsonResponse:
    message = _("Not saved: you are signed out. Copy your changes, then log in again.")
    return JsonResponse({"code": "not_authenticated", "message": message}, status=401)


def _saved(credential: MicroCredential, *, created: bool) -> JsonResponse:
    key = (credential.provider.slug, credential.slug, credential.version)
    at = timezone.localtime(timezone.now())
    body: dict[str, Any] = {
        "saved": True,
        "created": created,
        "message": _("Saved at %(time)s") % {"time": date_format(at, "TIME_FORMAT")},
        "saved_at": at.isoformat(),
        "edit_url": reverse("catalog:edit", args=key),
        "autosave_url": reverse("catalog:autosave", args=key),
        "credential_url": reverse("catalog:credential_version", args=key),
        "heading": _("Edit %(title)s") % {"title": credential.title},  # the edit page's, once a new design exists
    }
    return JsonResponse(body, status=201 if created else 200)


def _parsed(request: HttpRequest) -> tuple[CredentialForm, JsonResponse | None]:
    form = CredentialForm(request.POST)  # no files: the image waits for the form's own submit
    if not form.is_valid():
        return form, _not_saved(form, _form_errors(form))
    return form, None


@require_POST
def autosave_new(request: HttpRequest, provider: str) -> JsonResponse:
    """The first save of a new design: creates the draft (201) and names its edit page and its own save URL."""
    if not request.user.is_authenticated:
        return _signed_out()
    try:
        organization = selectors.provider_by_slug(provider)
        require(request.user, "catalog.edit", organization)
    except DomainError as error:
        return _refused(error)
    form, refused = _parsed(request)
    if refused is not None:
        return refused
    try:
        made = services.create_draft(actor=request.user, provider=organization, **form.typology_data())
    except ValidationFailed as error:
        return _not_saved(form, error.errors)
    except DomainError as error:
        return _refused(error)
    return _saved(made, created=True)


@require_POST
def autosave(request: HttpRequest, provider: str, slug: str, version: int) -> JsonResponse:
    """Save the draft being edited; a version that is no longer editable is a 409, nothing written."""
    if not request.user.is_authenticated:
        return _signed_out()
    try:
        found = selectors.credential_version(request.user, provider, slug, version)
        if not can(request.user, "catalog.edit", found):
            raise NotFound(_("No such micro-credential."), code="credential_not_found")
    except DomainError as error:
        return _refused(error)
    form, refused = _parsed(request)
    if refused is not None:
        return refused
    try:
        saved = services.update_draft(actor=request.user, credential=found, changes=form.typology_data())
    except ValidationFailed as error:
        return _not_saved(form, error.errors)
    except DomainError as error:
        return _refused(error)
    return _saved(saved, created=False)
