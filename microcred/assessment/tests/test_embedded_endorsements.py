"""Issue 17, part 1: the awarded credential carries its promises. The employers' endorsements of the version are
embedded in the Achievement (withdrawn ones are not); an employer's attestation is an EndorsementCredential signed
with the employer's own key (a supervisor through an e-mailed link signs on its behalf, recorded), embedded in the
credential, listed by the verifier with its own outcome; tampering with it fails the verification."""

from __future__ import annotations

import copy

import pytest
from django.core import mail

from microcred.assessment.models import Award, Evaluation
from microcred.assessment.services import awards, evaluations
from microcred.audit.models import AuditEntry
from microcred.employers import services as employers
from microcred.issuing import identity, verification
from microcred.testing.factories import make_member, make_organization, make_user
from microcred.vc import schema

pytestmark = pytest.mark.django_db


def _supervisor_attests(wil, enrolment, capture) -> Evaluation:
    with capture(execute=True):
        _, token = evaluations.invite_supervisor(
            actor=wil.admin,
            enrolment=enrolment,
            organization=wil.employer,
            email="marc.gagnon@maplegrid.example",
            name="Marc Gagnon",
            components=[wil.workplace],
            link_base="http://testserver/assessment/supervise/",
        )
    assert len(mail.outbox) == 1
    return evaluations.record_evaluation(
        actor=None,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
        attestation="I supervised this co-op work term.",
        invitation=evaluations.invitation_for_token(token),
    )


def _award(wil, capture):
    enrolment = wil.enrol(make_user(email="maya@learner.example", name="Maya Singh"))
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score="82")
    attested = _supervisor_attests(wil, enrolment, capture)
    return Award.objects.get(enrolment=enrolment), attested


def test_the_employers_endorsements_of_the_version_are_embedded_and_withdrawn_ones_are_not(
    wil, django_capture_on_commit_callbacks
) -> None:
    admin = make_member(wil.employer, "admin")
    kept = employers.endorse(actor=admin, employer=wil.employer, credential=wil.credential, comment="Hire-ready.")
    second_employer = make_organization("employer", name="Lakeshore Transit")
    withdrawn = employers.endorse(
        actor=make_member(second_employer, "admin"), employer=second_employer, credential=wil.credential
    )
    employers.withdraw_endorsement(actor=withdrawn.created_by, endorsement=withdrawn)
    award, _ = _award(wil, django_capture_on_commit_callbacks)
    document = award.issued_credential.document
    embedded = document["credentialSubject"]["achievement"]["endorsement"]
    assert [e["id"] for e in embedded] == [kept.endorsement_id]
    assert embedded[0] == kept.document  # the same signed document, not a re-signed one
    assert schema.validate(document) == []
    report = verification.verify_credential(document)
    assert report.valid, [c.to_json() for c in report.failures]
    check = report.check("endorsements")
    assert check.outcome == "pass"
    listed = {d["id"]: d for d in check.details}
    assert listed[kept.endorsement_id]["valid"] and listed[kept.endorsement_id]["on"] == "achievement"
    assert listed[kept.endorsement_id]["issuer"] == identity.organization_did(wil.employer)


def test_a_supervisors_attestation_is_signed_by_the_employer_recorded_and_embedded(
    wil, django_capture_on_commit_callbacks
) -> None:
    award, attested = _award(wil, django_capture_on_commit_callbacks)
    signed = attested.attestation_document
    assert signed is not None and attested.attestation_signature == ""  # no server HMAC: the employer's signature
    assert "EndorsementCredential" in signed["type"]
    assert signed["issuer"]["id"] == identity.organization_did(wil.employer)
    assert signed["proof"][0]["verificationMethod"].startswith(identity.organization_did(wil.employer) + "#")
    comment = signed["credentialSubject"]["endorsementComment"]
    assert "I supervised this co-op work term." in comment and "communication: superior" in comment
    assert "Marc Gagnon on behalf of Maple Grid Energy through an e-mailed link" in comment
    assert "Maya Singh" in signed["name"]
    entry = AuditEntry.objects.get(action="assessment.sign_attestation")
    assert entry.organization == wil.employer and entry.after["via"] == "e-mailed link"
    assert entry.after["signed_by"] == "Marc Gagnon" and entry.after["on_behalf_of"] == wil.employer.slug
    document = award.issued_credential.document
    assert document["endorsement"] == [signed]
    assert schema.validate(document) == []
    report = verification.verify_credential(document)
    assert report.valid, [c.to_json() for c in report.failures]
    (detail,) = report.check("endorsements").details
    assert detail == {
        "on": "credential",
        "id": signed["id"],
        "issuer": identity.organization_did(wil.employer),
        "valid": True,
        "failure": None,
    }


def test_tampering_with_an_embedded_attestation_fails_its_check_and_the_verdict(
    wil, django_capture_on_commit_callbacks
) -> None:
    award, _ = _award(wil, django_capture_on_commit_callbacks)
    document = copy.deepcopy(award.issued_credential.document)
    document["endorsement"][0]["credentialSubject"]["endorsementComment"] = "The best co-op student ever."
    report = verification.verify_credential(document)
    assert not report.valid
    check = report.check("endorsements")
    assert check.outcome == "fail" and check.reason == "endorsement_invalid"
    (detail,) = check.details
    assert detail["valid"] is False and detail["failure"]["reason"] == "signature_invalid"


def test_a_provider_assessors_attestation_keeps_the_legacy_seal_and_is_not_embedded(wil) -> None:
    enrolment = wil.enrol()
    evaluation = evaluations.record_evaluation(
        actor=wil.assessor, enrolment=enrolment, component=wil.course, score="90", attestation="Observed in class."
    )
    assert evaluation.attestation_document is None and evaluations.attestation_is_intact(evaluation)
    wil.designate(enrolment)  # the workplace evaluation is the designated supervisor's (issue 18), unattested here
    evaluations.record_evaluation(
        actor=wil.supervisor,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
    )
    award = Award.objects.get(enrolment=enrolment)
    assert "endorsement" not in award.issued_credential.document
    assert awards._attestations(enrolment) == []
