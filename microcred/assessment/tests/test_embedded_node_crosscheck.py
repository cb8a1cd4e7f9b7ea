"""Issue 17: the JavaScript reference libraries (@digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite) verify an
awarded credential and every EndorsementCredential embedded in it — the employers' endorsements of the version and
the employer's signed attestation of the learner's work — over real data issued through the award path; the
issuers' did:web documents are the platform's own, as its DID-document route serves them. A tampered attestation
fails in JavaScript too."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from microcred.accounts.models import Organization
from microcred.assessment.models import Award
from microcred.assessment.services import evaluations
from microcred.employers import services as employers
from microcred.issuing import identity
from microcred.testing.factories import make_member, make_organization, make_user
from microcred.vc.tests.test_node_crosscheck import NODE, NODE_DIR, VERIFIED, node, outcome

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.node,
    pytest.mark.skipif(NODE is None, reason="node is not installed: the JavaScript cross-checks cannot run"),
    pytest.mark.skipif(
        not (NODE_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
        reason="the JavaScript libraries are not installed: run `make node-deps`",
    ),
]


def _keys(*organizations: Organization) -> list[dict[str, str]]:
    """The verification methods of the organizations' did:web documents, read from the platform's own route."""
    keys = []
    for organization in organizations:
        document = Client().get(f"/organizations/{organization.slug}/did.json").json()
        assert document == identity.did_document(organization)
        keys += [
            {"id": m["id"], "controller": m["controller"], "publicKeyMultibase": m["publicKeyMultibase"]}
            for m in document["verificationMethod"]
        ]
    return keys


def test_js_verifies_the_awarded_credential_and_each_embedded_endorsement_and_attestation(
    wil, django_capture_on_commit_callbacks
) -> None:
    second = make_organization("employer", name="Lakeshore Transit")
    for employer in (wil.employer, second):
        employers.endorse(
            actor=make_member(employer, "admin"), employer=employer, credential=wil.credential, comment="Hire-ready."
        )
    enrolment = wil.enrol(make_user(email="maya@learner.example", name="Maya Singh"))
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score="82")
    with django_capture_on_commit_callbacks(execute=True):
        _, token = evaluations.invite_supervisor(
            actor=wil.admin,
            enrolment=enrolment,
            organization=wil.employer,
            email="marc@maplegrid.example",
            name="Marc Gagnon",
            components=[wil.workplace],
            link_base="http://testserver/assessment/supervise/",
        )
    evaluations.record_evaluation(
        actor=None,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
        attestation="I supervised this co-op work term.",
        invitation=evaluations.invitation_for_token(token),
    )
    document = Award.objects.get(enrolment=enrolment).issued_credential.document
    embedded = document["endorsement"] + document["credentialSubject"]["achievement"]["endorsement"]
    assert len(embedded) == 3  # the attestation and two endorsements
    assert {e["issuer"]["id"] for e in embedded} == {identity.organization_did(o) for o in (wil.employer, second)}
    keys = _keys(wil.provider, wil.employer, second)

    tampered = copy.deepcopy(document["endorsement"][0])
    tampered["credentialSubject"]["endorsementComment"] = "The best co-op student ever."
    requests = [{"op": "verify", "credential": item, "keys": keys} for item in (document, *embedded, tampered)]
    answers = node("batch", requests)
    for answer in answers[:-1]:
        assert outcome(answer) == VERIFIED, answer
    assert answers[-1]["verified"] is False
