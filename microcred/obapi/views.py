"""The 1EdTech Open Badges 3.0 API, host side (``/ims/ob/v3p0/``): discovery, credentials (read, upsert), profile.
Bearer tokens from ``microcred.oauth`` with the API's scopes; errors are ``Imsx_StatusInfo`` bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from microcred.errors import DomainError
from microcred.oauth import services as oauth
from microcred.oauth.models import Token
from microcred.obapi import discovery, scopes, services
from microcred.vc.dates import parse_date_time
from microcred.vc.errors import VCError

MAX_BODY = 2 * 1024 * 1024
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


MINOR = {400: "invalid_data", 401: "unauthorizedrequest", 403: "forbidden", 404: "not_found", 409: "invalid_data"}


def status_info(description: str, status: int, code: str, header: dict[str, str] | None = None) -> JsonResponse:
    """The API's error body (Imsx_StatusInfo): the code minor from the specification's vocabulary, and microcred's
    own stable error code as the code minor's field name."""
    minor = "invalid_query_parameter" if code == "invalid_query_parameter" else MINOR.get(status, "invalid_data")
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [{"imsx_codeMinorFieldName": code, "imsx_codeMinorFieldValue": minor}]
        },
    }
    response = JsonResponse(body, status=status)
    for name, value in (header or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


class Refused(Exception):
    def __init__(self, response: JsonResponse) -> None:
        self.response = response


def _token(request: HttpRequest, scope: str) -> Token:
    kind, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        challenge = 'Bearer realm="microcred"'
        raise Refused(
            status_info("A Bearer access token is required.", 401, "invalid_token", {"WWW-Authenticate": challenge})
        )
    try:
        return oauth.token_for(value.strip(), scope)
    except oauth.TokenRefused as refused:
        challenge = f'Bearer realm="microcred", error="{refused.error}", scope="{scope}"'
        raise Refused(
            status_info(refused.description, refused.status, refused.error, {"WWW-Authenticate": challenge})
        ) from refused


def _api(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Refused as refused:
            return refused.response
        except DomainError as error:
            return status_info(error.message, error.status, error.code)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        message = f"{name} must be a whole number from {low} to {high}."
        raise Refused(status_info(message, 400, "invalid_query_parameter"))
    return int(raw)


@require_GET
def discovery_document(request: HttpRequest, api: str) -> JsonResponse:
    response = JsonResponse(discovery.service_description(scopes.APIS[api]))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_api
def credentials(request: HttpRequest, api: str) -> HttpResponse:
    spec = scopes.APIS[api]
    if request.method == "POST":
        return _upsert(request, spec)
    token = _token(request, spec.scope("credential.readonly"))
    limit = _int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(request, "offset", 0, 0, 10**9)
    since = None
    if request.GET.get("since"):
        try:
            since = parse_date_time(request.GET["since"][:64])
        except (VCError, ValueError):
            since = None
        if since is None:
            message = "since must be an ISO 8601 date-time."
            raise Refused(status_info(message, 400, "invalid_query_parameter"))
    if spec is scopes.CLR:
        page = services.clr_page(user=token.user, limit=limit, offset=offset, since=since)
    else:
        page = services.credentials_page(user=token.user, limit=limit, offset=offset, since=since)
    body: dict[str, Any] = {}
    if page.credentials:
        body[spec.array] = page.credentials
    if page.compact_jws:
        body["compactJwsString"] = page.compact_jws
    response = JsonResponse(body)
    response["X-Total-Count"] = str(page.total)
    response["Link"] = _links(request, limit, offset, page.total)
    response["Cache-Control"] = "private, no-store"
    return response


def _links(request: HttpRequest, limit: int, offset: int, total: int) -> str:
    base = request.build_absolute_uri(request.path)
    kept = {k: v for k, v in request.GET.items() if k not in ("limit", "offset")}

    def link(at: int, rel: str) -> str:
        return f'<{base}?{urlencode({**kept, "limit": limit, "offset": at})}>; rel="{rel}"'

    last = max(0, (total - 1) // limit * limit)
    links = [link(0, "first")]
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    if offset > 0:
        links.append(link(max(0, offset - limit), "prev"))
    links.append(link(last, "last"))
    return ", ".join(links)


def _body(request: HttpRequest) -> bytes:
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY or len(request.body) > MAX_BODY:
            raise Refused(status_info("The request body is too large.", 413, "body_too_large"))
    except (RequestDataTooBig, ValueError) as error:
        raise Refused(status_info("The request body is too large.", 413, "body_too_large")) from error
    return request.body


def _upsert(request: HttpRequest, spec: scopes.Api) -> HttpResponse:
    """POST /credentials: an OpenBadgeCredential or ClrCredential (application/json) or a compact JWS (text/plain)."""
    token = _token(request, spec.scope("credential.upsert"))
    if request.content_type not in ("application/json", "text/plain"):
        raise Refused(
            status_info("Send application/json or text/plain (a compact JWS).", 415, "unsupported_media_type")
        )
    data = _body(request)
    if not data.strip():
        raise Refused(status_info("The request body is empty.", 400, "empty_body"))
    stored, created = services.upsert(user=token.user, data=data, client_name=token.client.client_name, api=spec.key)
    if isinstance(stored, str):
        response = HttpResponse(stored, content_type="text/plain", status=201 if created else 200)
    else:
        response = JsonResponse(stored, status=201 if created else 200)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "PUT"])
@_api
def profile(request: HttpRequest, api: str) -> HttpResponse:
    spec = scopes.APIS[api]
    if request.method == "GET":
        token = _token(request, spec.scope("profile.readonly"))
        return JsonResponse(services.profile(token.user))
    token = _token(request, spec.scope("profile.update"))
    if request.content_type != "application/json":
        raise Refused(status_info("Send the profile as application/json.", 415, "unsupported_media_type"))
    try:
        body = json.loads(_body(request).decode("utf-8"))
    except (RecursionError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refused(status_info("The body is not valid JSON.", 400, "malformed_json")) from error
    return JsonResponse(services.update_profile(user=token.user, body=body))
