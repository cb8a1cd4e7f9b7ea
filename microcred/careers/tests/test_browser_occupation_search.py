"""In a real browser: the learner's "Skills gap" page offers occupations before any search, finds "electrician" by
what a person types, and names the alternative label a match was found by."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from microcred.skills.occupations import import_esco_occupations
from microcred.skills.tests.demand_data import ESCO_SAMPLE, load_sample_framework
from microcred.testing.factories import PASSWORD, make_user
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_finds_electricians_and_is_offered_suggestions(page: Any) -> None:
    load_sample_framework()
    import_esco_occupations(ESCO_SAMPLE)
    make_user(email="ali@example.org")
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("ali@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto("/careers/")
    suggested = page.get_by_role("region", name="Suggested occupations")
    expect(suggested.get_by_role("link")).to_have_count(6)
    check_page(page, "careers-suggestions")

    page.get_by_label("Search occupations").fill("Electricians")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.locator("ul.occupations a").first.inner_text() == "electrician"
    page.get_by_label("Search occupations").fill("wireman")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert "also called “wireman”" in page.locator("ul.occupations li").first.inner_text()
    page.get_by_label("Search occupations").fill("electritian")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    expect(page.get_by_text("No occupation matches “electritian”.")).to_be_visible()
    check_page(page, "careers-no-match")
    page.get_by_role("link", name="electrician").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="electrician").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Skills gap for electrician")).to_be_visible()
    check_page(page, "careers-gap-electrician")
