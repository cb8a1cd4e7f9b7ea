"""The assessment permissions, role by role, on every kind of assessment object: each answers to the provider
that offers the credential, exactly as the provider itself does in the accounts matrix."""

from __future__ import annotations

import io

import pytest

from microcred.accounts.permissions import can
from microcred.assessment.models import Award, BulkAwardJob, RuleDecision
from microcred.assessment.services import evaluations, evidence, gradebook, plans, prior_learning
from microcred.testing.assessment import as_draft
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db

ACTIONS = ("assessment.evaluate", "assessment.manage", "assessment.waive_gaps", "issuing.issue", "issuing.revoke")
EXPECTED = {  # provider roles; "-" nobody
    "assessment.evaluate": {"admin", "assessor"},
    "assessment.manage": {"admin"},
    "assessment.waive_gaps": {"reviewer"},
    "issuing.issue": {"admin"},
    "issuing.revoke": {"admin"},
}


@pytest.fixture
def objects(wil):
    enrolment = wil.enrol()
    with as_draft(wil.credential):
        log_book = plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Log", kind="log_book", tasks=["A task"]
        )
        post = plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Post", kind="post_test", prior_learning_allowed=True
        )
    evaluation = evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=1)
    sign_off = evaluations.sign_off_task(actor=wil.assessor, enrolment=enrolment, task=log_book.tasks.get())
    item = evidence.submit_evidence(
        actor=enrolment.learner, enrolment=enrolment, kind="file", title="f", upload=io.BytesIO(b"%PDF-1.4")
    )
    request = prior_learning.request_recognition(
        actor=enrolment.learner, enrolment=enrolment, component=post, narrative="n"
    )
    preview = gradebook.preview_gradebook(
        actor=wil.admin, credential=wil.credential, data=b"email,component,score\nx@y.z,PD course,1\n"
    )
    decision = RuleDecision.objects.create(enrolment=enrolment, rule="r", outcome="met")
    award = Award.objects.create(enrolment=enrolment, decision=decision)
    job = BulkAwardJob.objects.create(credential=wil.credential)
    return [
        wil.course.plan,
        wil.course,
        log_book.tasks.get(),
        enrolment,
        evaluation,
        sign_off,
        item,
        request,
        preview,
        decision,
        award,
        job,
    ]


def test_every_assessment_object_answers_to_the_credentials_provider(wil, objects) -> None:
    people = {"admin": wil.admin, "assessor": wil.assessor, "reviewer": wil.reviewer}
    people["practitioner"] = make_member(wil.provider, "practitioner")
    outsiders = [
        make_member(make_organization("provider"), "admin"),
        wil.supervisor,  # an employer's assessor, not invited
        make_user(),
        objects[3].learner,  # the learner is no assessor of their own results
    ]
    mismatches = []
    for obj in objects:
        assert obj.provider == wil.provider, obj
        for action in ACTIONS:
            for role, person in people.items():
                if can(person, action, obj) != (role in EXPECTED[action]):
                    mismatches.append((type(obj).__name__, action, role))
            for person in outsiders:
                if can(person, action, obj):
                    mismatches.append((type(obj).__name__, action, person.email))
    assert mismatches == []


def test_an_invitation_answers_to_the_employer_whose_supervisor_is_invited(
    wil, django_capture_on_commit_callbacks
) -> None:
    enrolment = wil.enrol()
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _token = evaluations.invite_supervisor(
            actor=wil.admin,
            enrolment=enrolment,
            organization=wil.employer,
            email="boss@grid.example",
            components=[wil.workplace],
            link_base="http://testserver/assessment/supervise/",
        )
    assert can(wil.supervisor, "assessment.evaluate", invitation)
    assert not can(wil.assessor, "assessment.evaluate", invitation)
