"""The demo's assessment side: plans, learners at their stages through real results, awards with signed credentials."""

from __future__ import annotations

import pytest

from microcred.assessment import selectors
from microcred.assessment.models import Award, Enrolment
from microcred.demo import scenario
from microcred.demo.loader import load_demo
from microcred.issuing.verification import verify_credential

pytestmark = pytest.mark.django_db


def test_demo_learners_reach_their_stages_through_the_services() -> None:
    load_demo()
    expected = {(email, key): stage for email, _name, stages in scenario.LEARNERS for key, stage in stages}
    found = {
        (e.learner.email, key): e.status
        for e in Enrolment.objects.select_related("learner", "credential")
        for key in [next(k for k, spec in _specs().items() if spec == e.credential.title)]
    }
    assert found == expected
    awarded = [pair for pair, stage in expected.items() if stage == "awarded"]
    assert Award.objects.filter(issued_credential__isnull=False).count() == len(awarded) == 8

    maya = Award.objects.get(enrolment__learner__email="maya.singh@learner.example")
    document = maya.issued_credential.document
    assert maya.decision.inputs == {
        'grade("PD course")': "82.00",
        'level("communication")': "superior",
        'level("collaboration")': "superior",
    }
    assert [e["name"] for e in document["evidence"]] == [scenario.EVIDENCE[0][2]]
    supervisor_result = maya.enrolment.evaluations.get(component__name="Workplace evaluation")
    assert supervisor_result.assessor.email == "supervisor@maplegrid.example"
    assert supervisor_result.assessor_organization.slug == scenario.WORKPLACE
    assert supervisor_result.attestation_signature or supervisor_result.attestation_document

    liam = Enrolment.objects.get(learner__email="liam.oconnor@learner.example")
    pre_test = next(c for c in selectors.components_of(liam.credential) if c.name == "pre-test")
    gaps = selectors.gap_report(liam, pre_test)
    assert [c.short_name for c in gaps.competencies] == ["privacy", "data standards"]
    assert selectors.plan_check(liam.credential).ok

    for award in Award.objects.select_related("issued_credential"):
        report = verify_credential(award.issued_credential.document)
        assert report.valid, [(c.code, c.message) for c in report.checks if c.outcome == "fail"]


def _specs() -> dict[str, str]:
    specs = [scenario.WIL_CREDENTIAL, scenario.ASSESSMENT_ONLY_CREDENTIAL, *scenario.STACKABLE_CREDENTIALS]
    return {spec["key"]: spec["title"] for spec in specs}
