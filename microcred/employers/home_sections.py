"""The employer's section of a person's home (verify a credential, the dashboard, designs to co-design) and its
navigation link. Registered with ``accounts.homes`` from ``EmployersConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.accounts.homes import NavLink, Section, add_nav_links, add_section
from microcred.employers import selectors
from microcred.employers.models import CoDesignInvitation, CoDesignStatus


def employer(request: HttpRequest) -> dict[str, Any] | None:
    employers = selectors.employers_of(request.user, "employers.view_shared")
    if not employers:
        return None
    codesign = selectors.employers_of(request.user, "employers.codesign")
    invitations = (
        CoDesignInvitation.objects.filter(employer__in=codesign, status=CoDesignStatus.INVITED)
        .select_related("credential__provider", "employer")
        .order_by("created_at")[:50]
    )
    return {"employers": employers, "invitations": list(invitations)}


def nav_links(user: Any) -> list[NavLink]:
    employers = selectors.employers_of(user, "employers.view_shared")
    if not employers:
        return []
    return [NavLink(_("Employer dashboard"), reverse("employers:dashboard", args=[employers[0].slug]), 40)]


def register() -> None:
    add_section(Section("employers.employer", 40, "employers/home_employer.html", employer))
    add_nav_links("employers", nav_links)
