"""The VC-API over real HTTP with the Digital Bazaar JavaScript libraries as the other side: they sign what microcred
verifies (Ed25519Signature2020 credentials and DIDAuth presentations, as the DCC Learner Credential Wallet makes
them) and verify what microcred issues."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import requests

from microcred.issuing.services import vc_api_test_issuer_did
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import CREDENTIALS_V2
from microcred.vc.tests import test_node_crosscheck as crosscheck

pytestmark = [*crosscheck.pytestmark, pytest.mark.django_db(transaction=True)]

ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
TIMEOUT = 30


def _post(live_server: Any, path: str, body: Any) -> requests.Response:
    return requests.post(f"{live_server.url}{path}", json=body, timeout=TIMEOUT)


@pytest.fixture
def holder() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes([21]) * 32)


def test_an_ed25519_signature_2020_credential_verifies_over_http(live_server, holder) -> None:
    credential = {
        "@context": [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2", ED25519_2020],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": holder.did_key,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    signed = crosscheck.js_signed_2020(credential, holder)
    response = _post(live_server, "/credentials/verify", {"verifiableCredential": signed})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "Elsewhere"
    response = _post(live_server, "/credentials/verify", {"verifiableCredential": tampered})
    assert response.status_code == 400 and response.json()["verified"] is False


def test_a_didauth_presentation_signed_with_ed25519_signature_2020_over_http(live_server, holder) -> None:
    presentation = {
        "@context": ["https://www.w3.org/2018/credentials/v1", ED25519_2020],
        "type": ["VerifiablePresentation"],
        "holder": holder.did_key,
    }
    signed = crosscheck.js_signed_2020(
        presentation, holder, proofPurpose="authentication", challenge="c-123", domain="wallet.example"
    )
    options = {"challenge": "c-123", "domain": "wallet.example"}
    response = _post(live_server, "/presentations/verify", {"verifiablePresentation": signed, "options": options})
    assert response.status_code == 200, response.text
    assert response.json()["presentationResult"]["verified"] is True
    replayed = {"challenge": "c-456", "domain": "wallet.example"}
    response = _post(live_server, "/presentations/verify", {"verifiablePresentation": signed, "options": replayed})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "challenge_mismatch"


def test_what_microcred_issues_in_test_mode_verifies_in_js(live_server, settings) -> None:
    settings.VC_API_TEST_MODE = True
    for cryptosuite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        credential = {
            "@context": [CREDENTIALS_V2, {"ExampleCredential": "https://example.org/#ExampleCredential"}],
            "type": ["VerifiableCredential", "ExampleCredential"],
            "credentialSubject": {"id": "did:example:subject"},
            "issuer": vc_api_test_issuer_did(),
        }
        body = {"credential": credential, "options": {"cryptosuite": cryptosuite}}
        response = _post(live_server, "/credentials/issue", body)
        assert response.status_code == 201, response.text
        issued = response.json()["verifiableCredential"]
        answer = crosscheck.node("verify", {"credential": issued, "mode": "assertion"})
        if cryptosuite == "eddsa-jcs-2022":  # the JS jcs suite refuses every inline context (see the cross-checks)
            assert answer["error"] == "document.@context does not start with proof.@context"
            continue
        assert answer["verified"] is True, answer
