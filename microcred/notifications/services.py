"""Telling people what happened: the in-app notification and its e-mail, as each person chose.

Other domains call :func:`notify` from their services, inside their own transaction. The notification
is written there (a savepoint: a failure here never undoes theirs); its e-mail is queued as a background
task once the transaction commits, and a failed send is retried a bounded number of times, then kept as
``failed`` for the admins. Nothing here sends mail while a request waits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.audit.services import record
from microcred.errors import ErrorList, NotFound
from microcred.notifications.models import DeliveryStatus, EmailDelivery, Kind, Notification, NotificationPreference
from microcred.notifications.selectors import preference_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# Waits before the 2nd, 3rd and 4th attempts, where the task backend can defer work.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
MAX_TITLE = 200
MAX_BODY = 5000
MAX_URL = 500


def _render(text: Any, params: Mapping[str, Any] | None) -> str:
    # Only translatable (lazy) texts are templates; a plain string may be someone's own words, "%" and all.
    return str(text) % dict(params) if params and isinstance(text, Promise) else str(text)


def notify(
    *,
    recipient: Any,
    kind: str,
    title: Any,
    body: Any = "",
    url: str = "",
    params: Mapping[str, Any] | None = None,
) -> Notification | None:
    """Notify one person of one event, as they chose for this kind. Returns None when nothing was written.

    ``title`` and ``body`` are best given lazily (``gettext_lazy``) with ``%(name)s`` placeholders filled from
    ``params``: they are rendered here in the recipient's language. A plain string is taken as it is.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if recipient is None or not getattr(recipient, "pk", None) or not recipient.is_active:
        return None
    in_app, by_email = preference_for(recipient, kind)
    by_email = by_email and bool(recipient.email)
    if not (in_app or by_email):
        return None
    with translation.override(getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE):
        title_text = _render(title, params)[:MAX_TITLE]
        body_text = _render(body, params)[:MAX_BODY]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, title=title_text, body=body_text, url=url[:MAX_URL], in_app=in_app
            )
            if by_email:
                delivery = EmailDelivery.objects.create(notification=notification)
                transaction.on_commit(partial(_enqueue, delivery.pk))
    except DatabaseError:  # the caller's change matters more than telling someone about it
        logger.exception("could not write a %s notification for user %s", kind, recipient.pk)
        return None
    return notification


def _enqueue(delivery_id: int, delay: timedelta | None = None) -> None:
    try:
        runner = send_email_task
        if delay is not None and runner.get_backend().supports_defer:
            runner = runner.using(run_after=timezone.now() + delay)
        runner.enqueue(delivery_id)
    except Exception:  # the delivery stays queued and visible to admins, who can retry it
        logger.exception("could not queue the e-mail of delivery %s", delivery_id)


@task()
def send_email_task(delivery_id: int) -> str:
    return deliver(delivery_id)


def _absolute(url: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{url}" if url.startswith("/") else url


def _message(notification: Notification) -> str:
    recipient = notification.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        return render_to_string(
            "notifications/email/notification.txt",
            {
                "notification": notification,
                "link": _absolute(notification.url),
                "preferences_link": _absolute(reverse("notifications:preferences")),
            },
        )


def deliver(delivery_id: int) -> str:
    """Send one queued e-mail once; on failure count the attempt and retry later, up to MAX_ATTEMPTS in all."""
    delivery = EmailDelivery.objects.select_related("notification__recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.QUEUED:
        return delivery.status if delivery else "missing"
    notification = delivery.notification
    attempts = delivery.attempts + 1
    try:
        send_mail(
            subject=" ".join(notification.title.split()),  # a line break in a header is refused by Django
            message=_message(notification),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception as error:  # any backend failure (SMTP, DNS, refused) is an attempt to count, never a crash
        status = DeliveryStatus.FAILED if attempts >= MAX_ATTEMPTS else DeliveryStatus.QUEUED
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, status=status, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        if status == DeliveryStatus.QUEUED:
            _enqueue(delivery.pk, RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])
        return status
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, status=DeliveryStatus.SENT, sent_at=timezone.now()
    )
    return DeliveryStatus.SENT


def retry_delivery(*, actor: Any, delivery: EmailDelivery) -> EmailDelivery:
    """An admin sends a failed (or stuck) e-mail again, with a fresh set of attempts."""
    with transaction.atomic():
        EmailDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.QUEUED, attempts=0)
        record(actor=actor, action="notifications.retry_email", target=delivery, before={"status": delivery.status})
        transaction.on_commit(partial(_enqueue, delivery.pk))
    delivery.refresh_from_db()
    return delivery


def _own(actor: Any, notification_id: int) -> Notification:
    in_range = 0 < notification_id < 2**63
    notification = (
        Notification.objects.filter(pk=notification_id, recipient=actor, in_app=True).first() if in_range else None
    )
    if notification is None:  # someone else's notification is as absent as a missing one
        raise NotFound(_("There is no such notification."), code="notification_not_found")
    return notification


def mark_read(*, actor: Any, notification_id: int) -> Notification:
    notification = _own(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_preferences(*, actor: Any, choices: Mapping[str, Mapping[str, Any]]) -> None:
    """Save the actor's choices: ``{kind: {"in_app": bool, "email": bool}}``; kinds left out keep theirs."""
    errors = ErrorList()
    for kind, choice in choices.items():
        if kind not in Kind.values:
            errors.add(f"preferences.{kind}", "unknown_kind", _("There is no such kind of notification."))
            continue
        if not isinstance(choice, Mapping) or any(
            not isinstance(choice.get(channel), bool) for channel in ("in_app", "email")
        ):
            errors.add(f"preferences.{kind}", "invalid_choice", _("Say yes or no for the app and for e-mail."))
    errors.raise_if_any()
    with transaction.atomic():
        for kind, choice in choices.items():
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"in_app": choice["in_app"], "email": choice["email"]}
            )
        record(
            actor=actor,
            action="notifications.set_preferences",
            target=actor,
            after={kind: dict(choice) for kind, choice in choices.items()},
        )
