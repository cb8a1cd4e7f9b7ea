"""OID4VCI endpoints (metadata, offers by reference, token, nonce, credential) and the learner's "Add to a wallet"
page. Thin: parse, call one service, answer. Wallet-facing errors are ``{"error", "error_description"}`` JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from microcred.delivery import exchanges, metadata, selectors, services
from microcred.delivery.services import OAuthError
from microcred.errors import DomainError
from microcred.oauth import views as oauth_views

OAUTH_GRANTS = {"authorization_code", "refresh_token"}

MAX_TOKEN_BODY = 4 * 1024
MAX_CREDENTIAL_BODY = 64 * 1024  # one request and one key proof; the API's cap (2 MiB) is for documents
MAX_DEPTH = 8


def _json(body: Any, status: int = 200, **headers: str) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(error: OAuthError) -> JsonResponse:
    if error.status == 401:
        challenge = f'Bearer error="{error.error}", error_description="{error.description}"'
        return _json(error.to_json(), 401, WWW_Authenticate=challenge)
    return _json(error.to_json(), error.status)


def _oauth(view: Callable[[HttpRequest], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    def wrapped(request: HttpRequest) -> JsonResponse:
        try:
            return view(request)
        except OAuthError as error:
            return _error(error)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _body(request: HttpRequest, limit: int) -> bytes:
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        raise OAuthError("invalid_request", "The request body is too large.", 413)
    try:
        body = request.body
    except RequestDataTooBig as error:
        raise OAuthError("invalid_request", "The request body is too large.", 413) from error
    if len(body) > limit:
        raise OAuthError("invalid_request", "The request body is too large.", 413)
    return body


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _json_body(request: HttpRequest) -> Any:
    if request.content_type != "application/json":
        raise OAuthError("invalid_credential_request", "The credential request must be application/json.")
    body = _body(request, MAX_CREDENTIAL_BODY)
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (RecursionError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OAuthError("invalid_credential_request", "The request body is not valid JSON.") from error
    if _depth(parsed) > MAX_DEPTH:
        raise OAuthError("invalid_credential_request", "The JSON document is nested too deeply.")
    return parsed


# ---------------------------------------------------------------- metadata


@require_GET
def issuer_metadata(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(metadata.issuer_metadata(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def authorization_server_metadata(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(metadata.authorization_server_metadata())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def offer_by_reference(request: HttpRequest, token: str) -> JsonResponse:
    try:
        return _json(services.offer_by_uri_token(token))
    except DomainError as error:
        return _json({"error": error.code, "error_description": error.message}, error.status)


# ---------------------------------------------------------------- token, nonce, credential


@csrf_exempt
@require_http_methods(["POST"])
@_oauth
def token(request: HttpRequest) -> HttpResponse:
    """RFC 6749 §3.2 token endpoint, form-encoded: the pre-authorized code grant here, the authorization code and
    refresh token grants by the authorization server (``microcred.oauth``, Authlib)."""
    _body(request, MAX_TOKEN_BODY)
    if request.POST.get("grant_type") in OAUTH_GRANTS:
        return oauth_views.token_response(request)
    if request.content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "The token request must be application/x-www-form-urlencoded.")
    for name, values in request.POST.lists():
        if len(values) > 1:
            raise OAuthError("invalid_request", f"{name} is repeated.")
    grant = request.POST.get("grant_type")
    if not grant:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant != metadata.PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", "The grant type is not supported.")
    access, lifetime = services.redeem_pre_authorized_code(
        code=request.POST.get("pre-authorized_code"), tx_code=request.POST.get("tx_code")
    )
    return _json({"access_token": access, "token_type": "Bearer", "expires_in": lifetime}, Pragma="no-cache")


@csrf_exempt
@require_http_methods(["POST"])
@_oauth
def nonce(request: HttpRequest) -> JsonResponse:
    """OID4VCI 1.0 §7: a fresh c_nonce."""
    _body(request, MAX_TOKEN_BODY)
    value, lifetime = services.new_nonce()
    return _json({"c_nonce": value, "c_nonce_expires_in": lifetime})


@csrf_exempt
@require_http_methods(["POST"])
@_oauth
def credential(request: HttpRequest) -> JsonResponse:
    """OID4VCI 1.0 §8: one credential bound to the key of the proof, for the Bearer access token's offer."""
    scheme, _sep, access = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not access.strip():
        raise OAuthError("invalid_token", "A Bearer access token is required.", 401)
    grant = services.grant_of_access_token(access.strip())  # 401 before the body is read
    delivery = services.issue_credential_copy(grant=grant, body=_json_body(request))
    return _json({"credentials": [{"credential": services.deliverable(delivery)}]})


# ---------------------------------------------------------------- the learner's page


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=2)
    svg = image.to_string(encoding="unicode")
    return svg if isinstance(svg, str) else svg.decode("utf-8")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def add_to_wallet(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET: the protocols offered, the delivery history and (``?offer=``) a live offer: QR, link, tx_code.
    POST: a new offer, then back to GET showing it."""
    try:
        credential = selectors.own_credential(request.user, public_id)
        if request.method == "POST":
            new = services.create_offer(actor=request.user, credential_public_id=public_id)
            target = reverse("delivery:add_to_wallet", args=[credential.public_id])
            return redirect(f"{target}?offer={new.offer.public_id}")
    except DomainError as error:
        return _private(render(request, "error.html", {"error": error}, status=error.status))
    shown = None
    if "offer" in request.GET:
        shown = services.shown_offer(actor=request.user, credential=credential, offer_public_id=request.GET["offer"])
    context: dict[str, Any] = {
        "credential": credential,
        "offerable": services.offerable(credential),
        "deliveries": selectors.deliveries_of(credential),
        "offer_minutes": services.offer_seconds() // 60,
        "attempts": services.tx_code_attempts(),
        "issuer_url": metadata.credential_issuer(),
        "offer_gone": "offer" in request.GET and shown is None,
    }
    from microcred.delivery.exchange_views import wallet_exchange_context  # (it imports qr_svg from here)

    context.update(wallet_exchange_context(request, credential))
    context["exchange_minutes"] = exchanges.exchange_seconds() // 60
    if shown is not None:
        uri = metadata.url("delivery:offer", shown.offer_uri_token)
        by_reference = metadata.offer_link_by_reference(uri)
        context.update(
            {
                "new": shown,
                "qr": qr_svg(by_reference),
                "link_by_reference": by_reference,
                "link_by_value": metadata.offer_link_by_value(shown.offer_object()),
            }
        )
    return _private(render(request, "delivery/add_to_wallet.html", context))
