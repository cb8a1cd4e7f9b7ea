"""A wallet built on Authlib's OAuth 2.0 client (a library no one here wrote) and a learner's browser session, both
over real HTTP against a live server."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client

from microcred.accounts.models import User

TIMEOUT = 30
REDIRECT = "https://wallet.example/callback"
SCOPE = "OpenBadgeCredential"


def register(base: str, **metadata: Any) -> dict[str, Any]:
    body = {
        "client_name": "Test Wallet",
        "client_uri": "https://wallet.example",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": SCOPE,
        **metadata,
    }
    response = requests.post(f"{base}/oauth/register", json=body, timeout=TIMEOUT)
    assert response.status_code == 201, response.text
    return response.json()


def browser_of(base: str, user: User) -> requests.Session:
    """The learner's browser: signed in (a session cookie), no JavaScript."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the consent page has a CSRF token"
    return found.group(1)


def decide(browser: requests.Session, url: str, decision: str = "allow", **choices: str) -> requests.Response:
    """Open the consent page at ``url`` and post the decision; returns the redirect back to the wallet."""
    page = browser.get(url, timeout=TIMEOUT, allow_redirects=False)
    assert page.status_code == 200, page.text[:500]
    data = {"csrfmiddlewaretoken": csrf_of(page.text), "decision": decision, **choices}
    return browser.post(url, data=data, timeout=TIMEOUT, allow_redirects=False, headers={"Referer": url})


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


class Wallet:
    """A public OAuth client (PKCE S256) registered by RFC 7591, as a wallet app would be."""

    def __init__(self, base: str, **metadata: Any) -> None:
        self.base = base
        self.registration = register(base, **metadata)
        self.client_id = self.registration["client_id"]
        as_metadata = requests.get(f"{base}/.well-known/oauth-authorization-server", timeout=TIMEOUT).json()
        self.authorization_endpoint = as_metadata["authorization_endpoint"]
        self.token_endpoint = as_metadata["token_endpoint"]
        self.revocation_endpoint = as_metadata["revocation_endpoint"]
        self.session = OAuth2Session(
            self.client_id,
            redirect_uri=REDIRECT,
            scope=SCOPE,
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
        )
        self.verifier = generate_token(64)

    def authorization_url(self, **extra: str) -> str:
        url, _state = self.session.create_authorization_url(
            self.authorization_endpoint, code_verifier=self.verifier, **extra
        )
        return url

    def fetch_token(self, location: str, verifier: str | None = None) -> dict[str, Any]:
        return self.session.fetch_token(
            self.token_endpoint, authorization_response=location, code_verifier=verifier or self.verifier
        )


@pytest.fixture
def base(live_server: Any, settings: Any) -> str:
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server.url
