"""API handlers for accounts, organizations, members and invitations: parse, call one service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from microcred.accounts import selectors, services, throttling
from microcred.accounts.models import ApiToken, Membership, Organization
from microcred.accounts.permissions import require
from microcred.audit.selectors import entries_for_organization
from microcred.errors import NotFound

router = Router(tags=["accounts"])


class SignUpIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    display_name: str = Field(max_length=150)
    preferred_language: str = Field("en", max_length=8)


class UserOut(Schema):
    id: int
    email: str
    display_name: str
    preferred_language: str


class OrganizationIn(Schema):
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    provider_type: str = Field("", max_length=24)
    slug: str = Field("", max_length=80)
    description: str = Field("", max_length=5000)
    website: str = Field("", max_length=200)
    country: str = Field("CA", max_length=2)
    region: str = Field("", max_length=64)


class OrganizationPatch(Schema):
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    website: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=64)
    language: str | None = Field(None, max_length=16)
    # the name and description in other languages: {"fr": {"name": …, "description": …}}; replaces them all
    translations: dict[str, Any] | None = None


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    provider_type: str
    description: str
    website: str
    country: str
    region: str
    language: str
    translations: dict[str, Any]


class MemberOut(Schema):
    id: int
    email: str
    display_name: str
    role: str

    @staticmethod
    def from_membership(membership: Membership) -> MemberOut:
        return MemberOut(
            id=membership.pk,
            email=membership.user.email,
            display_name=membership.user.display_name,
            role=membership.role,
        )


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    role: str = Field(max_length=16)


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    expires_at: datetime


class AuditEntryOut(Schema):
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    before: dict | None
    after: dict | None


class TokenIn(Schema):
    name: str = Field(max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"], max_length=4)
    expires_in_days: int = Field(services.TOKEN_LIFETIME_DAYS, ge=1, le=services.MAX_TOKEN_LIFETIME_DAYS)


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenOut(TokenInfo):
    token: str = Field(description="The secret: shown this once, only its hash is kept.")


def _user_out(user: object) -> UserOut:
    return UserOut.from_orm(user)


class SignUpOut(Schema):
    code: str
    message: str


@router.post("accounts", auth=None, response={202: SignUpOut})
def sign_up(request: HttpRequest, payload: SignUpIn) -> Status:
    """Ask for an account: 202 and an e-mail, whether or not the address is registered (it is never told)."""
    throttling.attempt(request, throttling.sign_up_keys(request))
    services.sign_up(
        **payload.dict(),
        confirm_url_base=request.build_absolute_uri(reverse("accounts:sign_up_confirm_base")),
        reset_url=request.build_absolute_uri(reverse("accounts:password_reset")),
    )
    message = _("Check your inbox: we sent a message to this address with what to do next.")
    return Status(202, SignUpOut(code="confirmation_sent", message=message))


@router.get("me", response=UserOut)
def me(request: HttpRequest) -> UserOut:
    return _user_out(request.user)


@router.get("tokens", response=list[TokenInfo])
def tokens(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.api_tokens_of(request.user))


@router.post("tokens", response={201: TokenOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, secret = services.create_api_token(
        user=request.user,
        name=payload.name,
        scopes=payload.scopes,
        expires_in_days=payload.expires_in_days,
        via_token=services.token_of(request.user),
    )
    return Status(201, TokenOut(**TokenInfo.from_orm(token).dict(), token=secret))


@router.delete("tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status:
    services.revoke_api_token(user=request.user, token_id=token_id, via_token=services.token_of(request.user))
    return Status(204, None)


@router.get("organizations", response=list[OrganizationOut])
def my_organizations(request: HttpRequest) -> list[Organization]:
    return list(selectors.organizations_of(request.user))


@router.post("organizations", response={201: OrganizationOut})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status:
    return Status(201, services.create_organization(actor=request.user, **payload.dict()))


@router.get("organizations/{slug}", response=OrganizationOut, auth=None)
def organization_detail(request: HttpRequest, slug: str) -> Organization:
    return selectors.organization_by_slug(slug)


@router.patch("organizations/{slug}", response=OrganizationOut)
def update_organization(request: HttpRequest, slug: str, payload: OrganizationPatch) -> Organization:
    organization = selectors.organization_by_slug(slug)
    changes = payload.dict(exclude_none=True)
    return services.update_organization(actor=request.user, organization=organization, **changes)


@router.get("organizations/{slug}/members", response=list[MemberOut])
def members(request: HttpRequest, slug: str) -> list[MemberOut]:
    organization = selectors.organization_by_slug(slug)
    require(request.user, "organization.view", organization)
    return [MemberOut.from_membership(m) for m in selectors.members_of(organization)]


@router.delete("organizations/{slug}/members/{member_id}", response={204: None})
def remove_member(request: HttpRequest, slug: str, member_id: int) -> Status:
    organization = selectors.organization_by_slug(slug)
    membership = organization.memberships.filter(pk=member_id).select_related("user").first()
    if membership is None:
        raise NotFound("No such member.", code="member_not_found")
    services.remove_member(actor=request.user, membership=membership)
    return Status(204, None)


@router.post("organizations/{slug}/invitations", response={201: InvitationOut})
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Status:
    organization = selectors.organization_by_slug(slug)
    base = request.build_absolute_uri(reverse("accounts:invitation_base"))
    invitation, _token = services.invite_member(
        actor=request.user,
        organization=organization,
        email=payload.email,
        role=payload.role,
        accept_url_base=base,
    )
    return Status(201, invitation)


@router.post("invitations/{token}/accept", response=MemberOut)
def accept_invitation(request: HttpRequest, token: str) -> MemberOut:
    membership = services.accept_invitation(user=request.user, token=token)
    return MemberOut.from_membership(membership)


@router.get("organizations/{slug}/audit", response=list[AuditEntryOut])
def audit_log(request: HttpRequest, slug: str) -> list[AuditEntryOut]:
    organization = selectors.organization_by_slug(slug)
    require(request.user, "organization.view_audit", organization)
    return [
        AuditEntryOut(
            at=entry.at,
            actor=entry.actor_label,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            before=entry.before,
            after=entry.after,
        )
        for entry in entries_for_organization(organization.pk)
    ]
