"""Drafts saved as you go, in a real browser under the site's Content-Security-Policy (issue 18): the designer types
into a new design's form, the page says "Saved at …" and becomes the draft's edit page; a reload shows what was
typed; a bad value is "Not saved: …" with the field marked; the form's own "Save draft" still works and updates the
same record."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from microcred.catalog.models import MicroCredential
from microcred.testing.browser import ARTIFACTS
from microcred.testing.factories import PASSWORD, make_member
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def _screens(page: Any, name: str) -> None:
    """The page as it stands, with its status line, at both widths (axe-core runs on the same page in check_page)."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=False)
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_new_design_saves_itself_as_the_designer_types(page: Any, provider: Any) -> None:
    make_member(provider, "admin", email="admin@maple.example")
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@maple.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto(f"/catalog/manage/{provider.slug}/new/")
    status = page.locator("#autosave-status")
    expect(page.get_by_text("Your draft is saved as you type")).to_be_visible()  # the script runs under the CSP
    assert status.get_attribute("role") == "status" and status.inner_text() == ""

    page.get_by_label("Title").fill("Grid Safety Basics")
    page.get_by_label("Workload (hours)").fill("16")
    page.get_by_label("Summary").press_sequentially("Work safely near energized equipment.")
    page.get_by_text("Saved at").wait_for()
    made = MicroCredential.objects.get(provider=provider, slug="grid-safety-basics")
    assert made.status == "draft" and made.summary == "Work safely near energized equipment."
    edit_url = f"/catalog/{provider.slug}/grid-safety-basics/v1/edit/"
    assert page.url.endswith(edit_url)  # the page is now the draft's edit page, and says so
    assert page.locator("h1").inner_text() == "Edit Grid Safety Basics"
    assert page.title().startswith("Edit Grid Safety Basics · ")
    _screens(page, "designer-autosave-saved")

    # later saves update the same record
    with page.expect_response(lambda r: r.url.endswith(edit_url + "autosave/")) as answer:
        page.get_by_label("Description", exact=True).fill("Lockout, tagout and the limits of approach.")
    assert answer.value.status == 200

    page.reload()
    assert page.get_by_label("Description", exact=True).input_value() == "Lockout, tagout and the limits of approach."
    assert page.get_by_label("Summary").input_value() == "Work safely near energized equipment."
    check_page(page, "designer-autosave-edit")

    # a bad value: not saved, the reason said, the field marked; nothing written
    with page.expect_response(lambda r: r.url.endswith("/autosave/")) as answer:
        page.get_by_label("Workload (hours)").fill("-4")
    assert answer.value.status == 400
    page.get_by_text("Not saved: Workload (hours): This cannot be negative.").wait_for()
    assert page.get_by_label("Workload (hours)").get_attribute("aria-invalid") == "true"
    _screens(page, "designer-autosave-not-saved")
    made.refresh_from_db()
    assert made.workload_hours == 16

    # the form's own submit still works, on the same record
    page.get_by_label("Workload (hours)").fill("18")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("The draft was saved.").wait_for()
    made.refresh_from_db()
    assert made.workload_hours == 18
    assert MicroCredential.objects.filter(provider=provider).count() == 1
