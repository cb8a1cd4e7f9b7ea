"""Journeys in a real browser: an employer endorses a credential and the endorsement shows on its catalog page;
an anonymous visitor pastes a credential on /verify/ and reads "Verified", then a tampered one."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from microcred.accounts.permissions import SYSTEM
from microcred.issuing.services import issue_credential
from microcred.testing.assessment import make_published_credential
from microcred.testing.browser import log_in
from microcred.testing.factories import make_member, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_employer_endorses_a_credential_and_it_shows_on_the_catalog_page(page, provider, employer) -> None:
    credential = make_published_credential(provider, title="Grid Safety Basics")
    make_member(employer, "admin", email="hiring@grid.example")
    log_in(page, "hiring@grid.example")
    page.goto(f"/catalog/{provider.slug}/{credential.slug}/v1/")
    page.get_by_label("Why your organization endorses it").fill("Every new lineworker should hold this.")
    page.get_by_role("button", name="Endorse this micro-credential").click()
    expect(page.get_by_text("Your endorsement is signed and published.")).to_be_visible()
    section = page.locator("section.endorsements")
    assert "Grid Power Inc" in section.inner_text()
    assert "Every new lineworker should hold this." in section.inner_text()
    page.get_by_role("link", name="signed endorsement").click()
    document = json.loads(page.locator("body").inner_text())
    assert "EndorsementCredential" in document["type"]


def test_an_anonymous_visitor_pastes_a_credential_and_sees_verified(page, provider) -> None:
    learner = make_user(email="lena@example.org", name="Lena Learner")
    issued = issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement={
            "id": "https://microcred.example/a/welding",
            "type": ["Achievement"],
            "name": "Welding safety",
            "description": "Works safely at a welding station.",
            "criteria": {"narrative": "Pass the practical assessment."},
        },
        recipient=learner,
        recipient_identifier=learner.email,
        evidence=[{"type": ["Evidence"], "name": "Practical assessment video"}],
    )
    page.goto("/verify/")
    page.get_by_label("Paste a credential (JSON or JWT)").fill(json.dumps(issued.document))
    page.get_by_role("button", name="Verify", exact=True).click()
    verdict = page.locator("#verdict-heading")
    assert verdict.inner_text().strip() == "Verified"
    checks = page.locator("ul.checks").inner_text()
    for title in ("Signature", "Issuer identity", "The issuer is the organization it claims", "Dates"):
        assert title in checks
    expect(page.get_by_text("Practical assessment video")).to_be_visible()
    expect(page.get_by_role("link", name="See the organization on this platform")).to_be_visible()

    tampered = dict(issued.document, validFrom="2020-01-01T00:00:00Z")
    page.get_by_label("Paste a credential (JSON or JWT)").fill(json.dumps(tampered))
    page.get_by_role("button", name="Verify", exact=True).click()
    assert page.locator("#verdict-heading").inner_text().strip() == "Not verified"
    assert "changed after it was signed" in page.locator("section.verdict").inner_text()
