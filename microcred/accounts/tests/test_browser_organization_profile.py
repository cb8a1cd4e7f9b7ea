"""An organization's admin edits its profile in a real browser (issue 18): name, website, the French texts and a
logo, which then shows on the organization's page. Screenshots at 1280 and 390 px, axe-core on each page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from microcred.testing.factories import PASSWORD, make_member
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_edits_the_organizations_profile_and_logo(page: Any, provider: Any, settings: Any, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = tmp_path / "maple-logo.png"
    Image.new("RGB", (128, 128), (180, 40, 30)).save(logo, "PNG")
    make_member(provider, "admin", email="admin@maple.example")

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@maple.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"/organizations/{provider.slug}/")
    page.get_by_role("link", name="Edit the profile").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Profile of Maple College")).to_be_visible()
    check_page(page, "organization-profile-form")

    page.get_by_label("Shown as", exact=True).fill("Maple College of Trades")
    page.get_by_label("About the organization", exact=True).fill("Trades and technology, in Ontario.")
    page.get_by_label("Website").fill("https://maple.example")
    page.get_by_label("Logo").set_input_files(str(logo))
    page.get_by_label("Shown as, in the second language").fill("Collège des métiers Maple")
    page.get_by_role("button", name="Save the profile").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The organization's profile was saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Maple College of Trades")).to_be_visible()
    shown = page.locator("h1 img.organization-logo")
    expect(shown).to_be_visible()
    assert shown.evaluate("img => img.naturalWidth") == 128  # served from /media/
    check_page(page, "organization-page-logo")

    provider.refresh_from_db()
    assert provider.translations == {"fr": {"name": "Collège des métiers Maple"}}
    page.get_by_role("link", name="Edit the profile").click()
    page.wait_for_load_state()
    expect(page.get_by_label("Remove the current logo")).to_be_visible()
    check_page(page, "organization-profile-form-with-logo")
