"""OID4VCI's authorization code grant with PKCE, end to end over real HTTP: a wallet built on Authlib's client
registers itself (RFC 7591), sends the learner to the consent page, trades the code for tokens at the token
endpoint the metadata names, and receives a copy of the credential the learner chose, bound to its key. Then the
hostile cases: each refused with the specification's error, nothing issued."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError as ClientOAuthError

from microcred.delivery import services as delivery
from microcred.delivery.models import Delivery, Protocol
from microcred.delivery.tests.conftest import Holder
from microcred.issuing import services as issuing
from microcred.oauth.models import AuthorizationCode, Client, Token
from microcred.oauth.tests.conftest import REDIRECT, TIMEOUT, Wallet, browser_of, decide, query_of
from microcred.testing import factories
from microcred.wallet.tests.conftest import make_achievement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner_with_two(db: None) -> tuple[Any, Any, Any]:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    first, second = (
        issuing.issue_credential(
            actor=None,
            organization=provider,
            achievement=make_achievement(name),
            recipient=learner,
            recipient_identifier=learner.email,
        )
        for name in ("Welding safety", "Grid basics")
    )
    return learner, first, second


def _receive(base: str, access_token: str, holder: Holder) -> requests.Response:
    nonce = requests.post(f"{base}/oid4vci/nonce", timeout=TIMEOUT).json()["c_nonce"]
    proof = holder.proof(nonce=nonce, aud=base)
    body = {"credential_configuration_id": "OpenBadgeCredential_ldp_vc", "proofs": {"jwt": [proof]}}
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.post(f"{base}/oid4vci/credential", json=body, headers=headers, timeout=TIMEOUT)


def test_a_wallet_receives_the_credential_the_learner_chose(base, learner_with_two) -> None:
    learner, _first, second = learner_with_two
    wallet = Wallet(base)
    assert "client_secret" not in wallet.registration  # a public client
    browser = browser_of(base, learner)
    url = wallet.authorization_url()
    page = browser.get(url, timeout=TIMEOUT)
    assert "Test Wallet" in page.text and "Welding safety" in page.text and "Grid basics" in page.text
    answer = decide(browser, url, **{"choice-OpenBadgeCredential": str(second.public_id)})
    assert answer.status_code == 302 and answer.headers["Location"].startswith(REDIRECT)
    token = wallet.fetch_token(answer.headers["Location"])
    assert token["token_type"].lower() == "bearer" and token["refresh_token"] and token["expires_in"] > 0
    assert token["scope"] == "OpenBadgeCredential"

    holder = Holder()
    response = _receive(base, token["access_token"], holder)
    assert response.status_code == 200, response.text
    copy = response.json()["credentials"][0]["credential"]
    assert copy["credentialSubject"]["id"] == holder.did
    delivered = Delivery.objects.get()
    assert delivered.credential == second and delivered.protocol == Protocol.OID4VCI_AUTHORIZATION_CODE
    # only hashes are stored
    stored = Token.objects.get()
    assert token["access_token"] not in stored.access_token_hash and stored.context["OpenBadgeCredential"]

    # the refresh token works once (rotation); the old access token stops at revocation
    refreshed = wallet.session.refresh_token(wallet.token_endpoint, refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    with pytest.raises(ClientOAuthError):
        wallet.session.refresh_token(wallet.token_endpoint, refresh_token=token["refresh_token"])
    assert _receive(base, token["access_token"], Holder()).status_code == 401
    revoked = requests.post(
        wallet.revocation_endpoint,
        data={"token": refreshed["access_token"], "client_id": wallet.client_id},
        timeout=TIMEOUT,
    )
    assert revoked.status_code == 200, revoked.text
    denied = _receive(base, refreshed["access_token"], Holder())
    assert denied.status_code == 401 and denied.json()["error"] == "invalid_token"
    assert Delivery.objects.count() == 1


def test_an_offer_preselects_its_credential_through_issuer_state(base, learner_with_two) -> None:
    learner, first, _second = learner_with_two
    offer = delivery.create_offer(actor=learner, credential_public_id=first.public_id)
    grant = offer.offer_object()["grants"]["authorization_code"]
    wallet = Wallet(base)
    browser = browser_of(base, learner)
    url = wallet.authorization_url(issuer_state=grant["issuer_state"])
    page = browser.get(url, timeout=TIMEOUT).text
    assert f'value="{first.public_id}" checked' in page
    answer = decide(browser, url, **{"choice-OpenBadgeCredential": str(first.public_id)})
    token = wallet.fetch_token(answer.headers["Location"])
    assert _receive(base, token["access_token"], Holder()).status_code == 200
    assert Delivery.objects.get().offer_id == offer.offer.pk


def test_the_learner_may_deny(base, learner_with_two) -> None:
    learner, _first, _second = learner_with_two
    wallet = Wallet(base)
    url = wallet.authorization_url(state="s-123")
    answer = decide(browser_of(base, learner), url, decision="deny")
    assert answer.status_code == 302
    answered = query_of(answer.headers["Location"])
    assert answered["error"] == "access_denied" and answered["state"] == "s-123"
    assert not AuthorizationCode.objects.exists()


def test_a_learner_cannot_hand_out_someone_elses_credential(base, learner_with_two) -> None:
    learner, _first, _second = learner_with_two
    other = factories.make_user(email="other@learner.example")
    foreign = issuing.issue_credential(
        actor=None,
        organization=factories.make_organization("provider", name="Elsewhere"),
        achievement=make_achievement("Not yours"),
        recipient=other,
        recipient_identifier=other.email,
    )
    wallet = Wallet(base)
    answer = decide(browser_of(base, learner), wallet.authorization_url(), choice=str(foreign.public_id))
    assert answer.status_code == 400
    answer = decide(
        browser_of(base, learner), wallet.authorization_url(), **{"choice-OpenBadgeCredential": str(foreign.public_id)}
    )
    assert answer.status_code == 400 and "Choose one of your own credentials" in answer.text
    assert not AuthorizationCode.objects.exists()


def test_pkce_is_required_and_only_s256(base, learner_with_two) -> None:
    learner, first, _second = learner_with_two
    wallet = Wallet(base)
    browser = browser_of(base, learner)
    plain = wallet.authorization_url().replace("code_challenge_method=S256", "code_challenge_method=plain")
    answer = browser.get(plain, timeout=TIMEOUT, allow_redirects=False)
    assert answer.status_code == 302 and query_of(answer.headers["Location"])["error"] == "invalid_request"
    bare = (
        f"{wallet.authorization_endpoint}?response_type=code&client_id={wallet.client_id}"
        f"&redirect_uri={REDIRECT}&scope=OpenBadgeCredential"
    )
    answer = browser.get(bare, timeout=TIMEOUT, allow_redirects=False)
    assert answer.status_code == 302 and query_of(answer.headers["Location"])["error"] == "invalid_request"

    # a wrong verifier, then a replayed code: refused; the replay revokes what the code bought
    answer = decide(browser, wallet.authorization_url(), **{"choice-OpenBadgeCredential": str(first.public_id)})
    with pytest.raises(ClientOAuthError) as wrong:
        wallet.fetch_token(answer.headers["Location"], verifier="x" * 64)
    assert wrong.value.error == "invalid_grant"
    answer = decide(browser, wallet.authorization_url(), **{"choice-OpenBadgeCredential": str(first.public_id)})
    token = wallet.fetch_token(answer.headers["Location"])
    with pytest.raises(ClientOAuthError) as replay:
        wallet.fetch_token(answer.headers["Location"])
    assert replay.value.error == "invalid_grant"
    assert _receive(base, token["access_token"], Holder()).status_code == 401
    assert not Delivery.objects.exists()


def test_requests_that_cannot_be_sent_back_get_an_error_page(base, learner_with_two) -> None:
    learner, _first, _second = learner_with_two
    wallet = Wallet(base)
    browser = browser_of(base, learner)
    evil = wallet.authorization_url().replace("wallet.example", "evil.example")
    answer = browser.get(evil, timeout=TIMEOUT, allow_redirects=False)
    assert answer.status_code == 400 and "evil.example" not in answer.headers.get("Location", "")
    unknown = wallet.authorization_url().replace(wallet.client_id, "no-such-client")
    assert browser.get(unknown, timeout=TIMEOUT, allow_redirects=False).status_code == 400
    scope = wallet.authorization_url().replace("scope=OpenBadgeCredential", "scope=admin")
    answer = browser.get(scope, timeout=TIMEOUT, allow_redirects=False)
    assert answer.status_code == 302 and query_of(answer.headers["Location"])["error"] == "invalid_scope"
    anonymous = requests.get(wallet.authorization_url(), timeout=TIMEOUT, allow_redirects=False)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"redirect_uris": ["javascript:alert(1)"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["http://wallet.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://wallet.example/cb#x"]}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://wallet.example/cb"], "scope": "admin"}, "invalid_client_metadata"),
        ({"redirect_uris": ["https://wallet.example/cb"], "grant_types": ["password"]}, "invalid_client_metadata"),
    ],
)
def test_bad_registrations_are_refused(base, body, error) -> None:
    response = requests.post(f"{base}/oauth/register", json=body, timeout=TIMEOUT)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error
    assert not Client.objects.exists()


def test_malformed_registration_bodies(base) -> None:
    for data, content_type in (
        (b"{", "application/json"),
        (b"[]", "application/json"),
        (b"\xff", "application/json"),
        (b"redirect_uris=x", "application/x-www-form-urlencoded"),
        (b'{"a": "' + b"x" * 20_000 + b'"}', "application/json"),
    ):
        response = requests.post(
            f"{base}/oauth/register", data=data, headers={"Content-Type": content_type}, timeout=TIMEOUT
        )
        assert 400 <= response.status_code < 500, (data[:20], response.status_code)
        assert "error" in response.json()
    assert not Client.objects.exists()


def test_a_confidential_client_authenticates_at_the_token_endpoint(base, learner_with_two) -> None:
    learner, first, _second = learner_with_two
    wallet = Wallet(base, token_endpoint_auth_method="client_secret_basic")
    secret = wallet.registration["client_secret"]
    assert secret and secret not in Client.objects.get().client_secret_hash
    answer = decide(
        browser_of(base, learner), wallet.authorization_url(), **{"choice-OpenBadgeCredential": str(first.public_id)}
    )
    code = query_of(answer.headers["Location"])["code"]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": wallet.verifier,
    }
    wrong = requests.post(wallet.token_endpoint, data=data, auth=(wallet.client_id, "nope"), timeout=TIMEOUT)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    right = requests.post(wallet.token_endpoint, data=data, auth=(wallet.client_id, secret), timeout=TIMEOUT)
    assert right.status_code == 200, right.text
    assert right.headers["Cache-Control"] == "no-store"
