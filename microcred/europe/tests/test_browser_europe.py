"""In a real browser: a designer finds the European standard elements from the design's page, states the missing
ones, is told at publication which mandatory element is still missing and where to add it; an ELM import."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from microcred.catalog import services as catalog
from microcred.europe.tests.conftest import bilingual_draft
from microcred.testing.browser import log_in
from microcred.testing.factories import make_member
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_designer_states_the_european_elements_and_publication_names_what_is_missing(page, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    reviewer = make_member(provider, "reviewer", email="reviewer@maple.example")
    credential = bilingual_draft(admin, provider, assessment_method="")

    log_in(page, admin.email)
    page.goto(f"/catalog/{provider.slug}/{credential.slug}/v1/")
    page.get_by_role("link", name="See the European standard elements").click()
    expect(page.get_by_role("heading", name="European standard elements", exact=True)).to_be_visible()
    row = page.get_by_role("row", name="Level (EQF or NQF)")
    assert "No" in row.inner_text()
    check_page(page, "europe-elements")

    page.get_by_label("Publish under the European profile").check()
    page.get_by_label("EQF level", exact=True).select_option("5")
    page.get_by_label("Type of quality assurance", exact=True).fill("Reviewed by the college's quality committee.")
    page.get_by_label("Second language", exact=True).select_option("fr")
    page.get_by_label("Type of quality assurance in the second language").fill("Revue par le comité qualité.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The European elements were saved.")).to_be_visible()
    assert "EQF level 5" in page.get_by_role("row", name="Level (EQF or NQF)").inner_text()
    alert = page.get_by_role("alert").filter(has_text="cannot be published under the European profile")
    assert "Type of assessment" in alert.inner_text() and "design form" in alert.inner_text()

    catalog.submit_for_review(actor=admin, credential=credential)
    catalog.review(actor=reviewer, credential=credential, decision="approved")
    page.goto(f"/catalog/{provider.slug}/{credential.slug}/v1/")
    page.get_by_role("button", name="Publish").click()
    message = page.get_by_text("The European profile requires “Type of assessment”")
    expect(message).to_be_visible()
    assert "add it on the design form, under “Assessment method”" in message.inner_text()
    check_page(page, "europe-credential-panel")


def test_a_designer_imports_an_elm_specification(page, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    log_in(page, admin.email)
    page.goto(f"/europe/import/{provider.slug}/")
    check_page(page, "europe-import")
    document = {
        "type": "LearningAchievementSpecification",
        "title": {"en": "Solar Basics", "fr": "Solaire"},
        "volumeOfLearning": "PT12H",
        "learningOutcome": [{"title": {"en": "Size a panel."}}],
        "targetGroup": [{"id": "http://example.org/adults"}],
    }
    page.get_by_label("Or paste it here").fill(json.dumps(document))
    page.get_by_role("button", name="Import as a draft").click()
    expect(page.get_by_text("“Solar Basics” was imported as a draft.")).to_be_visible()
    expect(page.get_by_text("Property targetGroup.")).to_be_visible()
    page.get_by_role("link", name="Open the draft").click()
    expect(page.get_by_role("heading", name="Solar Basics")).to_be_visible()
