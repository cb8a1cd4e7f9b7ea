"""In a real browser: a provider admin opens the reports from the organization page, opens one micro-credential's
figures, filters by month, and downloads a table as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from microcred.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_provider_admin_filters_the_dashboard_and_downloads_the_csv(page, school) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(school.admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto(f"/organizations/{school.provider.slug}/")
    page.get_by_role("link", name="Reports and exports").click()
    page.get_by_role("link", name="Data Literacy").click()
    expect(page.get_by_role("heading", name="Awards by month")).to_be_visible()

    page.get_by_label("From month").fill("2026-03")
    page.get_by_label("To month").fill("2026-03")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "from=2026-03" in page.url
    months = page.get_by_role("table", name="Awards by month")
    expect(months.get_by_role("row")).to_have_count(2)  # the header and March
    assert "2026-01" not in months.inner_text()

    section = page.locator("section", has=page.get_by_role("heading", name="Awards by month"))
    with page.expect_download() as download:
        section.get_by_role("link", name="Download as CSV").click()
    path = download.value.path()
    assert Path(path).read_text(encoding="utf-8").splitlines() == ["Month,Awards", "2026-03,1"]
