"""The authorization server's endpoints (Authlib answers them) and the learner's pages: consent, and the
applications they authorized. Thin: parse, call the server or one service, answer."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from microcred.errors import DomainError, ValidationFailed
from microcred.http import CONTENT_SECURITY_POLICY
from microcred.oauth import server as oauth_server
from microcred.oauth import services

MAX_BODY = 16 * 1024


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _protocol_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return _no_store(JsonResponse({"error": error, "error_description": description}, status=status))


def _refused_body(request: HttpRequest) -> JsonResponse | None:
    """A body too large, or a repeated parameter (RFC 6749 §3.2), before Authlib reads the request."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY or len(request.body) > MAX_BODY:
            return _protocol_error("invalid_request", "The request body is too large.", 413)
    except (RequestDataTooBig, ValueError):
        return _protocol_error("invalid_request", "The request body is too large.", 413)
    if request.content_type == "application/x-www-form-urlencoded":
        for name, values in request.POST.lists():
            if len(values) > 1:
                return _protocol_error("invalid_request", f"{name} is repeated.")
    return None


def token_response(request: HttpRequest) -> HttpResponse:
    """The token endpoint's answer for the grants Authlib serves (also called by OID4VCI's token endpoint)."""
    refused = _refused_body(request)
    if refused is not None:
        return refused
    if request.content_type != "application/x-www-form-urlencoded":
        return _protocol_error("invalid_request", "The token request must be application/x-www-form-urlencoded.")
    return _no_store(oauth_server.server().create_token_response(request))


@csrf_exempt
@require_http_methods(["POST"])
def token(request: HttpRequest) -> HttpResponse:
    return token_response(request)


@csrf_exempt
@require_http_methods(["POST"])
def revoke(request: HttpRequest) -> HttpResponse:
    refused = _refused_body(request)
    if refused is not None:
        return refused
    return _no_store(oauth_server.server().create_endpoint_response("revocation", request))


@csrf_exempt
@require_http_methods(["POST"])
def register(request: HttpRequest) -> HttpResponse:
    """RFC 7591 dynamic client registration: JSON client metadata in, the client's id (and secret) out."""
    refused = _refused_body(request)
    if refused is not None:
        return refused
    if request.content_type != "application/json":
        return _protocol_error("invalid_client_metadata", "The registration request must be application/json.")
    try:
        parsed = json.loads(request.body.decode("utf-8"))
    except (RecursionError, UnicodeDecodeError, json.JSONDecodeError):
        return _protocol_error("invalid_client_metadata", "The request body is not valid JSON.")
    if not isinstance(parsed, dict) or not parsed:
        return _protocol_error("invalid_client_metadata", "The client metadata must be a JSON object.")
    try:
        return _no_store(oauth_server.server().create_endpoint_response("client_registration", request))
    except OAuth2Error as error:
        return _protocol_error(error.error or "invalid_client_metadata", error.description or "", error.status_code)


@require_GET
def metadata(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(oauth_server.server_metadata())
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _host(uri: str) -> str:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    return parts.hostname or f"{parts.scheme}:"


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """GET: the consent page (after sign-in). POST: the learner's decision; back to the client with a code."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    auth_server = oauth_server.server()
    try:
        grant = auth_server.get_consent_grant(request, end_user=request.user)
    except OAuth2Error as error:
        if error.redirect_uri:
            return auth_server.handle_error_response(request, error)
        status = 400
        return render(request, "oauth/error.html", {"error": error}, status=status)
    payload = grant.request.payload
    params = {key: str(value) for key, value in payload.data.items()}
    client = grant.client
    scope = client.get_allowed_scope(payload.scope or "")
    form_error: DomainError | None = None
    if request.method == "POST":
        if request.POST.get("decision") != "allow":
            return auth_server.create_authorization_response(grant.request, grant_user=None, grant=grant)
        posted = request.POST.items()
        choices = {key.removeprefix("choice-"): value for key, value in posted if key.startswith("choice-")}
        try:
            context = services.bind_choices(user=request.user, scope=scope, params=params, choices=choices)
        except ValidationFailed as error:
            form_error = error
        else:
            grant.request.microcred_context = context
            return auth_server.create_authorization_response(grant.request, grant_user=request.user, grant=grant)
    context: dict[str, Any] = {
        "client": client,
        "client_host": _host(client.client_uri) if client.client_uri else "",
        "redirect_host": _host(grant.redirect_uri or client.get_default_redirect_uri() or ""),
        "scopes": services.consent_scopes(user=request.user, scope=scope, params=params),
        "form_error": form_error,
    }
    response = render(request, "oauth/consent.html", context, status=400 if form_error else 200)
    response["Cache-Control"] = "private, no-store"
    response["X-Frame-Options"] = "DENY"  # no clickjacking of the consent button
    # The decision's answer redirects to the client: browsers hold that redirect to the page's form-action.
    target = _form_action_source(grant.redirect_uri or client.get_default_redirect_uri() or "")
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {target}".rstrip()
    )
    return response


def _form_action_source(uri: str) -> str:
    """The CSP source of a registered redirect URI: its origin, or its private-use scheme (``com.example.app:``)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return ""
    if parts.scheme in ("https", "http") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:" if parts.scheme else ""


@login_required
@require_http_methods(["GET", "POST"])
def applications(request: HttpRequest) -> HttpResponse:
    """The applications the learner authorized, each with what it may do and a button that withdraws it."""
    message = None
    if request.method == "POST":
        try:
            services.revoke_client(actor=request.user, client_id=request.POST.get("client_id", "")[:64])
        except DomainError as error:
            return render(request, "error.html", {"error": error}, status=error.status)
        return redirect("oauth:applications")
    context = {"applications": services.authorized_clients(request.user), "message": message}
    response = render(request, "oauth/applications.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
