"""In a real browser: a career practitioner opens a client, picks a target occupation, sees the gap and the ranked
credentials, adds one to the shortlist, and finds the shortlist saved after a reload."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from microcred.careers import services
from microcred.careers.models import ShortlistItem
from microcred.testing.factories import PASSWORD, make_member
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_practitioner_shortlists_credentials_for_a_client(page, provider, world: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    practitioner = make_member(provider, "practitioner", email="career.centre@maple.example")
    client = services.create_client(actor=practitioner, organization=provider, display_name="Sam Rivera")
    services.add_held_skills(actor=practitioner, client=client, skills=[world["skills"]["teamwork"].pk])

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("career.centre@maple.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto("/careers/clients/")
    page.get_by_role("link", name="Sam Rivera").click()
    expect(page.get_by_role("heading", name="Sam Rivera")).to_be_visible()
    page.get_by_label("Search occupations").fill("electric")
    page.get_by_role("button", name="Search").first.click()
    page.get_by_role("button", name="Choose Electrician as the target").click()
    page.wait_for_load_state()
    assert page.locator(".current-target").inner_text() == "Electrician"

    expect(page.get_by_role("heading", name="Skills gap for Electrician")).to_be_visible()
    expect(page.get_by_text("Coverage: 17%")).to_be_visible()
    essential = page.locator("ul.missing-essential li").all_inner_texts()
    assert essential == ["apply health and safety standards", "install electrical wiring", "interpret electrical code"]
    assert page.locator("ul.missing-optional li").all_inner_texts() == ["use CAD software", "use spreadsheet software"]
    assert page.locator("ul.have li").first.inner_text().startswith("work in teams")
    # the missing essentials come before the optional ones on the page
    headings = page.locator("h3").all_inner_texts()
    assert headings.index("Missing essential skills") < headings.index("Missing optional skills")

    rows = page.locator("table.recommendations tbody tr")
    titles = [rows.nth(i).locator("td").nth(1).locator("a").inner_text() for i in range(rows.count())]
    assert titles == ["Wiring short", "Wiring long", "Code basics", "Office tools"]
    assert "Free" in rows.nth(2).inner_text() and "In person" in rows.nth(0).inner_text()

    page.get_by_label("Note for Code basics").fill("Free, starts in May")
    page.get_by_role("button", name="Add Code basics to the shortlist").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Added to the shortlist: Code basics")).to_be_visible()

    page.reload()
    shortlist = page.locator("ol.shortlist li")
    expect(shortlist).to_have_count(1)
    assert "Code basics" in shortlist.first.inner_text()
    assert page.get_by_label("Note for Code basics").first.input_value() == "Free, starts in May"
    item = ShortlistItem.objects.get()
    assert (item.client_id, item.credential.title, item.added_by) == (client.pk, "Code basics", practitioner)

    page.get_by_role("button", name="Remove Code basics from the shortlist").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Nothing on the shortlist yet.")).to_be_visible()


def test_learner_sees_the_gap_for_an_occupation(page, world: dict[str, Any], learner) -> None:  # type: ignore[no-untyped-def]
    from microcred.careers.tests.conftest import issue_for
    from microcred.frameworks.models import CompetencyRelation

    issue_for(world["credentials"]["teams"], learner)
    skills = world["skills"]  # ESCO: health and safety draws on teamwork, which the learner holds
    CompetencyRelation.objects.create(
        framework=world["framework"], source=skills["safety"], target=skills["teamwork"], kind="essential"
    )
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.get_by_role("link", name="Skills gap").click()
    expect(page.get_by_text("work in teams — from Team player")).to_be_visible()
    page.get_by_label("Search occupations").fill("sparky")  # an alternative label
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Electrician").click()
    expect(page.get_by_role("heading", name="Skills gap for Electrician")).to_be_visible()
    first_missing = page.locator("ul.missing-essential li").first.inner_text()
    assert first_missing.splitlines() == [
        "apply health and safety standards",
        "A head start: you hold the related work in teams",
    ]
    check_page(page, "careers-gap")
    page.get_by_label("Delivery mode").select_option("online")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.recommendations tbody tr")
    assert rows.first.locator("td").nth(1).locator("a").inner_text() == "Wiring long"
    assert "Wiring short" not in page.locator("table.recommendations").inner_text()
    expect(page.locator("ol.plan li")).to_have_count(2)
