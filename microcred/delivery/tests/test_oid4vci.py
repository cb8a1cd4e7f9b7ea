"""OID4VCI pre-authorized flow through Django's test client: metadata, offer, token, nonce, credential, and every
hostile input refused with the specification's error code, nothing issued and nothing recorded."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from microcred.audit.models import AuditEntry
from microcred.delivery import metadata, services
from microcred.delivery.models import CredentialOffer, Delivery
from microcred.delivery.tests.conftest import Holder, b64url_decode
from microcred.issuing import services as issuing
from microcred.issuing.verification import verify_credential

pytestmark = pytest.mark.django_db

GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP = metadata.LDP_VC
JWT = metadata.JWT_VC_JSON


def _token(client: Client, code: str, tx_code: str | None, **extra: str) -> Any:
    data = {"grant_type": GRANT, "pre-authorized_code": code, **extra}
    if tx_code is not None:
        data["tx_code"] = tx_code
    return _form(client, data)


def _form(client: Client, data: dict[str, str]) -> Any:
    return client.post("/oid4vci/token", urlencode(data), content_type="application/x-www-form-urlencoded")


def _nonce(client: Client) -> str:
    response = client.post("/oid4vci/nonce")
    assert response.status_code == 200
    return response.json()["c_nonce"]


def _credential(client: Client, access: str, body: Any) -> Any:
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(
        "/oid4vci/credential", raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {access}"
    )


@pytest.fixture
def offer(issued, learner_user) -> services.NewOffer:
    return services.create_offer(actor=learner_user, credential_public_id=issued.public_id)


@pytest.fixture
def access(offer) -> str:
    response = _token(Client(), offer.pre_authorized_code, offer.tx_code)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_metadata_documents() -> None:
    client = Client()
    issuer = client.get("/.well-known/openid-credential-issuer").json()
    assert issuer["credential_issuer"] == metadata.credential_issuer()
    assert issuer["credential_endpoint"].endswith("/oid4vci/credential")
    assert issuer["nonce_endpoint"].endswith("/oid4vci/nonce")
    ldp = issuer["credential_configurations_supported"][LDP]
    assert ldp["format"] == "ldp_vc" and "OpenBadgeCredential" in ldp["credential_definition"]["type"]
    assert ldp["credential_definition"]["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert issuer["credential_configurations_supported"][JWT]["format"] == "jwt_vc_json"
    assert ldp["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == ["EdDSA", "Ed25519", "ES256"]
    assert ldp["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk", "jwk"]
    assert {d["locale"] for d in ldp["credential_metadata"]["display"]} == {"en", "fr"}
    names = {d["locale"]: d["name"] for d in ldp["credential_metadata"]["display"]}
    assert names["en"] != names["fr"]
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    assert server["token_endpoint"].endswith("/oid4vci/token")


@pytest.mark.parametrize("configuration", [LDP, JWT])
@pytest.mark.parametrize("kind", ["did:key", "did:jwk"])
def test_pre_authorized_flow_binds_the_copy_to_the_holder(offer, issued, configuration, kind) -> None:
    client, holder = Client(), Holder(kind)
    by_reference = client.get(
        metadata.url("delivery:offer", offer.offer_uri_token).removeprefix(metadata.credential_issuer())
    )
    assert by_reference.status_code == 200
    assert by_reference.json() == offer.offer_object()
    grant = by_reference.json()["grants"][GRANT]
    assert grant["tx_code"] == {"input_mode": "numeric", "length": 6, "description": grant["tx_code"]["description"]}
    response = _token(client, grant["pre-authorized_code"], offer.tx_code)
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"
    assert response["Cache-Control"] == "no-store"
    access = response.json()["access_token"]
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer())
    response = _credential(client, access, {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}})
    assert response.status_code == 200, response.content
    delivered = response.json()["credentials"][0]["credential"]
    if configuration == JWT:
        assert isinstance(delivered, str)
        payload = json.loads(b64url_decode(delivered.split(".")[1]))
        subject = payload.get("credentialSubject") or payload["vc"]["credentialSubject"]
    else:
        subject = delivered["credentialSubject"]
        assert delivered["credentialStatus"] == issued.document["credentialStatus"]
    assert subject["id"] == holder.did
    report = verify_credential(delivered)
    assert report.valid, report.failures()
    delivery = Delivery.objects.get()
    assert delivery.holder_id == holder.did and delivery.configuration_id == configuration
    assert AuditEntry.objects.filter(action="delivery.deliver").count() == 1
    # revoking the award's credential revokes the copy
    issuing.revoke_credential(actor=None, credential=issued, reason="Test")
    revoked = verify_credential(delivered)
    assert not revoked.valid and revoked.check("status").outcome == "fail"


def test_draft_single_proof_form_is_accepted(access, holder) -> None:
    client = Client()
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer())
    body = {"credential_configuration_id": LDP, "proof": {"proof_type": "jwt", "jwt": proof}}
    assert _credential(client, access, body).status_code == 200


def test_rfc_9864_ed25519_alg_is_accepted_for_an_ed25519_key_and_refused_for_another(access, holder) -> None:
    client = Client()
    header = {"typ": "openid4vci-proof+jwt", "alg": "Ed25519", "kid": holder.kid}
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer(), header=header)
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 200, response.content
    assert response.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == holder.did
    p256 = Holder("did:jwk")  # an EC key named with the Ed25519 alg: refused before any signature check
    header = {"typ": "openid4vci-proof+jwt", "alg": "Ed25519", "kid": p256.kid}
    signed = p256.proof(nonce=_nonce(client), aud=metadata.credential_issuer(), header=header, key=holder.key)
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [signed]}})
    assert response.status_code == 400 and response.json()["error"] == "invalid_proof"


def test_a_jwk_header_binds_to_its_did_jwk(access) -> None:
    client, holder = Client(), Holder("did:jwk")
    jwk = {k: v for k, v in holder.key.as_dict(private=False).items() if k in ("kty", "crv", "x", "y")}
    header = {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": jwk}
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer(), header=header)
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 200, response.content
    assert response.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == holder.did


# ---------------------------------------------------------------- hostile input


def _nothing_delivered() -> None:
    assert Delivery.objects.count() == 0
    assert not AuditEntry.objects.filter(action="delivery.deliver").exists()


def test_a_pre_authorized_code_is_single_use(offer) -> None:
    client = Client()
    assert _token(client, offer.pre_authorized_code, offer.tx_code).status_code == 200
    replay = _token(client, offer.pre_authorized_code, offer.tx_code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert client.get(f"/oid4vci/offers/{offer.offer_uri_token}").status_code == 410


def test_an_expired_code_is_refused(offer) -> None:
    CredentialOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _token(Client(), offer.pre_authorized_code, offer.tx_code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_wrong_tx_codes_kill_the_code(offer) -> None:
    client = Client()
    wrong = "000000" if offer.tx_code != "000000" else "111111"
    for _ in range(services.tx_code_attempts()):
        response = _token(client, offer.pre_authorized_code, wrong)
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    response = _token(client, offer.pre_authorized_code, offer.tx_code)  # the right one, too late
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert CredentialOffer.objects.get().dead_at is not None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": "a", "password": "b"}, "unsupported_grant_type"),
        ({"pre-authorized_code": "x"}, "invalid_request"),
        ({"grant_type": GRANT}, "invalid_request"),
        ({"grant_type": GRANT, "pre-authorized_code": "nope", "tx_code": "123456"}, "invalid_grant"),
    ],
)
def test_token_request_errors(data, error) -> None:
    response = _form(Client(), data)
    assert response.status_code == 400 and response.json()["error"] == error


def test_missing_tx_code_is_invalid_request(offer) -> None:
    response = _token(Client(), offer.pre_authorized_code, None)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_token_request_must_be_a_form(offer) -> None:
    body = json.dumps({"grant_type": GRANT, "pre-authorized_code": offer.pre_authorized_code})
    response = Client().post("/oid4vci/token", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_credential_without_a_token_is_401() -> None:
    response = Client().post("/oid4vci/credential", "{}", content_type="application/json")
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    response = _credential(Client(), "not-a-token", {"credential_configuration_id": LDP})
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def _other_key_proof(holder: Holder, nonce: str) -> str:
    other = Holder()
    return holder.proof(nonce=nonce, aud=metadata.credential_issuer(), key=other.key)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda h, n: h.proof(nonce="not-a-nonce", aud=metadata.credential_issuer()), "invalid_nonce"),
        (lambda h, n: h.proof(nonce=None, aud=metadata.credential_issuer()), "invalid_nonce"),
        (lambda h, n: h.proof(nonce=n, aud="https://elsewhere.example"), "invalid_proof"),
        (lambda h, n: h.proof(nonce=n, aud=metadata.credential_issuer(), iat=time.time() - 3600), "invalid_proof"),
        (lambda h, n: h.proof(nonce=n, aud=metadata.credential_issuer(), iat=time.time() + 3600), "invalid_proof"),
        (_other_key_proof, "invalid_proof"),
        (
            lambda h, n: h.proof(
                nonce=n, aud=metadata.credential_issuer(), header={"typ": "JWT", "alg": "EdDSA", "kid": h.kid}
            ),
            "invalid_proof",
        ),
        (
            lambda h, n: h.proof(
                nonce=n,
                aud=metadata.credential_issuer(),
                header={"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "did:web:evil.example#key"},
            ),
            "invalid_proof",
        ),
        (lambda h, n: "not.a.jwt", "invalid_proof"),
    ],
)
def test_bad_key_proofs_are_refused(access, holder, make, error) -> None:
    client = Client()
    proof = make(holder, _nonce(client))
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    _nothing_delivered()


def test_a_nonce_is_single_use(access, holder) -> None:
    client = Client()
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer())
    body = {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}}
    assert _credential(client, access, body).status_code == 200
    replay = _credential(client, access, body)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_nonce"
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"credential_configuration_id": LDP}, 400, "invalid_proof"),
        ({"credential_configuration_id": "Nope", "proofs": {"jwt": ["x"]}}, 400, "unknown_credential_configuration"),
        ([1, 2], 400, "invalid_credential_request"),
        ("{not json", 400, "invalid_credential_request"),
        ("[" * 100_000 + "]" * 100_000, 413, "invalid_request"),
        (json.dumps({"a": [[[[[[[[[[[[1]]]]]]]]]]]]}), 400, "invalid_credential_request"),
        (json.dumps({"credential_configuration_id": LDP, "pad": "x" * 70_000}), 413, "invalid_request"),
        ({"credential_configuration_id": LDP, "proofs": {"jwt": ["a", "b"]}}, 400, "invalid_proof"),
    ],
)
def test_bad_credential_requests_are_refused(access, body, status, error) -> None:
    response = _credential(Client(), access, body)
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    _nothing_delivered()


def test_a_revoked_credential_is_not_delivered(access, issued, holder) -> None:
    issuing.revoke_credential(actor=None, credential=issued, reason="Test")
    client = Client()
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer())
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 400 and response.json()["error"] == "credential_request_denied"
    _nothing_delivered()


def test_only_the_learner_may_offer_their_credential(client, issued) -> None:
    from microcred.testing.factories import PASSWORD, make_user

    other = make_user(email="someone@else.example")
    client.login(username=other.email, password=PASSWORD)
    assert client.post(f"/wallet/credentials/{issued.public_id}/add-to-wallet/").status_code == 404
    assert CredentialOffer.objects.count() == 0


def test_an_expired_nonce_is_refused(access, holder) -> None:
    from microcred.delivery.models import Nonce

    client = Client()
    nonce = _nonce(client)
    Nonce.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    proof = holder.proof(nonce=nonce, aud=metadata.credential_issuer())
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 400 and response.json()["error"] == "invalid_nonce"
    _nothing_delivered()


def test_an_expired_access_token_is_401(access, holder) -> None:
    from microcred.delivery.models import AccessToken

    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = Client()
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer())
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"
    _nothing_delivered()


def test_a_jwk_header_signed_by_another_key_is_refused(access) -> None:
    client, holder, other = Client(), Holder("did:jwk"), Holder("did:jwk")
    jwk = {k: v for k, v in holder.key.as_dict(private=False).items() if k in ("kty", "crv", "x", "y")}
    header = {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": jwk}
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer(), header=header, key=other.key)
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 400 and response.json()["error"] == "invalid_proof"
    _nothing_delivered()


def test_a_private_jwk_header_is_refused(access) -> None:
    client, holder = Client(), Holder("did:jwk")
    header = {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": holder.key.as_dict(private=True)}
    proof = holder.proof(nonce=_nonce(client), aud=metadata.credential_issuer(), header=header)
    response = _credential(client, access, {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}})
    assert response.status_code == 400 and response.json()["error"] == "invalid_proof"
    _nothing_delivered()
