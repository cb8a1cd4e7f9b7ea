"""The catalog search in a real browser: on a phone the results come before the filters (folded behind "Filters");
filters apply as they change, with the Apply button kept for browsers without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from microcred.catalog.tests.conftest import draft, publish
from microcred.testing.factories import make_member
from microcred.testing.pages import assert_fits, check_page

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def catalog(provider: Any) -> None:
    admin, reviewer = make_member(provider, "admin"), make_member(provider, "reviewer")
    for title, mode, region, cost in (
        ("Welding Safety", "in_person", "BC", "450"),
        ("Pipe Fitting Basics", "in_person", "BC", "300"),
        ("Data Literacy", "online", "BC", "0"),
        ("Crane Operation", "in_person", "ON", "900"),
        ("Grid Safety", "hybrid", "QC", "250"),
    ):
        publish(admin, reviewer, draft(admin, provider, title, delivery_mode=mode, region=region, cost=cost))


def test_on_a_phone_the_results_come_first_and_the_filters_fold(page: Any, catalog: None) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/catalog/")
    first = page.locator(".results li").first.bounding_box()
    assert first is not None and first["y"] < PHONE["height"]  # the first result is on the first screen
    in_person = page.get_by_label("In person")
    expect(in_person).not_to_be_visible()
    assert_fits(page, 390)
    page.get_by_text("Filters", exact=True).click()
    expect(in_person).to_be_visible()
    in_person.check()  # applies at once: no Apply needed
    page.get_by_role("heading", name="3 micro-credentials").wait_for()
    assert "Data Literacy" not in page.locator(".results").inner_text()
    assert "delivery_mode=in_person" in page.url
    assert page.evaluate("() => document.activeElement.id") == "f-delivery_mode-in_person"
    expect(page.get_by_role("status").filter(has_text="3 micro-credentials")).to_have_count(1)
    assert "(1 selected)" in page.locator("#catalog-facets summary").inner_text()
    check_page(page, "catalog-search-filtered")


def test_filters_apply_as_they_change_on_a_wide_screen(page: Any, catalog: None) -> None:
    page.goto("/catalog/")
    page.get_by_role("heading", name="5 micro-credentials").wait_for()
    check_page(page, "catalog-search")
    page.get_by_label("In person").check()  # the filters are open on a wide screen
    page.get_by_role("heading", name="3 micro-credentials").wait_for()
    page.get_by_label("British Columbia").check()
    page.get_by_role("heading", name="2 micro-credentials").wait_for()
    page.get_by_label("Sort by").select_option("cost")
    page.wait_for_function("() => location.search.includes('sort=cost')")
    titles = page.locator(".results .card-title").all_inner_texts()
    assert titles == ["Pipe Fitting Basics", "Welding Safety"]
    # the address is the search's own: a reload shows the same
    page.reload()
    expect(page.get_by_role("heading", name="2 micro-credentials")).to_be_visible()
    assert page.get_by_label("In person").is_checked() and page.get_by_label("British Columbia").is_checked()


def test_without_javascript_the_apply_button_applies(browser: Any, live_server: Any, catalog: None) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/catalog/")
        page.get_by_text("Filters", exact=True).click()  # <details> opens without JavaScript
        page.get_by_label("In person").check()
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="3 micro-credentials")).to_be_visible()
        assert_fits(page, 390)
    finally:
        context.close()
