"""VC-API exchanges with DID authentication: the learner starts one, a wallet runs it (the VC-API form and the
Learner Credential Wallet's deep-link form), and hostile input is refused with a stable code, nothing issued or
recorded. Holders sign with microcred's own ``vc`` core here; ``test_node_holder.py`` runs a Digital Bazaar holder."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from microcred.audit.models import AuditEntry
from microcred.delivery import exchanges
from microcred.delivery.models import Delivery, Exchange, Protocol
from microcred.issuing import services as issuing
from microcred.issuing.verification import verify_credential
from microcred.vc import data_integrity
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V1, CREDENTIALS_V2

pytestmark = pytest.mark.django_db

ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def did_auth(key: Ed25519KeyPair, *, challenge: str, domain: str | None, holder: str | None = None) -> dict:
    presentation = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": holder or key.did_key}
    return data_integrity.sign(
        presentation,
        key,
        verification_method=key.did_key_verification_method,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def exchange(issued, learner_user) -> Exchange:
    return exchanges.create_delivery_exchange(actor=learner_user, credential_public_id=issued.public_id)


def _path(exchange: Exchange) -> str:
    return urlsplit(exchanges.exchange_url(exchange)).path


def _nothing_delivered() -> None:
    assert Delivery.objects.count() == 0
    assert not AuditEntry.objects.filter(action="delivery.deliver").exists()


def test_the_vc_api_exchange_delivers_a_copy_bound_to_the_authenticated_did(exchange, issued) -> None:
    client = Client()
    first = post(client, _path(exchange), {})
    assert first.status_code == 200
    request = first.json()["verifiablePresentationRequest"]
    [query] = request["query"]
    assert query["type"] == "DIDAuthentication" and query["acceptedMethods"] == [{"method": "key"}]
    assert {"cryptosuite": "eddsa-rdfc-2022"} in query["acceptedCryptosuites"]
    assert request["challenge"] == exchanges.token_of(exchange) and request["domain"] == exchanges.domain()
    assert request["interact"]["service"][0]["serviceEndpoint"] == exchanges.exchange_url(exchange)

    key = Ed25519KeyPair.generate()
    signed = did_auth(key, challenge=request["challenge"], domain=request["domain"])
    answer = post(client, _path(exchange), {"verifiablePresentation": signed})
    assert answer.status_code == 200, answer.json()
    [copy] = answer.json()["verifiablePresentation"]["verifiableCredential"]
    assert copy["credentialSubject"]["id"] == key.did_key
    assert copy["credentialStatus"] == issued.document["credentialStatus"]
    assert verify_credential(copy).valid
    delivery = Delivery.objects.get()
    assert delivery.protocol == Protocol.VC_API and delivery.holder_id == key.did_key and delivery.exchange == exchange
    assert AuditEntry.objects.filter(action="delivery.deliver").count() == 1
    # single use
    again = post(client, _path(exchange), {"verifiablePresentation": signed})
    assert again.status_code == 410 and again.json()["code"] == "exchange_used"
    assert post(client, _path(exchange), {}).json()["code"] == "exchange_used"
    assert Delivery.objects.count() == 1


def test_the_learner_credential_wallet_deep_link_flow(exchange) -> None:
    """What LCW does with ``dccrequest://request?…``: POST the bare DID-auth presentation (the link's challenge, no
    domain) to vc_request_url, and read the answer as a presentation."""
    links = exchanges.wallet_links(exchange)
    params = {name: values[0] for name, values in parse_qs(urlsplit(links.deep_link).query).items()}
    assert links.deep_link.startswith("dccrequest://request?") and links.web_link.startswith("https://lcw.app/")
    assert params["auth_type"] == "bearer" and params["vc_request_url"] == exchanges.exchange_url(exchange)
    assert params["challenge"] == exchanges.token_of(exchange) and params["issuer"]
    key = Ed25519KeyPair.generate()
    answer = post(
        Client(), urlsplit(params["vc_request_url"]).path, did_auth(key, challenge=params["challenge"], domain=None)
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert "VerifiablePresentation" in body["type"]
    assert body["verifiableCredential"][0]["credentialSubject"]["id"] == key.did_key


def test_the_short_exchange_url_is_the_same_exchange(exchange) -> None:
    token = exchanges.token_of(exchange)
    assert post(Client(), f"/exchanges/{token}", {}).status_code == 200
    wrong_workflow = post(Client(), f"/workflows/presentation-request/exchanges/{token}", {})
    assert wrong_workflow.status_code == 404 and wrong_workflow.json()["code"] == "exchange_not_found"


def test_a_legacy_ed25519_signature_2020_presentation_is_verified(exchange) -> None:
    """The Learner Credential Wallet signs with Ed25519Signature2020 (VC 1.1 context): verified, never made here.
    Made by the Digital Bazaar libraries in test_node_holder.py; here a VC 1.1 DataIntegrityProof stands in."""
    key = Ed25519KeyPair.generate()
    presentation = {"@context": [CREDENTIALS_V1], "type": ["VerifiablePresentation"], "holder": key.did_key}
    signed = data_integrity.sign(
        presentation,
        key,
        verification_method=key.did_key_verification_method,
        proof_purpose="authentication",
        challenge=exchanges.token_of(exchange),
        domain=exchanges.domain(),
    )
    answer = post(Client(), _path(exchange), {"verifiablePresentation": signed})
    assert answer.status_code == 200, answer.json()


def _hostile(exchange: Exchange) -> list[tuple[str, Any, str]]:
    token, domain = exchanges.token_of(exchange), exchanges.domain()
    key, other = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    unsigned = {"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": key.did_key}
    assertion = data_integrity.sign(unsigned, key, verification_method=key.did_key_verification_method)
    tampered = did_auth(key, challenge=token, domain=domain)
    tampered["holder"] = other.did_key
    return [
        ("wrong challenge", did_auth(key, challenge="not-the-challenge", domain=domain), "challenge_mismatch"),
        ("wrong domain", did_auth(key, challenge=token, domain="evil.example"), "domain_mismatch"),
        ("no domain", did_auth(key, challenge=token, domain=None), "domain_missing"),
        ("no proof", unsigned, "proof_missing"),
        ("assertion proof", assertion, "proof_purpose_mismatch"),
        ("another key", did_auth(other, challenge=token, domain=domain, holder=key.did_key), "holder_mismatch"),
        ("holder changed", tampered, "holder_mismatch"),
        (
            "not a presentation",
            {**did_auth(key, challenge=token, domain=domain), "type": ["Thing"]},
            "not_presentation",
        ),
        ("string", "a presentation", "not_object"),
    ]


@pytest.mark.parametrize("case", range(9))
def test_hostile_presentations_are_refused_and_nothing_is_issued(exchange, case) -> None:
    name, presented, code = _hostile(exchange)[case]
    answer = post(Client(), _path(exchange), {"verifiablePresentation": presented})
    assert answer.status_code == 400, name
    assert answer.json()["code"] == code, (name, answer.json())
    _nothing_delivered()
    assert Exchange.objects.get(pk=exchange.pk).used_at is None


def test_a_changed_signature_is_refused(exchange) -> None:
    key = Ed25519KeyPair.generate()
    signed = did_auth(key, challenge=exchanges.token_of(exchange), domain=exchanges.domain())
    signed["proof"][0]["created"] = "2020-01-01T00:00:00Z"
    answer = post(Client(), _path(exchange), {"verifiablePresentation": signed})
    assert answer.status_code == 400 and answer.json()["code"] == "signature_invalid"
    _nothing_delivered()


def test_bad_bodies_are_refused(exchange) -> None:
    client, path = Client(), _path(exchange)
    nested: Any = {}
    for _ in range(40):
        nested = {"a": nested}
    cases = [
        (client.post(path, "{not json", content_type="application/json"), 400, "malformed_json"),
        (client.post(path, json.dumps({"verifiablePresentation": nested}), content_type="application/json"), 400,
         "too_deep"),
        (client.post(path, "[" * 100000 + "]" * 100000, content_type="application/json"), 400, "too_deep"),
        (client.post(path, json.dumps({"x": "a" * 600_000}), content_type="application/json"), 413, "body_too_large"),
        (client.post(path, "a=b", content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type"),
        (post(client, path, {"something": 1}), 400, "invalid_request"),
        (post(client, path, []), 400, "invalid_request"),
    ]  # fmt: skip
    for response, status, code in cases:
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert client.get(path).status_code == 405
    _nothing_delivered()


def test_unknown_and_expired_exchanges(exchange) -> None:
    client = Client()
    assert post(client, "/workflows/credential-delivery/exchanges/nope", {}).json()["code"] == "exchange_not_found"
    Exchange.objects.filter(pk=exchange.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    key = Ed25519KeyPair.generate()
    signed = did_auth(key, challenge=exchanges.token_of(exchange), domain=exchanges.domain())
    answer = post(client, _path(exchange), {"verifiablePresentation": signed})
    assert answer.status_code == 410 and answer.json()["code"] == "exchange_expired"
    _nothing_delivered()


def test_a_revoked_credential_is_not_delivered(exchange, issued) -> None:
    issuing.revoke_credential(actor=None, credential=issued, reason="Awarded in error")
    key = Ed25519KeyPair.generate()
    signed = did_auth(key, challenge=exchanges.token_of(exchange), domain=exchanges.domain())
    answer = post(Client(), _path(exchange), {"verifiablePresentation": signed})
    assert answer.status_code == 410 and answer.json()["code"] == "credential_not_valid"
    _nothing_delivered()


def test_only_the_learner_starts_an_exchange_of_their_credential(client, issued, learner_user) -> None:
    from microcred.testing import factories

    other = factories.make_user()
    client.force_login(other)
    response = client.post(f"/wallet/credentials/{issued.public_id}/add-to-wallet/exchange")
    assert response.status_code == 404 and not Exchange.objects.exists()
    client.force_login(learner_user)
    response = client.post(f"/wallet/credentials/{issued.public_id}/add-to-wallet/exchange")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "dccrequest://request?" in page.content.decode()
    assert AuditEntry.objects.filter(action="delivery.exchange").count() == 1
