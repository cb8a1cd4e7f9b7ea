"""Who may do what: the one place where permissions are decided.

An action names a capability (``"catalog.publish"``). Each action lists the organization kinds
and membership roles that grant it; an object is checked against the organization that owns
it. Services call :func:`require`; pages and the API use :func:`can` to show or hide things.
The test suite checks this table as a matrix of role × action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from microcred.accounts.models import Membership, Organization, OrganizationKind, Role
from microcred.errors import PermissionDenied


@dataclass(frozen=True)
class SystemActor:
    """The platform itself acting (a CLI operator, the demo loader, a background task): trusted, audited by label."""

    label: str

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor("system")
CLI = SystemActor("cli")


@dataclass(frozen=True)
class Grant:
    kinds: frozenset[str]
    roles: frozenset[str]


def _grant(kinds: tuple[str, ...], roles: tuple[str, ...]) -> Grant:
    return Grant(frozenset(kinds), frozenset(roles))


PROVIDER = (OrganizationKind.PROVIDER,)
EMPLOYER = (OrganizationKind.EMPLOYER,)
ANY_KIND = (OrganizationKind.PROVIDER, OrganizationKind.EMPLOYER, OrganizationKind.PLATFORM)
ALL_ROLES = tuple(Role.values)

ACTIONS: dict[str, Grant] = {
    "organization.view": _grant(ANY_KIND, ALL_ROLES),
    "organization.edit": _grant(ANY_KIND, (Role.ADMIN,)),
    "organization.manage_members": _grant(ANY_KIND, (Role.ADMIN,)),
    "organization.view_audit": _grant(ANY_KIND, (Role.ADMIN,)),
    "frameworks.edit": _grant(PROVIDER + EMPLOYER, (Role.ADMIN,)),
    "catalog.edit": _grant(PROVIDER, (Role.ADMIN,)),
    "catalog.review": _grant(PROVIDER, (Role.REVIEWER,)),
    "catalog.publish": _grant(PROVIDER, (Role.ADMIN,)),
    # a provider's trust list and its recognition agreements with other providers (issue 17)
    "catalog.trust": _grant(PROVIDER, (Role.ADMIN,)),
    # the LMSs (LTI 1.3 platforms) a provider registers microcred with (issue 16)
    "lti.manage_platforms": _grant(PROVIDER, (Role.ADMIN,)),
    # where a provider publishes its credentials in the Credential Registry: URL, API key, organization CTID (issue 19)
    "registry.configure": _grant(PROVIDER, (Role.ADMIN,)),
    "assessment.evaluate": _grant(PROVIDER + EMPLOYER, (Role.ASSESSOR, Role.ADMIN)),
    # a workplace evaluation: only the supervisor the provider designated (an invitation to an employer), by the
    # e-mailed link or signed in as an assessor of that employer; never the provider's own assessors (issue 18)
    "assessment.evaluate_workplace": _grant(EMPLOYER, (Role.ASSESSOR, Role.ADMIN)),
    "assessment.manage": _grant(PROVIDER, (Role.ADMIN,)),
    # a credential's assessment plan (components, gaps, waivers): those who design, review or assess it
    "assessment.view_plan": _grant(PROVIDER, (Role.ADMIN, Role.REVIEWER, Role.ASSESSOR)),
    "assessment.waive_gaps": _grant(PROVIDER, (Role.REVIEWER,)),
    "issuing.issue": _grant(PROVIDER, (Role.ADMIN,)),
    "issuing.revoke": _grant(PROVIDER, (Role.ADMIN,)),
    "issuing.manage_keys": _grant(PROVIDER + EMPLOYER, (Role.ADMIN,)),
    "employers.view_shared": _grant(EMPLOYER, (Role.VERIFIER, Role.ADMIN)),
    "employers.endorse": _grant(EMPLOYER, (Role.ADMIN,)),
    "employers.codesign": _grant(EMPLOYER, (Role.ADMIN, Role.VERIFIER)),
    # an employer asks candidates' wallets for credentials (VC-API, OpenID4VP) and reads what they presented
    "employers.request_presentations": _grant(EMPLOYER, (Role.ADMIN, Role.VERIFIER)),
    "reporting.view": _grant(PROVIDER, (Role.ADMIN, Role.REVIEWER)),
    "skills.advise_clients": _grant(ANY_KIND, (Role.PRACTITIONER,)),
    # labour-market data (occupations, job postings, the taxonomy's embeddings) is platform-wide
    "skills.manage": _grant((OrganizationKind.PLATFORM,), (Role.ADMIN,)),
    "platform.administer": _grant((OrganizationKind.PLATFORM,), (Role.ADMIN,)),
}


def organization_of(obj: Any) -> Organization | None:
    """The organization that owns ``obj``: itself, or its ``organization``/``provider`` field."""
    if obj is None or isinstance(obj, Organization):
        return obj
    for attribute in ("organization", "provider", "owner"):
        owner = getattr(obj, attribute, None)
        if isinstance(owner, Organization):
            return owner
    return None


def roles_in(user: Any, organization: Organization) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_microcred_roles", None)
    if cache is None:
        cache = {}
        for org_id, role in Membership.objects.filter(user=user).values_list("organization_id", "role"):
            cache.setdefault(org_id, set()).add(role)
        user._microcred_roles = cache
    return cache.get(organization.pk, set())


def can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        grant = ACTIONS[action]
    except KeyError as exc:  # a typo in an action name is a bug, not a refusal
        raise LookupError(f"Unknown action {action!r}") from exc
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action == "platform.administer" and obj is None:
        return is_platform_admin(user)
    organization = organization_of(obj)
    if organization is None:
        return False
    if organization.kind not in grant.kinds:
        return False
    return bool(roles_in(user, organization) & grant.roles)


def require(user: Any, action: str, obj: Any = None) -> None:
    if isinstance(user, SystemActor):
        if action not in ACTIONS:  # still catch typos in action names
            raise LookupError(f"Unknown action {action!r}")
        return
    if not can(user, action, obj):
        raise PermissionDenied(_("You are not allowed to do this."), code="permission_denied")


def is_platform_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, role=Role.ADMIN, organization__kind=OrganizationKind.PLATFORM).exists()


def forget_cached_roles(user: Any) -> None:
    if hasattr(user, "_microcred_roles"):
        del user._microcred_roles
