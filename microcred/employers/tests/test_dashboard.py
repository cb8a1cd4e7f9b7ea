"""The employer's dashboard: verifications by its signed-in people are counted (anonymous ones never recorded),
with its endorsements and co-design invitations; only its verifiers and admins see it."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from microcred.accounts.permissions import SYSTEM
from microcred.accounts.services import create_api_token
from microcred.employers import selectors
from microcred.employers.models import Verification
from microcred.errors import PermissionDenied
from microcred.issuing.services import issue_credential
from microcred.testing import factories

pytestmark = pytest.mark.django_db

ACHIEVEMENT = {
    "id": "https://microcred.example/catalog/maple-college/welding/v1/achievement",
    "type": ["Achievement"],
    "name": "Welding safety",
    "description": "Works safely at a welding station.",
    "criteria": {"narrative": "Pass the practical assessment."},
}


@pytest.fixture
def issued(provider, learner):
    return issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=ACHIEVEMENT,
        recipient=learner,
        recipient_identifier=learner.email,
    )


def test_verifications_of_signed_in_verifiers_are_counted_for_their_employer(employer, issued):
    verifier = factories.make_member(employer, "verifier")
    client = Client()
    client.force_login(verifier)
    client.post("/verify/", {"credential": json.dumps(issued.document)})
    tampered = copy.deepcopy(issued.document)
    tampered["validFrom"] = "2020-01-01T00:00:00Z"
    client.post("/verify/", {"credential": json.dumps(tampered)})
    Client().post("/verify/", {"credential": json.dumps(issued.document)})  # anonymous: not recorded
    factories.make_user()  # a learner without an employer: not recorded either
    board = selectors.dashboard(actor=verifier, employer=employer)
    assert (board.verifications, board.verified, board.not_verified, board.credentials) == (2, 1, 1, 1)
    assert board.recent[0].achievement == "Welding safety" and board.recent[0].verifier == verifier
    page = client.get(f"/employers/{employer.slug}/").content.decode()
    assert "Welding safety" in page and "Recent verifications" in page
    # the issuer by its registered name and logo, never its raw did:web (issue 18, problem 7)
    assert board.recent[0].issuer.startswith("did:web:") and board.recent[0].issuer not in page
    assert "Maple College" in page and 'src="data:image/svg+xml;base64,' in page


def test_anonymous_verifications_leave_no_record(issued):
    Client().post("/verify/", {"credential": json.dumps(issued.document)})
    Client().post("/api/v1/verify", {"credential": issued.document}, content_type="application/json")
    assert Verification.objects.count() == 0


def test_api_verifications_with_a_token_are_counted(employer, issued):
    admin = factories.make_member(employer, "admin")
    secret = create_api_token(user=admin, name="ats")[1]
    response = Client().post(
        "/api/v1/verify",
        {"credential": issued.document},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200 and response.json()["verified"] is True
    assert Verification.objects.get().channel == "api"


def test_only_the_employers_people_see_the_dashboard(employer, provider):
    outsider = factories.make_member(provider, "admin")
    with pytest.raises(PermissionDenied):
        selectors.dashboard(actor=outsider, employer=employer)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/employers/{employer.slug}/").status_code == 403
    assert client.get("/employers/no-such-employer/").status_code == 404
    assert Client().get(f"/employers/{employer.slug}/").status_code == 302


def test_a_share_link_opened_by_an_employers_verifier_counts_as_shared_with_the_employer(employer):
    from microcred.issuing import verifying

    verifier = factories.make_member(employer, "verifier")
    verifying.notify(verifying.VerificationEvent(verifier, verifying.SHARE, True, "urn:uuid:1", "did:x", "A"))
    verifying.notify(verifying.VerificationEvent(None, verifying.SHARE, True, "urn:uuid:2", "did:x", "B"))
    board = selectors.dashboard(actor=verifier, employer=employer)
    assert (board.shared, board.verifications) == (1, 1)


def test_the_dashboard_leads_to_the_requests_to_candidates_wallets(employer):
    verifier = factories.make_member(employer, "verifier")
    client = Client()
    client.force_login(verifier)
    requests_url = f"/employers/{employer.slug}/presentation-requests/"
    page = client.get(f"/employers/{employer.slug}/").content.decode()
    assert f'href="{requests_url}"' in page
    assert client.get(requests_url).status_code == 200
