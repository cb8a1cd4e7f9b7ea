"""The assessment-only route: a passed pre-test unlocks the post-test at once, a failed one yields a gap report
that points at the catalog's micro-credentials teaching what is missing; recognition of prior learning."""

from __future__ import annotations

import pytest

from microcred.assessment import selectors
from microcred.assessment.models import Evaluation, PriorLearningStatus, ResultSource, Route
from microcred.assessment.services import enrolment, evaluations, evidence, plans, prior_learning
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.testing.assessment import as_draft, make_published_credential, make_scale_with_competencies
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def informatics(db):
    college = make_organization("provider", name="Northern Lights College")
    admin = make_member(college, "admin")
    assessor = make_member(college, "assessor")
    scale, (records, privacy, standards) = make_scale_with_competencies(
        college, ["health records", "privacy", "data standards"]
    )
    credential = make_published_credential(college, title="Health Care Informatics (assessment only)")
    credential.assessment_only = True
    credential.save(update_fields=["assessment_only"])
    with as_draft(credential):
        pre = plans.add_component(
            actor=admin,
            credential=credential,
            name="pre-test",
            kind="pre_test",
            max_score=40,
            pass_mark=60,
            competencies=[records, privacy, standards],
            scale=scale,
        )
        post = plans.add_component(
            actor=admin,
            credential=credential,
            name="post-test",
            kind="post_test",
            max_score=40,
            pass_mark=70,
            unlocked_by=pre,
            prior_learning_allowed=True,
        )
        plans.save_award_rule(actor=admin, credential=credential, rule='passed("post-test")')
    # A course of the catalog that teaches privacy: where the gap report sends a learner who lacks it.
    with as_draft(make_published_credential(college, title="Privacy in Health Care")) as teaching:
        plans.add_component(
            actor=admin, credential=teaching, name="Project", kind="project", competencies=[privacy], scale=scale
        )
    learner = make_user()
    enrolled = enrolment.enrol(actor=learner, learner=learner, credential=credential, route=Route.ASSESSMENT_ONLY)
    return {
        "admin": admin,
        "assessor": assessor,
        "credential": credential,
        "pre": pre,
        "post": post,
        "records": records,
        "privacy": privacy,
        "standards": standards,
        "teaching": teaching,
        "enrolment": enrolled,
    }


def test_the_post_test_opens_only_once_the_pre_test_is_passed(informatics) -> None:
    e, assessor, pre, post = (informatics[k] for k in ("enrolment", "assessor", "pre", "post"))
    assert e.route == Route.ASSESSMENT_ONLY
    assert selectors.is_unlocked(e, pre) and not selectors.is_unlocked(e, post)
    with pytest.raises(Conflict) as caught:
        evaluations.record_evaluation(actor=assessor, enrolment=e, component=post, score=35)
    assert caught.value.code == "locked"
    evaluations.record_evaluation(actor=assessor, enrolment=e, component=pre, score=30)  # 75 % ≥ 60 %
    assert selectors.is_unlocked(e, post)
    evaluations.record_evaluation(actor=assessor, enrolment=e, component=post, score=20)  # 50 % < 70 %
    decision = e.decisions.order_by("-pk").first()
    assert decision.outcome == "not_met" and decision.inputs == {'passed("post-test")': False}


def test_a_self_assessed_pre_test_unlocks_nothing(informatics) -> None:
    e, pre, post = informatics["enrolment"], informatics["pre"], informatics["post"]
    evaluations.record_evaluation(actor=e.learner, enrolment=e, component=pre, score=40, self_assessment=True)
    assert not selectors.is_unlocked(e, post)


def test_a_failed_pre_test_yields_the_competencies_to_learn_and_where_to_learn_them(informatics) -> None:
    e, assessor, pre = informatics["enrolment"], informatics["assessor"], informatics["pre"]
    evaluations.record_evaluation(
        actor=assessor,
        enrolment=e,
        component=pre,
        score=12,
        ratings={"health records": "excellent", "privacy": "satisfactory"},  # data standards not shown at all
    )
    assert not selectors.is_unlocked(e, informatics["post"])
    report = selectors.gap_report(e, pre)
    assert report.competencies == [informatics["privacy"], informatics["standards"]]
    assert report.credentials[informatics["privacy"].pk] == [informatics["teaching"]]
    assert report.credentials[informatics["standards"].pk] == []


def test_prior_learning_is_requested_by_the_learner_and_decided_by_an_assessor(informatics) -> None:
    e, assessor, pre, post = (informatics[k] for k in ("enrolment", "assessor", "pre", "post"))
    statement = evidence.submit_evidence(
        actor=e.learner, enrolment=e, kind="reflection", title="Five years at the records desk", text="I ran it."
    )
    with pytest.raises(ValidationFailed) as caught:
        prior_learning.request_recognition(actor=e.learner, enrolment=e, component=pre, narrative="I know it.")
    assert caught.value.errors[0].code == "not_recognizable"
    with pytest.raises(PermissionDenied):
        prior_learning.request_recognition(actor=assessor, enrolment=e, component=post, narrative="x")
    with pytest.raises(ValidationFailed) as caught:
        prior_learning.request_recognition(actor=e.learner, enrolment=e, component=post, narrative=" ")
    assert caught.value.errors[0].code == "required"
    request = prior_learning.request_recognition(
        actor=e.learner, enrolment=e, component=post, narrative="Records clerk 2019–2024.", evidence=[statement]
    )
    assert request.status == PriorLearningStatus.REQUESTED and list(request.evidence.all()) == [statement]
    with pytest.raises(Conflict) as caught:
        prior_learning.request_recognition(actor=e.learner, enrolment=e, component=post, narrative="Again")
    assert caught.value.code == "already_requested"
    with pytest.raises(PermissionDenied):
        prior_learning.decide_recognition(actor=e.learner, request=request, recognized=True)
    with pytest.raises(ValidationFailed):
        prior_learning.decide_recognition(actor=assessor, request=request, recognized="yes")  # type: ignore[arg-type]
    decided = prior_learning.decide_recognition(actor=assessor, request=request, recognized=True, comment="Verified.")
    assert decided.status == PriorLearningStatus.RECOGNIZED and decided.decided_by == assessor
    recognized = Evaluation.objects.get(source=ResultSource.PRIOR_LEARNING)
    assert recognized.passed is True and recognized.component == post
    assert selectors.facts_for(e).passed["post-test"] is True
    with pytest.raises(Conflict):
        prior_learning.decide_recognition(actor=assessor, request=request, recognized=False)


def test_a_declined_request_records_no_result(informatics) -> None:
    e, assessor, post = informatics["enrolment"], informatics["assessor"], informatics["post"]
    request = prior_learning.request_recognition(actor=e.learner, enrolment=e, component=post, narrative="Some.")
    prior_learning.decide_recognition(actor=assessor, request=request, recognized=False, comment="Not enough.")
    assert not Evaluation.objects.exists()


def test_evidence_of_another_enrolment_cannot_support_a_request(informatics, wil) -> None:
    e = informatics["enrolment"]
    mine_elsewhere = wil.enrol(e.learner)
    other = evidence.submit_evidence(
        actor=e.learner, enrolment=mine_elsewhere, kind="reflection", title="Other", text="x"
    )
    with pytest.raises(ValidationFailed) as caught:
        prior_learning.request_recognition(
            actor=e.learner, enrolment=e, component=informatics["post"], narrative="x", evidence=[other]
        )
    assert caught.value.errors[0].code == "not_yours"


def test_the_route_on_the_enrolment_page(informatics) -> None:
    from django.test import Client

    e, assessor, pre = informatics["enrolment"], informatics["assessor"], informatics["pre"]
    evaluations.record_evaluation(
        actor=assessor, enrolment=e, component=pre, score=12, ratings={"health records": "excellent"}
    )
    learner = Client()
    learner.force_login(e.learner)
    path = f"/assessment/enrolments/{e.pk}/"
    page = learner.get(path).content.decode()
    assert "Still to learn" in page and "Privacy in Health Care" in page and "data standards" in page
    assert "Ask that post-test be recognized" in page
    empty = {"action": "recognition", "component": informatics["post"].pk, "narrative": ""}
    assert learner.post(path, empty).status_code == 400
    response = learner.post(
        path, {"action": "recognition", "component": informatics["post"].pk, "narrative": "Records clerk, 5 years."}
    )
    assert response.status_code == 302 and e.prior_learning_requests.get().status == "requested"
    response = learner.post(path, {"action": "recognition", "component": pre.pk, "narrative": "I know it."})
    assert response.status_code == 400 and "cannot be satisfied by prior learning" in response.content.decode()
    staff = Client()
    staff.force_login(assessor)
    assert "Records clerk, 5 years." in staff.get(path).content.decode()
    request = e.prior_learning_requests.get()
    response = staff.post(
        path, {"action": "decide_recognition", "request": request.pk, "recognized": "yes", "comment": "Verified."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "recognized" and selectors.facts_for(e).passed["post-test"] is True
    decline = {"action": "decide_recognition", "request": request.pk, "recognized": "no"}
    assert learner.post(path, decline).status_code == 400
