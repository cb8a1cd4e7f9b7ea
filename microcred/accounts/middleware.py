"""Brute-force limits that belong to no single view: the public verifier's calls and unknown API tokens."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from microcred.accounts import throttling
from microcred.accounts.throttling import Throttled

# every POST of these counts against ``verify.address``
# Anonymous POST routes counted per client address: the public verifiers, and the OID4VCI endpoints that a wallet
# calls before it holds any token (each nonce is a stored row; each token request a guess at a pre-authorized code).
THROTTLED_POSTS = {
    "/api/v1/verify": "verify.address",
    "/verify/": "verify.address",
    "/credentials/verify": "vc_verify.address",
    "/presentations/verify": "vc_verify.address",
    "/oid4vci/nonce": "oid4vci.address",
    "/oid4vci/token": "oid4vci.address",
    "/oauth/token": "oid4vci.address",
    "/oauth/register": "oid4vci.address",
}
_JSON_PREFIXES = ("/api/", "/credentials/", "/presentations/", "/oid4vci/", "/oauth/token", "/oauth/register")


def throttled_response(request: HttpRequest, error: Throttled) -> HttpResponse:
    """429 with ``Retry-After``: the API's JSON error body, or a page for a person."""
    if request.path.startswith(_JSON_PREFIXES):
        response: HttpResponse = JsonResponse(error.to_json(), status=429)
    else:
        context = {"error": error, "minutes": max(1, -(-error.retry_after // 60))}
        response = render(request, "throttled.html", context, status=429)
    response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _bearer(request: HttpRequest) -> bool:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(secret.strip())


class ThrottleMiddleware:
    """Counts the public verifier's calls and requests whose API token opens nothing (per client address), refuses
    them with 429 once over their limit, and gives any 429 a view answers its ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bearer = _bearer(request)
        try:
            scope = THROTTLED_POSTS.get(request.path) if request.method == "POST" else None
            if scope is not None:
                throttling.attempt(request, throttling.address_keys(request, scope))
            if bearer:
                throttling.check(request, throttling.token_keys(request))
        except Throttled as error:
            return throttled_response(request, error)
        response = self.get_response(request)
        # the API looked the token up and found nothing (``microcred.api.bearer_user``), or answered 401
        if bearer and (getattr(request, "_microcred_bearer", False) is None or response.status_code == 401):
            throttling.record(throttling.token_keys(request))
        retry_after = throttling.retry_after_of(request)
        if response.status_code == 429 and retry_after and not response.has_header("Retry-After"):
            response["Retry-After"] = str(retry_after)
        return response


class TimeZoneMiddleware:
    """Dates on pages in the reader's time zone: their own choice, else the site's (``settings.TIME_ZONE``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import timezone

        from microcred.accounts.profile import time_zone_of

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "time_zone", ""):
            timezone.activate(time_zone_of(user))
        else:
            timezone.deactivate()
        return self.get_response(request)
