"""A person's own settings: name, language, time zone; dates on pages follow the chosen zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from microcred.accounts import profile
from microcred.audit.models import AuditEntry
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.notifications.models import Kind, Notification
from microcred.notifications.services import notify
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_person_changes_their_name_language_and_time_zone() -> None:
    maya = make_user(email="maya@example.org", name="Maya")
    profile.update_profile(
        actor=maya, user=maya, display_name="  Maya   Singh ", preferred_language="fr", time_zone="America/Vancouver"
    )
    maya.refresh_from_db()
    assert (maya.display_name, maya.preferred_language, maya.time_zone) == ("Maya Singh", "fr", "America/Vancouver")
    entry = AuditEntry.objects.get(action="accounts.update_profile")
    assert entry.before["time_zone"] == "" and entry.after["time_zone"] == "America/Vancouver"
    assert profile.time_zone_of(maya) == "America/Vancouver"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"display_name": "   "}, "display_name", "required"),
        ({"display_name": "x" * 151}, "display_name", "too_long"),
        ({"preferred_language": "de"}, "preferred_language", "invalid_choice"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "invalid_choice"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "invalid_choice"),
    ],
)
def test_bad_settings_are_refused_with_the_field_and_nothing_changes(changes: dict, field: str, code: str) -> None:
    maya = make_user(name="Maya")
    arguments = {"display_name": "Maya", "preferred_language": "en", "time_zone": "", **changes}
    with pytest.raises(ValidationFailed) as refused:
        profile.update_profile(actor=maya, user=maya, **arguments)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    maya.refresh_from_db()
    assert maya.display_name == "Maya" and maya.time_zone == "" and not AuditEntry.objects.exists()


def test_nobody_changes_someone_elses_settings() -> None:
    maya, other = make_user(), make_user()
    with pytest.raises(PermissionDenied):
        profile.update_profile(actor=other, user=maya, display_name="X", preferred_language="en", time_zone="")


def test_dates_on_pages_are_shown_in_the_readers_time_zone() -> None:
    maya = make_user(name="Maya")
    note = notify(recipient=maya, kind=Kind.CREDENTIAL_AWARDED, title="Late news")
    assert note is not None
    Notification.objects.filter(pk=note.pk).update(created_at=datetime(2026, 1, 1, 23, 30, tzinfo=UTC))
    client = Client()
    client.force_login(maya)
    assert "Jan. 1, 2026, 6:30 p.m." in client.get("/notifications/").content.decode()  # the site's: Toronto
    page = client.post(
        "/accounts/settings/", {"display_name": "Maya", "preferred_language": "en", "time_zone": "Asia/Tokyo"}
    )
    assert page.status_code == 302
    assert "Jan. 2, 2026, 8:30 a.m." in client.get("/notifications/").content.decode()


def test_the_settings_page_refuses_an_unknown_zone_with_a_summary() -> None:
    maya = make_user(name="Maya")
    client = Client()
    client.force_login(maya)
    page = client.get("/accounts/settings/").content.decode()
    assert 'value="America/Vancouver"' in page and "It is now" in page
    form = {"display_name": "Maya", "preferred_language": "en", "time_zone": "Nowhere"}
    refused = client.post("/accounts/settings/", form)
    assert refused.status_code == 400 and "error-summary" in refused.content.decode()
    assert client.get("/accounts/settings/", follow=False).status_code == 200
    assert Client().get("/accounts/settings/").status_code == 302  # to the login page
