"""notify(): the in-app notification and its e-mail as each person chose, in their language; the e-mail sent by a
background task after commit, retried a bounded number of times on a failing backend, and a failed send visible to
admins."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from microcred.notifications import selectors, services
from microcred.notifications.models import DeliveryStatus, EmailDelivery, Kind, Notification, NotificationPreference
from microcred.notifications.tests.backends import FlakyBackend
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db

AWARDED = gettext_lazy("You were awarded “%(title)s”")


def _notify(recipient, **kwargs):
    fields = {
        "recipient": recipient,
        "kind": Kind.CREDENTIAL_AWARDED,
        "title": AWARDED,
        "body": "It is in your wallet.",
        "url": "/wallet/",
        "params": {"title": "Safe Rigging"},
    }
    fields.update(kwargs)
    return services.notify(**fields)


def test_a_notification_is_listed_and_its_email_is_sent_after_commit(
    immediate_tasks, django_capture_on_commit_callbacks, settings
) -> None:
    user = make_user(email="maya@learner.example")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify(user)
        assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    assert notification.title == "You were awarded “Safe Rigging”" and notification.in_app
    assert list(selectors.notifications_for(user)) == [notification] and selectors.unread_count(user) == 1
    (message,) = mail.outbox
    assert message.to == ["maya@learner.example"] and message.subject == "You were awarded “Safe Rigging”"
    assert f"{settings.PUBLIC_BASE_URL}/wallet/" in message.body and "It is in your wallet." in message.body
    assert f"{settings.PUBLIC_BASE_URL}/notifications/preferences/" in message.body
    delivery = EmailDelivery.objects.get(notification=notification)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert delivery.sent_at is not None


def test_the_text_is_rendered_in_the_recipients_language(immediate_tasks, django_capture_on_commit_callbacks) -> None:
    user = make_user()
    user.preferred_language = "fr"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    assert notification.title == "Vous avez obtenu « Safe Rigging »"
    assert "Modifiez-les ici" in mail.outbox[0].body


def test_a_plain_text_is_never_taken_for_a_template() -> None:
    user = make_user()
    notification = _notify(user, title="100% done %(x)s", body="50%", params={"x": "y"})
    assert (notification.title, notification.body) == ("100% done %(x)s", "50%")


def test_a_title_with_line_breaks_still_makes_a_valid_subject(
    immediate_tasks, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(make_user(), params={"title": "Safe\r\nBcc: someone@evil.example"})
    notification.email_delivery.refresh_from_db()
    assert notification.email_delivery.status == "sent"
    assert mail.outbox[0].subject == "You were awarded “Safe Bcc: someone@evil.example”"
    assert mail.outbox[0].bcc == []


def test_the_in_app_choice_is_respected(immediate_tasks, django_capture_on_commit_callbacks) -> None:
    user = make_user()
    NotificationPreference.objects.create(user=user, kind=Kind.CREDENTIAL_AWARDED, in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    assert not notification.in_app and list(selectors.notifications_for(user)) == []
    assert selectors.unread_count(user) == 0
    assert len(mail.outbox) == 1  # the e-mail still goes


def test_the_email_choice_is_respected(immediate_tasks, django_capture_on_commit_callbacks) -> None:
    user = make_user()
    NotificationPreference.objects.create(user=user, kind=Kind.CREDENTIAL_AWARDED, in_app=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    assert notification.in_app and not EmailDelivery.objects.exists() and mail.outbox == []
    # another kind keeps the defaults
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, kind=Kind.SHARE_LINK_VIEWED)
    assert len(mail.outbox) == 1


def test_nothing_is_written_when_both_are_off_or_the_account_is_inactive(django_capture_on_commit_callbacks) -> None:
    user = make_user()
    NotificationPreference.objects.create(user=user, kind=Kind.CREDENTIAL_AWARDED, in_app=False, email=False)
    inactive = make_user()
    inactive.is_active = False
    inactive.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(user) is None
        assert _notify(inactive) is None
    assert not Notification.objects.exists() and mail.outbox == []


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _notify(make_user(), kind="credential_eaten")


def test_the_email_is_queued_on_the_task_queue_not_sent_in_the_request(django_capture_on_commit_callbacks) -> None:
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith("send_email_task") and queued.args_kwargs["args"] == [
        notification.email_delivery.pk
    ]
    assert services.deliver(notification.email_delivery.pk) == DeliveryStatus.SENT  # what the worker does
    assert len(mail.outbox) == 1
    assert services.deliver(notification.email_delivery.pk) == DeliveryStatus.SENT  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_a_failing_backend_is_retried_a_bounded_number_of_times_then_marked_failed(
    immediate_tasks, django_capture_on_commit_callbacks, settings
) -> None:
    settings.EMAIL_BACKEND = "microcred.notifications.tests.backends.RefusingBackend"
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)  # never raises to the caller
    delivery = EmailDelivery.objects.get(notification=notification)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, services.MAX_ATTEMPTS)
    assert delivery.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == [] and delivery.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    admin = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.retry_delivery(actor=admin, delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1) and len(mail.outbox) == 1


def test_a_transient_failure_is_retried_and_then_sent(
    immediate_tasks, django_capture_on_commit_callbacks, settings
) -> None:
    settings.EMAIL_BACKEND = "microcred.notifications.tests.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(make_user())
    delivery = EmailDelivery.objects.get(notification=notification)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert delivery.last_error.startswith("SMTPDataError") and len(mail.outbox) == 1


def test_a_retry_waits_when_the_task_backend_can_defer(django_capture_on_commit_callbacks, settings) -> None:
    settings.EMAIL_BACKEND = "microcred.notifications.tests.backends.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(make_user())
    delivery = notification.email_delivery
    assert services.deliver(delivery.pk) == DeliveryStatus.QUEUED  # the worker's first attempt fails
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error.startswith("SMTPServerDisconnected")
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == 2 and retry.run_after is not None and retry.run_after > retry.enqueued_at


def test_failed_sends_are_listed_for_admins_only(
    immediate_tasks, django_capture_on_commit_callbacks, settings, client
) -> None:
    settings.EMAIL_BACKEND = "microcred.notifications.tests.backends.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _notify(make_user(email="unlucky@learner.example"))
    staff = make_user()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/notifications/emaildelivery/?status__exact=failed")
    assert response.status_code == 200
    page = response.content.decode()
    assert "unlucky@learner.example" in page and "SMTPServerDisconnected" in page
    client.force_login(make_user())
    assert client.get("/admin/notifications/emaildelivery/").status_code == 302  # to the admin's login
