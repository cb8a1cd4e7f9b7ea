"""Employers' API: endorse and withdraw, list endorsements, co-design invite/comment/approve, the dashboard;
bad input is a 4xx with the API's error body and writes nothing."""

from __future__ import annotations

import pytest

from microcred.catalog.models import MicroCredential, Status
from microcred.employers.models import CoDesignInvitation, Endorsement
from microcred.issuing import verification
from microcred.testing import factories
from microcred.testing.assessment import make_published_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(provider) -> MicroCredential:
    return make_published_credential(provider, title="Grid safety")


def _ref(credential: MicroCredential) -> dict:
    return {"provider": credential.provider.slug, "slug": credential.slug, "version": credential.version}


def test_endorse_list_and_withdraw(api_as, employer, credential, provider):
    admin = factories.make_member(employer, "admin")
    api = api_as(admin)
    created = api.post(f"employers/{employer.slug}/endorsements", {"credential": _ref(credential), "comment": "Yes"})
    assert created.status_code == 201, created.json_body
    assert verification.verify_credential(created.json_body["credential"]).valid
    of_provider = api.post(f"employers/{employer.slug}/endorsements", {"provider": provider.slug})
    assert of_provider.status_code == 201 and of_provider.json_body["target"] == "provider"
    listed = api_as().get(f"employers/{employer.slug}/endorsements")
    assert listed.status_code == 200 and len(listed.json_body) == 2
    public_id = created.json_body["id"].removeprefix("urn:uuid:")
    assert api.post(f"employers/endorsements/{public_id}/withdraw").json_body["withdrawn_at"]
    assert api.post(f"employers/endorsements/{public_id}/withdraw").status_code == 409
    assert len(api_as().get(f"employers/{employer.slug}/endorsements").json_body) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"credential": "grid-safety"}, 400),
        ({"credential": {"provider": "maple-college", "slug": "grid-safety", "version": "1"}}, 400),
        ({"credential": {"provider": "maple-college", "slug": "nothing", "version": 1}}, 404),
        ({"provider": 5}, 400),
        ({"provider": "no-such-org"}, 404),
        ({"comment": ["x"], "provider": "maple-college"}, 400),
    ],
)
def test_bad_endorsements_are_refused(api_as, employer, credential, body, status):
    admin = factories.make_member(employer, "admin")
    response = api_as(admin).post(f"employers/{employer.slug}/endorsements", body)
    assert response.status_code == status, response.json_body
    assert "code" in response.json_body
    assert Endorsement.objects.count() == 0


def test_verifiers_and_strangers_cannot_endorse(api_as, employer, credential):
    verifier = factories.make_member(employer, "verifier")
    body = {"credential": _ref(credential)}
    assert api_as(verifier).post(f"employers/{employer.slug}/endorsements", body).status_code == 403
    assert api_as().post(f"employers/{employer.slug}/endorsements", body).status_code == 401
    assert Endorsement.objects.count() == 0


def test_codesign_through_the_api(api_as, provider, employer, credential):
    MicroCredential.objects.filter(pk=credential.pk).update(status=Status.DRAFT)
    designer = factories.make_member(provider, "admin")
    reviewer = factories.make_member(employer, "verifier")
    invited = api_as(designer).post(
        "employers/codesign/invitations", {"credential": _ref(credential), "employer": employer.slug}
    )
    assert invited.status_code == 201, invited.json_body
    invitation_id = invited.json_body["id"]
    path = f"employers/codesign/invitations/{invitation_id}"
    assert api_as(reviewer).post(f"{path}/comments", {"text": "Add a safety drill."}).status_code == 201
    assert api_as(reviewer).post(f"{path}/comments", {"text": ""}).status_code == 400
    assert api_as(designer).post(f"{path}/approve", {}).status_code == 403
    approved = api_as(reviewer).post(f"{path}/approve", {"comment": "Good to go."})
    assert approved.status_code == 200 and approved.json_body["status"] == "approved"
    assert [c["text"] for c in approved.json_body["comments"]] == ["Add a safety drill.", "Good to go."]
    assert api_as(factories.make_user()).get(path).status_code == 404
    board = api_as(reviewer).get(f"employers/{employer.slug}/dashboard")
    assert board.status_code == 200 and board.json_body["invitations"][0]["status"] == "approved"
    assert CoDesignInvitation.objects.get().credential.co_designed_with.filter(pk=employer.pk).exists()


def test_the_dashboard_is_for_the_employers_people(api_as, employer, provider):
    path = f"employers/{employer.slug}/dashboard"
    assert api_as(factories.make_member(provider, "admin")).get(path).status_code == 403
    assert api_as().get(path).status_code == 401
    assert api_as(factories.make_member(employer, "verifier")).get("employers/nobody/dashboard").status_code == 404


@pytest.mark.parametrize("public_id", ["0", "not-a-uuid", "é" * 3, "1" * 100])
def test_withdrawing_an_endorsement_by_an_id_that_is_no_uuid_is_404_not_500(api_as, employer, public_id):
    """Found by the API fuzzing (tests/test_api_fuzz.py): the id went straight to the UUID field, whose
    ValidationError was a 500."""
    api = api_as(factories.make_member(employer, "admin"))
    response = api.post(f"employers/endorsements/{public_id}/withdraw")
    assert response.status_code == 404, response.content
    assert response.json_body["code"] == "not_found"
