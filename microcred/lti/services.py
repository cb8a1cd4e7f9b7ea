"""Writes of the LTI tool: platform registrations (a provider's admins), what a validated launch changes (the user
linked by ``sub`` or matched by e-mail, the course and its service endpoints, the learner's enrolment) and the
credential an instructor attaches to a course by Deep Linking. Keyword-only arguments, one transaction, one audit
entry each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SystemActor, require
from microcred.assessment.models import Enrolment
from microcred.audit.services import record
from microcred.catalog.models import MicroCredential, Status
from microcred.errors import Conflict, ErrorList, PermissionDenied, ValidationFailed
from microcred.lti.models import Course, LtiUser, Platform

ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
INSTRUCTOR_ROLES = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant")
URL_FIELDS = ("auth_login_url", "auth_token_url", "key_set_url")
MAX_DEPLOYMENTS = 50


def platform_actor(platform: Platform) -> SystemActor:
    """Who acts when the platform speaks (a validated launch, its gradebook, its roster): audited by label."""
    return SystemActor(f"lti:{platform.issuer}")


def is_instructor(roles: Any) -> bool:
    return isinstance(roles, list) and any(isinstance(r, str) and r.endswith(INSTRUCTOR_ROLES) for r in roles)


def _url(errors: ErrorList, name: str, value: Any, *, required: bool) -> str:
    value = str(value or "").strip()
    if not value:
        if required:
            errors.add(name, "required", _("This field is required."))
        return ""
    parts = urlsplit(value)
    local = parts.netloc in getattr(settings, "LOCAL_HTTP_HOSTS", [])
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        errors.add(name, "not_https", _("Enter an https:// URL."))
    elif not parts.netloc or len(value) > 500:
        errors.add(name, "invalid_url", _("Enter a valid URL."))
    return value


def _clean(data: dict[str, Any], *, instance: Platform | None) -> dict[str, Any]:
    errors = ErrorList()
    clean: dict[str, Any] = {}
    for name, limit in (("name", 120), ("issuer", 255), ("client_id", 255)):
        value = str(data.get(name) or "").strip()
        if not value:
            errors.add(name, "required", _("This field is required."))
        elif len(value) > limit:
            errors.add(name, "too_long", _("At most %(n)d characters.") % {"n": limit})
        clean[name] = value
    deployments = data.get("deployment_ids") or []
    if isinstance(deployments, str):
        deployments = deployments.replace(",", "\n").splitlines()
    deployments = [str(d).strip() for d in deployments if str(d).strip()]
    if not deployments:
        errors.add("deployment_ids", "required", _("Enter at least one deployment id."))
    elif len(deployments) > MAX_DEPLOYMENTS or any(len(d) > 255 for d in deployments):
        errors.add("deployment_ids", "too_many", _("At most 50 deployment ids of 255 characters."))
    clean["deployment_ids"] = list(dict.fromkeys(deployments))
    clean["auth_login_url"] = _url(errors, "auth_login_url", data.get("auth_login_url"), required=True)
    clean["auth_token_url"] = _url(errors, "auth_token_url", data.get("auth_token_url"), required=True)
    clean["key_set_url"] = _url(errors, "key_set_url", data.get("key_set_url"), required=False)
    clean["auth_audience"] = str(data.get("auth_audience") or "").strip()[:500]
    key_set = data.get("key_set") or None
    if key_set is not None and not (
        isinstance(key_set, dict) and isinstance(key_set.get("keys"), list) and key_set["keys"]
    ):
        errors.add("key_set", "invalid_jwks", _('Paste a JSON Web Key Set: {"keys": […]}.'))
    clean["key_set"] = key_set
    if not clean["key_set_url"] and key_set is None:
        errors.add("key_set_url", "required", _("Give the platform's keyset URL or paste its keys."))
    if clean["issuer"] and clean["client_id"]:
        clash = Platform.objects.filter(issuer=clean["issuer"], client_id=clean["client_id"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.add("client_id", "duplicate", _("This issuer and client id are registered already."))
    errors.raise_if_any()
    return clean


def _snapshot(platform: Platform) -> dict[str, Any]:
    return {
        "name": platform.name,
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "deployment_ids": platform.deployment_ids,
        "auth_login_url": platform.auth_login_url,
        "auth_token_url": platform.auth_token_url,
        "key_set_url": platform.key_set_url,
        "key_set": bool(platform.key_set),
    }


def register_platform(*, actor: Any, provider: Organization, data: dict[str, Any]) -> Platform:
    require(actor, "lti.manage_platforms", provider)
    clean = _clean(data, instance=None)
    with transaction.atomic():
        platform = Platform.objects.create(provider=provider, **clean)
        record(
            actor=actor,
            action="lti.register_platform",
            target=platform,
            organization=provider,
            after=_snapshot(platform),
        )
    return platform


def update_platform(*, actor: Any, platform: Platform, data: dict[str, Any]) -> Platform:
    require(actor, "lti.manage_platforms", platform.provider)
    clean = _clean(data, instance=platform)
    with transaction.atomic():
        platform = Platform.objects.select_for_update().get(pk=platform.pk)
        before = _snapshot(platform)
        for name, value in clean.items():
            setattr(platform, name, value)
        platform.save()
        record(
            actor=actor,
            action="lti.update_platform",
            target=platform,
            organization=platform.provider,
            before=before,
            after=_snapshot(platform),
        )
    return platform


def remove_platform(*, actor: Any, platform: Platform) -> None:
    require(actor, "lti.manage_platforms", platform.provider)
    with transaction.atomic():
        record(
            actor=actor,
            action="lti.remove_platform",
            target=platform,
            organization=platform.provider,
            before=_snapshot(platform),
        )
        platform.delete()


@dataclass
class Launch:
    user: User
    course: Course | None
    instructor: bool
    enrolment: Enrolment | None
    link: LtiUser | None = None


def user_for(platform: Platform, sub: str, email: str, name: str) -> tuple[User, bool]:
    link = LtiUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if link is not None:
        return link.user, False
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed.single(
            "email", "email_required", _("The platform did not share this person's e-mail address.")
        ) from exc
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email.lower(), password=None, display_name=name[:150])
    LtiUser.objects.create(platform=platform, sub=sub, user=user, confirmed=created)
    return user, created


def link_of(platform: Platform, sub: str) -> LtiUser | None:
    return LtiUser.objects.select_related("user").filter(platform=platform, sub=sub).first()


def confirm_link(*, actor: User, link: LtiUser) -> LtiUser:
    """The account's owner signed in: launches from this platform as this LMS user now sign them in."""
    if actor != link.user:
        raise PermissionDenied(
            _("Sign in with the account of the e-mail address your learning platform gave."), code="other_account"
        )
    with transaction.atomic():
        LtiUser.objects.filter(pk=link.pk).update(confirmed=True)
        record(
            actor=actor,
            action="lti.confirm_link",
            target=link.platform,
            organization=link.platform.provider,
            after={"user": actor.email, "sub": link.sub},
        )
    link.confirmed = True
    return link


def _course(platform: Platform, claims: dict[str, Any]) -> Course | None:
    context = claims.get(CONTEXT)
    if not isinstance(context, dict) or not str(context.get("id") or "").strip():
        return None
    course, _created = Course.objects.get_or_create(platform=platform, context_id=str(context["id"])[:255])
    ags = claims.get(AGS) if isinstance(claims.get(AGS), dict) else {}
    nrps = claims.get(NRPS) if isinstance(claims.get(NRPS), dict) else {}
    course.title = str(context.get("title") or course.title)[:255]
    course.lineitems_url = str(ags.get("lineitems") or course.lineitems_url)[:500]
    course.memberships_url = str(nrps.get("context_memberships_url") or course.memberships_url)[:500]
    course.last_launch = {key: claims[key] for key in (AGS, NRPS) if isinstance(claims.get(key), dict)} or (
        course.last_launch
    )
    course.save()
    return course


def enrol_in_course(course: Course, user: User) -> Enrolment | None:
    """The learner's enrolment in the course's credential, made if there is none (inside the caller's transaction)."""
    credential = course.credential
    if credential is None or credential.status != Status.PUBLISHED:
        return None
    enrolment, created = Enrolment.objects.get_or_create(learner=user, credential=credential)
    if created:
        record(
            actor=platform_actor(course.platform),
            action="assessment.enrol",
            target=enrolment,
            organization=credential.provider,
            after={"learner": user.email, "credential": credential.pk, "route": enrolment.route, "via": "lti"},
        )
    return enrolment


def record_launch(*, platform: Platform, claims: dict[str, Any]) -> Launch:
    """What a validated resource-link or deep-linking launch changes."""
    sub = str(claims.get("sub") or "").strip()
    if not sub:
        raise ValidationFailed.single("sub", "anonymous_launch", _("This launch names no user."))
    instructor = is_instructor(claims.get(ROLES))
    with transaction.atomic():
        user, created = user_for(
            platform, sub[:255], str(claims.get("email") or "").strip(), str(claims.get("name") or "")
        )
        course = _course(platform, claims)
        enrolment = None if instructor or course is None else enrol_in_course(course, user)
        record(
            actor=platform_actor(platform),
            action="lti.launch",
            target=platform,
            organization=platform.provider,
            after={
                "user": user.email,
                "account_created": created,
                "context": course.context_id if course else None,
                "instructor": instructor,
                "enrolment": enrolment.pk if enrolment else None,
            },
        )
    return Launch(
        user=user, course=course, instructor=instructor, enrolment=enrolment, link=link_of(platform, sub[:255])
    )


def attach_credential(*, platform: Platform, course: Course, credential: MicroCredential, by: User) -> Course:
    """Deep Linking: the instructor's choice of the provider's published credential for this course."""
    if credential.provider_id != platform.provider_id or credential.status != Status.PUBLISHED:
        raise Conflict(_("Choose a published micro-credential of this provider."), code="not_offered")
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk, platform=platform)
        before = course.credential_id
        course.credential = credential
        course.save(update_fields=["credential"])
        record(
            actor=platform_actor(platform),
            action="lti.attach_credential",
            target=course,
            organization=platform.provider,
            before={"credential": before},
            after={"credential": credential.pk, "instructor": by.email, "context": course.context_id},
        )
    return course
