"""Public, machine-readable documents of issuers: DID documents, status-list credentials, issued credentials.

Verifiers and wallets fetch these cross-origin and anonymously; nothing here reveals secret material.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from microcred.accounts.selectors import organization_by_slug
from microcred.errors import DomainError
from microcred.issuing import identity, selectors, services
from microcred.issuing.models import ProofFormat

PUBLIC_CACHE = "public, max-age=300"
STATUS_CACHE = "public, max-age=60"  # a revocation should reach verifiers within a minute


def _json(body: object, content_type: str, cache: str = PUBLIC_CACHE) -> JsonResponse:
    response = JsonResponse(body, content_type=content_type, json_dumps_params={"ensure_ascii": False}, safe=False)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in browsers fetch these cross-origin
    response["Cache-Control"] = cache
    return response


def _error(error: DomainError) -> JsonResponse:
    response = JsonResponse(error.to_json(), status=error.status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def did_document(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = organization_by_slug(slug)
    except DomainError as error:
        return _error(error)
    return _json(identity.did_document(organization), "application/did+ld+json")


@require_GET
def status_list_credential(request: HttpRequest, public_id: object) -> HttpResponse:
    try:
        status_list = selectors.status_list_by_public_id(public_id)
    except DomainError as error:
        return _error(error)
    return _json(services.signed_status_list_credential(status_list), "application/vc+ld+json", STATUS_CACHE)


@require_GET
def credential_document(request: HttpRequest, public_id: object) -> HttpResponse:
    """The credential as it was issued; a revoked one too, since verifiers read its status from the status list.

    A browser (it asks for HTML by name, as when a person scans the credential's QR code) is sent to the
    verify page for this link instead; programs asking for JSON or anything get the document.
    """
    if "text/html" in request.headers.get("Accept", ""):
        url = f"{identity.public_base_url()}/credentials/{public_id}"
        response = redirect(f"{reverse('issuing:verify')}?{urlencode({'url': url})}")
        response["Vary"] = "Accept"
        return response
    try:
        credential = selectors.credential_by_public_id(public_id)
    except DomainError as error:
        return _error(error)
    if credential.proof_format == ProofFormat.VC_JWT:
        response = HttpResponse(credential.jwt, content_type="application/vc+jwt")
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = PUBLIC_CACHE
        response["Vary"] = "Accept"
        return response
    response = _json(credential.document, "application/vc+ld+json")
    response["Vary"] = "Accept"
    return response
