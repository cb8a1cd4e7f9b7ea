"""In a real browser: a learner starts a VC-API exchange on "Add to a wallet" and sees the Learner Credential Wallet
QR code and links; an employer's recruiter creates a presentation request, shows a candidate the VC-API and the
OpenID4VP codes, and reads the verification report of what a wallet presented. Each page is screenshot at 1280 and
390 px and checked by axe-core."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from microcred.accounts.models import Role
from microcred.delivery import exchanges
from microcred.delivery.models import Exchange, ExchangeKind
from microcred.delivery.tests.test_exchanges import post
from microcred.delivery.tests.test_presentations import presentation_of
from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.testing.pages import check_page
from microcred.vc.keys import Ed25519KeyPair
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_a_learner_starts_a_vc_api_exchange(page) -> None:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    _log_in(page, learner)
    page.goto(f"/wallet/credentials/{credential.public_id}/add-to-wallet/")
    page.get_by_role("button", name="Start a VC-API exchange").click()
    page.wait_for_load_state()
    expect(page.locator("#exchange-heading ~ .card .qr svg")).to_be_visible()
    deep = page.get_by_role("link", name="Open in the Learner Credential Wallet").get_attribute("href")
    assert deep.startswith("dccrequest://request?issuer=") and "auth_type=bearer" in deep
    web = page.get_by_role("link", name="Link for an e-mail (opens lcw.app, which opens the wallet)")
    assert web.get_attribute("href").startswith("https://lcw.app/request.html?")
    check_page(page, "delivery-vc-api-exchange")


def test_an_employer_asks_a_wallet_and_reads_the_report(page) -> None:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    employer = factories.make_organization("employer", name="Northwind Hiring")
    recruiter = factories.make_member(employer, Role.VERIFIER, email="recruiter@northwind.example")
    _log_in(page, recruiter)
    page.goto(f"/employers/{employer.slug}/presentation-requests/")
    page.get_by_role("button", name="Create the request").click()
    expect(page.get_by_role("alert").first).to_be_visible()  # the purpose is required
    page.get_by_label("Why you ask (the wallet shows it)").fill("Welder, night shift")
    achievement = credential.document["credentialSubject"]["achievement"]["id"]
    page.get_by_label("Only this achievement (its id, optional)").fill(achievement)
    page.get_by_role("button", name="Create the request").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Welder, night shift")).to_be_visible()

    page.get_by_role("button", name="Show a code (OpenID4VP)").click()
    page.wait_for_load_state()
    link = page.get_by_role("link", name="Open in a wallet on this device").get_attribute("href")
    assert link.startswith("openid4vp://?client_id=redirect_uri")
    page.goto(page.url.split("?")[0])
    page.get_by_role("button", name="Show a code (VC-API, Learner Credential Wallet)").click()
    page.wait_for_load_state()
    expect(page.locator(".qr svg")).to_be_visible()
    check_page(page, "delivery-presentation-request-code")

    # a wallet answers (the learner's copy bound to their wallet's DID, presented for this exchange)
    key = Ed25519KeyPair.generate()
    _id, copy, _jwt = issuing.sign_holder_copy(
        actor=None, credential=credential, holder_id=key.did_key, proof_format="eddsa-rdfc-2022"
    )
    exchange = Exchange.objects.filter(kind=ExchangeKind.PRESENTATION).get()
    signed = presentation_of(key, [copy], challenge=exchanges.token_of(exchange), domain=exchanges.domain())
    answered = post(Client(), urlsplit(exchanges.exchange_url(exchange)).path, {"verifiablePresentation": signed})
    assert answered.status_code == 200, answered.json()

    page.get_by_role("link", name="Refresh to see what the wallet presented").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Verified", exact=True)).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    check_page(page, "delivery-presentation-report")
