"""Each person's home after logging in, and the navigation by role: what a role sees, registered by the domains.

A domain above accounts registers, from its ``AppConfig.ready``, the sections of the home page it owns (the designer's
drafts, the assessor's work queue…) and the navigation links of the roles it serves; accounts knows no domain.
A section builder returns None for a person it is not for, so nobody sees a section or a link they cannot use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    build: Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    order: int = 50


SECTIONS: dict[str, Section] = {}
NAV_LINKS: dict[str, Callable[[Any], list[NavLink]]] = {}


def add_section(section: Section) -> None:
    SECTIONS[section.key] = section


def add_nav_links(key: str, build: Callable[[Any], list[NavLink]]) -> None:
    """``build(user)`` gives the links this domain offers that user (none for a role it does not serve)."""
    NAV_LINKS[key] = build


def sections_for(request: HttpRequest) -> list[tuple[Section, dict[str, Any]]]:
    found = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.build(request)
        if context is not None:
            found.append((section, context))
    return found


def nav_links_for(user: Any) -> list[NavLink]:
    if not getattr(user, "is_authenticated", False):
        return []
    links = [link for build in NAV_LINKS.values() for link in build(user)]
    return sorted(links, key=lambda link: link.order)


def _platform(request: HttpRequest) -> dict[str, Any] | None:
    from microcred.accounts.permissions import is_platform_admin

    return {} if is_platform_admin(request.user) else None


def _accounts_links(user: Any) -> list[NavLink]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from microcred.accounts.permissions import is_platform_admin

    links = [NavLink(_("Home"), reverse("accounts:start"), 0)]
    if is_platform_admin(user):
        links.append(NavLink(_("Platform"), reverse("reporting:platform"), 70))
    return links


def register() -> None:
    """Accounts' own: the platform administrator's section, the link home."""
    add_section(Section("accounts.platform", 50, "accounts/home_platform.html", _platform))
    add_nav_links("accounts", _accounts_links)
