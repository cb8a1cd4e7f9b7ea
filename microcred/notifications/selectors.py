"""Reading notifications and preferences."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from microcred.notifications.models import Kind, Notification, NotificationPreference

DEFAULT_IN_APP = True
DEFAULT_EMAIL = True


def preference_for(user: Any, kind: str) -> tuple[bool, bool]:
    """(in the app, by e-mail) for one kind; the defaults when the person never chose."""
    row = NotificationPreference.objects.filter(user=user, kind=kind).values_list("in_app", "email").first()
    return (row[0], row[1]) if row else (DEFAULT_IN_APP, DEFAULT_EMAIL)


def preferences_of(user: Any) -> list[dict[str, Any]]:
    """Every kind with the person's choice, in the order of :class:`Kind`."""
    chosen = {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "in_app", "email"
        )
    }
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "in_app": chosen.get(kind.value, (DEFAULT_IN_APP, DEFAULT_EMAIL))[0],
            "email": chosen.get(kind.value, (DEFAULT_IN_APP, DEFAULT_EMAIL))[1],
        }
        for kind in Kind
    ]


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=user, in_app=True)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def already_notified(user: Any, kind: str, url: str) -> bool:
    """Whether this person was already told of this kind of event about this page (shown or e-mailed)."""
    return Notification.objects.filter(recipient=user, kind=kind, url=url).exists()


def unread_count(user: Any) -> int:
    return notifications_for(user, unread_only=True).count()
