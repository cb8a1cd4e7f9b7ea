"""In a real browser: a learner shares a credential with two pieces of evidence; an anonymous employer opens the
link and sees "Verified" and the evidence (and nothing else); the learner revokes the link and it is gone."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from microcred.accounts.permissions import SYSTEM
from microcred.assessment.models import Enrolment, Evidence
from microcred.issuing import services as issuing
from microcred.testing.assessment import make_published_credential
from microcred.testing.factories import PASSWORD, make_organization, make_user
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)


def _evidence_entry(evidence: Evidence) -> dict:
    entry = {
        "id": f"{settings.PUBLIC_BASE_URL}/assessment/evidence/{evidence.public_id}/",
        "type": ["Evidence"],
        "name": evidence.title,
    }
    if evidence.text:
        entry["narrative"] = evidence.text
    return entry


def test_a_learner_shares_a_credential_an_employer_sees_it_verified_then_the_link_is_revoked(
    page, browser, live_server
) -> None:
    provider = make_organization("provider", name="Maple College")
    learner = make_user(email="maya.singh@learner.example", name="Maya Singh")
    course = make_published_credential(provider, title="Welding safety")
    enrolment = Enrolment.objects.create(learner=learner, credential=course)
    shown = [
        Evidence.objects.create(
            enrolment=enrolment, kind="reflection", title="Reflection on a near miss", text="What I changed.",
            shareable=True,
        ),
        Evidence.objects.create(
            enrolment=enrolment, kind="link", title="Weld inspection video", url="https://video.example/weld",
            shareable=True,
        ),
    ]  # fmt: skip
    kept = Evidence.objects.create(enrolment=enrolment, kind="reflection", title="Private journal", text="Mine.")
    issuing.issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
        evidence=[_evidence_entry(item) for item in [*shown, kept]],
    )
    issuing.issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=make_achievement("Confined space entry", slug="confined"),
        recipient=learner,
        recipient_identifier=learner.email,
    )

    # The learner shares the welding credential with two pieces of evidence.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="My wallet", exact=True).click()
    page.get_by_role("link", name="Welding safety").click()
    page.get_by_role("link", name="Share or add to LinkedIn").click()
    page.get_by_label("Reflection on a near miss (Welding safety)").check()
    page.get_by_label("Weld inspection video (Welding safety)").check()
    page.get_by_label("Label, for you (optional)").fill("For Grid Power")
    page.get_by_label("30 days").check()
    page.get_by_label("Show my name on the page").uncheck()  # the holder's choice: this page does not name her
    page.get_by_role("button", name="Create the link").click()
    url = page.get_by_label("Link", exact=True).input_value()
    assert "/wallet/s/" in url
    expect(page.locator("figure.qr svg")).to_be_visible()

    # An employer without an account opens it.
    employer = browser.new_context(base_url=live_server.url, locale="en-CA")
    visitor = employer.new_page()
    visitor.goto(url)
    expect(visitor.get_by_role("heading", name="Verified")).to_be_visible()
    expect(visitor.get_by_text("Reflection on a near miss")).to_be_visible()
    expect(visitor.get_by_text("Weld inspection video")).to_be_visible()
    html = visitor.content()
    assert "Private journal" not in html and "Confined space" not in html
    assert learner.email not in html and "Maya Singh" not in html

    # The learner sees the view, and revokes the link.
    page.goto("/wallet/shares/")
    row = page.locator("tr", has_text="For Grid Power")
    assert row.locator("td").nth(3).inner_text().startswith("1")
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The link is revoked")).to_be_visible()

    response = visitor.goto(url)
    assert response is not None and response.status == 410
    expect(visitor.get_by_role("heading", name="Link not available")).to_be_visible()
    assert "Welding" not in visitor.content()
    employer.close()
