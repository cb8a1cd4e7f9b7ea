"""The VC-API and the JSON API over real HTTP, driven by ``requests`` (not Django's test client, which skips CSRF).

A live server runs in a thread; these clients are what the W3C test suites, wallets and scripts are: no session,
no CSRF cookie, a bearer token or nothing at all.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.test import Client

from microcred.accounts.services import create_api_token
from microcred.frameworks import services as framework_services
from microcred.issuing import identity
from microcred.issuing.models import IssuedCredential
from microcred.issuing.services import vc_api_test_issuer_did
from microcred.testing import factories
from microcred.vc.loader import CREDENTIALS_V2

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 30


def _credential(issuer: Any = None) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:learner"},
    }
    if issuer is not None:
        credential["issuer"] = issuer
    return credential


def _post(live_server: Any, path: str, body: Any, **kwargs: Any) -> requests.Response:
    return requests.post(f"{live_server.url}{path}", json=body, timeout=TIMEOUT, **kwargs)


def test_anonymous_issue_and_status_in_test_mode_over_http(live_server, settings) -> None:
    settings.VC_API_TEST_MODE = True
    response = _post(live_server, "/credentials/issue", {"credential": _credential(vc_api_test_issuer_did())})
    assert response.status_code == 201, response.text
    credential = response.json()["verifiableCredential"]
    assert credential["issuer"].startswith("did:key:")
    stored = IssuedCredential.objects.get()
    body = {"credentialId": stored.credential_id, "credentialStatus": [{"statusPurpose": "revocation"}]}
    response = _post(live_server, "/credentials/status", body)
    assert response.status_code == 200, response.text
    assert response.json()["revoked"] is True
    response = _post(live_server, "/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400 and response.json()["verified"] is False


def test_anonymous_issue_outside_test_mode_is_401_not_a_csrf_failure(live_server, settings) -> None:
    settings.VC_API_TEST_MODE = False
    response = _post(live_server, "/credentials/issue", {"credential": _credential()})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "not_authenticated"
    response = _post(live_server, "/credentials/issue", {"credential": _credential()}, headers={"Authorization": "x"})
    assert response.status_code == 401
    assert not IssuedCredential.objects.exists()


def test_bearer_token_clients_issue_over_http(live_server, provider) -> None:
    admin = factories.make_member(provider, "admin")
    secret = create_api_token(user=admin, name="script")[1]
    did = identity.organization_did(provider)
    headers = {"Authorization": f"Bearer {secret}"}
    response = _post(live_server, "/credentials/issue", {"credential": _credential(did)}, headers=headers)
    assert response.status_code == 201, response.text
    forged = {"Authorization": "Bearer mc_forged"}
    response = _post(live_server, "/credentials/issue", {"credential": _credential(did)}, headers=forged)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "not_authenticated"
    response = requests.get(f"{live_server.url}/api/v1/me", headers=forged, timeout=TIMEOUT)
    assert response.status_code == 401, response.text


def _session(user: Any) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def test_a_session_cookie_keeps_its_csrf_protection_over_http(live_server, provider) -> None:
    admin = factories.make_member(provider, "admin")
    session = _session(admin)
    did = identity.organization_did(provider)
    response = session.post(f"{live_server.url}/credentials/issue", json={"credential": _credential(did)}, timeout=30)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "csrf_failed"
    assert not IssuedCredential.objects.exists()
    page = session.get(f"{live_server.url}/accounts/login/", timeout=TIMEOUT)  # sets the CSRF cookie
    assert page.status_code in (200, 302)
    csrf = session.cookies.get("csrftoken")
    if csrf is None:  # a signed-in user is redirected; any page with a form sets the cookie
        session.get(f"{live_server.url}/", timeout=TIMEOUT)
        csrf = session.cookies.get("csrftoken")
    assert csrf
    response = session.post(
        f"{live_server.url}/credentials/issue",
        json={"credential": _credential(did)},
        headers={"X-CSRFToken": csrf},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text


def test_routes_declared_without_authentication_recognise_a_bearer_token(live_server, provider) -> None:
    admin = factories.make_member(provider, "admin")
    framework = framework_services.create_framework(actor=admin, organization=provider, title="Draft welding skills")
    secret = create_api_token(user=admin, name="script")[1]
    url = f"{live_server.url}/api/v1/frameworks"
    anonymous = requests.get(url, timeout=TIMEOUT)
    assert anonymous.status_code == 200
    assert framework.slug not in anonymous.text
    with_token = requests.get(url, headers={"Authorization": f"Bearer {secret}"}, timeout=TIMEOUT)
    assert with_token.status_code == 200
    assert framework.slug in with_token.text


def test_the_api_docs_get_their_own_content_security_policy(live_server) -> None:
    docs = requests.get(f"{live_server.url}/api/v1/docs", timeout=TIMEOUT)
    assert docs.status_code == 200
    policy = docs.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    page = requests.get(f"{live_server.url}/api/v1/frameworks", timeout=TIMEOUT)
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "presentation",
    [
        {"type": 7},
        {"type": True},
        {"type": 1.5},
        *({"type": "VerifiablePresentation", "proof": p} for p in ("x", 7, [7], [None])),
    ],
)
def test_malformed_presentations_are_json_400_over_http(live_server, settings, presentation) -> None:
    settings.DEBUG = False
    response = _post(live_server, "/presentations/verify", {"verifiablePresentation": presentation})
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "validation_failed"


def test_an_unexpected_error_is_a_json_500_not_an_html_page(live_server, settings, monkeypatch) -> None:
    from microcred.issuing import verification

    def broken(credential: Any) -> Any:
        raise RuntimeError("a bug")

    settings.DEBUG = False
    monkeypatch.setattr(verification, "verify_credential", broken)
    response = _post(live_server, "/credentials/verify", {"verifiableCredential": {"a": 1}})
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "internal_error" and "a bug" not in response.text


def _raw(live_server: Any, path: str, data: bytes, **headers: str) -> requests.Response:
    headers = {"Content-Type": "application/json", **headers}
    return requests.post(f"{live_server.url}{path}", data=data, headers=headers, timeout=TIMEOUT)


@pytest.mark.parametrize("path", ["/credentials/issue", "/credentials/verify", "/presentations/verify"])
def test_hostile_bodies_over_http_are_json_4xx_with_a_stable_code(live_server, settings, path) -> None:
    settings.VC_API_TEST_MODE = True
    settings.DEBUG = False
    cases = [
        (b'{"credential": {"x": "' + b"a" * (3 * 1024 * 1024) + b'"}}', 413, "body_too_large"),
        (b'{"verifiableCredential": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", 400, "too_deeply_nested"),
        (b'{"credential": ', 400, "malformed_json"),
        (b'{"credential": "\xff\xfe"}', 400, "invalid_encoding"),
        (b"[]", 400, "validation_failed"),
    ]
    for data, status, code in cases:
        response = _raw(live_server, path, data)
        assert response.status_code == status, (path, code, response.text[:300])
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["code"] == code
    assert not IssuedCredential.objects.exists()


def test_tampered_and_nested_credentials_over_http(live_server, settings) -> None:
    settings.VC_API_TEST_MODE = True
    body = {"credential": _credential(vc_api_test_issuer_did())}
    issued = _post(live_server, "/credentials/issue", body).json()["verifiableCredential"]
    tampered = {**issued, "credentialSubject": {"id": "did:example:mallory"}}
    response = _post(live_server, "/credentials/verify", {"verifiableCredential": tampered})
    assert response.status_code == 400 and response.json()["verified"] is False
    nested: Any = "x"
    for _level in range(80):
        nested = {"n": nested}
    response = _post(live_server, "/credentials/verify", {"verifiableCredential": {**issued, "deep": nested}})
    assert response.status_code == 400 and response.json()["verified"] is False
    assert ("parse", "too_deep") in [(e["code"], e["reason"]) for e in response.json()["errors"]]
    response = _post(live_server, "/credentials/issue", {"credential": {**body["credential"], "deep": nested}})
    assert response.status_code == 400, response.text
