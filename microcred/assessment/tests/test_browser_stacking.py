"""In a real browser: a provider builds a pathway on the editor page and sees a learner's progress; trusts an issuer
and approves an agreement on the trust page; the learner's pathway page says what counted, what did not and why.
Screenshots at 1280 and 390 px, axe-core clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.assessment.tests.test_browser_assessment import log_in, log_out
from microcred.assessment.tests.test_stacking import FIRST_AID, TRUSTED_SEED, UNTRUSTED_SEED, Stack, external_credential
from microcred.catalog.models import Pathway
from microcred.testing.factories import make_member, make_organization, make_user
from microcred.testing.pages import check_page
from microcred.wallet import services as wallet

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_provider_builds_a_pathway_on_the_editor_page_and_sees_a_learners_progress(page) -> None:
    stack = Stack()
    accessibility = stack.course("Accessibility", credits="2")
    learner = make_user(email="ana@learner.example", name="Ana Learner")
    wallet.import_credential(owner=learner, data=external_credential(TRUSTED_SEED))
    stack.pass_course(learner)  # Web Design, awarded here

    log_in(page, stack.admin.email)
    page.goto(f"/catalog/manage/{stack.provider.slug}/")
    page.get_by_role("link", name="New pathway").click()
    page.get_by_label("Title").fill("Accessible web developer")
    page.get_by_label("Kind").select_option("certificate")
    page.get_by_label("Web Design — Maple College (v1)").check()
    page.get_by_label("Accessibility — Maple College (v1)").check()
    page.get_by_label("Achievements from elsewhere").fill(f"{FIRST_AID} | First aid | 1")
    page.get_by_role("radio", name="N of the set").check()
    page.get_by_label("How many are required (N of the set)").fill("2")
    page.get_by_label("Resulting credential, awarded automatically").select_option(
        label="Workplace Web Certificate — Maple College (v1)"
    )
    page.get_by_role("button", name="Save the pathway").click()
    expect(page.get_by_text("The pathway was saved.")).to_be_visible()
    built = Pathway.objects.get(title="Accessible web developer")
    assert {m.title for m in built.members.all()} == {"Web Design", "Accessibility"} and built.required_count == 2
    assert built.external_components == [{"achievement": FIRST_AID, "name": "First aid", "credits": "1.00"}]
    assert accessibility in built.members.all()
    # The preview: one learner, holding two of the three components (Web Design here, First aid imported and trusted).
    rows = page.locator("#progress-preview tbody tr")
    assert [rows.nth(i).inner_text().split() for i in range(rows.count())] == [
        ["0", "0"],
        ["1", "0"],
        ["2", "1"],
        ["3", "0"],
    ]
    check_page(page, "pathway-editor")
    page.get_by_role("link", name="Public page of the pathway").click()
    public = page.locator("main").inner_text()
    assert "First aid" in public and "Completing it awards “Workplace Web Certificate” automatically." in public
    check_page(page, "pathway-public")
    page.go_back()

    # A mistake is shown beside its field, and nothing is saved.
    page.get_by_label("How many are required (N of the set)").fill("7")
    page.get_by_role("button", name="Save the pathway").click()
    expect(page.get_by_text("Require between 1 and the number of micro-credentials.").first).to_be_visible()
    assert Pathway.objects.get(pk=built.pk).required_count == 2

    # The trust list and agreements page.
    page.goto(f"/assessment/providers/{stack.provider.slug}/trust/")
    page.get_by_label("Issuer's DID").fill("did:web:birch.example")
    page.get_by_label("Name shown").fill("Birch Institute")
    page.get_by_role("button", name="Trust this issuer").click()
    expect(page.get_by_text("The issuer was added to your trust list.")).to_be_visible()
    assert "did:web:birch.example" in page.locator("#trust-list").inner_text()
    check_page(page, "stacking-trust")
    log_out(page)


def test_an_agreement_proposed_and_approved_on_the_trust_page(page) -> None:
    stack = Stack()
    birch = make_organization("provider", name="Birch Institute")
    birch_admin = make_member(birch, "admin")
    log_in(page, stack.admin.email)
    page.goto(f"/assessment/providers/{stack.provider.slug}/trust/")
    page.get_by_label("The other provider (its short name)").fill(birch.slug)
    page.get_by_label("Their achievement (id or CTID)").fill("https://birch.example/achievements/html")
    page.get_by_label("Its name").fill("HTML basics")
    page.get_by_label("Counts as your micro-credential").select_option(label="Web Design — Maple College (v1)")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("The agreement was proposed")).to_be_visible()
    assert "Proposed" in page.locator("#agreements").inner_text()
    log_out(page)
    log_in(page, birch_admin.email)
    page.goto(f"/assessment/providers/{birch.slug}/trust/")
    page.get_by_role("button", name="Approve").click()
    assert "Approved" in page.locator("#agreements").inner_text()
    check_page(page, "stacking-agreement-approved")


def test_the_learners_pathway_page_says_why_an_import_did_not_count(page) -> None:
    stack = Stack()
    learner = make_user(email="ben@learner.example", name="Ben Learner")
    wallet.import_credential(owner=learner, data=external_credential(UNTRUSTED_SEED))
    stack.pass_course(learner)
    log_in(page, learner.email)
    page.goto("/wallet/pathways/")
    text = page.locator("main").inner_text()
    assert "First aid" in text and "not from an issuer Maple College trusts" in text
    assert "Workplace Web Certificate" in text  # what completing it awards
    check_page(page, "wallet-pathways-not-counted")
