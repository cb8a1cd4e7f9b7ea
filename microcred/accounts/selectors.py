"""Reading accounts and organizations."""

from __future__ import annotations

from django.db.models import QuerySet

from microcred.accounts.models import ApiToken, Invitation, Membership, Organization, User
from microcred.errors import NotFound


def organizations_of(user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).distinct().order_by("name")


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def organization_by_slug(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise NotFound("No such organization.", code="organization_not_found")
    return organization


def members_of(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("user__display_name", "role")


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (their hashes only; the secrets were shown once)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
