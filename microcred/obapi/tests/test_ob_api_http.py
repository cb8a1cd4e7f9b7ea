"""The 1EdTech Open Badges 3.0 API over real HTTP, driven by Authlib's OAuth client (a library no one here wrote):
discovery, dynamic registration, the learner's consent, the four scopes each enforced, paging headers, the upsert of
a credential from elsewhere (kept only once it verifies), the profile; every body checked against the 1EdTech
JSON Schemas shipped in ``microcred/vc/schemas``."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.utils import timezone

from microcred.issuing import services as issuing
from microcred.oauth.models import Token
from microcred.oauth.tests.conftest import REDIRECT, TIMEOUT, browser_of, decide
from microcred.obapi import scopes
from microcred.testing import factories
from microcred.vc import schema
from microcred.wallet.models import ImportedCredential
from microcred.wallet.tests.conftest import jwt_elsewhere, make_achievement, signed_elsewhere

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMAS = Path(__file__).resolve().parents[2] / "vc" / "schemas"
ALL = [scopes.CREDENTIAL_READ, scopes.CREDENTIAL_UPSERT, scopes.PROFILE_READ, scopes.PROFILE_UPDATE]


def _schema(name: str) -> Any:
    schema = json.loads((SCHEMAS / name).read_text())
    return jsonschema.Draft201909Validator(schema)


def _check_page(body: dict[str, Any]) -> None:
    """The response against the 1EdTech schema; each credential against it as microcred's verifier reads it (VC 2.0's
    several ``credentialStatus`` entries, which the OB 3.0 schema has as one object: see ``vc/schema.py``)."""
    _schema("getopenbadgecredentialsresponse.schema.json").validate({**body, "credential": []})
    for credential in body.get("credential", []):
        assert schema.validate(credential) == []


def _status_info(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    _schema("imsx_statusinfo.schema.json").validate(body)
    assert body["imsx_codeMajor"] == "failure"
    return body


class Backpack:
    """Another platform connecting to a learner's microcred wallet through the Open Badges API."""

    def __init__(self, base: str, scope: list[str], discovery: str = "/ims/ob/v3p0/discovery") -> None:
        self.discovery = requests.get(f"{base}{discovery}", timeout=TIMEOUT).json()
        scheme = self.discovery["components"]["securitySchemes"]["OAuth2ACG"]
        flow = scheme["flows"]["authorizationCode"]
        registration = requests.post(
            scheme["x-imssf-registrationUrl"],
            json={
                "client_name": "Test Backpack",
                "client_uri": "https://backpack.example",
                "redirect_uris": [REDIRECT],
                "token_endpoint_auth_method": "client_secret_basic",
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "scope": " ".join(scope),
            },
            timeout=TIMEOUT,
        ).json()
        self.api = self.discovery["servers"][0]["url"]
        self.session = OAuth2Session(
            registration["client_id"],
            registration["client_secret"],
            redirect_uri=REDIRECT,
            scope=" ".join(scope),
            code_challenge_method="S256",
        )
        self.verifier = generate_token(64)
        self.authorize_url = flow["authorizationUrl"]
        self.token_url = flow["tokenUrl"]

    def connect(self, browser: requests.Session) -> None:
        url, _state = self.session.create_authorization_url(self.authorize_url, code_verifier=self.verifier)
        answer = decide(browser, url)
        assert answer.status_code == 302, answer.text[:300]
        self.session.fetch_token(
            self.token_url, authorization_response=answer.headers["Location"], code_verifier=self.verifier
        )


@pytest.fixture
def learner_with_credentials(db: None) -> Any:
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    for name in ("Welding safety", "Grid basics", "Lockout tagout"):
        issuing.issue_credential(
            actor=None,
            organization=provider,
            achievement=make_achievement(name),
            recipient=learner,
            recipient_identifier=learner.email,
        )
    return learner


def test_discovery_names_the_flow_and_the_four_scopes(base) -> None:
    document = requests.get(f"{base}/ims/ob/v3p0/discovery", timeout=TIMEOUT).json()
    assert document["openapi"].startswith("3.0")
    scheme = document["components"]["securitySchemes"]["OAuth2ACG"]
    assert set(scheme["flows"]["authorizationCode"]["scopes"]) == set(ALL)
    assert scheme["x-imssf-registrationUrl"] == f"{base}/oauth/register"
    assert document["info"]["x-imssf-privacyPolicyUrl"] and document["info"]["termsOfService"]


def test_a_backpack_reads_pages_of_credentials_and_pushes_one(base, learner_with_credentials) -> None:
    learner = learner_with_credentials
    backpack = Backpack(base, ALL)
    browser = browser_of(base, learner)
    consent = browser.get(
        backpack.session.create_authorization_url(backpack.authorize_url, code_verifier=backpack.verifier)[0],
        timeout=TIMEOUT,
    ).text
    assert "read every credential in your wallet" in consent and "change the name on your profile" in consent
    backpack.connect(browser)

    page = backpack.session.get(f"{backpack.api}/credentials", params={"limit": 2}, timeout=TIMEOUT)
    assert page.status_code == 200, page.text
    _check_page(page.json())
    assert page.headers["X-Total-Count"] == "3" and len(page.json()["credential"]) == 2
    assert 'rel="next"' in page.headers["Link"] and "offset=2" in page.headers["Link"]
    rest = backpack.session.get(f"{backpack.api}/credentials", params={"limit": 2, "offset": 2}, timeout=TIMEOUT)
    assert len(rest.json()["credential"]) == 1 and 'rel="prev"' in rest.headers["Link"]
    names = {
        c["credentialSubject"]["achievement"]["name"] for c in page.json()["credential"] + rest.json()["credential"]
    }
    assert names == {"Welding safety", "Grid basics", "Lockout tagout"}
    future = backpack.session.get(
        f"{backpack.api}/credentials", params={"since": "2999-01-01T00:00:00Z"}, timeout=TIMEOUT
    )
    assert future.headers["X-Total-Count"] == "0" and future.json() == {}

    elsewhere = signed_elsewhere()
    pushed = backpack.session.post(f"{backpack.api}/credentials", json=elsewhere, timeout=TIMEOUT)
    assert pushed.status_code == 201, pushed.text
    again = backpack.session.post(f"{backpack.api}/credentials", json=elsewhere, timeout=TIMEOUT)
    assert again.status_code == 200
    assert ImportedCredential.objects.filter(owner=learner, verified=True).count() == 1
    token = jwt_elsewhere()
    pushed = backpack.session.post(
        f"{backpack.api}/credentials", data=token, headers={"Content-Type": "text/plain"}, timeout=TIMEOUT
    )
    assert pushed.status_code == 201 and pushed.text == token
    everything = backpack.session.get(f"{backpack.api}/credentials", params={"limit": 100}, timeout=TIMEOUT).json()
    _check_page(everything)
    assert len(everything["credential"]) == 4 and everything["compactJwsString"] == [token]

    tampered = copy.deepcopy(signed_elsewhere())
    tampered["credentialSubject"]["achievement"]["name"] = "Brain surgery"
    refused = backpack.session.post(f"{backpack.api}/credentials", json=tampered, timeout=TIMEOUT)
    _status_info(refused, 400)
    assert ImportedCredential.objects.filter(owner=learner).count() == 2

    profile = backpack.session.get(f"{backpack.api}/profile", timeout=TIMEOUT)
    assert profile.status_code == 200
    _schema("profile.schema.json").validate(profile.json())
    assert profile.json()["name"] == "Maya Singh" and profile.json()["id"].startswith("urn:uuid:")
    changed = backpack.session.put(
        f"{backpack.api}/profile", json={**profile.json(), "name": "Maya S."}, timeout=TIMEOUT
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Maya S."
    learner.refresh_from_db()
    assert learner.display_name == "Maya S."
    _status_info(backpack.session.put(f"{backpack.api}/profile", json={"name": ""}, timeout=TIMEOUT), 400)
    email = {**profile.json(), "email": "someone@else.example"}
    _status_info(backpack.session.put(f"{backpack.api}/profile", json=email, timeout=TIMEOUT), 400)


ENDPOINTS = [
    ("get", "/credentials", scopes.CREDENTIAL_READ),
    ("post", "/credentials", scopes.CREDENTIAL_UPSERT),
    ("get", "/profile", scopes.PROFILE_READ),
    ("put", "/profile", scopes.PROFILE_UPDATE),
]


def test_each_endpoint_enforces_its_scope(base, learner_with_credentials) -> None:
    """The matrix: a token of each scope against each endpoint; only the endpoint's own scope opens it (a request
    that gets past the scope check may still be a 400 for its body, never a 401/403)."""
    for scope in ALL:
        client = Backpack(base, [scope])
        client.connect(browser_of(base, learner_with_credentials))
        for method, path, needed in ENDPOINTS:
            response = client.session.request(method, f"{client.api}{path}", json={"name": "Maya"}, timeout=TIMEOUT)
            if scope == needed:
                assert response.status_code not in (401, 403), (scope, method, path, response.text)
            else:
                _status_info(response, 403)
                assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"], (scope, method, path)
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = requests.get(f"{client.api}/credentials", headers=headers, timeout=TIMEOUT)
        _status_info(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(base, learner_with_credentials) -> None:
    client = Backpack(base, [scopes.CREDENTIAL_READ])
    client.connect(browser_of(base, learner_with_credentials))
    assert client.session.get(f"{client.api}/credentials", timeout=TIMEOUT).status_code == 200
    Token.objects.update(issued_at=timezone.now() - timedelta(hours=2))
    _status_info(client.session.get(f"{client.api}/credentials", timeout=TIMEOUT), 401)
    Token.objects.update(issued_at=timezone.now(), revoked_at=timezone.now())
    _status_info(client.session.get(f"{client.api}/credentials", timeout=TIMEOUT), 401)


def test_bad_requests_get_status_info_bodies(base, learner_with_credentials) -> None:
    backpack = Backpack(base, ALL)
    backpack.connect(browser_of(base, learner_with_credentials))
    api = backpack.api
    for params in ({"limit": "0"}, {"limit": "101"}, {"limit": "²"}, {"offset": "-1"}, {"since": "yesterday"}):
        _status_info(backpack.session.get(f"{api}/credentials", params=params, timeout=TIMEOUT), 400)
    cases = [
        (b"", "application/json", 400),
        (b"{", "application/json", 400),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400),
        (b'{"a": 1}', "application/xml", 415),
        (b"x" * (3 * 1024 * 1024), "application/json", 413),
        (json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"]}).encode(), "application/json", 400),
    ]
    for data, content_type, status in cases:
        response = backpack.session.post(
            f"{api}/credentials", data=data, headers={"Content-Type": content_type}, timeout=TIMEOUT
        )
        _status_info(response, status)
    for data in (b"{", b"[]", b"\xff"):
        response = backpack.session.put(
            f"{api}/profile", data=data, headers={"Content-Type": "application/json"}, timeout=TIMEOUT
        )
        _status_info(response, 400)
    assert not ImportedCredential.objects.exists()


CLR_ALL = [scopes.CLR.scope(name) for name in ("credential.readonly", "credential.upsert", "profile.readonly")]


def test_a_learner_record_system_reads_the_signed_clr(base, platform, learner_with_credentials) -> None:
    document = requests.get(f"{base}/ims/clr/v2p0/discovery", timeout=TIMEOUT).json()
    assert document["servers"][0]["url"] == f"{base}/ims/clr/v2p0"
    flows = document["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
    assert set(flows["scopes"]) == {
        scopes.CLR.scope(n) for n in ("credential.readonly", "credential.upsert", "profile.readonly", "profile.update")
    }

    records = Backpack(base, CLR_ALL, discovery="/ims/clr/v2p0/discovery")
    records.connect(browser_of(base, learner_with_credentials))
    answer = records.session.get(f"{records.api}/credentials", timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Total-Count"] == "1"
    (clr,) = answer.json()["clrCredential"]
    assert "ClrCredential" in clr["type"] and len(clr["credentialSubject"]["verifiableCredential"]) == 3
    assert schema.validate(clr) == []
    checked = requests.post(f"{base}/api/v1/verify", json={"credential": clr}, timeout=TIMEOUT)
    assert checked.status_code == 200 and checked.json()["verified"] is True, checked.text[:500]
    # an Open Badge is not a learner record, and the OB API's token does not open the CLR API
    refused = records.session.post(f"{records.api}/credentials", json=signed_elsewhere(), timeout=TIMEOUT)
    _status_info(refused, 400)
    ob = Backpack(base, [scopes.CREDENTIAL_READ])
    ob.connect(browser_of(base, learner_with_credentials))
    _status_info(ob.session.get(f"{records.api}/credentials", timeout=TIMEOUT), 403)
