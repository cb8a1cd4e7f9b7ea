"""Endorsements: an employer admin signs an OB 3.0 EndorsementCredential with the employer's own key; it shows on
the catalog page, travels in the exported Achievement, and verifies with the project's own verifier."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from microcred.accounts.permissions import SYSTEM
from microcred.audit.models import AuditEntry
from microcred.catalog.models import MicroCredential, Status
from microcred.employers import selectors, services
from microcred.employers.models import Endorsement
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.issuing import identity, verification
from microcred.testing import factories
from microcred.testing.assessment import make_published_credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(provider) -> MicroCredential:
    return make_published_credential(provider, title="Grid safety")


@pytest.fixture
def employer_admin(employer):
    return factories.make_member(employer, "admin", email="admin@grid.example")


def _page(credential: MicroCredential, client: Client | None = None) -> str:
    client = client or Client()
    path = f"/catalog/{credential.provider.slug}/{credential.slug}/v{credential.version}/"
    return client.get(path).content.decode()


def test_an_endorsement_is_signed_by_the_employer_and_verifies(employer, employer_admin, credential):
    endorsement = services.endorse(
        actor=employer_admin, employer=employer, credential=credential, comment="Our linemen need exactly this."
    )
    document = endorsement.document
    assert "EndorsementCredential" in document["type"]
    assert document["issuer"]["id"] == identity.organization_did(employer)
    assert document["credentialSubject"]["id"].endswith(f"/{credential.slug}/v1/achievement.json")
    assert document["credentialSubject"]["endorsementComment"] == "Our linemen need exactly this."
    assert document["proof"][0]["verificationMethod"].startswith(identity.organization_did(employer) + "#")
    report = verification.verify_credential(document)
    assert report.valid, [c.to_json() for c in report.failures]
    assert report.check("status").outcome == "pass"
    assert Client().get(f"/credentials/{endorsement.public_id}").json() == document
    assert AuditEntry.objects.filter(action="employers.endorse", organization=employer).exists()


def test_a_tampered_endorsement_does_not_verify(employer, employer_admin, credential):
    document = copy.deepcopy(
        services.endorse(actor=employer_admin, employer=employer, credential=credential, comment="Good").document
    )
    document["credentialSubject"]["endorsementComment"] = "The best in the world"
    report = verification.verify_credential(document)
    assert not report.valid and report.check("proof").reason == "signature_invalid"


def test_the_endorsement_shows_on_the_catalog_page_and_in_the_achievement(employer, employer_admin, credential):
    services.endorse(actor=employer_admin, employer=employer, credential=credential, comment="Hire-ready.")
    services.endorse(actor=employer_admin, employer=employer, provider=credential.provider, comment="Trusted.")
    page = _page(credential)
    assert "Endorsed by employers" in page and "Grid Power Inc" in page and "Hire-ready." in page and "Trusted." in page
    path = f"/catalog/{credential.provider.slug}/{credential.slug}/v1/achievement.json"
    achievement = json.loads(Client().get(path).content)
    assert achievement["endorsement"][0]["credentialSubject"]["endorsementComment"] == "Hire-ready."
    assert achievement["creator"]["endorsement"][0]["credentialSubject"]["id"] == identity.organization_did(
        credential.provider
    )
    path = f"/api/v1/catalog/credentials/{credential.provider.slug}/{credential.slug}/versions/1/achievement"
    api = Client().get(path)
    assert len(api.json()["endorsement"]) == 1
    for endorsement in achievement["endorsement"] + achievement["creator"]["endorsement"]:
        assert verification.verify_credential(endorsement).valid


def test_an_issued_credential_with_an_endorsed_achievement_verifies_with_its_endorsements(
    provider, employer, employer_admin, credential, learner
):
    from microcred.catalog import extensions, formats
    from microcred.issuing.services import issue_credential

    services.endorse(actor=employer_admin, employer=employer, credential=credential, comment="Yes.")
    achievement = extensions.extend_achievement(credential, formats.to_achievement(credential))
    achievement.pop("@context", None)
    issued = issue_credential(
        actor=SYSTEM,
        organization=provider,
        achievement=achievement,
        recipient=learner,
        recipient_identifier=learner.email,
    )
    report = verification.verify_credential(issued.document)
    assert report.valid, [c.to_json() for c in report.failures]
    assert report.check("endorsements").outcome == "pass"


def test_only_employer_admins_endorse(employer, credential, provider):
    verifier = factories.make_member(employer, "verifier")
    provider_admin = factories.make_member(provider, "admin")
    for actor in (verifier, provider_admin, factories.make_user()):
        with pytest.raises(PermissionDenied):
            services.endorse(actor=actor, employer=employer, credential=credential)
    assert Endorsement.objects.count() == 0


def test_only_published_credentials_and_providers_are_endorsed(employer, employer_admin, provider, credential):
    MicroCredential.objects.filter(pk=credential.pk).update(status=Status.DRAFT)
    credential.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.endorse(actor=employer_admin, employer=employer, credential=credential)
    with pytest.raises(ValidationFailed):
        services.endorse(actor=employer_admin, employer=employer, provider=employer)
    with pytest.raises(ValidationFailed):
        services.endorse(actor=employer_admin, employer=employer)
    with pytest.raises(ValidationFailed):
        services.endorse(actor=employer_admin, employer=employer, provider=provider, comment="x" * 2001)
    assert Endorsement.objects.count() == 0


def test_one_active_endorsement_each_and_withdrawal(employer, employer_admin, credential):
    first = services.endorse(actor=employer_admin, employer=employer, credential=credential)
    with pytest.raises(Conflict):
        services.endorse(actor=employer_admin, employer=employer, credential=credential)
    assert verification.verify_credential(first.document).check("status").outcome == "pass"
    services.withdraw_endorsement(actor=employer_admin, endorsement=first)
    withdrawn = verification.verify_credential(first.document)
    assert not withdrawn.valid and withdrawn.check("status").reason == "revoked"
    assert selectors.endorsements_of_credential(credential) == []
    assert "Endorsed by employers" not in _page(credential)
    assert Client().get(f"/employers/endorsements/{first.public_id}").status_code == 410
    again = services.endorse(actor=employer_admin, employer=employer, credential=credential)
    assert Client().get(f"/employers/endorsements/{again.public_id}").json()["id"] == again.endorsement_id


def test_an_employer_admin_endorses_from_the_catalog_page(employer, employer_admin, credential):
    client = Client()
    client.force_login(employer_admin)
    page = _page(credential, client)
    assert "Endorse this micro-credential" in page
    url = f"/employers/endorse/{credential.provider.slug}/{credential.slug}/v1/"
    response = client.post(url, {"employer": employer.slug, "target": "credential", "comment": "Solid."})
    assert response.status_code == 302
    assert "Solid." in _page(credential)
    again = client.post(url, {"employer": employer.slug, "target": "credential"}, follow=True)
    assert "already endorses" in again.content.decode()


def test_a_verifier_cannot_endorse_from_the_page(employer, credential):
    verifier = factories.make_member(employer, "verifier")
    client = Client()
    client.force_login(verifier)
    assert "Endorse this micro-credential" not in _page(credential, client)
    url = f"/employers/endorse/{credential.provider.slug}/{credential.slug}/v1/"
    assert client.post(url, {"employer": employer.slug, "target": "credential"}).status_code == 403
    assert Endorsement.objects.count() == 0


def test_endorsement_pages_refuse_bad_input(employer, employer_admin, credential):
    client = Client()
    client.force_login(employer_admin)
    assert client.post("/employers/endorse/nobody/nothing/v1/", {"employer": employer.slug}).status_code == 404
    url = f"/employers/endorse/{credential.provider.slug}/{credential.slug}/v1/"
    assert client.post(url, {"employer": "no-such-employer"}).status_code == 404
    assert Client().get("/employers/endorsements/00000000-0000-4000-8000-000000000000").status_code == 404
    assert Endorsement.objects.count() == 0


def test_an_endorsement_comment_is_shown_as_text(employer, employer_admin, credential):
    comment = "<script>alert(1)</script>"
    services.endorse(actor=employer_admin, employer=employer, credential=credential, comment=comment)
    page = _page(credential)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
