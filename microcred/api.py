"""The HTTP API root (``/api/v1/``): authentication, request parsing and error mapping.

Each domain adds its own router (``microcred.<domain>.api``); errors of the domain become JSON
bodies ``{"code", "message", "field"?, "errors"?}`` with a 4xx status, here and nowhere else.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from microcred.accounts.services import require_token_scope, user_for_api_token
from microcred.errors import DomainError

MAX_JSON_BODY = 2 * 1024 * 1024
logger = logging.getLogger(__name__)


class BodyError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class SafeJsonParser(Parser):
    """JSON bodies with a size cap, and deep nesting refused instead of crashing the worker."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise BodyError("body_too_large", _("The request body is too large."), 413) from exc
        if len(body) > MAX_JSON_BODY:
            raise BodyError("body_too_large", _("The request body is too large."), 413)
        if not body:
            return {}
        try:
            data = json.loads(body.decode("utf-8"))  # RFC 8259: JSON exchanged between systems is UTF-8
        except RecursionError as exc:
            raise BodyError("too_deeply_nested", _("The JSON document is nested too deeply.")) from exc
        except UnicodeDecodeError as exc:
            raise BodyError("invalid_encoding", _("The request body is not UTF-8.")) from exc
        except json.JSONDecodeError as exc:
            raise BodyError(
                "malformed_json",
                _("The request body is not valid JSON (line %(line)s, column %(col)s).")
                % {"line": exc.lineno, "col": exc.colno},
            ) from exc
        field = nul_field(data)
        if field is not None:
            raise NulCharacter(field)
        return data


def nul_field(value: Any, path: str = "") -> str | None:
    """Where a JSON value holds a NUL character (``\\u0000``), as a dotted field path (``""``: the value itself), or
    None. No text field takes one, and PostgreSQL cannot store one: it is refused as input, never a 500."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        child = f"{path}.{key}" if path else str(key)
        if "\x00" in str(key):
            return child
        found = nul_field(item, child)
        if found is not None:
            return found
    return None


class NulCharacter(BodyError):
    def __init__(self, field: str) -> None:
        super().__init__("nul_character", _("Text cannot contain the NUL character."))
        self.field = field or "body"


_BEARER_CACHE = "_microcred_bearer"


def bearer_user(request: HttpRequest) -> Any:
    """The user of the request's ``Authorization: Bearer`` API token, or None; looked up once per request."""
    if hasattr(request, _BEARER_CACHE):
        return getattr(request, _BEARER_CACHE)
    user = None
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        user = user_for_api_token(secret.strip())
    setattr(request, _BEARER_CACHE, user)
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = bearer_user(request)
        if user is not None:
            require_token_scope(user, request.method or "GET", request.path_info)  # 403 token_scope
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token as usual.

    django-ninja's cookie authentication runs its CSRF check before it looks at the cookie, so a client with
    no session at all (a bearer-token client whose token is wrong, an anonymous caller of an endpoint that also
    lets anonymous callers in) would get 403 "CSRF check failed" and the next authenticator would never run.
    Here the CSRF check runs only for a request that a signed-in session would authenticate: a session keeps
    its CSRF protection, and everyone else goes on down the chain (to 401, or to anonymous access).
    """

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or bearer_user(request) is not None:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth(csrf=True)]


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _nul_in_request(request: HttpRequest, path_values: dict[str, Any]) -> str | None:
    """The path parameter, query or form field whose text holds a NUL character, or None."""
    fields = [*path_values.items(), *request.GET.lists()]
    if request.method == "POST" and request.content_type in (
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        fields += list(request.POST.lists())
    return next((name for name, value in fields if nul_field(value) is not None or "\x00" in name), None)


def _with_bearer_user(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view that sees the bearer token's user as ``request.user`` even where no authentication is declared, and
    answers a method the route does not have with the JSON error body (django-ninja's own 405 is plain text)."""

    @functools.wraps(view)  # keeps ``csrf_exempt``
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = bearer_user(request)
        if user is not None:
            request.user = user
        try:
            field = _nul_in_request(request, kwargs)
        except RequestDataTooBig as exc:
            return on_too_big(request, exc)
        except SuspiciousOperation as exc:  # too many query or form fields
            return on_suspicious_request(request, exc)
        if field is not None:
            return on_body_error(request, NulCharacter(field))
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed(request, response["Allow"])
        return response

    return wrapped


class MicrocredAPI(NinjaAPI):
    """A ninja API whose every route recognises a bearer token, including routes declared with ``auth=None``
    (public pages that show a member more, such as a provider's own draft frameworks)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _with_bearer_user(pattern.callback)
        return patterns


api = MicrocredAPI(
    title="microcred API",
    version="1",
    urls_namespace="api-v1",
    parser=SafeJsonParser(),
    auth=api_auth,
    docs_url="/docs",
)


def error_response(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    response = error_response(
        request,
        405,
        {
            "code": "method_not_allowed",
            "message": _("This method is not allowed here; the allowed methods are %(methods)s.")
            % {"methods": allowed},
        },
    )
    response["Allow"] = allowed
    return response


# The site's error views (``handler400``… in ``microcred.urls``): below ``/api/`` the answer is the API's JSON error
# body, for requests that reach no API view (a path no route matches, a request Django refuses before routing).
API_PREFIX = "/api/"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return error_response(request, 400, {"code": "bad_request", "message": _("The request is malformed.")})
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return error_response(
            request, 403, {"code": "permission_denied", "message": _("You are not allowed to do this.")}
        )
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return error_response(request, 404, {"code": "no_such_route", "message": _("There is no such API route.")})
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return error_response(
            request, 500, {"code": "internal_error", "message": _("Something went wrong on our side; it was logged.")}
        )
    return defaults.server_error(request)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.to_json())


@api.exception_handler(BodyError)
def on_body_error(request: HttpRequest, exc: BodyError) -> HttpResponse:
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if isinstance(exc, NulCharacter):
        body["field"] = exc.field
    return error_response(request, exc.status, body)


def _field_path(location: Any) -> str:
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path", "form", "file")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_path(error.get("loc", ())),
            "code": str(error.get("type", "invalid")),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
    return error_response(
        request,
        400,
        {"code": "validation_failed", "message": _("The input is not valid."), "errors": errors},
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, {"code": "not_authenticated", "message": _("Sign in or send an API token.")})


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, {"code": "body_too_large", "message": _("The request body is too large.")})


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """A request Django refuses as it reads it (more query or form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS…)."""
    return error_response(request, 400, {"code": "bad_request", "message": _("The request is malformed.")})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyError):  # django-ninja wraps parser errors
        return on_body_error(request, exc.__cause__)
    code = "csrf_failed" if exc.status_code == 403 and "CSRF" in str(exc) else "http_error"
    return error_response(request, exc.status_code, {"code": code, "message": str(exc)})


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, and answered in the API's JSON error format (never an HTML page)."""
    logger.exception("Unexpected error on %s %s", request.method, request.path)
    return error_response(
        request, 500, {"code": "internal_error", "message": _("Something went wrong on our side; it was logged.")}
    )


def register_routers() -> None:
    from microcred.accounts.api import router as accounts_router

    api.add_router("/", accounts_router)
    from microcred.catalog.api import router as catalog_router

    api.add_router("/", catalog_router)
    from microcred.europe.api import router as europe_router

    api.add_router("/", europe_router)
    from microcred.registry.api import router as registry_router

    api.add_router("/", registry_router)
    from microcred.assessment.api import router as assessment_router

    api.add_router("/", assessment_router)
    from microcred.frameworks.api import router as frameworks_router

    api.add_router("/", frameworks_router)
    from microcred.issuing.api import router as issuing_router

    api.add_router("/", issuing_router)
    from microcred.assessment.stacking_api import router as stacking_router

    api.add_router("/", stacking_router)
    from microcred.wallet.api import router as wallet_router

    api.add_router("/", wallet_router)
    from microcred.issuing.verify_api import router as verify_router

    api.add_router("/", verify_router)
    from microcred.employers.api import router as employers_router

    api.add_router("/", employers_router)
    from microcred.careers.api import router as careers_router

    api.add_router("/", careers_router)
    from microcred.skills.api import router as skills_router

    api.add_router("/", skills_router)
    from microcred.reporting.api import router as reporting_router

    api.add_router("/", reporting_router)
    from microcred.notifications.api import router as notifications_router

    api.add_router("/", notifications_router)


register_routers()


def build_vc_api() -> NinjaAPI:
    """The W3C VC-API at the site root (``/credentials/issue``…), with this API's parser, authentication and
    error bodies; anonymous issuing only in test mode (``VC_API_TEST_MODE``)."""
    from microcred.issuing.vc_api import anonymous_in_test_mode
    from microcred.issuing.vc_api import router as vc_api_router

    vc = MicrocredAPI(
        title="microcred VC-API",
        version="vc-api",
        urls_namespace="vc-api",
        parser=SafeJsonParser(),
        auth=[*api_auth, anonymous_in_test_mode],
        docs_url=None,
        openapi_url="/vc-api/openapi.json",  # mounted at the site root: /vc-api/openapi.json
    )
    for exception, handler in (
        (DomainError, on_domain_error),
        (BodyError, on_body_error),
        (NinjaValidationError, on_validation_error),
        (AuthenticationError, on_auth_error),
        (RequestDataTooBig, on_too_big),
        (SuspiciousOperation, on_suspicious_request),
        (HttpError, on_http_error),
        (Exception, on_unexpected_error),
    ):
        vc.add_exception_handler(exception, handler)
    vc.add_router("/", vc_api_router)
    return vc


vc_api = build_vc_api()
