"""Public, machine-readable documents of issuers: DID documents and status-list credentials."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from microcred.accounts.selectors import organization_by_slug
from microcred.errors import DomainError
from microcred.issuing import identity, selectors, services

PUBLIC_CACHE = "public, max-age=300"


def _json(body: object, content_type: str, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in browsers fetch these cross-origin
    response["Cache-Control"] = PUBLIC_CACHE
    return response


def _error(error: DomainError) -> JsonResponse:
    return JsonResponse(error.to_json(), status=error.status)


@require_GET
def did_document(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = organization_by_slug(slug)
    except DomainError as error:
        return _error(error)
    return _json(identity.did_document(organization), "application/did+ld+json")


@require_GET
def status_list_credential(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        status_list = selectors.status_list_by_public_id(public_id)
    except DomainError as error:
        return _error(error)
    return _json(services.signed_status_list_credential(status_list), "application/vc+ld+json")
