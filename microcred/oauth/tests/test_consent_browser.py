"""In a real browser: a wallet sends the learner to microcred, the learner signs in, sees what the wallet asks on the
consent page, picks a credential and allows; the wallet (Authlib's client) gets its tokens and the copy. Then the
learner withdraws the wallet's access on "Connected applications". Both pages are screenshot at 1280 and 390 px and
checked by axe-core."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from microcred.delivery.models import Delivery
from microcred.delivery.tests.conftest import Holder
from microcred.issuing import services as issuing
from microcred.oauth.models import Token
from microcred.oauth.tests.conftest import REDIRECT, TIMEOUT, Wallet
from microcred.testing import factories
from microcred.testing.pages import check_page
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)

BACK_IN_THE_WALLET = '<!doctype html><html lang="en"><title>Wallet</title><main><h1>Back in the wallet</h1></main>'


def test_a_learner_authorizes_a_wallet_and_later_withdraws_it(page, base) -> None:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement("Welding safety"),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    wallet = Wallet(base)
    page.route(
        "https://wallet.example/**", lambda route: route.fulfill(body=BACK_IN_THE_WALLET, content_type="text/html")
    )

    page.goto(wallet.authorization_url())
    page.get_by_label("E-mail address").fill(learner.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Allow Test Wallet?")).to_be_visible()
    check_page(page, "oauth-consent")
    page.get_by_label("Welding safety", exact=False).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{REDIRECT}*")
    token = wallet.fetch_token(page.url)

    holder = Holder()
    nonce = requests.post(f"{base}/oid4vci/nonce", timeout=TIMEOUT).json()["c_nonce"]
    body = {
        "credential_configuration_id": "OpenBadgeCredential_jwt_vc_json",
        "proofs": {"jwt": [holder.proof(nonce=nonce, aud=base)]},
    }
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answer = requests.post(f"{base}/oid4vci/credential", json=body, headers=headers, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert Delivery.objects.get().credential == credential

    page.goto("/wallet/applications/")
    expect(page.get_by_role("heading", name="Test Wallet")).to_be_visible()
    check_page(page, "oauth-connected-applications")
    page.get_by_role("button", name="Withdraw access of Test Wallet").click()
    page.wait_for_load_state()
    expect(page.get_by_text("No application has access to your account.")).to_be_visible()
    assert all(t.revoked_at and t.refresh_revoked_at for t in Token.objects.all())
    answer = requests.post(f"{base}/oid4vci/credential", json=body, headers=headers, timeout=TIMEOUT)
    assert answer.status_code == 401
