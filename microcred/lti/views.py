"""The tool's LTI endpoints: JWKS, OIDC login initiation, launch (resource link and deep linking), the deep-linking
picker, and the instructor's course page with its "Sync grades" and "Sync roster" actions. Thin: pylti1p3 checks
the protocol, ``services``/``sync`` change things; a refused launch is a 4xx page with a stable code, nothing
recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException

from microcred.accounts.permissions import can
from microcred.assessment.models import AssessmentComponent
from microcred.catalog.models import MicroCredential, Status
from microcred.errors import DomainError
from microcred.http import CONTENT_SECURITY_POLICY
from microcred.lti import keys, services, sync
from microcred.lti.models import Course, LtiUser, Platform
from microcred.lti.toolconf import LaunchRefused, LaunchStorage, ToolConf

SESSION_COURSES = "lti_instructor_courses"
SESSION_LAUNCH = "lti_launch"
SESSION_CONFIRM = "lti_confirm"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


@dataclass
class Refusal:
    message: str
    code: str
    status: int


# pylti1p3's messages (stable in the library) → our stable codes
KNOWN = (
    ("State not found", "invalid_state", 400),
    ("Missing state param", "invalid_state", 400),
    ("Invalid Nonce", "invalid_nonce", 401),
    ('"nonce" is empty', "invalid_nonce", 401),
    ("Signature has expired", "expired_token", 401),
    ("Can't decode id_token", "invalid_signature", 401),
    ("Unable to find public key", "invalid_signature", 401),
    ("JWT KID not found", "invalid_signature", 401),
    ("JWT ALG not found", "invalid_signature", 401),
    ("Invalid id_token", "malformed_token", 400),
    ("Invalid JWT format", "malformed_token", 400),
    ("Missing id_token", "malformed_token", 400),
    ("Client id not registered", "wrong_audience", 403),
    ("Unable to find deployment", "unknown_deployment", 403),
    ("Could not find issuer", "invalid_login", 400),
    ("Could not find login hint", "invalid_login", 400),
    ("Could not find target_link_uri", "invalid_login", 400),
)


def _refusal(exc: Exception) -> Refusal:
    if isinstance(exc, LaunchRefused):
        return Refusal(str(exc), exc.code, exc.status)
    text = str(exc)
    for fragment, code, status in KNOWN:
        if fragment in text:
            return Refusal(text, code, status)
    return Refusal(text, "launch_refused", 400)


def _refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": refusal.code, "error_description": refusal.message}, status=refusal.status)
    return render(request, "lti/refused.html", {"error": refusal}, status=refusal.status)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest) -> HttpResponse:
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    try:
        login_request = DjangoOIDCLogin(request, ToolConf(), launch_data_storage=LaunchStorage())
        return login_request.redirect(launch_url)
    except (LtiException, OIDCException) as exc:
        return _refuse(request, _refusal(exc))


def _sign_in(request: HttpRequest, user: Any) -> None:
    if request.user != user:
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["POST"])
def launch(request: HttpRequest) -> HttpResponse:
    tool_conf = ToolConf()
    storage = LaunchStorage()
    message_launch = DjangoMessageLaunch(request, tool_conf, launch_data_storage=storage)
    try:
        claims = message_launch.get_launch_data()
        if not storage.consume(f"lti1p3-nonce-{claims['nonce']}"):
            raise LaunchRefused(_("The nonce was used already."), code="invalid_nonce", status=401)
    except (LtiException, OIDCException) as exc:
        return _refuse(request, _refusal(exc))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # claims of the wrong shape
        return _refuse(request, Refusal(str(exc)[:200], "malformed_token", 400))
    platform = tool_conf.platform
    assert platform is not None
    deep_linking = message_launch.is_deep_link_launch()
    if deep_linking and not services.is_instructor(claims.get(services.ROLES)):
        return _refuse(request, Refusal(_("Only an instructor attaches a credential."), "not_instructor", 403))
    try:
        result = services.record_launch(platform=platform, claims=dict(claims))
    except DomainError as exc:
        return _refuse(request, Refusal(exc.message, exc.code, exc.status))
    if result.instructor and result.course is not None:
        request.session[SESSION_COURSES] = sorted({*request.session.get(SESSION_COURSES, []), result.course.pk})
    if deep_linking:
        request.session[SESSION_LAUNCH] = message_launch.get_launch_id()
        target = reverse("lti:deep_link", kwargs={"launch_id": message_launch.get_launch_id()})
    elif result.instructor and result.course is not None:
        target = reverse("lti:course", kwargs={"course_id": result.course.pk})
    elif result.enrolment is not None:
        target = reverse("assessment:enrolment", kwargs={"enrolment_id": result.enrolment.pk})
    else:
        target = reverse("lti:not_linked")
    link = result.link
    if link is not None and not link.confirmed:
        if request.user != result.user:  # an account that existed before: its owner signs in once
            request.session[SESSION_CONFIRM] = {"link": link.pk, "next": target}
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': reverse('lti:confirm')})}")
        services.confirm_link(actor=request.user, link=link)
    _sign_in(request, result.user)
    return redirect(target)


@login_required
@require_GET
def confirm(request: HttpRequest) -> HttpResponse:
    """Back from signing in: the launch's LMS user is linked to this account, then on to where the launch led."""
    pending = request.session.get(SESSION_CONFIRM) or {}
    link = LtiUser.objects.select_related("platform__provider", "user").filter(pk=pending.get("link") or 0).first()
    if link is None:
        return _refuse(request, Refusal(_("This launch has ended: start it again from your course."), "gone", 410))
    try:
        services.confirm_link(actor=request.user, link=link)
    except DomainError as exc:
        return _refuse(request, Refusal(exc.message, exc.code, exc.status))
    del request.session[SESSION_CONFIRM]
    target = str(pending.get("next") or "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "wallet:home")


@login_required
@require_GET
def not_linked(request: HttpRequest) -> HttpResponse:
    return render(request, "lti/not_linked.html")


def _restore(request: HttpRequest, launch_id: str) -> tuple[DjangoMessageLaunch, ToolConf] | None:
    if request.session.get(SESSION_LAUNCH) != launch_id:
        return None
    tool_conf = ToolConf()
    try:
        message_launch = DjangoMessageLaunch.from_cache(
            launch_id, request, tool_conf, launch_data_storage=LaunchStorage()
        )
    except LtiException:
        return None
    if not message_launch.is_deep_link_launch():
        return None
    return message_launch, tool_conf


@login_required
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    restored = _restore(request, launch_id)
    if restored is None:
        return _refuse(request, Refusal(_("This deep-linking request has ended."), "launch_expired", 410))
    message_launch, tool_conf = restored
    platform = tool_conf.platform
    assert platform is not None
    claims = message_launch.get_launch_data()
    context_id = str((claims.get(services.CONTEXT) or {}).get("id") or "")
    course = Course.objects.filter(platform=platform, context_id=context_id).first()
    offered = MicroCredential.objects.filter(provider=platform.provider, status=Status.PUBLISHED).order_by("title")
    error = ""
    if request.method == "POST":
        credential = offered.filter(pk=request.POST.get("credential") or 0).first() if course is not None else None
        if credential is None:
            error = _("Choose one of the micro-credentials listed.")
        else:
            services.attach_credential(platform=platform, course=course, credential=credential, by=request.user)
            resource = (
                DeepLinkResource()
                .set_url(request.build_absolute_uri(reverse("lti:launch")))
                .set_title(credential.title)
                .set_custom_params({"microcred_credential": str(credential.pk)})
            )
            return_url = str(claims.get(DEEP_LINKING, {}).get("deep_link_return_url") or "")
            context = {
                "return_url": return_url,
                "jwt": message_launch.get_deep_link().get_response_jwt([resource]),
                "platform": platform,
                "credential": credential,
            }
            return _framed(render(request, "lti/deep_link_return.html", context), platform, return_url)
    context = {"offered": offered, "course": course, "platform": platform, "error": error}
    return _framed(render(request, "lti/deep_link.html", context, status=400 if error else 200), platform)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?", parts.netloc):
        return ""  # nothing odd goes into the header
    return f"{parts.scheme}://{parts.netloc}"


def _framed(response: HttpResponse, platform: Platform, posts_to: str = "") -> HttpResponse:
    """The site's policy, except that the platform may frame the page and, when it answers, be posted to."""
    origin = _origin(platform.auth_login_url)
    policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors 'self' {origin}".strip())
    if posts_to and _origin(posts_to):
        policy = policy.replace("form-action 'self'", f"form-action 'self' {_origin(posts_to)}")
    response["Content-Security-Policy"] = policy
    return response


def _may_run(request: HttpRequest, course: Course) -> bool:
    """An instructor of the course (proven by a launch in this session) or the provider's assessors."""
    if course.pk in request.session.get(SESSION_COURSES, []):
        return True
    return can(request.user, "assessment.evaluate", course.platform.provider)


@login_required
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = Course.objects.select_related("platform__provider", "credential").filter(pk=course_id).first()
    if course is None or not _may_run(request, course):
        return _refuse(request, Refusal(_("No such course."), "not_found", 404))
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grades":
                report = sync.sync_grades(course=course)
                messages.success(
                    request,
                    _("%(recorded)d new results recorded from %(mapped)d mapped line items.")
                    % {"recorded": report.recorded, "mapped": report.mapped},
                )
            elif action == "roster":
                report = sync.sync_roster(course=course)
                messages.success(request, _("%(n)d learners enrolled from the roster.") % {"n": report.enrolled})
            elif action == "map":
                line_item = course.line_items.filter(pk=request.POST.get("line_item") or 0).first()
                component = AssessmentComponent.objects.filter(
                    pk=request.POST.get("component") or 0, plan__credential_id=course.credential_id
                ).first()
                if line_item is None:
                    return _refuse(request, Refusal(_("No such gradebook column."), "not_found", 404))
                sync.map_line_item(course=course, line_item=line_item, component=component)
                messages.success(request, _("The column's component is saved."))
            elif action == "background":
                sync.sync_course_task.enqueue(course.pk)
                messages.success(request, _("The roster and grades will be read in the background."))
            else:
                return _refuse(request, Refusal(_("Unknown action."), "unknown_action", 400))
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "lti/course.html", _course_context(request, course), status=exc.status)
        return redirect("lti:course", course_id=course.pk)
    return render(request, "lti/course.html", _course_context(request, course))


def _course_context(request: HttpRequest, course: Course) -> dict[str, Any]:
    credential = course.credential
    return {
        "course": course,
        "line_items": course.line_items.select_related("component").order_by("label", "pk"),
        "components": (
            AssessmentComponent.objects.filter(plan__credential_id=credential.pk).order_by("sort_order", "pk")
            if credential
            else []
        ),
        "learners": sync.learners_of(course) if credential else [],
        "assessment_url": (
            reverse("assessment:credential", args=[credential.pk])
            if credential and can(request.user, "assessment.evaluate", credential)
            else ""
        ),
    }
