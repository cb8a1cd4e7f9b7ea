"""Reads for employers' pages: endorsements shown on the catalog, co-design invitations, the dashboard."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization, OrganizationKind
from microcred.accounts.permissions import can, require
from microcred.catalog.models import MicroCredential
from microcred.employers.models import CoDesignInvitation, Endorsement, Verification
from microcred.errors import NotFound
from microcred.issuing.verifying import SHARE, platform_organization

RECENT = 20


def active_endorsements() -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(withdrawn_at__isnull=True).select_related("employer")


def endorsements_of_credential(credential: MicroCredential) -> list[Endorsement]:
    return list(active_endorsements().filter(credential=credential))


def endorsements_of_provider(provider: Organization) -> list[Endorsement]:
    return list(active_endorsements().filter(provider=provider))


def endorsement_by_public_id(public_id: Any) -> Endorsement:
    """The endorsement of a public id (a UUID); any other text names no endorsement: 404, never a 500."""
    text = str(public_id)
    try:
        key = uuid.UUID(text) if len(text) <= 45 else None
    except ValueError:
        key = None
    endorsement = Endorsement.objects.select_related("employer").filter(public_id=key).first() if key else None
    if endorsement is None:
        raise NotFound(_("No such endorsement."))
    return endorsement


def employers_of(user: Any, action: str) -> list[Organization]:
    """The employer organizations in which ``user`` may do ``action``."""
    if not getattr(user, "is_authenticated", False):
        return []
    organizations = Organization.objects.filter(kind=OrganizationKind.EMPLOYER, memberships__user=user).distinct()
    return [organization for organization in organizations.order_by("name") if can(user, action, organization)]


def employer_by_slug(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug, kind=OrganizationKind.EMPLOYER).first()
    if organization is None:
        raise NotFound(_("No such employer."))
    return organization


def invitations_of_credential(credential: MicroCredential) -> QuerySet[CoDesignInvitation]:
    return CoDesignInvitation.objects.filter(credential=credential).select_related("employer")


def invitation_by_id(actor: Any, invitation_id: Any) -> CoDesignInvitation:
    """An invitation, for the invited employer's people or the provider's designers only."""
    try:
        invitation = CoDesignInvitation.objects.select_related("credential__provider", "employer").get(
            pk=int(invitation_id)
        )
    except (CoDesignInvitation.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound(_("No such invitation.")) from error
    if not (can(actor, "employers.codesign", invitation.employer) or can(actor, "catalog.edit", invitation.credential)):
        raise NotFound(_("No such invitation."))
    return invitation


@dataclass
class Dashboard:
    employer: Organization
    verifications: int = 0
    verified: int = 0
    not_verified: int = 0
    last_30_days: int = 0
    shared: int = 0
    credentials: int = 0
    recent: list[Verification] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    invitations: list[CoDesignInvitation] = field(default_factory=list)


def dashboard(*, actor: Any, employer: Organization) -> Dashboard:
    require(actor, "employers.view_shared", employer)
    mine = Verification.objects.filter(employer=employer)
    counts = mine.aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(verified=True)),
        recent=Count("pk", filter=Q(created_at__gte=timezone.now() - timedelta(days=30))),
        shared=Count("pk", filter=Q(channel=SHARE)),
    )
    return Dashboard(
        employer=employer,
        verifications=counts["total"],
        verified=counts["verified"],
        not_verified=counts["total"] - counts["verified"],
        last_30_days=counts["recent"],
        shared=counts["shared"],
        credentials=mine.exclude(credential_id="").values("credential_id").distinct().count(),
        recent=_with_issuers(list(mine.select_related("verifier")[:RECENT])),
        endorsements=list(
            Endorsement.objects.filter(employer=employer).select_related("credential__provider", "provider")
        ),
        invitations=list(CoDesignInvitation.objects.filter(employer=employer).select_related("credential__provider")),
    )


@dataclass(frozen=True)
class Issuer:
    """An issuer as a person reads it: its registered name and logo, or its identifier when it is not registered."""

    name: str
    logo: str  # the organization's uploaded logo (its /media/ address), else a monogram as a data: URI
    registered: bool
    identifier: str


def monogram(name: str) -> str:
    """For an organization without an uploaded logo: a round monogram of the name's initials, as a data: URI."""
    initials = "".join(word[0] for word in name.split()[:2] if word[:1].isalnum()).upper() or "?"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">'
        '<circle cx="20" cy="20" r="20" fill="#1f4e79"/><text x="20" y="26" text-anchor="middle" fill="white" '
        f'font-family="sans-serif" font-size="16" font-weight="bold">{escape(initials)}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def issuer_of(identifier: str) -> Issuer:
    organization = platform_organization(identifier) if identifier else None
    if organization is None:
        return Issuer(name=identifier or "—", logo="", registered=False, identifier=identifier)
    logo = organization.logo.url if organization.logo else monogram(organization.name)
    return Issuer(name=organization.name, logo=logo, registered=True, identifier=identifier)


def _with_issuers(verifications: list[Verification]) -> list[Verification]:
    """Each verification with ``issuer_shown``: the issuer's registered name and logo instead of its DID."""
    known: dict[str, Issuer] = {}
    for verification in verifications:
        if verification.issuer not in known:
            known[verification.issuer] = issuer_of(verification.issuer)
        verification.issuer_shown = known[verification.issuer]
    return verifications
