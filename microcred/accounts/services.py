"""State changes of accounts and organizations. Each is one transaction with one audit entry."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts.models import (
    ROLES_BY_KIND,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    ProviderType,
    Role,
    TokenScope,
    User,
    default_token_scopes,
)
from microcred.accounts.permissions import forget_cached_roles, require
from microcred.accounts.route_access import scope_needed, scopes_cover
from microcred.audit.services import record, snapshot
from microcred.errors import Conflict, ErrorList, Gone, NotFound, PermissionDenied, ValidationFailed
from microcred.translations import LANGUAGE_TAG, bcp47, check_translations

INVITATION_LIFETIME = timedelta(days=14)
MAX_NAME = 150


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_email(errors: ErrorList, email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    if not email:
        errors.add(field, "required", _("Enter an e-mail address."))
        return email
    try:
        validate_email(email)
    except DjangoValidationError:
        errors.add(field, "invalid_email", _("Enter a valid e-mail address."))
    return email


SIGN_UP_SALT = "microcred.accounts.sign_up"
SIGN_UP_LIFETIME = timedelta(days=3)


def sign_up(
    *,
    email: str,
    password: str,
    display_name: str,
    preferred_language: str = "en",
    confirm_url_base: str = "",
    reset_url: str = "",
) -> User | None:
    """Ask for a learner account; the answer never tells whether the e-mail address is registered.

    A new address gets an inactive account and an e-mail with a link that opens it (:func:`confirm_sign_up`).
    A registered address gets, instead, an e-mail telling its owner someone tried, with the password-reset link;
    nothing changes. The caller shows the same "check your inbox" answer either way. Returns the new user, or
    None for a registered address (for the caller's tests and logs, never for the person asking).
    """
    errors = ErrorList()
    email = _check_email(errors, email)
    display_name = (display_name or "").strip()
    if not display_name:
        errors.add("display_name", "required", _("Enter your name."))
    elif len(display_name) > MAX_NAME:
        errors.add("display_name", "too_long", _("A name has at most 150 characters."))
    if preferred_language not in {"en", "fr"}:
        errors.add("preferred_language", "invalid_choice", _("Choose English or French."))
    if not password:
        errors.add("password", "required", _("Enter a password."))
    else:
        try:
            validate_password(password, User(email=email, display_name=display_name))
        except DjangoValidationError as exc:
            for message in exc.messages:
                errors.add("password", "weak_password", message)
    errors.raise_if_any()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if _awaiting_confirmation(existing):
            # asked again before confirming: the newest request wins and only its link opens the account
            existing.set_password(password)
            existing.display_name, existing.preferred_language = display_name, preferred_language
            existing.save(update_fields=["password", "display_name", "preferred_language"])
            _send_confirmation(existing, confirm_url_base)
        else:
            make_password(password)  # the same work as a new account, so the time taken tells nothing either
            send_mail(
                subject=_("Someone tried to create a microcred account with your e-mail address"),
                message=render_to_string(
                    "accounts/email/sign_up_existing.txt",
                    {"user": existing, "reset_url": reset_url or _site_url("accounts:password_reset")},
                ),
                from_email=None,
                recipient_list=[existing.email],
            )
        return None
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            display_name=display_name,
            preferred_language=preferred_language,
            is_active=False,
        )
        record(actor=user, action="accounts.sign_up", target=user, after={"email": email})
    _send_confirmation(user, confirm_url_base)  # once the account is written; a failed send: sign up again
    return user


def _awaiting_confirmation(user: User) -> bool:
    return not user.is_active and user.last_login is None and user.has_usable_password()


def _password_mark(user: User) -> str:
    """Changes whenever the password does: a link sent for an earlier request no longer opens the account."""
    return salted_hmac(SIGN_UP_SALT, user.password).hexdigest()[:20]


def _site_url(name: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse(name)


def _send_confirmation(user: User, confirm_url_base: str) -> None:
    confirm_url_base = confirm_url_base or _site_url("accounts:sign_up_confirm_base")
    token = signing.dumps({"user": user.pk, "email": user.email, "p": _password_mark(user)}, salt=SIGN_UP_SALT)
    link = f"{confirm_url_base.rstrip('/')}/{token}/"
    send_mail(
        subject=_("Confirm your microcred account"),
        message=render_to_string("accounts/email/sign_up_confirm.txt", {"user": user, "link": link}),
        from_email=None,
        recipient_list=[user.email],
    )


def confirm_sign_up(*, token: str) -> User:
    """Open the account of a sign-up link (valid for three days, once)."""
    try:
        data = signing.loads(token or "", salt=SIGN_UP_SALT, max_age=SIGN_UP_LIFETIME)
    except signing.SignatureExpired as exc:
        raise Gone(_("This link has expired; sign up again."), code="sign_up_link_expired") from exc
    except signing.BadSignature as exc:
        raise NotFound(_("This link is not valid."), code="sign_up_link_invalid") from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("user"), email=data.get("email")).first()
        if user is None:
            raise NotFound(_("This link is not valid."), code="sign_up_link_invalid")
        if not _awaiting_confirmation(user):
            raise Gone(_("This account is already open; log in."), code="sign_up_link_used")
        if not constant_time_compare(data.get("p", ""), _password_mark(user)):
            raise Gone(_("A newer link was sent for this account; use the latest one."), code="sign_up_link_replaced")
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(actor=user, action="accounts.confirm_sign_up", target=user)
    return user


ORGANIZATION_FIELDS = ["name", "slug", "kind", "provider_type", "description", "website", "country", "region"]


def create_organization(
    *,
    actor: User | None,
    name: str,
    kind: str,
    provider_type: str = "",
    slug: str = "",
    description: str = "",
    website: str = "",
    country: str = "CA",
    region: str = "",
    language: str = "en",
    translations: Any = None,
) -> Organization:
    """Create an organization; the actor becomes its first administrator.

    Providers and employers may be created by any signed-in user (they become its admin);
    the platform organization only by the system (``actor=None``) or a platform admin.
    ``language`` is the name's and description's; ``translations`` = {"fr": {"name": …, "description": …}}.
    """
    errors = ErrorList()
    language = bcp47(language) if isinstance(language, str) else ""
    if not LANGUAGE_TAG.match(language):
        errors.add("language", "invalid_language", _("Name each language by its code, such as fr or fr-CA."))
    translations, problems = check_translations(translations, {"name": 200, "description": 5000}, language or "en")
    for where, code, message in problems:
        errors.add(where, code, message)
    name = (name or "").strip()
    if not name:
        errors.add("name", "required", _("Enter the organization's name."))
    elif len(name) > 200:
        errors.add("name", "too_long", _("A name has at most 200 characters."))
    if kind not in OrganizationKind.values:
        errors.add("kind", "invalid_choice", _("Choose provider, employer or platform."))
    if kind == OrganizationKind.PROVIDER and provider_type not in ProviderType.values:
        errors.add("provider_type", "invalid_choice", _("Choose the kind of provider."))
    if kind != OrganizationKind.PROVIDER and provider_type:
        errors.add("provider_type", "not_applicable", _("Only providers have a provider type."))
    slug = slugify(slug or name)[:80]
    if name and not slug:
        errors.add("slug", "invalid_slug", _("Choose a short name made of letters and digits."))
    if slug and Organization.objects.filter(slug=slug).exists():
        errors.add("slug", "slug_taken", _("This short name is taken; choose another."))
    if len(country or "") not in (0, 2):
        errors.add("country", "invalid_country", _("Use a two-letter country code."))
    errors.raise_if_any()
    if kind == OrganizationKind.PLATFORM and actor is not None:
        require(actor, "platform.administer")
    with transaction.atomic():
        organization = Organization.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            provider_type=provider_type,
            description=description,
            website=website,
            country=(country or "").upper(),
            region=region,
            language=language,
            translations=translations,
        )
        if actor is not None:
            Membership.objects.create(user=actor, organization=organization, role=Role.ADMIN)
            forget_cached_roles(actor)
        record(
            actor=actor,
            action="organization.create",
            target=organization,
            organization=organization,
            after=snapshot(organization, ORGANIZATION_FIELDS),
        )
    return organization


def update_organization(*, actor: Any, organization: Organization, **changes: Any) -> Organization:
    """Edit an organization's profile. ``translations`` ({"fr": {"name": …, "description": …}}) replaces the
    name and description in other languages than ``language`` (the profile's own, English by default)."""
    require(actor, "organization.edit", organization)
    allowed = {"name", "description", "website", "country", "region", "language", "translations"}
    errors = ErrorList()
    for key in changes:
        if key not in allowed:
            errors.add(key, "not_editable", _("This field cannot be changed."))
    if "name" in changes and not (changes["name"] or "").strip():
        errors.add("name", "required", _("Enter the organization's name."))
    if "language" in changes:
        changes["language"] = bcp47(changes["language"]) if isinstance(changes["language"], str) else ""
        if not LANGUAGE_TAG.match(changes["language"]):
            errors.add("language", "invalid_language", _("Name each language by its code, such as fr or fr-CA."))
    if "translations" in changes:
        primary = changes.get("language") or organization.language
        changes["translations"], problems = check_translations(
            changes["translations"], {"name": 200, "description": 5000}, primary
        )
        for where, code, message in problems:
            errors.add(where, code, message)
    errors.raise_if_any()
    with transaction.atomic():
        before = snapshot(organization, sorted(changes))
        for key, value in changes.items():
            setattr(organization, key, value.strip() if isinstance(value, str) else value)
        organization.full_clean()
        organization.save()
        record(
            actor=actor,
            action="organization.update",
            target=organization,
            organization=organization,
            before=before,
            after=snapshot(organization, sorted(changes)),
        )
    return organization


def add_member(*, actor: User | None, organization: Organization, user: User, role: str) -> Membership:
    """Give ``user`` a role directly (the demo loader and platform tools); people use invitations."""
    if actor is not None:
        require(actor, "organization.manage_members", organization)
    _check_role(organization, role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
        if created:
            record(
                actor=actor,
                action="organization.add_member",
                target=membership,
                organization=organization,
                after={"user": user.email, "role": role},
            )
    forget_cached_roles(user)
    return membership


def _check_role(organization: Organization, role: str) -> None:
    if role not in ROLES_BY_KIND.get(organization.kind, ()):
        raise ValidationFailed.single(
            "role", "invalid_role", _("This role does not exist in this kind of organization.")
        )


def invite_member(
    *, actor: User, organization: Organization, email: str, role: str, accept_url_base: str
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the one-time token (sent by e-mail)."""
    require(actor, "organization.manage_members", organization)
    errors = ErrorList()
    email = _check_email(errors, email)
    errors.raise_if_any()
    _check_role(organization, role)
    if Membership.objects.filter(organization=organization, user__email__iexact=email, role=role).exists():
        raise Conflict(_("This person already has this role."), code="already_member", field="email")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=_hash_token(token),
            invited_by=actor,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        record(
            actor=actor,
            action="organization.invite_member",
            target=invitation,
            organization=organization,
            after={"email": email, "role": role},
        )
        link = f"{accept_url_base.rstrip('/')}/{token}/"
        context = {"organization": organization, "role": Role(role).label, "link": link, "inviter": actor}
        transaction.on_commit(
            lambda: send_mail(
                subject=_("You are invited to join %(name)s on microcred") % {"name": organization.name},
                message=render_to_string("accounts/email/invitation.txt", context),
                from_email=None,
                recipient_list=[email],
            )
        )
    return invitation, token


def find_invitation(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("organization").filter(token_hash=_hash_token(token or "")).first()
    if invitation is None:
        raise NotFound(_("This invitation does not exist."), code="invitation_not_found")
    if invitation.revoked_at or invitation.accepted_at:
        raise Gone(_("This invitation has already been used or withdrawn."), code="invitation_used")
    if invitation.expires_at < timezone.now():
        raise Gone(_("This invitation has expired."), code="invitation_expired")
    return invitation


def accept_invitation(*, user: User, token: str) -> Membership:
    with transaction.atomic():
        invitation = find_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise Gone(_("This invitation has already been used or withdrawn."), code="invitation_used")
        if invitation.email.lower() != user.email.lower():
            raise ValidationFailed.single(
                "email",
                "invitation_email_mismatch",
                _("This invitation was sent to another e-mail address."),
            )
        membership, _created = Membership.objects.get_or_create(
            user=user, organization=invitation.organization, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            actor=user,
            action="organization.accept_invitation",
            target=membership,
            organization=invitation.organization,
            after={"user": user.email, "role": invitation.role},
        )
    forget_cached_roles(user)
    return membership


def revoke_invitation(*, actor: User, invitation: Invitation) -> None:
    require(actor, "organization.manage_members", invitation.organization)
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="organization.revoke_invitation",
            target=invitation,
            organization=invitation.organization,
        )


def remove_member(*, actor: User, membership: Membership) -> None:
    organization = membership.organization
    require(actor, "organization.manage_members", organization)
    if membership.role == Role.ADMIN and (
        Membership.objects.filter(organization=organization, role=Role.ADMIN).count() == 1
    ):
        raise Conflict(_("An organization keeps at least one administrator."), code="last_admin")
    with transaction.atomic():
        record(
            actor=actor,
            action="organization.remove_member",
            target=membership,
            organization=organization,
            before={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()
    forget_cached_roles(membership.user)


TOKEN_LIFETIME_DAYS = 90
MAX_TOKEN_LIFETIME_DAYS = 366


def create_api_token(
    *,
    user: User,
    name: str,
    scopes: Iterable[str] | None = None,
    expires_in_days: int | None = TOKEN_LIFETIME_DAYS,
    via_token: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """A personal API token with its scopes and expiry; the returned secret is shown once, only its hash is kept.

    ``via_token``: the token the request came with, if any; only a token with the ``admin`` scope makes tokens,
    and never one with scopes it does not have itself. ``expires_in_days=None``: never expires (code and the CLI
    only; the page and the API always set an expiry).
    """
    errors = ErrorList()
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors.add("name", "invalid_name", _("Give the token a name of 1 to 100 characters."))
    chosen = default_token_scopes() if scopes is None else list(dict.fromkeys(scopes))
    if not chosen:
        errors.add("scopes", "required", _("Choose at least one scope."))
    elif any(scope not in TokenScope.values for scope in chosen):
        errors.add("scopes", "invalid_choice", _("The scopes are read, write, issue and admin."))
    if expires_in_days is not None and not (
        isinstance(expires_in_days, int) and 1 <= expires_in_days <= MAX_TOKEN_LIFETIME_DAYS
    ):
        errors.add("expires_in_days", "invalid_lifetime", _("A token lasts from 1 to 366 days."))
    errors.raise_if_any()
    if via_token is not None:
        if TokenScope.ADMIN not in via_token.scopes:
            raise PermissionDenied(_("Only a token with the admin scope makes tokens."), code="token_scope")
        if not all(scopes_cover(via_token.scopes, scope) for scope in chosen):
            raise PermissionDenied(_("A token cannot give more scopes than it has."), code="token_scope")
    secret = "mc_" + secrets.token_urlsafe(32)
    expires_at = None if expires_in_days is None else timezone.now() + timedelta(days=expires_in_days)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:10],
            token_hash=_hash_token(secret),
            scopes=chosen,
            expires_at=expires_at,
        )
        record(
            actor=user,
            action="accounts.create_api_token",
            target=token,
            after={"name": name, "scopes": chosen, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return token, secret


def revoke_api_token(*, user: User, token_id: Any, via_token: ApiToken | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (from a token: only with the admin scope)."""
    if via_token is not None and TokenScope.ADMIN not in via_token.scopes:
        raise PermissionDenied(_("Only a token with the admin scope revokes tokens."), code="token_scope")
    text = str(token_id)
    token = (
        ApiToken.objects.filter(user=user, pk=int(text)).first()
        if text.isascii() and text.isdigit() and len(text) < 12
        else None
    )
    if token is None:
        raise NotFound(_("No such token."), code="token_not_found")
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(actor=user, action="accounts.revoke_api_token", target=token, before={"name": token.name})
    return token


def user_for_api_token(secret: str) -> User | None:
    """The owner of a live token (not revoked, not expired, owner active), with the token as ``user.api_token``."""
    if not secret or not secret.startswith("mc_") or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=_hash_token(secret), revoked_at__isnull=True).first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active or (token.expires_at is not None and token.expires_at <= now):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    user.api_token = token  # type: ignore[attr-defined]
    return user


def token_of(user: Any) -> ApiToken | None:
    """The API token a request's user came with, or None (a browser session)."""
    return getattr(user, "api_token", None)


API_ROOT = "/api/v1/"


def require_token_scope(user: Any, method: str, path: str) -> None:
    """A token acts only within its scopes (:func:`microcred.accounts.route_access.scope_needed`): ``path`` is the
    request's path, below ``/api/v1/`` for the API and at the site root for the VC-API."""
    token = token_of(user)
    if token is None:
        return
    api_name, path = ("api", path[len(API_ROOT) - 1 :]) if path.startswith(API_ROOT) else ("vc-api", path)
    needed = scope_needed(api_name, method, path)
    if not scopes_cover(token.scopes, needed):
        raise PermissionDenied(
            _("This API token does not have the %(scope)s scope.") % {"scope": needed}, code="token_scope"
        )
