"""The catalog's sections of a person's home: the designer's drafts and "create", the reviewer's review queue; and
their navigation links. Registered with ``accounts.homes`` from ``CatalogConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.accounts.homes import NavLink, Section, add_nav_links, add_section
from microcred.accounts.models import Membership, Organization, OrganizationKind
from microcred.accounts.permissions import can
from microcred.catalog.models import MicroCredential, Status

EDITING = (Status.DRAFT, Status.CHANGES_REQUESTED)


def _providers(user: Any, action: str) -> list[Organization]:
    memberships = Membership.objects.filter(user=user, organization__kind=OrganizationKind.PROVIDER).select_related(
        "organization"
    )
    found = {m.organization.pk: m.organization for m in memberships if can(user, action, m.organization)}
    return sorted(found.values(), key=lambda o: o.name)


def designer(request: HttpRequest) -> dict[str, Any] | None:
    providers = _providers(request.user, "catalog.edit")
    if not providers:
        return None
    credentials = MicroCredential.objects.filter(provider__in=providers).select_related("provider").order_by("title")
    return {
        "providers": providers,
        "drafts": list(credentials.filter(status__in=EDITING)[:50]),
        "in_review": list(credentials.filter(status__in=(Status.IN_REVIEW, Status.APPROVED))[:50]),
    }


def reviewer(request: HttpRequest) -> dict[str, Any] | None:
    providers = _providers(request.user, "catalog.review")
    if not providers:
        return None
    queue = MicroCredential.objects.filter(provider__in=providers, status=Status.IN_REVIEW).select_related("provider")
    return {"providers": providers, "queue": list(queue.order_by("updated_at")[:100])}


def nav_links(user: Any) -> list[NavLink]:
    links = []
    designing = _providers(user, "catalog.edit")
    if designing:
        links.append(NavLink(_("Design"), reverse("catalog:workspace", args=[designing[0].slug]), 20))
    elif _providers(user, "catalog.review"):
        links.append(NavLink(_("Review queue"), reverse("accounts:start") + "#review-heading", 20))
    return links


def register() -> None:
    add_section(Section("catalog.designer", 10, "catalog/home_designer.html", designer))
    add_section(Section("catalog.reviewer", 20, "catalog/home_reviewer.html", reviewer))
    add_nav_links("catalog", nav_links)
