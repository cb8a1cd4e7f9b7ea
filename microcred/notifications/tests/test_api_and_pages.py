"""The list, mark read, mark all read and preferences, through the API and the pages: each person sees and changes
only their own; bad input is a 4xx with a stable code."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.notifications import services
from microcred.notifications.models import Kind, Notification, NotificationPreference
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _notify(recipient, title="Your credential was awarded", url="/wallet/"):
    return services.notify(recipient=recipient, kind=Kind.CREDENTIAL_AWARDED, title=title, body="Body", url=url)


def test_the_api_lists_only_ones_own_notifications(api_as) -> None:
    maya, omar = make_user(), make_user()
    first = _notify(maya, "First")
    second = _notify(maya, "Second")
    _notify(omar, "Not yours")
    response = api_as(maya).get("notifications")
    assert response.status_code == 200
    assert response.json_body["unread"] == 2
    assert [item["id"] for item in response.json_body["items"]] == [second.pk, first.pk]
    assert response.json_body["items"][0]["title"] == "Second" and response.json_body["items"][0]["read_at"] is None
    assert api_as(maya).get("notifications?limit=1&offset=1").json_body["items"][0]["id"] == first.pk


def test_marking_read_through_the_api(api_as) -> None:
    maya, omar = make_user(), make_user()
    mine = _notify(maya)
    _notify(maya)
    theirs = _notify(omar)
    response = api_as(maya).post(f"notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json_body["read_at"] is not None
    assert api_as(maya).get("notifications?unread_only=true").json_body["unread"] == 1
    assert len(api_as(maya).get("notifications?unread_only=true").json_body["items"]) == 1
    # someone else's notification is not found, and stays unread
    response = api_as(maya).post(f"notifications/{theirs.pk}/read")
    assert response.status_code == 404 and response.json_body["code"] == "notification_not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = api_as(maya).post("notifications/read-all")
    assert response.status_code == 200 and response.json_body == {"marked": 1}
    assert api_as(maya).get("notifications").json_body["unread"] == 0
    assert api_as(omar).get("notifications").json_body["unread"] == 1


def test_preferences_through_the_api(api_as) -> None:
    maya = make_user()
    response = api_as(maya).get("notifications/preferences")
    assert response.status_code == 200
    assert {p["kind"] for p in response.json_body} == set(Kind.values)
    assert all(p["in_app"] and p["email"] for p in response.json_body)
    response = api_as(maya).call(
        "put",
        "notifications/preferences",
        {"preferences": [{"kind": "share_link_viewed", "in_app": True, "email": False}]},
    )
    assert response.status_code == 200
    chosen = {p["kind"]: (p["in_app"], p["email"]) for p in response.json_body}
    assert chosen["share_link_viewed"] == (True, False) and chosen["credential_awarded"] == (True, True)
    assert NotificationPreference.objects.get(user=maya, kind="share_link_viewed").email is False


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"preferences": [{"kind": "credential_eaten", "in_app": True, "email": True}]}, "validation_failed"),
        ({"preferences": [{"kind": "credential_awarded", "in_app": "yes", "email": True}]}, "validation_failed"),
        ({"preferences": [{"kind": "credential_awarded", "in_app": True}]}, "validation_failed"),
        ({"preferences": "all"}, "validation_failed"),
        ({}, "validation_failed"),
        ({"preferences": [{"kind": "x" * 5000, "in_app": True, "email": True}]}, "validation_failed"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(api_as, body, code) -> None:
    maya = make_user()
    response = api_as(maya).call("put", "notifications/preferences", body)
    assert response.status_code == 400 and response.json_body["code"] == code
    assert not NotificationPreference.objects.exists()


def test_a_mixed_list_with_one_unknown_kind_writes_nothing(api_as) -> None:
    maya = make_user()
    body = {
        "preferences": [
            {"kind": "credential_awarded", "in_app": False, "email": False},
            {"kind": "nope", "in_app": True, "email": True},
        ]
    }
    response = api_as(maya).call("put", "notifications/preferences", body)
    assert response.status_code == 400 and response.json_body["errors"][0]["code"] == "unknown_kind"
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["notifications?limit=0", "notifications?limit=100000", "notifications?offset=-1", "notifications?limit=ten"],
)
def test_bad_list_parameters_are_a_4xx(api_as, path) -> None:
    response = api_as(make_user()).get(path)
    assert response.status_code == 400 and response.json_body["code"] == "validation_failed"


def test_bad_ids_and_bodies_are_a_4xx(api_as) -> None:
    client = api_as(make_user())
    assert client.post(f"notifications/{2**70}/read").status_code == 404
    assert client.post("notifications/0/read").status_code == 404
    assert 400 <= client.post("notifications/abc/read").status_code < 500
    response = client.call("put", "notifications/preferences", raw=b"{not json")
    assert response.status_code == 400 and response.json_body["code"] == "malformed_json"


def test_the_api_needs_a_signed_in_user(api_as) -> None:
    anonymous = api_as()
    assert anonymous.get("notifications").status_code == 401
    assert anonymous.get("notifications/preferences").status_code == 401
    assert anonymous.post("notifications/read-all").status_code == 401


def test_the_page_lists_ones_notifications_and_the_badge_counts_them() -> None:
    maya, omar = make_user(), make_user()
    _notify(maya, "Awarded: <b>Safe Rigging</b>")
    _notify(omar, "Not for Maya")
    client = Client()
    client.force_login(maya)
    response = client.get("/notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Awarded: &lt;b&gt;Safe Rigging&lt;/b&gt;" in page and "Not for Maya" not in page
    assert '<span class="badge">1<span class="visually-hidden"> unread</span></span>' in page


def test_marking_read_on_the_page_opens_the_link_and_clears_the_badge() -> None:
    maya, omar = make_user(), make_user()
    mine = _notify(maya)
    unsafe = _notify(maya, url="https://evil.example/")
    theirs = _notify(omar)
    client = Client()
    client.force_login(maya)
    response = client.post(f"/notifications/{mine.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/wallet/"
    response = client.post(f"/notifications/{unsafe.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"  # never redirected off the site
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405
    _notify(maya)
    assert client.post("/notifications/read-all/").status_code == 302
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_the_preferences_form_saves_choices() -> None:
    maya = make_user()
    client = Client()
    client.force_login(maya)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="credential_awarded-email"' in page and "checked" in page
    # every box ticked except the e-mail of share link views
    data = {f"{kind}-{channel}": "on" for kind in Kind.values for channel in ("in_app", "email")}
    del data["share_link_viewed-email"]
    assert client.post("/notifications/preferences/", data).status_code == 302
    preference = NotificationPreference.objects.get(user=maya, kind="share_link_viewed")
    assert preference.in_app and not preference.email
    assert NotificationPreference.objects.get(user=maya, kind="credential_awarded").email


def test_the_pages_need_a_signed_in_user() -> None:
    response = Client().get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post("/notifications/read-all/").status_code == 302
