"""In a real browser: a learner opens a credential of their wallet, "Add to a wallet", creates an offer and sees the
QR code, the same-device link, the transaction code, the protocols offered and the delivery history; the page is
screenshot at 1280 and 390 px and checked by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from microcred.delivery import metadata, services
from microcred.delivery.tests.conftest import Holder
from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.testing.pages import check_page
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)


def _deliver_once(learner, credential) -> str:
    """A wallet took a copy earlier (through the services the endpoints call), so the history has a row."""
    offer = services.create_offer(actor=learner, credential_public_id=credential.public_id)
    access, _lifetime = services.redeem_pre_authorized_code(code=offer.pre_authorized_code, tx_code=offer.tx_code)
    nonce, _lifetime = services.new_nonce()
    holder = Holder()
    proof = holder.proof(nonce=nonce, aud=metadata.credential_issuer())
    body = {"credential_configuration_id": metadata.LDP_VC, "proofs": {"jwt": [proof]}}
    services.issue_credential_copy(grant=services.grant_of_access_token(access), body=body)
    return holder.did


def test_a_learner_adds_a_credential_to_a_wallet(page) -> None:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    holder = _deliver_once(learner, credential)

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="My wallet", exact=True).click()
    page.get_by_role("link", name="Welding safety").click()
    page.get_by_role("link", name="Add to a wallet app").click()
    expect(page.get_by_role("heading", name="Delivery history")).to_be_visible()
    expect(page.get_by_text(holder[:40])).to_be_visible()
    page.get_by_role("button", name="Create a wallet offer").click()
    expect(page.locator(".qr svg")).to_be_visible()
    link = page.get_by_role("link", name="Open in a wallet on this device").get_attribute("href")
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    code = page.locator(".tx-code").inner_text()
    assert code.isdigit() and len(code) == 6
    check_page(page, "delivery-add-to-wallet")
