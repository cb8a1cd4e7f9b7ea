"""API handlers for a person's own notifications and preferences: parse, call one service."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StrictBool

from microcred.notifications import selectors, services
from microcred.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def of(notification: Notification) -> NotificationOut:
        return NotificationOut(
            id=notification.pk,
            kind=notification.kind,
            title=notification.title,
            body=notification.body,
            url=notification.url,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class NotificationListOut(Schema):
    unread: int
    items: list[NotificationOut]


class ListFilters(Schema):
    unread_only: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class PreferenceIn(Schema):
    kind: str = Field(max_length=32)
    in_app: StrictBool
    email: StrictBool


class PreferencesIn(Schema):
    preferences: list[PreferenceIn] = Field(max_length=50)


class PreferenceOut(Schema):
    kind: str
    in_app: bool
    email: bool


class ReadAllOut(Schema):
    marked: int


@router.get("/notifications", response=NotificationListOut)
def list_notifications(request: HttpRequest, filters: Query[ListFilters]) -> NotificationListOut:
    notifications = selectors.notifications_for(request.user, unread_only=filters.unread_only)
    page = notifications[filters.offset : filters.offset + filters.limit]
    return NotificationListOut(
        unread=selectors.unread_count(request.user), items=[NotificationOut.of(n) for n in page]
    )


@router.get("/notifications/preferences", response=list[PreferenceOut])
def get_preferences(request: HttpRequest) -> list[PreferenceOut]:
    return [PreferenceOut(**p) for p in selectors.preferences_of(request.user)]


@router.put("/notifications/preferences", response=list[PreferenceOut])
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> list[PreferenceOut]:
    services.set_preferences(
        actor=request.user,
        choices={p.kind: {"in_app": p.in_app, "email": p.email} for p in payload.preferences},
    )
    return [PreferenceOut(**p) for p in selectors.preferences_of(request.user)]


@router.post("/notifications/read-all", response=ReadAllOut)
def read_all(request: HttpRequest) -> ReadAllOut:
    return ReadAllOut(marked=services.mark_all_read(actor=request.user))


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read(request: HttpRequest, notification_id: int) -> NotificationOut:
    return NotificationOut.of(services.mark_read(actor=request.user, notification_id=notification_id))
