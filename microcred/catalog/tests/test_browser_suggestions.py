"""In a real browser: a provider admin accepts an ESCO skill suggested for a learning outcome of a draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from microcred.catalog.tests.conftest import draft
from microcred.catalog.tests.esco_sample import TEAM, import_sample
from microcred.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_accept_a_suggested_skill(page, provider, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_sample(tmp_path / "esco")
    admin = make_member(provider, "admin", email="admin@maple.example")
    credential = draft(
        admin,
        provider,
        title="Site Supervision",
        learning_outcomes=["Lead and supervise a team of people on a building site", "Install light fixtures"],
    )

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@maple.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto(f"/catalog/{provider.slug}/{credential.slug}/v1/")
    page.get_by_role("link", name="Align to competencies").click()
    expect(page.get_by_role("heading", name="Suggested ESCO skills")).to_be_visible()
    expect(page.get_by_text("engine").first).to_be_visible()
    panel = page.locator("#outcome-0")
    expect(panel.get_by_role("heading", name="Learning outcome 1")).to_be_visible()
    row = panel.get_by_role("row").filter(has_text="manage a team")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()

    expect(page.locator(".alignments").get_by_text("manage a team")).to_be_visible()
    expect(page.locator(".alignments").get_by_text("learning outcome 1")).to_be_visible()
    expect(page.locator("#outcome-0").get_by_role("row").filter(has_text="manage a team")).to_have_count(0)
    alignment = credential.alignments.get()
    assert alignment.target_url == TEAM and alignment.outcome_position == 0

    other = page.locator("#outcome-1").get_by_role("row").filter(has_text="install light fixtures")
    other.get_by_role("button", name="Reject").click()
    page.wait_for_load_state()
    expect(page.locator("#outcome-1").get_by_role("row").filter(has_text="install light fixtures")).to_have_count(0)
    assert credential.rejected_suggestions.get().outcome_position == 1
