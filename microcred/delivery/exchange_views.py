"""VC-API exchange endpoints (wallet-facing), the learner's "start a VC-API exchange" action, and the employer's
presentation-request pages. Thin: parse, call one service, answer. Wallet-facing errors are ``{"code", "message"}``
JSON with a 4xx status."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from microcred.delivery import exchanges, oid4vp, presentations
from microcred.delivery.exchanges import ExchangeError
from microcred.delivery.models import ExchangeKind
from microcred.delivery.views import qr_svg
from microcred.employers.selectors import employer_by_slug
from microcred.errors import DomainError

MAX_EXCHANGE_BODY = 512 * 1024  # a presentation with a few credentials
MAX_EXCHANGE_DEPTH = 32


def _json(body: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def bounded_body(request: HttpRequest) -> bytes:
    """The request's body, at most ``MAX_EXCHANGE_BODY`` bytes; :class:`ExchangeError` (413) otherwise."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_EXCHANGE_BODY:
        raise ExchangeError("body_too_large", "The request body is too large.", 413)
    try:
        body = request.body
    except RequestDataTooBig as error:
        raise ExchangeError("body_too_large", "The request body is too large.", 413) from error
    if len(body) > MAX_EXCHANGE_BODY:
        raise ExchangeError("body_too_large", "The request body is too large.", 413)
    return body


def read_json(request: HttpRequest, *, empty: Any = None) -> Any:
    """The request's JSON body, bounded in size and depth; :class:`ExchangeError` otherwise."""
    body = bounded_body(request)
    if not body.strip() and empty is not None:
        return empty
    if request.content_type != "application/json":
        raise ExchangeError("unsupported_media_type", "Send application/json.", 415)
    try:
        parsed = json.loads(body.decode("utf-8"))
    except RecursionError as error:
        raise ExchangeError("too_deep", "The JSON document is nested too deeply.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExchangeError("malformed_json", "The request body is not valid JSON.") from error
    if _depth_exceeds(parsed, MAX_EXCHANGE_DEPTH):
        raise ExchangeError("too_deep", "The JSON document is nested too deeply.")
    return parsed


@csrf_exempt
@require_http_methods(["POST"])
def exchange(request: HttpRequest, token: str, workflow: str | None = None) -> JsonResponse:
    """VC-API ``POST /workflows/<workflow>/exchanges/<id>`` (and ``/exchanges/<id>``): see ``exchanges.py``."""
    try:
        answer = exchanges.participate(token=token, workflow=workflow, body=read_json(request, empty={}))
    except ExchangeError as error:
        return _json(error.to_json(), error.status)
    return _json(answer)


@require_http_methods(["GET", "POST"])
def oid4vp_request(request: HttpRequest, token: str) -> HttpResponse:
    """OpenID4VP 1.0 ``request_uri``: the Request Object (an unsecured JWT: see ``oid4vp.py``)."""
    try:
        jwt = oid4vp.request_object(token)
    except ExchangeError as error:
        return _json(error.to_json(), error.status)
    response = HttpResponse(jwt, content_type="application/oauth-authz-req+jwt")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["POST"])
def oid4vp_response(request: HttpRequest, token: str) -> JsonResponse:
    """OpenID4VP 1.0 ``response_uri`` (``direct_post``): form-encoded ``vp_token``."""
    try:
        bounded_body(request)
        if request.content_type != "application/x-www-form-urlencoded":
            raise oid4vp.OID4VPError("invalid_request", "The response must be application/x-www-form-urlencoded.")
        for name, values in request.POST.lists():
            if len(values) > 1:
                raise oid4vp.OID4VPError("invalid_request", f"{name} is repeated.")
        oid4vp.respond(token=token, vp_token=request.POST.get("vp_token"))
    except ExchangeError as error:
        if not isinstance(error, oid4vp.OID4VPError):
            error = oid4vp.OID4VPError("invalid_request", error.message, error.status)
        return _json(error.to_json(), error.status)
    return _json({})


# ---------------------------------------------------------------- the learner


@login_required
@require_POST
def start_wallet_exchange(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        exchange_ = exchanges.create_delivery_exchange(actor=request.user, credential_public_id=public_id)
    except DomainError as error:
        return render(request, "error.html", {"error": error}, status=error.status)
    target = reverse("delivery:add_to_wallet", args=[exchange_.credential.public_id])
    return redirect(f"{target}?exchange={exchange_.public_id}#exchange-heading")


def wallet_exchange_context(request: HttpRequest, credential: Any) -> dict[str, Any]:
    """What the "Add to a wallet" page shows of a live VC-API exchange (``?exchange=``)."""
    if "exchange" not in request.GET:
        return {}
    shown = exchanges.shown_delivery_exchange(
        actor=request.user, credential=credential, public_id=request.GET["exchange"]
    )
    if shown is None:
        return {"exchange_gone": True}
    links = exchanges.wallet_links(shown)
    return {"exchange": shown, "exchange_links": links, "exchange_qr": qr_svg(links.deep_link)}


# ---------------------------------------------------------------- the employer


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def presentation_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the employer's requests and a form; POST: a new request, then its page."""
    form: dict[str, str] = {}
    errors: dict[str, str] = {}
    try:
        employer = employer_by_slug(slug)
        if request.method == "POST":
            form = {name: request.POST.get(name, "") for name in ("purpose", "achievement_id", "issuer_id")}
            try:
                created = presentations.create_request(actor=request.user, organization=employer, **form)
            except DomainError as error:
                if not getattr(error, "errors", None):
                    raise
                errors = {problem.field: problem.message for problem in error.errors}
            else:
                return redirect("delivery:presentation_request", slug=slug, public_id=created.public_id)
        existing = presentations.requests_of(actor=request.user, organization=employer)
    except DomainError as error:
        return _private(render(request, "error.html", {"error": error}, status=error.status))
    context = {"employer": employer, "requests": existing, "form": form, "errors": errors}
    return _private(render(request, "delivery/presentation_requests.html", context, status=400 if errors else 200))


@login_required
@require_http_methods(["GET", "POST"])
def presentation_request(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    """GET: the request, a live exchange's QR and link (``?exchange=``), and what wallets presented.
    POST (``kind``): a new exchange for one candidate."""
    try:
        employer = employer_by_slug(slug)
        found = presentations.request_of(actor=request.user, organization=employer, public_id=public_id)
        if request.method == "POST":
            kind = request.POST.get("kind", "")
            started = presentations.start_exchange(actor=request.user, request=found, kind=kind)
            target = reverse("delivery:presentation_request", args=[slug, found.public_id])
            return redirect(f"{target}?exchange={started.public_id}#exchange-heading")
    except DomainError as error:
        return _private(render(request, "error.html", {"error": error}, status=error.status))
    context: dict[str, Any] = {"employer": employer, "found": found, "responses": presentations.responses_of(found)}
    if "exchange" in request.GET:
        shown = presentations.shown_exchange(request=found, public_id=request.GET["exchange"])
        if shown is None:
            context["exchange_gone"] = True
        elif shown.kind == ExchangeKind.OID4VP:
            link = oid4vp.authorization_link(shown)
            context.update(exchange=shown, link=link, qr=qr_svg(link), protocol_name="OpenID4VP")
            context["link_by_value"] = oid4vp.authorization_link_by_value(shown)
        else:
            link = exchanges.chapi_link(shown)
            context.update(exchange=shown, link=link, qr=qr_svg(link), protocol_name="VC-API")
            context["exchange_url"] = exchanges.exchange_url(shown)
            context["vpr"] = json.dumps(exchanges.presentation_request(shown), indent=2)
    return _private(render(request, "delivery/presentation_request.html", context))
