"""Holders hear once, in their language, about a live credential whose validUntil falls within the notice period."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from microcred.accounts.permissions import SYSTEM
from microcred.issuing.services import issue_credential, revoke_credential
from microcred.notifications.models import Kind, Notification
from microcred.testing.factories import make_organization, make_user
from microcred.wallet.services import notify_expiring_credentials

pytestmark = pytest.mark.django_db

ACHIEVEMENT = {
    "id": "https://microcred.example/catalog/maple-college/welding/v1/achievement",
    "type": ["Achievement"],
    "achievementType": "MicroCredential",
    "name": "Welding safety",
    "description": "Works safely at a welding station.",
    "criteria": {"narrative": "Pass the practical assessment."},
}


def _issue(provider, holder, valid_until):
    return issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=ACHIEVEMENT,
        recipient=holder,
        recipient_identifier=holder.email,
        valid_until=valid_until,
    )


def test_each_expiring_credential_is_announced_once() -> None:
    provider = make_organization("provider", name="Maple College")
    holder = make_user()
    now = timezone.now()
    soon = _issue(provider, holder, now + timedelta(days=10))
    _issue(provider, holder, now + timedelta(days=90))  # not yet
    _issue(provider, holder, now + timedelta(days=1))  # expired by the time the reminders run
    _issue(provider, holder, None)  # never expires
    revoked = _issue(provider, holder, now + timedelta(days=5))
    revoke_credential(actor=SYSTEM, credential=revoked, reason="Issued in error")

    assert notify_expiring_credentials(now=now + timedelta(days=2)) == 1
    (notification,) = Notification.objects.filter(kind=Kind.CREDENTIAL_EXPIRING)
    assert notification.recipient == holder and notification.title.startswith("“Welding safety” expires on ")
    assert notification.url == f"/wallet/credentials/{soon.public_id}/"
    assert notify_expiring_credentials(now=now + timedelta(days=3)) == 0  # told once


def test_the_reminder_speaks_the_holders_language_and_runs_as_a_command() -> None:
    provider = make_organization("provider")
    holder = make_user()
    holder.preferred_language = "fr"
    holder.save()
    _issue(provider, holder, timezone.now() + timedelta(days=3))
    out = StringIO()
    call_command("notify_expiring", "--days", "7", stdout=out)
    assert out.getvalue().strip() == "1 holder(s) notified"
    notification = Notification.objects.get(kind=Kind.CREDENTIAL_EXPIRING)
    assert notification.title.startswith("« Welding safety » expire le ")
    assert notification.body.startswith("Après cette date")
