"""Employers ask wallets: presentation requests (who may make them), the VC-API QueryByExample exchange and the
OpenID4VP 1.0 request by reference, what a wallet presents and the report the employer reads; hostile answers are
refused with a stable code and nothing is recorded."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from microcred.accounts.models import Role
from microcred.delivery import exchanges, oid4vp, presentations
from microcred.delivery.models import Exchange, ExchangeKind, PresentationResponse, Protocol
from microcred.delivery.tests.test_exchanges import post
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.issuing import services as issuing
from microcred.testing import factories
from microcred.vc import data_integrity
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V2

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_org():
    return factories.make_organization("employer", name="Northwind Hiring")


@pytest.fixture
def recruiter(employer_org):
    return factories.make_member(employer_org, Role.VERIFIER)


@pytest.fixture
def holder_key() -> Ed25519KeyPair:
    return Ed25519KeyPair.generate()


@pytest.fixture
def held_copy(issued, holder_key) -> dict[str, Any]:
    """The learner's copy bound to their wallet's DID (as a VC-API exchange delivers it)."""
    _id, document, _jwt = issuing.sign_holder_copy(
        actor=None, credential=issued, holder_id=holder_key.did_key, proof_format="eddsa-rdfc-2022"
    )
    return document


def presentation_of(key: Ed25519KeyPair, credentials: list, *, challenge: str, domain: str) -> dict[str, Any]:
    unsigned = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": key.did_key,
        "verifiableCredential": credentials,
    }
    return data_integrity.sign(
        unsigned,
        key,
        verification_method=key.did_key_verification_method,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


def test_only_the_employers_verifiers_and_admins_make_requests(employer_org, recruiter, issued) -> None:
    made = presentations.create_request(actor=recruiter, organization=employer_org, purpose="Data analyst")
    assert made.organization == employer_org
    for outsider in (factories.make_user(), factories.make_member(employer_org, Role.ASSESSOR)):
        with pytest.raises(PermissionDenied):
            presentations.create_request(actor=outsider, organization=employer_org, purpose="x")
        with pytest.raises(PermissionDenied):
            presentations.start_exchange(actor=outsider, request=made, kind=ExchangeKind.PRESENTATION)
    with pytest.raises(ValidationFailed):
        presentations.create_request(actor=recruiter, organization=employer_org, purpose="")
    with pytest.raises(ValidationFailed):
        presentations.create_request(actor=recruiter, organization=employer_org, purpose="x", issuer_id="not a uri")


def test_the_vc_api_request_asks_by_example_and_records_the_report(
    employer_org, recruiter, issued, held_copy, holder_key
) -> None:
    achievement = issued.document["credentialSubject"]["achievement"]["id"]
    request = presentations.create_request(
        actor=recruiter, organization=employer_org, purpose="Data analyst", achievement_id=achievement
    )
    exchange = presentations.start_exchange(actor=recruiter, request=request, kind=ExchangeKind.PRESENTATION)
    path = urlsplit(exchanges.exchange_url(exchange)).path
    assert path.startswith("/workflows/presentation-request/exchanges/")
    vpr = post(Client(), path, {}).json()["verifiablePresentationRequest"]
    qbe, did_auth = vpr["query"]
    assert qbe["type"] == "QueryByExample" and did_auth["type"] == "DIDAuthentication"
    example = qbe["credentialQuery"][0]["example"]
    assert example == {"type": "OpenBadgeCredential", "credentialSubject": {"achievement": {"id": achievement}}}

    # a presentation with no credential is refused, nothing recorded
    empty = presentation_of(holder_key, [], challenge=vpr["challenge"], domain=vpr["domain"])
    del empty["verifiableCredential"]
    refused = post(Client(), path, {"verifiablePresentation": empty})
    assert (refused.status_code, refused.json()["code"]) == (400, "credentials_missing")
    # the bare (deep-link) form is for deliveries only
    bare = post(Client(), path, presentation_of(holder_key, [held_copy], challenge=vpr["challenge"], domain="x"))
    assert bare.json()["code"] == "invalid_request"
    assert not PresentationResponse.objects.exists()

    signed = presentation_of(holder_key, [held_copy], challenge=vpr["challenge"], domain=vpr["domain"])
    answer = post(Client(), path, {"verifiablePresentation": signed})
    assert answer.status_code == 200 and answer.json() == {}
    response = PresentationResponse.objects.get()
    assert response.protocol == Protocol.VC_API and response.holder_id == holder_key.did_key and response.all_valid
    [item] = response.report["credentials"]
    assert item["issuer_registered"] and item["holder_bound"] and item["matches_request"]
    assert item["status"] == "pass" and item["signature"] == "pass" and item["achievement_name"]
    assert post(Client(), path, {"verifiablePresentation": signed}).json()["code"] == "exchange_used"


def test_someone_elses_credential_is_reported_not_bound(employer_org, recruiter, held_copy) -> None:
    """A wallet may present a credential whose subject is another DID: the presentation verifies, the report says
    the holder is not the subject, and the request is not met."""
    request = presentations.create_request(actor=recruiter, organization=employer_org, purpose="Data analyst")
    exchange = presentations.start_exchange(actor=recruiter, request=request, kind=ExchangeKind.PRESENTATION)
    thief = Ed25519KeyPair.generate()
    signed = presentation_of(thief, [held_copy], challenge=exchanges.token_of(exchange), domain=exchanges.domain())
    answer = post(Client(), urlsplit(exchanges.exchange_url(exchange)).path, {"verifiablePresentation": signed})
    assert answer.status_code == 200
    response = PresentationResponse.objects.get()
    assert not response.all_valid and response.report["credentials"][0]["holder_bound"] is False


def test_a_revoked_credential_is_reported_revoked(employer_org, recruiter, issued, held_copy, holder_key) -> None:
    request = presentations.create_request(actor=recruiter, organization=employer_org, purpose="Data analyst")
    exchange = presentations.start_exchange(actor=recruiter, request=request, kind=ExchangeKind.PRESENTATION)
    issuing.revoke_credential(actor=None, credential=issued, reason="Awarded in error")
    signed = presentation_of(holder_key, [held_copy], challenge=exchanges.token_of(exchange), domain=exchanges.domain())
    post(Client(), urlsplit(exchanges.exchange_url(exchange)).path, {"verifiablePresentation": signed})
    response = PresentationResponse.objects.get()
    assert not response.all_valid and response.report["credentials"][0]["status"] == "fail"


def _request_object(client: Client, link: str) -> dict[str, Any]:
    params = {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}
    fetched = client.get(urlsplit(params["request_uri"]).path)
    assert fetched.status_code == 200 and fetched["Content-Type"] == "application/oauth-authz-req+jwt"
    header, payload, signature = fetched.content.decode().split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "none", "typ": "oauth-authz-req+jwt"}
    assert signature == ""
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["client_id"] == params["client_id"]
    return claims


def test_openid4vp_request_by_reference_and_direct_post(employer_org, recruiter, issued, held_copy, holder_key) -> None:
    achievement = issued.document["credentialSubject"]["achievement"]["id"]
    request = presentations.create_request(
        actor=recruiter, organization=employer_org, purpose="Data analyst", achievement_id=achievement
    )
    exchange = presentations.start_exchange(actor=recruiter, request=request, kind=ExchangeKind.OID4VP)
    client = Client()
    claims = _request_object(client, oid4vp.authorization_link(exchange))
    assert claims["client_id"] == "redirect_uri:" + claims["response_uri"]
    assert claims["response_type"] == "vp_token" and claims["response_mode"] == "direct_post"
    [query] = claims["dcql_query"]["credentials"]
    assert query["format"] == "ldp_vc" and query["claims"][0]["values"] == [achievement]
    response_path = urlsplit(claims["response_uri"]).path
    # the VC-API endpoint does not serve OpenID4VP exchanges
    assert post(client, f"/exchanges/{claims['nonce']}", {}).status_code == 404

    def form(data: dict[str, str]) -> Any:
        return client.post(response_path, urlencode(data), content_type="application/x-www-form-urlencoded")

    def answer(presentation: Any) -> Any:
        return form({"vp_token": json.dumps({"open_badge": [presentation]})})

    wrong_domain = presentation_of(holder_key, [held_copy], challenge=claims["nonce"], domain="redirect_uri:x")
    wrong_nonce = presentation_of(holder_key, [held_copy], challenge="nonce", domain=claims["client_id"])
    for bad, why in ((wrong_domain, "domain_mismatch"), (wrong_nonce, "challenge_mismatch"), ("eyJ.jwt.vp", "ldp_vp")):
        refused = answer(bad)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_request", refused.json()
        assert why in refused.json()["error_description"]
    for data, why in (
        ({"vp_token": "{}", "state": "ignored"}, "credential query"),
        ({"vp_token": "[" * 5000, "state": "ignored"}, "not a JSON object"),
        ({"state": "ignored"}, "vp_token is required"),
    ):
        refused = form(data)
        assert refused.status_code == 400 and why in refused.json()["error_description"], refused.json()
    multipart = client.post(response_path, {"vp_token": "{}", "state": "ignored"})
    assert multipart.status_code == 400 and "urlencoded" in multipart.json()["error_description"]
    assert not PresentationResponse.objects.exists()

    good = presentation_of(holder_key, [held_copy], challenge=claims["nonce"], domain=claims["client_id"])
    accepted = answer(good)
    assert accepted.status_code == 200, accepted.json()
    response = PresentationResponse.objects.get()
    assert response.protocol == Protocol.OID4VP and response.all_valid
    assert answer(good).status_code == 410
    assert client.get(urlsplit(claims["response_uri"]).path.replace("responses", "requests")).status_code == 410


def test_pages_are_for_the_employers_members(client, employer_org, recruiter) -> None:
    url = f"/employers/{employer_org.slug}/presentation-requests/"
    client.force_login(factories.make_user())
    assert client.get(url).status_code == 403
    client.force_login(recruiter)
    assert client.get(url).status_code == 200
    invalid = client.post(url, {"purpose": ""})
    assert invalid.status_code == 400
    created = client.post(url, {"purpose": "Data analyst"})
    assert created.status_code == 302
    shown = client.post(created["Location"], {"kind": "presentation"})
    page = client.get(shown["Location"])
    assert page.status_code == 200 and "dccrequest://request?request=" in page.content.decode()
    assert Exchange.objects.filter(kind=ExchangeKind.PRESENTATION).count() == 1
    assert client.post(created["Location"], {"kind": "bogus"}).status_code == 400
