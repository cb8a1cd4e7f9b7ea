"""In a real browser (issue 18's "done"): a learner adds a LinkedIn certification link and downloads the PDF
certificate; an employer verifies the learner's share link and sees the holder's name, and the dashboard names the
issuer. Each key page is screenshot at 1280 and 390 px and checked by axe-core.

What a person does, counted by ``microcred.testing.journeys.Steps`` from the login page (README, "Clicks per
journey"):
- learner, PDF and LinkedIn link: Log in → My wallet → the credential → "PDF certificate" → "Share or add to
  LinkedIn" → "Create the link" → "Add to LinkedIn profile": 7 clicks, 2 fields (before: impossible, there was no
  PDF and no LinkedIn link, and a share link expired after 30 days);
- employer, verify a share link: Log in → "Verify a credential" → paste the link → "Open and verify": 3 clicks,
  3 fields (before: refused, "Only links to credentials issued on this platform can be opened"; opening the link
  itself said "Verified" but never who held it).
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from microcred.accounts.permissions import SYSTEM
from microcred.issuing import services as issuing
from microcred.testing.factories import PASSWORD, make_member, make_organization, make_user
from microcred.testing.journeys import Steps
from microcred.testing.pages import check_page, check_this_page
from microcred.wallet import services
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, email: str) -> Steps:  # type: ignore[no-untyped-def]
    steps = Steps(page)
    page.goto("/accounts/login/")
    steps.fill(page.get_by_label("E-mail address"), email)
    steps.fill(page.get_by_label("Password"), PASSWORD)
    steps.click(page.get_by_role("button", name="Log in"))
    return steps


@pytest.fixture
def on_this_server(settings, live_server):  # type: ignore[no-untyped-def]
    """The platform's public address is the live server's, so its own links are recognised as its own."""
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server.url


def _credential(provider, learner):  # type: ignore[no-untyped-def]
    return issuing.issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )


def test_a_learner_adds_a_linkedin_certification_link_and_downloads_the_pdf(browser, live_server, on_this_server):
    provider = make_organization("provider", name="Maple College")
    learner = make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = _credential(provider, learner)
    context = browser.new_context(base_url=live_server.url, locale="en-CA", bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    try:
        steps = _log_in(page, learner.email)
        steps.click(page.get_by_role("link", name="My wallet").first)
        check_page(page, "wallet-home-badges")
        steps.click(page.get_by_role("link", name="Welding safety"))
        expect(page.locator("img.badge-image")).to_be_visible()
        check_page(page, "wallet-credential-pdf-linkedin")

        with page.expect_download() as caught:
            steps.click(page.get_by_role("link", name="PDF certificate"), wait=False)
        download = caught.value
        assert download.suggested_filename.startswith("welding-safety-") and download.suggested_filename.endswith(
            ".pdf"
        )
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
        assert "Maya Singh" in text and "Welding safety" in text and "/verify/?url=" in text.replace("\n", "")

        steps.click(page.get_by_role("link", name="Share or add to LinkedIn"))
        assert page.get_by_label("Never: a permanent public page").is_checked()
        assert page.get_by_label("Show my name on the page").is_checked()
        check_page(page, "wallet-share-form-expiry")
        steps.click(page.get_by_role("button", name="Create the link"))
        page.get_by_role("heading", name="Your permanent public page").wait_for()
        expect(page.get_by_role("button", name="Copy the link")).to_be_visible()  # the script showed it
        url = page.get_by_label("Link", exact=True).input_value()
        add = page.get_by_role("link", name="Add to LinkedIn profile")
        query = parse_qs(urlsplit(add.get_attribute("href")).query)
        assert query["startTask"] == ["CERTIFICATION_NAME"] and query["name"] == ["Welding safety"]
        assert query["organizationName"] == ["Maple College"] and query["certUrl"] == [url]
        assert query["certId"] == [str(credential.public_id)] and query["issueYear"][0].isdigit()
        check_this_page(page, "wallet-share-created-linkedin")
        with context.expect_page() as opened:  # LinkedIn's form, in a new tab; the address is checked above
            context.route("https://www.linkedin.com/**", lambda route: route.fulfill(status=200, body="LinkedIn"))
            steps.click(add, wait=False)
        opened.value.close()
        assert steps.counts() == (7, 2, 0), str(steps)

        public = context.new_page()
        public.goto(url)
        expect(public.get_by_text("Held by Maya Singh")).to_be_visible()
        assert public.locator('meta[property="og:title"]').get_attribute("content") == "Welding safety"
        check_page(public, "wallet-public-page")
    finally:
        context.close()


def test_an_employer_verifies_a_share_link_and_sees_the_holders_name(page, on_this_server) -> None:
    provider = make_organization("provider", name="Maple College")
    employer = make_organization("employer", name="Grid Power Inc")
    learner = make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = _credential(provider, learner)
    _, token = services.create_share_link(
        owner=learner, kind="credential", credentials=[credential], expires_at=None, permanent=True, show_name=True
    )
    share_url = f"{on_this_server}/wallet/s/{token}/"
    make_member(employer, "verifier", email="hiring@grid.example")

    steps = _log_in(page, "hiring@grid.example")
    steps.click(page.get_by_role("link", name="Verify a credential").first)
    expect(page.get_by_text("A share link or public page a holder gave you")).to_be_visible()
    steps.fill(page.get_by_label("Or give a link to a credential on this platform"), share_url)
    steps.click(page.get_by_role("button", name="Open and verify"))
    page.locator("#verdict-heading").wait_for()
    assert page.locator("#verdict-heading").inner_text() == "Verified"
    assert page.locator("p.holder").inner_text().startswith("Held by Maya Singh")
    check_page(page, "verify-share-link-holder")
    assert steps.counts() == (3, 3, 0), str(steps)

    page.goto(f"/employers/{employer.slug}/")
    row = page.locator("tr", has_text="Welding safety").first  # the checks above verified it again
    assert "Maple College" in row.inner_text() and "did:web" not in row.inner_text()
    expect(row.locator("img")).to_have_count(1)
    check_page(page, "employer-dashboard-issuers")
