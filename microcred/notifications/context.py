"""The unread count shown beside "Notifications" in the navigation bar."""

from __future__ import annotations

from django.http import HttpRequest

from microcred.notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread_notifications": unread_count(user)}
