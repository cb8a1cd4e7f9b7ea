"""Evaluations: scores, levels on the framework's scale, comments, sealed attestations, self-assessment that never
counts alone, workplace supervisors invited by e-mail, log books signed off task by task, gradebook imports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from microcred.assessment import selectors
from microcred.assessment.models import (
    CompetencyRating,
    EnrolmentStatus,
    Evaluation,
    GradebookImport,
    ResultSource,
    SupervisorInvitation,
)
from microcred.assessment.services import enrolment as enrolments
from microcred.assessment.services import evaluations, gradebook, plans
from microcred.errors import Conflict, Gone, NotFound, PermissionDenied, ValidationFailed
from microcred.testing.assessment import as_draft, make_published_credential
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def codes(error: ValidationFailed) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in error.errors]


def test_a_course_grade_is_recorded_and_the_rule_reports_what_is_missing(wil) -> None:
    enrolment = wil.enrol()
    evaluation = evaluations.record_evaluation(
        actor=wil.assessor, enrolment=enrolment, component=wil.course, score=" 82% ", comment="Good work."
    )
    assert evaluation.score == 82 and evaluation.source == ResultSource.ASSESSOR
    assert evaluation.assessor == wil.assessor and evaluation.assessor_organization == wil.provider
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.IN_PROGRESS
    decision = enrolment.decisions.get()
    assert decision.outcome == "undetermined"
    assert decision.inputs == {
        'grade("PD course")': "82.00",
        'level("communication")': None,
        'level("collaboration")': None,
    }
    assert decision.missing == ['level("communication")', 'level("collaboration")']


def test_levels_are_rated_on_the_components_scale_by_name_or_id(wil) -> None:
    enrolment = wil.enrol()
    wil.designate(enrolment)
    superior = selectors.scale_levels(wil.scale)[-1]
    evaluation = evaluations.record_evaluation(
        actor=wil.supervisor,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"  COMMUNICATION ": "very  good", str(wil.collaboration.pk): str(superior.pk)},
    )
    assert {(r.competency.short_name, r.level.label) for r in evaluation.ratings.all()} == {
        ("communication", "very good"),
        ("collaboration", "superior"),
    }
    assert selectors.facts_for(enrolment).levels == {"communication": "very good", "collaboration": "superior"}


@pytest.mark.parametrize(
    ("component", "fields", "expected"),
    [
        ("course", {"score": "101"}, [("score", "out_of_range")]),
        ("course", {"score": -1}, [("score", "out_of_range")]),
        ("course", {"score": "NaN"}, [("score", "out_of_range")]),
        ("course", {"score": "Infinity"}, [("score", "out_of_range")]),
        ("course", {"score": "eighty"}, [("score", "not_a_number")]),
        ("course", {"score": True}, [("score", "not_a_number")]),
        ("course", {"score": [80]}, [("score", "not_a_number")]),
        ("course", {"passed": "yes"}, [("passed", "invalid_type")]),
        ("course", {}, [("score", "required")]),
        ("course", {"score": 80, "comment": "x" * 10_001}, [("comment", "too_long")]),
        ("workplace", {"score": 80}, [("score", "not_scored")]),
        ("workplace", {"ratings": {"communication": "outstanding"}}, [("ratings.communication", "unknown_level")]),
        ("workplace", {"ratings": {"leadership": "good"}}, [("ratings.leadership", "unknown_competency")]),
        ("workplace", {"ratings": ["good"]}, [("ratings", "invalid_type")]),
        ("workplace", {"ratings": {"communication": {"x": 1}}}, [("ratings.communication", "unknown_level")]),
    ],
)
def test_bad_results_are_refused_with_field_errors_and_nothing_is_written(wil, component, fields, expected) -> None:
    enrolment = wil.enrol()
    wil.designate(enrolment)
    actor = wil.supervisor if component == "workplace" else wil.assessor  # only the designated supervisor rates
    with pytest.raises(ValidationFailed) as caught:
        evaluations.record_evaluation(actor=actor, enrolment=enrolment, component=getattr(wil, component), **fields)
    assert codes(caught.value) == expected
    assert not Evaluation.objects.exists() and not CompetencyRating.objects.exists()


def test_unknown_level_message_lists_the_scale(wil) -> None:
    enrolment = wil.enrol()
    wil.designate(enrolment)
    with pytest.raises(ValidationFailed) as caught:
        evaluations.record_evaluation(
            actor=wil.supervisor,
            enrolment=enrolment,
            component=wil.workplace,
            ratings={"communication": "outstanding"},
        )
    assert "superior" in caught.value.errors[0].message and "satisfactory" in caught.value.errors[0].message


def test_self_assessment_is_kept_but_never_counts(wil) -> None:
    enrolment = wil.enrol()
    with pytest.raises(PermissionDenied):
        evaluations.record_evaluation(
            actor=wil.assessor, enrolment=enrolment, component=wil.course, score=100, self_assessment=True
        )
    evaluations.record_evaluation(
        actor=enrolment.learner, enrolment=enrolment, component=wil.course, score=100, self_assessment=True
    )
    evaluations.record_evaluation(
        actor=enrolment.learner,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
        self_assessment=True,
    )
    assert Evaluation.objects.filter(source=ResultSource.SELF).count() == 2
    facts = selectors.facts_for(enrolment)
    assert facts.grades == {} and facts.levels == {} and facts.passed == {}
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED and not enrolment.decisions.exists()


def test_a_learner_cannot_grade_themselves_as_an_assessor(wil) -> None:
    enrolment = wil.enrol()
    with pytest.raises(PermissionDenied):
        evaluations.record_evaluation(actor=enrolment.learner, enrolment=enrolment, component=wil.course, score=99)


def test_who_may_evaluate(wil) -> None:
    enrolment = wil.enrol()
    other_provider = make_organization("provider")
    for person in (make_user(), wil.reviewer, make_member(other_provider, "assessor"), wil.supervisor):
        with pytest.raises(PermissionDenied):
            evaluations.record_evaluation(actor=person, enrolment=enrolment, component=wil.course, score=90)
    for person in (wil.admin, wil.assessor):
        evaluations.record_evaluation(actor=person, enrolment=enrolment, component=wil.course, score=60)
    assert Evaluation.objects.count() == 2


def test_the_latest_result_counts(wil) -> None:
    enrolment = wil.enrol()
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=50)
    evaluations.record_evaluation(actor=wil.admin, enrolment=enrolment, component=wil.course, score=85)
    assert selectors.facts_for(enrolment).grades == {"pd course": 85}
    assert selectors.facts_for(enrolment).passed == {"pd course": True}  # 85 % ≥ the 80 % pass mark


def test_results_are_refused_for_a_withdrawn_learner_or_another_plans_component(wil) -> None:
    enrolment = wil.enrol()
    with as_draft(make_published_credential(wil.provider)) as other:
        foreign = plans.add_component(actor=wil.admin, credential=other, name="Exam", kind="exam", max_score=10)
    with pytest.raises(ValidationFailed):
        evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=foreign, score=5)
    enrolments.withdraw(actor=enrolment.learner, enrolment=enrolment)
    with pytest.raises(Conflict) as caught:
        evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=90)
    assert caught.value.code == "withdrawn"


def test_an_attestation_is_sealed_with_the_result_and_tampering_shows(wil) -> None:
    enrolment = wil.enrol()
    evaluation = evaluations.record_evaluation(
        actor=wil.assessor,
        enrolment=enrolment,
        component=wil.course,
        score=78,
        attestation="I marked this learner's final presentation myself.",
    )
    assert len(evaluation.attestation_signature) == 64
    assert evaluations.attestation_is_intact(evaluation)
    Evaluation.objects.filter(pk=evaluation.pk).update(score=95)  # edited behind the service's back
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    assert not evaluations.attestation_is_intact(evaluation)
    plain = evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=70)
    assert plain.attestation_signature == "" and not evaluations.attestation_is_intact(plain)


# ---------------------------------------------------------------- workplace supervisors


def invite(wil, enrolment, django_capture_on_commit_callbacks, **kwargs):
    fields = {
        "organization": wil.employer,
        "email": " Marc.Gagnon@MapleGrid.example ",
        "name": "Marc Gagnon",
        "components": [wil.workplace],
        "link_base": "http://testserver/assessment/supervise/",
    }
    fields.update(kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        return evaluations.invite_supervisor(actor=wil.admin, enrolment=enrolment, **fields)


def test_a_supervisor_is_invited_by_e_mail_and_evaluates_through_the_link(
    wil, django_capture_on_commit_callbacks
) -> None:
    enrolment = wil.enrol()
    invitation, token = invite(wil, enrolment, django_capture_on_commit_callbacks)
    assert invitation.email == "marc.gagnon@maplegrid.example"
    assert token not in invitation.token_hash and invitation.token_hash == evaluations.hash_token(token)
    assert len(mail.outbox) == 1 and f"/assessment/supervise/{token}/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["marc.gagnon@maplegrid.example"]
    found = evaluations.invitation_for_token(token)
    evaluation = evaluations.record_evaluation(
        actor=None,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
        attestation="I supervised this co-op work term.",
        invitation=found,
    )
    assert evaluation.source == ResultSource.SUPERVISOR_LINK and evaluation.assessor is None
    assert evaluation.assessor_name == "Marc Gagnon" and evaluation.assessor_organization == wil.employer
    with pytest.raises(PermissionDenied):  # the link covers the workplace evaluation only
        evaluations.record_evaluation(actor=None, enrolment=enrolment, component=wil.course, score=99, invitation=found)


def test_supervisor_links_that_are_wrong_expired_or_withdrawn(wil, django_capture_on_commit_callbacks) -> None:
    enrolment = wil.enrol()
    invitation, token = invite(wil, enrolment, django_capture_on_commit_callbacks)
    for bad in ("", "nope", token[:-1], token + "x", "' OR 1=1 --"):
        with pytest.raises(NotFound):
            evaluations.invitation_for_token(bad)
    SupervisorInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Gone) as caught:
        evaluations.invitation_for_token(token)
    assert caught.value.code == "invitation_expired"
    SupervisorInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    with pytest.raises(Gone) as caught:
        evaluations.invitation_for_token(token)
    assert caught.value.code == "invitation_revoked"


def test_inviting_a_supervisor_is_checked(wil, django_capture_on_commit_callbacks) -> None:
    enrolment = wil.enrol()
    with pytest.raises(PermissionDenied):
        evaluations.invite_supervisor(
            actor=wil.assessor,
            enrolment=enrolment,
            organization=wil.employer,
            email="a@b.example",
            components=[wil.workplace],
            link_base="http://testserver/",
        )
    with pytest.raises(ValidationFailed) as caught:
        invite(
            wil, enrolment, django_capture_on_commit_callbacks, email="nobody", organization=wil.provider, components=[]
        )
    assert sorted(codes(caught.value)) == [
        ("components", "required"),
        ("email", "invalid_email"),
        ("organization", "not_an_employer"),
    ]
    assert not SupervisorInvitation.objects.exists() and mail.outbox == []


def test_an_invited_employers_assessor_may_evaluate_with_their_account(wil, django_capture_on_commit_callbacks) -> None:
    enrolment = wil.enrol()
    with pytest.raises(PermissionDenied):
        evaluations.record_evaluation(
            actor=wil.supervisor, enrolment=enrolment, component=wil.workplace, ratings={"communication": "good"}
        )
    invite(wil, enrolment, django_capture_on_commit_callbacks)
    evaluation = evaluations.record_evaluation(
        actor=wil.supervisor, enrolment=enrolment, component=wil.workplace, ratings={"communication": "good"}
    )
    assert evaluation.assessor_organization == wil.employer


def test_the_supervisor_page_works_without_an_account(wil, django_capture_on_commit_callbacks) -> None:
    enrolment = wil.enrol()
    _invitation, token = invite(wil, enrolment, django_capture_on_commit_callbacks)
    client = Client()
    page = client.get(f"/assessment/supervise/{token}/")
    assert page.status_code == 200 and wil.workplace.name.encode() in page.content
    assert b"PD course" not in page.content
    levels = {lv.label: lv.pk for lv in selectors.scale_levels(wil.scale)}
    prefix = f"c{wil.workplace.pk}"
    response = client.post(
        f"/assessment/supervise/{token}/",
        {
            "action": "evaluate",
            "component": wil.workplace.pk,
            f"{prefix}-rating_{wil.communication.pk}": levels["superior"],
            f"{prefix}-rating_{wil.collaboration.pk}": levels["excellent"],
            f"{prefix}-comment": "Reliable.",
        },
    )
    assert response.status_code == 302
    assert selectors.facts_for(enrolment).levels == {"communication": "superior", "collaboration": "excellent"}
    assert client.get("/assessment/supervise/not-a-token/").status_code == 404


# ---------------------------------------------------------------- log books


@pytest.fixture
def log_book(wil):
    with as_draft(wil.credential):
        return plans.add_component(
            actor=wil.admin,
            credential=wil.credential,
            name="Field log",
            kind="log_book",
            tasks=["Lock out a panel", "Lead a toolbox talk"],
        )


def test_a_log_book_passes_once_every_task_is_signed_off(wil, log_book) -> None:
    enrolment = wil.enrol()
    first, second = log_book.tasks.all()
    evaluations.sign_off_task(actor=wil.assessor, enrolment=enrolment, task=first, comment="Done safely.")
    assert "field log" not in selectors.facts_for(enrolment).passed
    with pytest.raises(Conflict):
        evaluations.sign_off_task(actor=wil.assessor, enrolment=enrolment, task=first)
    with pytest.raises(PermissionDenied):
        evaluations.sign_off_task(actor=make_user(), enrolment=enrolment, task=second)
    evaluations.sign_off_task(actor=wil.assessor, enrolment=enrolment, task=second)
    assert selectors.facts_for(enrolment).passed["field log"] is True
    assert [s is not None for _t, s in selectors.tasks_with_sign_offs(enrolment, log_book)] == [True, True]


def test_a_task_of_another_credentials_log_book_is_refused(wil, log_book) -> None:
    with as_draft(make_published_credential(wil.provider)) as other:
        foreign = plans.add_component(actor=wil.admin, credential=other, name="Log", kind="log_book", tasks=["t"])
    with pytest.raises(ValidationFailed):
        evaluations.sign_off_task(actor=wil.assessor, enrolment=wil.enrol(), task=foreign.tasks.get())


# ---------------------------------------------------------------- gradebook import


def gradebook_csv(*rows: str) -> bytes:
    return ("email,component,score,passed,comment,communication\n" + "".join(r + "\n" for r in rows)).encode()


def test_a_gradebook_is_previewed_then_applied(wil) -> None:
    learners = [wil.enrol(make_user(email=f"g{i}@example.org")) for i in range(3)]
    data = gradebook_csv(
        "G0@example.org,PD course,82,,Well done,",
        "g1@example.org,pd course,79.5,,,",
        "g2@example.org,Workplace evaluation,,,,superior",
    )
    preview = gradebook.preview_gradebook(actor=wil.admin, credential=wil.credential, data=data, filename="lms.csv")
    assert (preview.total_rows, len(preview.rows), preview.errors) == (3, 3, [])
    assert not Evaluation.objects.exists()  # a preview writes no result
    gradebook.apply_gradebook(actor=wil.admin, gradebook=preview)
    assert Evaluation.objects.filter(source=ResultSource.GRADEBOOK).count() == 3
    assert selectors.facts_for(learners[0]).grades == {"pd course": 82}
    assert selectors.facts_for(learners[2]).levels == {"communication": "superior"}
    with pytest.raises(Conflict):
        gradebook.apply_gradebook(actor=wil.admin, gradebook=preview)


def test_bad_gradebook_rows_are_reported_and_applied_only_when_asked(wil) -> None:
    wil.enrol(make_user(email="good@example.org"))
    wil.enrol(make_user(email="bad@example.org"))
    data = gradebook_csv(
        "good@example.org,PD course,90,,,",
        "stranger@example.org,PD course,90,,,",
        "bad@example.org,Essay,90,,,",
        "bad@example.org,PD course,190,,,",
        "bad@example.org,PD course,,maybe,,",
        "bad@example.org,Workplace evaluation,,,,brilliant",
        "bad@example.org,PD course,,,,",
    )
    preview = gradebook.preview_gradebook(actor=wil.admin, credential=wil.credential, data=data)
    assert [(e["row"], e["column"], e["code"]) for e in preview.errors] == [
        (3, "email", "not_enrolled"),
        (4, "component", "unknown_component"),
        (5, "score", "out_of_range"),
        (6, "passed", "invalid_choice"),
        (7, "communication", "unknown_level"),
        (8, "score", "required"),
    ]
    with pytest.raises(ValidationFailed) as caught:
        gradebook.apply_gradebook(actor=wil.admin, gradebook=preview)
    assert len(caught.value.errors) == 6 and not Evaluation.objects.exists()
    gradebook.apply_gradebook(actor=wil.admin, gradebook=preview, good_rows_only=True)
    assert list(Evaluation.objects.values_list("enrolment__learner__email", "score")) == [("good@example.org", 90)]
    assert GradebookImport.objects.get().applied_rows == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"email,score\na@b.c,1\n", "missing_column"),
        (b"\xff\xfe", "invalid_encoding"),
        (b'email,component\n"a,b\n', "malformed_csv"),
    ],
)
def test_hostile_gradebooks_are_refused(wil, data, code) -> None:
    with pytest.raises(ValidationFailed) as caught:
        gradebook.preview_gradebook(actor=wil.admin, credential=wil.credential, data=data)
    assert caught.value.errors[0].code == code
    assert not GradebookImport.objects.exists()


def test_gradebooks_need_the_providers_admin(wil) -> None:
    with pytest.raises(PermissionDenied):
        gradebook.preview_gradebook(actor=wil.assessor, credential=wil.credential, data=gradebook_csv())


def test_an_invitation_without_e_mail_returns_the_link_only(wil, django_capture_on_commit_callbacks) -> None:
    invitation, token = invite(wil, wil.enrol(), django_capture_on_commit_callbacks, notify=False)
    assert mail.outbox == [] and evaluations.invitation_for_token(token) == invitation


def test_a_supervisor_signs_off_log_book_tasks_through_the_link(
    wil, log_book, django_capture_on_commit_callbacks
) -> None:
    enrolment = wil.enrol()
    _invitation, token = invite(wil, enrolment, django_capture_on_commit_callbacks, components=[log_book])
    client = Client()
    path = f"/assessment/supervise/{token}/"
    page = client.get(path)
    assert page.status_code == 200 and b"Lock out a panel" in page.content, page.content.decode()[-3000:]
    assert b"Record the result for Workplace evaluation" not in page.content
    first, second = log_book.tasks.all()
    assert client.post(path, {"action": "sign_off", "task": first.pk}).status_code == 302
    again = client.post(path, {"action": "sign_off", "task": first.pk})
    assert again.status_code == 400 and b"already signed off" in again.content
    assert client.post(path, {"action": "sign_off", "task": 999999}).status_code == 404
    assert client.post(path, {"action": "sign_off", "task": second.pk}).status_code == 302
    signed = [s for _t, s in selectors.tasks_with_sign_offs(enrolment, log_book)]
    assert all(s is not None and s.assessor_name == "Marc Gagnon" and s.assessor is None for s in signed)
    assert selectors.facts_for(enrolment).passed["field log"] is True


def test_only_the_designated_supervisor_records_the_workplace_evaluation(wil) -> None:
    """Issue 18: the university's assessor could enter the workplace supervisor's evaluation."""
    enrolment = wil.enrol()
    ratings = {"communication": "superior", "collaboration": "superior"}
    for actor in (wil.assessor, wil.admin, wil.supervisor):  # nobody is designated yet
        with pytest.raises(PermissionDenied):
            evaluations.record_evaluation(actor=actor, enrolment=enrolment, component=wil.workplace, ratings=ratings)
    wil.designate(enrolment)
    for actor in (wil.assessor, wil.admin):  # the provider's own people, even once a supervisor is designated
        with pytest.raises(PermissionDenied) as caught:
            evaluations.record_evaluation(actor=actor, enrolment=enrolment, component=wil.workplace, ratings=ratings)
        assert caught.value.code == "not_designated_supervisor"
    assert not Evaluation.objects.exists()
    evaluation = evaluations.record_evaluation(
        actor=wil.supervisor, enrolment=enrolment, component=wil.workplace, ratings=ratings
    )
    assert evaluation.assessor_organization == wil.employer
