"""F3 of issue 21: brute-force limits. Guessing a password, a share link's password or an API token is refused
with 429 and ``Retry-After`` once over the limit, even when the right one finally comes; the window ends by
itself, and someone guessing from another address never locks the account's owner out."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from microcred.accounts import services, throttling
from microcred.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def _later(monkeypatch, seconds: int) -> None:
    now = time.time()
    monkeypatch.setattr(throttling.time, "time", lambda: now + seconds)


def test_forty_wrong_passwords_then_the_right_one_is_refused_until_the_window_ends(monkeypatch) -> None:
    user = make_user(email="lena@example.org")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_login(attacker, user.email, f"guess-{n}").status_code for n in range(40)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    refused = _login(attacker, user.email, PASSWORD)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    # the owner, from their own address, is not locked out
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(owner, user.email, PASSWORD).status_code == 302
    # and the attacker's window ends by itself
    _later(monkeypatch, 901)
    assert _login(attacker, user.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_held_back_too(settings) -> None:
    settings.MICROCRED_THROTTLES = {"login.address": "3/900"}
    client = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [_login(client, f"person{n}@example.org", "wrong-guess").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_429_page_speaks_french() -> None:
    make_user(email="lena@example.org")
    client = Client(REMOTE_ADDR="203.0.113.11", headers={"accept-language": "fr"})
    for _ in range(5):
        _login(client, "lena@example.org", "wrong-guess")
    page = _login(client, "lena@example.org", "wrong-guess")
    assert page.status_code == 429 and page["Content-Language"] == "fr"
    assert "Trop de tentatives" in page.content.decode()


def test_password_reset_requests_are_limited(mailoutbox) -> None:
    make_user(email="lena@example.org")
    client = Client(REMOTE_ADDR="203.0.113.12")
    statuses = [client.post("/accounts/password-reset/", {"email": "lena@example.org"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mailoutbox) == 3


def test_sign_up_is_limited_per_address(settings, api_as) -> None:
    settings.MICROCRED_THROTTLES = {"sign_up.address": "2/3600"}
    body = {"password": "a-long-enough-secret", "display_name": "A"}
    statuses = [api_as().post("accounts", body | {"email": f"a{n}@example.org"}).status_code for n in range(3)]
    assert statuses == [202, 202, 429]
    refused = api_as().post("accounts", body | {"email": "z@example.org"})
    assert refused.json_body["code"] == "too_many_attempts" and int(refused["Retry-After"]) > 0


def test_guessing_api_tokens_is_refused_with_json_and_retry_after(settings) -> None:
    settings.MICROCRED_THROTTLES = {"token.address": "3/300"}
    user = make_user()
    _token, secret = services.create_api_token(user=user, name="ci")
    guesser = Client(REMOTE_ADDR="203.0.113.13")
    statuses = [
        guesser.get("/api/v1/me", headers={"authorization": f"Bearer mc_guess{n}"}).status_code for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    refused = guesser.get("/api/v1/me", headers={"authorization": f"Bearer {secret}"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "too_many_attempts"
    owner = Client(REMOTE_ADDR="198.51.100.8")
    assert owner.get("/api/v1/me", headers={"authorization": f"Bearer {secret}"}).status_code == 200


def test_the_public_verify_api_is_limited_per_address(settings) -> None:
    settings.MICROCRED_THROTTLES = {"verify.address": "3/60"}
    client = Client(REMOTE_ADDR="203.0.113.14")
    statuses = [
        client.post("/api/v1/verify", data=b'{"credential": "x"}', content_type="application/json").status_code
        for _ in range(4)
    ]
    assert all(status < 429 for status in statuses[:3]) and statuses[3] == 429
    other = Client(REMOTE_ADDR="203.0.113.15")
    assert other.post("/api/v1/verify", data=b"{}", content_type="application/json").status_code != 429


@pytest.mark.parametrize(
    ("path", "scope", "body"),
    [
        ("/credentials/verify", "vc_verify.address", b'{"verifiableCredential": {}}'),
        ("/presentations/verify", "vc_verify.address", b'{"verifiablePresentation": {}}'),
        ("/oid4vci/nonce", "oid4vci.address", b""),
        ("/oid4vci/token", "oid4vci.address", b"grant_type=x"),
    ],
)
def test_the_other_anonymous_endpoints_are_limited_per_address(settings, path, scope, body) -> None:
    settings.MICROCRED_THROTTLES = {scope: "2/60"}
    client = Client(REMOTE_ADDR="203.0.113.20")
    kind = "application/x-www-form-urlencoded" if "token" in path else "application/json"
    statuses = [client.post(path, data=body, content_type=kind) for _ in range(3)]
    assert all(response.status_code < 429 for response in statuses[:2]), [r.status_code for r in statuses]
    refused = statuses[2]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert json.loads(refused.content)["code"] == "too_many_attempts"
    other = Client(REMOTE_ADDR="203.0.113.21")
    assert other.post(path, data=body, content_type=kind).status_code != 429


def test_the_client_address_behind_trusted_proxies_cannot_be_chosen_by_the_client(settings, rf) -> None:
    settings.MICROCRED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.20")
    assert throttling.client_address(request) == "203.0.113.20"
    settings.MICROCRED_PROXY_COUNT = 0
    assert throttling.client_address(request) == "10.0.0.2"


def test_counts_are_one_row_per_window_and_ended_windows_are_swept(monkeypatch) -> None:
    from microcred.accounts.models import ThrottleWindow

    keys = [("verify.address", "203.0.113.20")]
    for _ in range(3):
        throttling.attempt(None, keys)
    (window,) = ThrottleWindow.objects.all()
    assert window.count == 3 and window.ends_at > time.time()
    assert "203.0.113.20" not in window.key  # addresses are kept as digests
    _later(monkeypatch, 3600)
    monkeypatch.setattr(throttling, "_SWEEP_EVERY", 1)
    throttling.attempt(None, keys)  # a new window; the one that ended is deleted on the way
    assert list(ThrottleWindow.objects.values_list("count", flat=True)) == [1]
    throttling.forget(keys)
    assert not ThrottleWindow.objects.exists()
