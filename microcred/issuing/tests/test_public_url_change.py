"""A change of MICROCRED_PUBLIC_URL on the same database: the platform's credentials, old and new, stay verifiable."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.issuing import services, verification
from microcred.issuing.models import StatusList
from microcred.issuing.tests.conftest import issue

pytestmark = pytest.mark.django_db

OLD = "https://old.microcred.example"
NEW = "https://credentials.microcred.example/app"


def _status_url(credential, purpose: str = "revocation") -> str:
    entries = credential.document["credentialStatus"]
    return next(entry["statusListCredential"] for entry in entries if entry["statusPurpose"] == purpose)


def _reason(report) -> tuple[str, str | None] | None:
    failure = report.first_failure
    return (failure.code, failure.reason) if failure else None


def test_credentials_issued_before_and_after_a_change_of_public_url_verify(settings, provider, achievement, learner):
    settings.PUBLIC_BASE_URL = OLD
    before = issue(provider, achievement, learner)
    assert _status_url(before).startswith(OLD + "/status/")
    assert verification.verify_credential(before.document).valid  # signs and caches the lists under OLD
    assert StatusList.objects.exclude(signed_credential=None).exists()

    settings.PUBLIC_BASE_URL = NEW
    after = issue(provider, achievement, learner)
    assert _status_url(after).startswith(NEW + "/status/")
    assert _status_url(after).rsplit("/", 1)[1] == _status_url(before).rsplit("/", 1)[1]  # the same list
    report = verification.verify_credential(after.document)
    assert report.valid, _reason(report)  # was status_list_mismatch: the list was cached under OLD
    report = verification.verify_credential(before.document)
    assert report.valid, _reason(report)  # did:web and status list under the former URL: still the platform's

    services.revoke_credential(actor=None, credential=before, reason="test")
    assert _reason(verification.verify_credential(before.document)) == ("status", "revoked")
    assert verification.verify_credential(after.document).valid

    served = Client().get("/status/" + _status_url(after).rsplit("/", 1)[1]).json()
    assert served["id"] == _status_url(after)


def test_a_list_is_never_signed_under_a_url_it_was_not_published_under(settings, provider, achievement, learner):
    settings.PUBLIC_BASE_URL = OLD
    credential = issue(provider, achievement, learner)
    public_id = _status_url(credential).rsplit("/", 1)[1]
    for url in (
        f"https://evil.example/status/{public_id}",
        f"{OLD}/elsewhere/status/{public_id}",
        f"https://evil.example/organizations/{provider.slug}/did.json",
    ):
        assert verification.own_document(url) is None, url
    assert verification.own_document(f"{OLD}/status/{public_id}")["id"] == f"{OLD}/status/{public_id}"


def test_the_vc_api_test_issuer_survives_a_change_of_public_url(settings) -> None:
    settings.VC_API_TEST_MODE = True
    settings.PUBLIC_BASE_URL = OLD
    client = Client()
    body = {
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:subject"},
            "issuer": services.vc_api_test_issuer_did(),
        }
    }
    first = client.post("/credentials/issue", body, content_type="application/json").json()["verifiableCredential"]
    assert (
        client.post("/credentials/verify", {"verifiableCredential": first}, content_type="application/json").status_code
        == 200
    )
    settings.PUBLIC_BASE_URL = NEW
    second = client.post("/credentials/issue", body, content_type="application/json").json()["verifiableCredential"]
    for credential in (first, second):
        response = client.post(
            "/credentials/verify", {"verifiableCredential": credential}, content_type="application/json"
        )
        assert response.status_code == 200, response.json()["errors"]
