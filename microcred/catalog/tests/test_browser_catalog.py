"""Journeys in a real browser: a design goes through review to the catalog; a learner filters and compares."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.catalog import services
from microcred.catalog.tests.conftest import draft, publish
from microcred.testing.browser import log_in
from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_a_design_is_drafted_reviewed_changed_approved_and_published(page, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    make_member(provider, "reviewer", email="reviewer@maple.example")
    services.configure_checklist(actor=admin, provider=provider, items=["Every competency has an assessment"])

    log_in(page, "admin@maple.example")
    page.goto("/catalog/")
    page.get_by_role("link", name="Maple College").click()
    page.get_by_role("link", name="New micro-credential").click()
    page.get_by_label("Title").fill("Grid Safety Basics")
    page.get_by_label("Summary").fill("Work safely near energized equipment.")
    page.get_by_label("Delivery mode").select_option("in_person")
    page.get_by_label("Workload (hours)").fill("-4")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert "This cannot be negative." in page.locator(".field.has-error").first.inner_text()
    page.get_by_label("Workload (hours)").fill("16")
    page.get_by_label("Province or state").fill("ON")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Grid Safety Basics")).to_be_visible()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    log_out(page)

    log_in(page, "reviewer@maple.example")
    page.goto("/catalog/manage/" + provider.slug + "/")
    page.get_by_role("link", name="Grid Safety Basics").click()
    page.get_by_label("Comment").fill("State the protective equipment learners need.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Changes requested").first).to_be_visible()
    log_out(page)

    log_in(page, "admin@maple.example")
    page.goto("/catalog/manage/" + provider.slug + "/")
    page.get_by_role("link", name="Grid Safety Basics").click()
    page.get_by_role("link", name="Edit draft").click()
    page.get_by_label("Prerequisites").fill("Bring CSA-approved boots and gloves.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Send for review").click()
    log_out(page)

    log_in(page, "reviewer@maple.example")
    page.goto("/catalog/manage/" + provider.slug + "/")
    page.get_by_role("link", name="Grid Safety Basics").click()
    page.get_by_role("button", name="Approve").click()
    assert "Not met: Every competency has an assessment" in page.locator(".messages").inner_text()
    page.get_by_label("Every competency has an assessment").check()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Your review was recorded.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)  # reviewers do not publish
    log_out(page)

    log_in(page, "admin@maple.example")
    page.goto("/catalog/manage/" + provider.slug + "/")
    page.get_by_role("link", name="Grid Safety Basics").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published. It is now in the public catalog.")).to_be_visible()
    log_out(page)

    page.goto("/catalog/?q=grid")
    expect(page.get_by_role("link", name="Grid Safety Basics")).to_be_visible()


def test_a_learner_filters_by_delivery_mode_and_region_and_compares_two(page, provider) -> None:
    admin = make_member(provider, "admin")
    reviewer = make_member(provider, "reviewer")
    other = make_organization("provider", name="Lakeshore Polytechnic")
    other_admin, other_reviewer = make_member(other, "admin"), make_member(other, "reviewer")
    for title, mode, region, cost in (
        ("Welding Safety", "in_person", "BC", "450"),
        ("Pipe Fitting Basics", "in_person", "BC", "300"),
        ("Data Literacy", "online", "BC", "0"),
        ("Crane Operation", "in_person", "ON", "900"),
    ):
        publish(admin, reviewer, draft(admin, provider, title, delivery_mode=mode, region=region, cost=cost))
    publish(
        other_admin,
        other_reviewer,
        draft(other_admin, other, "Scaffold Safety", delivery_mode="in_person", region="AB"),
    )

    page.goto("/")
    page.get_by_role("link", name="Catalog").click()
    page.get_by_label("In person").check()
    page.get_by_label("British Columbia").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="2 micro-credentials")).to_be_visible()
    results = page.locator(".results")
    assert "Welding Safety" in results.inner_text() and "Data Literacy" not in results.inner_text()
    permalink = page.get_by_role("link", name="Permalink to this search").get_attribute("href")
    assert "delivery_mode=in_person" in permalink and "region=BC" in permalink

    page.get_by_label("Compare Welding Safety").check()
    page.get_by_label("Compare Pipe Fitting Basics").check()
    page.get_by_role("button", name="Compare selected (up to four)").click()
    expect(page.get_by_role("heading", name="Compare micro-credentials")).to_be_visible()
    table = page.get_by_role("table")
    assert "450.00 CAD" in table.inner_text() and "300.00 CAD" in table.inner_text()
    expect(page.get_by_role("rowheader", name="Delivery mode")).to_be_visible()
