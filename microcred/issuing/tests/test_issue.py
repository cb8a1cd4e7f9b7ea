"""Issuing an Open Badges 3.0 credential: what it says, that it verifies, and what is refused."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from microcred.accounts.permissions import SYSTEM
from microcred.audit.models import AuditEntry
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.issuing import identity, services, verification
from microcred.issuing.models import IssuedCredential, StatusList
from microcred.issuing.tests.conftest import issue
from microcred.testing import factories
from microcred.vc import jwt as vc_jwt
from microcred.vc import schema

pytestmark = pytest.mark.django_db


def _failed(report) -> list[str]:
    return [check.code for check in report.checks if check.outcome == "fail"]


def test_an_issued_credential_is_ob30_signed_and_verifies(issued, provider, learner) -> None:
    document = issued.document
    assert document["id"] == f"urn:uuid:{issued.public_id}"
    assert "OpenBadgeCredential" in document["type"]
    assert document["issuer"]["id"] == identity.organization_did(provider)
    assert document["issuer"]["name"] == "Maple College"
    subject = document["credentialSubject"]
    assert "id" not in subject  # the learner has no DID: the e-mail is hashed and salted instead
    (identifier,) = subject["identifier"]
    assert identifier["hashed"] is True and identifier["identityType"] == "emailAddress"
    expected = hashlib.sha256((learner.email + identifier["salt"]).encode()).hexdigest()
    assert identifier["identityHash"] == f"sha256${expected}"
    assert learner.email not in str(document)
    assert subject["achievement"]["name"] == "Welding safety"
    proof = document["proof"][0] if isinstance(document["proof"], list) else document["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"].startswith(identity.organization_did(provider) + "#z6Mk")
    assert schema.validate(document) == []
    report = verification.verify_credential(document)
    assert report.valid, _failed(report)
    assert issued.recipient == learner and issued.achievement_id.endswith("/achievement")


def test_every_credential_has_its_own_revocation_and_suspension_bits(provider, achievement, learner) -> None:
    first = issue(provider, achievement, learner)
    second = issue(provider, achievement, learner)
    entries = first.document["credentialStatus"]
    assert {entry["statusPurpose"] for entry in entries} == {"revocation", "suspension"}
    for entry in entries:
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusListCredential"].startswith(identity.public_base_url() + "/status/")
    assert (first.revocation_list_id, first.revocation_index) != (second.revocation_list_id, second.revocation_index)
    assert first.suspension_list_id != first.revocation_list_id
    assert StatusList.objects.filter(organization=provider).count() == 2


def test_one_audit_entry_and_the_first_key_is_created_on_first_use(issued, provider) -> None:
    entries = AuditEntry.objects.filter(action="issuing.issue")
    assert entries.count() == 1
    assert entries.get().target_id == str(issued.pk)
    assert provider.issuer_keys.count() == 1


def test_vc_jwt_and_jcs_credentials_verify(provider, achievement, learner) -> None:
    jwt_credential = issue(provider, achievement, learner, proof_format="vc-jwt")
    assert jwt_credential.jwt.count(".") == 2
    parts = vc_jwt.decode_jwt(jwt_credential.jwt)
    assert parts.header["alg"] == "EdDSA"
    report = verification.verify_credential(jwt_credential.jwt)
    assert report.valid, _failed(report)
    jcs = issue(provider, achievement, learner, proof_format="eddsa-jcs-2022")
    report = verification.verify_credential(jcs.document)
    assert report.valid, _failed(report)


def test_a_learner_named_by_a_did_is_the_subject_id(provider, achievement) -> None:
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    credential = issue(provider, achievement, None, recipient_identifier=did)
    assert credential.document["credentialSubject"]["id"] == did
    assert "identifier" not in credential.document["credentialSubject"]


def test_valid_until_is_written(provider, achievement, learner) -> None:
    until = timezone.now() + timedelta(days=365)
    credential = issue(provider, achievement, learner, valid_until=until)
    assert credential.document["validUntil"].startswith(str(until.year))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"achievement": "not an object"}, "achievement"),
        ({"achievement": {"type": ["Achievement"], "name": "x", "description": "d", "criteria": {}}}, "achievement.id"),
        ({"achievement": {"id": "no scheme", "type": ["Achievement"]}}, "achievement.id"),
        ({"achievement_patch": {"name": ""}}, "achievement.name"),
        ({"achievement_patch": {"name": "x" * 301}}, "achievement.name"),
        ({"achievement_patch": {"type": ["Badge"]}}, "achievement.type"),
        ({"achievement_patch": {"description": None}}, "achievement.description"),
        ({"achievement_patch": {"criteria": "read the book"}}, "achievement.criteria"),
        ({"achievement_patch": {"name": object()}}, "achievement"),
        ({"recipient": None, "recipient_identifier": ""}, "recipient_identifier"),
        ({"recipient": None, "recipient_identifier": "not an address"}, "recipient_identifier"),
        ({"recipient": None, "recipient_identifier": 42}, "recipient_identifier"),
        ({"recipient_identifier": "a@" + "b" * 300}, "recipient_identifier"),
        ({"results": "all passed"}, "results"),
        ({"results": [1, 2]}, "results.0"),
        ({"evidence": {"id": "x"}}, "evidence"),
        ({"proof_format": "rsa"}, "proof_format"),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"valid_until_past": True}, "valid_until"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_written(
    provider, achievement, learner, change, field
) -> None:
    arguments = {
        "actor": SYSTEM,
        "organization": provider,
        "achievement": achievement,
        "recipient": learner,
        "recipient_identifier": learner.email,
        **change,
    }
    if "achievement_patch" in arguments:
        arguments["achievement"] = {**achievement, **arguments.pop("achievement_patch")}
    if arguments.pop("valid_until_past", False):
        arguments["valid_until"] = timezone.now() - timedelta(seconds=1)
    with pytest.raises(ValidationFailed) as caught:
        services.issue_credential(**arguments)
    assert field in [error.field for error in caught.value.errors]
    assert not IssuedCredential.objects.exists()
    assert not StatusList.objects.exists()


def test_too_large_a_credential_is_refused(provider, achievement, learner) -> None:
    evidence = [{"type": ["Evidence"], "narrative": "x" * 100_000} for _ in range(6)]
    with pytest.raises(ValidationFailed) as caught:
        issue(provider, achievement, learner, evidence=evidence)
    assert caught.value.errors[0].code == "too_large"
    assert not IssuedCredential.objects.exists()


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("assessor", False), ("reviewer", False)])
def test_who_may_issue(provider, achievement, learner, role, allowed) -> None:
    actor = factories.make_member(provider, role)
    if allowed:
        assert issue(provider, achievement, learner, actor=actor).pk
    else:
        with pytest.raises(PermissionDenied):
            issue(provider, achievement, learner, actor=actor)


def test_learners_anonymous_and_other_organizations_may_not_issue(provider, achievement, learner) -> None:
    from django.contrib.auth.models import AnonymousUser

    other_admin = factories.make_member(factories.make_organization("provider"), "admin")
    for actor in (learner, AnonymousUser(), other_admin):
        with pytest.raises(PermissionDenied):
            issue(provider, achievement, learner, actor=actor)
    assert issue(provider, achievement, learner, actor=None).pk  # None is the system
    assert issue(provider, achievement, learner, actor=SYSTEM).pk


def test_the_award_service_can_import_the_issuing_api() -> None:
    from microcred.issuing.services import issue_credential

    assert issue_credential is services.issue_credential
