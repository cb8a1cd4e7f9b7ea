"""In a real browser: from one's name in the header to one's settings, a time zone chosen and saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.testing.factories import PASSWORD, make_user
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_sets_their_time_zone(page) -> None:  # type: ignore[no-untyped-def]
    maya = make_user(email="maya@example.org", name="Maya Singh")
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("maya@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Maya Singh").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Your settings")).to_be_visible()
    check_page(page, "account-settings")
    page.get_by_label("Time zone").select_option("America/Vancouver")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your settings were saved.")).to_be_visible()
    expect(page.get_by_text("in America/Vancouver")).to_be_visible()
    maya.refresh_from_db()
    assert maya.time_zone == "America/Vancouver"
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_page(page, "account-settings-error")
