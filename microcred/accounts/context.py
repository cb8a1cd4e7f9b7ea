"""Template context for the navigation bar."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_organizations": []}
    from microcred.accounts.homes import nav_links_for
    from microcred.accounts.selectors import organizations_of

    return {"nav_organizations": list(organizations_of(user)[:10]), "nav_role_links": nav_links_for(user)}
