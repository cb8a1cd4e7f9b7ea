"""The assessment API: what each endpoint answers, and the specific 4xx JSON body bad input gets (never a 500)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from microcred.assessment import selectors
from microcred.assessment.models import Enrolment, Evaluation, Evidence, GradebookImport
from microcred.testing.assessment import as_draft
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


def base(wil) -> str:
    return f"assessment/credentials/{wil.credential.pk}"


def test_the_plan_and_its_check(api_as, wil) -> None:
    response = api_as(make_user()).get(f"{base(wil)}/plan")
    assert response.status_code == 200
    body = response.json_body
    assert [c["name"] for c in body["components"]] == ["PD course", "Workplace evaluation"]
    assert body["components"][1]["competencies"] == ["communication", "collaboration"]
    assert body["gaps"] == [] and body["award_rule"] == wil.credential.award_rule


def test_adding_a_component(api_as, wil) -> None:
    admin = api_as(wil.admin)
    response = admin.post(f"{base(wil)}/plan/components", {"name": "Interview", "kind": "interview"})
    assert (response.status_code, response.json_body["code"]) == (409, "plan_frozen")  # published: frozen
    with as_draft(wil.credential):
        _components_of_a_draft(admin, wil)
    response = api_as(wil.assessor).post(f"{base(wil)}/plan/components", {"name": "Quiz", "kind": "exam"})
    assert (response.status_code, response.json_body["code"]) == (403, "permission_denied")
    assert api_as(wil.admin).post("assessment/credentials/999999/plan/components", {}).status_code in (400, 404)
    assert api_as(wil.admin).get("assessment/credentials/999999/plan").json_body["code"] == "credential_not_found"


def _components_of_a_draft(admin, wil) -> None:
    response = admin.post(
        f"{base(wil)}/plan/components",
        {"name": "Interview", "kind": "interview", "competencies": [wil.communication.pk], "scale": wil.scale.pk},
    )
    assert response.status_code == 201 and response.json_body["competencies"] == ["communication"]
    cases = [
        ({"name": "Quiz", "kind": "essay"}, 400, "validation_failed", "kind"),
        ({"name": "Quiz"}, 400, "validation_failed", "kind"),
        ({"name": "Quiz", "kind": "exam", "competencies": [999999]}, 404, "competency_not_found", None),
        ({"name": "Quiz", "kind": "exam", "scale": 999999}, 404, "scale_not_found", None),
        ({"name": "Quiz", "kind": "exam", "unlocked_by": 999999}, 404, "component_not_found", None),
        ({"name": "Quiz", "kind": "exam", "max_score": "1e999999"}, 400, "validation_failed", "max_score"),
        ({"name": "x" * 500, "kind": "exam"}, 400, "validation_failed", "name"),
    ]
    for body, status, code, field in cases:
        response = admin.post(f"{base(wil)}/plan/components", body)
        assert (response.status_code, response.json_body["code"]) == (status, code), body
        if field:
            assert field in [e["field"] for e in response.json_body["errors"]], response.json_body


def test_a_rule_error_points_at_its_position(api_as, wil) -> None:
    admin = api_as(wil.admin)
    response = admin.post(f"{base(wil)}/award-rule/check", {"rule": 'grade("PD course") >= '})
    assert response.status_code == 400
    assert response.json_body["code"] == "invalid_rule" and response.json_body["field"] == "award_rule"
    assert isinstance(response.json_body["position"], int)
    with as_draft(wil.credential):
        response = admin.call("put", f"{base(wil)}/award-rule", {"rule": 'passed("PD course")'})
        assert response.status_code == 200 and response.json_body == {"rule": 'passed("PD course")', "valid": True}
        response = admin.call("put", f"{base(wil)}/award-rule", {"rule": "x" * 5000})
        assert response.status_code == 400
    response = admin.call("put", f"{base(wil)}/award-rule", {"rule": 'passed("PD course")'})
    assert (response.status_code, response.json_body["code"]) == (409, "plan_frozen")


def test_enrolment_by_the_learner_or_the_admin_and_from_csv(api_as, wil) -> None:
    learner = make_user()
    response = api_as(learner).post(f"{base(wil)}/enrolments", {})
    assert response.status_code == 201 and response.json_body["status"] == "enrolled"
    assert api_as(learner).post(f"{base(wil)}/enrolments", {}).json_body["code"] == "already_enrolled"
    other = make_user()
    response = api_as(wil.admin).post(f"{base(wil)}/enrolments", {"email": other.email.upper()})
    assert response.status_code == 201 and response.json_body["learner"] == other.email
    response = api_as(wil.admin).post(f"{base(wil)}/enrolments", {"email": "nobody@example.org"})
    assert (response.status_code, response.json_body["code"]) == (404, "user_not_found")
    response = api_as(make_user()).post(f"{base(wil)}/enrolments", {"email": other.email})
    assert response.status_code == 403
    response = api_as(learner).post(f"{base(wil)}/enrolments", {"route": "assessment_only"})
    assert response.status_code in (400, 409)
    response = api_as(wil.admin).post(
        f"{base(wil)}/enrolments/csv", {"csv": "email\nok@example.org\nbroken\nok@example.org\n"}
    )
    assert response.status_code == 400 and response.json_body["code"] == "validation_failed"
    assert [(e["field"], e["code"]) for e in response.json_body["errors"]] == [
        ("row 3.email", "invalid_email"),
        ("row 4.email", "duplicate"),
    ]
    assert not Enrolment.objects.filter(learner__email="ok@example.org").exists()
    response = api_as(wil.admin).post(
        f"{base(wil)}/enrolments/csv", {"csv": "email\nok@example.org\nbroken\n", "good_rows_only": True}
    )
    assert response.status_code == 200 and response.json_body["enrolled"] == 1
    assert response.json_body["errors"][0]["row"] == 3


def test_enrolments_are_visible_to_the_learner_and_assessors_only(api_as, wil) -> None:
    enrolment = wil.enrol()
    path = f"assessment/enrolments/{enrolment.pk}"
    assert api_as(enrolment.learner).get(path).status_code == 200
    assert api_as(wil.assessor).get(path).status_code == 200
    response = api_as(make_user()).get(path)
    assert (response.status_code, response.json_body["code"]) == (404, "enrolment_not_found")
    assert api_as(None).get(path).status_code == 401
    assert api_as(wil.assessor).get("assessment/enrolments/abc").status_code == 400
    assert [e["id"] for e in api_as(enrolment.learner).get("assessment/enrolments").json_body] == [enrolment.pk]


def test_recording_results_and_the_errors_of_bad_ones(api_as, wil) -> None:
    enrolment = wil.enrol()
    path = f"assessment/enrolments/{enrolment.pk}/evaluations"
    assessor = api_as(wil.assessor)
    response = assessor.post(path, {"component": wil.course.pk, "score": 82})
    assert response.status_code == 201
    assert response.json_body["score"] == "82.00" and response.json_body["enrolment_status"] == "in_progress"
    cases = [
        ({"component": wil.workplace.pk, "ratings": {"communication": "stellar"}}, 400, "ratings.communication"),
        ({"component": wil.workplace.pk, "ratings": {"communication": 5}}, 400, "ratings.communication"),
        ({"component": wil.workplace.pk, "ratings": ["superior"]}, 400, "ratings"),
        ({"component": wil.course.pk, "score": "lots"}, 400, "score"),
        ({"component": wil.course.pk, "score": {"$gt": 0}}, 400, "score"),
        ({"component": wil.course.pk, "passed": "maybe"}, 400, "passed"),
        ({"score": 80}, 400, "component"),
    ]
    wil.designate(enrolment)
    supervisor = api_as(wil.supervisor)  # the workplace evaluation is the designated supervisor's (issue 18)
    for body, status, field in cases:
        response = (supervisor if body.get("component") == wil.workplace.pk else assessor).post(path, body)
        assert response.status_code == status, (body, response.json_body)
        assert response.json_body["code"] == "validation_failed"
        assert field in [e["field"] for e in response.json_body["errors"]], (body, response.json_body)
    response = assessor.post(path, {"component": 999999, "score": 1})
    assert (response.status_code, response.json_body["code"]) == (404, "component_not_found")
    response = api_as(make_user()).post(path, {"component": wil.course.pk, "score": 99})
    assert response.status_code == 404  # a stranger does not learn who is enrolled
    response = api_as(enrolment.learner).post(path, {"component": wil.course.pk, "score": 99})
    assert (response.status_code, response.json_body["code"]) == (403, "permission_denied")
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "code", "status"),
    [
        (b"{", "malformed_json", 400),
        (b"\xff\xfe{}", "invalid_encoding", 400),
        (b"[" * 100_000 + b"]" * 100_000, "too_deeply_nested", 400),
        (b'{"component": 1, "comment": "' + b"x" * (3 * 1024 * 1024) + b'"}', "body_too_large", 413),
    ],
)
def test_malformed_bodies_are_4xx(api_as, wil, raw, code, status) -> None:
    enrolment = wil.enrol()
    response = api_as(wil.assessor).call("post", f"assessment/enrolments/{enrolment.pk}/evaluations", raw=raw)
    assert (response.status_code, response.json_body["code"]) == (status, code)


def test_a_supervisor_evaluates_through_the_api_without_an_account(
    api_as, wil, django_capture_on_commit_callbacks
) -> None:
    enrolment = wil.enrol()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(wil.admin).post(
            f"assessment/enrolments/{enrolment.pk}/supervisors",
            {"organization": wil.employer.slug, "email": "boss@grid.example", "components": [wil.workplace.pk]},
        )
    assert response.status_code == 201
    from django.core import mail

    token = mail.outbox[0].body.split("/assessment/supervise/")[1].split("/")[0]
    anonymous = api_as(None)
    response = anonymous.post(
        f"assessment/supervise/{token}/evaluations",
        {"component": wil.workplace.pk, "ratings": {"communication": "superior"}},
    )
    assert response.status_code == 201 and response.json_body["source"] == "supervisor_link"
    response = anonymous.post("assessment/supervise/forged/evaluations", {"component": wil.workplace.pk})
    assert (response.status_code, response.json_body["code"]) == (404, "invitation_not_found")
    response = api_as(wil.admin).post(
        f"assessment/enrolments/{enrolment.pk}/supervisors",
        {"organization": "no-such-org", "email": "boss@grid.example", "components": [wil.workplace.pk]},
    )
    assert (response.status_code, response.json_body["code"]) == (404, "organization_not_found")


def test_evidence_is_uploaded_as_multipart(wil) -> None:
    enrolment = wil.enrol()
    client = Client()
    client.force_login(enrolment.learner)
    path = f"/api/v1/assessment/enrolments/{enrolment.pk}/evidence"
    pdf = SimpleUploadedFile("cv.pdf", b"%PDF-1.4\nhello", content_type="application/pdf")
    response = client.post(
        path, {"kind": "file", "title": "CV", "file": pdf, "shareable": "true", "components": [wil.workplace.pk]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["size"] == 14 and body["shareable"] is True
    assert body["url"] == f"/assessment/evidence/{body['id']}/"
    assert list(Evidence.objects.get().components.all()) == [wil.workplace]
    html = SimpleUploadedFile("cv.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    response = client.post(path, {"kind": "file", "title": "CV", "file": html})
    assert response.status_code == 400 and response.json()["errors"][0] == {
        "field": "file",
        "code": "refused_type",
        "message": response.json()["errors"][0]["message"],
    }
    response = client.post(
        path, {"kind": "link", "title": "Site", "url": "https://x.example", "competencies": [wil.communication.pk]}
    )
    assert response.status_code == 201
    assert list(Evidence.objects.get(title="Site").competencies.all()) == [wil.communication]
    response = client.post(path, {"kind": "link", "title": "S", "url": "https://x.example", "competencies": [999999]})
    assert (response.status_code, response.json()["code"]) == (404, "competency_not_found")
    response = client.post(path, {"kind": "link", "title": "Site", "url": "javascript:alert(1)"})
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_url"
    assert Evidence.objects.count() == 2


def test_gradebook_prior_learning_and_gap_report_endpoints(api_as, wil) -> None:
    enrolment = wil.enrol(make_user(email="g@example.org"))
    admin = api_as(wil.admin)
    response = admin.post(f"{base(wil)}/gradebook", {"csv": "email,component,score\ng@example.org,PD course,70\n"})
    assert response.status_code == 201 and response.json_body["good_rows"] == 1
    response = admin.post(f"assessment/gradebook/{response.json_body['id']}/apply", {})
    assert response.status_code == 200 and response.json_body["applied_rows"] == 1
    assert admin.post("assessment/gradebook/999999/apply", {}).json_body["code"] == "import_not_found"
    response = admin.post(f"{base(wil)}/gradebook", {"csv": "email\n"})
    assert response.status_code == 400 and response.json_body["errors"][0]["code"] in ("empty", "missing_column")
    assert GradebookImport.objects.count() == 1
    response = api_as(enrolment.learner).post(
        f"assessment/enrolments/{enrolment.pk}/prior-learning",
        {"component": wil.course.pk, "narrative": "I did it before.", "evidence": ["not-a-uuid"]},
    )
    assert (response.status_code, response.json_body["errors"][0]["code"]) == (400, "not_recognizable")
    response = api_as(enrolment.learner).get(
        f"assessment/enrolments/{enrolment.pk}/gap-report?component={wil.workplace.pk}"
    )
    assert response.status_code == 200 and response.json_body["competencies"] == ["communication", "collaboration"]
    assert api_as(wil.admin).post("assessment/prior-learning/42/decision", {"recognized": True}).status_code == 404


def test_award_endpoints_answer_with_codes(api_as, wil) -> None:
    assert api_as(wil.admin).post("assessment/awards/999999/revoke", {"reason": "x"}).json_body["code"] == (
        "award_not_found"
    )
    response = api_as(wil.assessor).post(f"{base(wil)}/bulk-award")
    assert (response.status_code, response.json_body["code"]) == (403, "permission_denied")
    response = api_as(wil.admin).get("assessment/bulk-award/999999")
    assert (response.status_code, response.json_body["code"]) == (404, "job_not_found")
    assert selectors.plan_check(wil.credential).ok


def test_award_revoke_reissue_and_bulk_award_through_the_api(
    api_as, wil, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from microcred.assessment.models import Award

    enrolment = wil.enrol()
    assessor = api_as(wil.assessor)
    path = f"assessment/enrolments/{enrolment.pk}/evaluations"
    assessor.post(path, {"component": wil.course.pk, "score": "82"})
    wil.designate(enrolment)
    response = api_as(wil.supervisor).post(
        path, {"component": wil.workplace.pk, "ratings": {"communication": "superior", "collaboration": "superior"}}
    )
    assert response.status_code == 201 and response.json_body["enrolment_status"] == "awarded"
    detail = api_as(enrolment.learner).get(f"assessment/enrolments/{enrolment.pk}").json_body
    assert detail["award"]["status"] == "issued" and detail["decision"]["outcome"] == "met"
    award = Award.objects.get()
    admin = api_as(wil.admin)
    response = admin.post(f"assessment/awards/{award.pk}/revoke", {"reason": ""})
    assert (response.status_code, response.json_body["errors"][0]["field"]) == (400, "reason")
    response = admin.post(f"assessment/awards/{award.pk}/revoke", {"reason": "Wrong learner."})
    assert response.status_code == 200 and response.json_body["status"] == "revoked"
    response = admin.post(f"assessment/awards/{award.pk}/revoke", {"reason": "Again."})
    assert (response.status_code, response.json_body["code"]) == (409, "already_revoked")
    response = admin.post(f"assessment/awards/{award.pk}/reissue", {"reason": "Checked."})
    assert response.status_code == 200 and response.json_body["status"] == "issued"
    assert len(response.json_body["previous_credentials"]) == 1
    assert api_as(wil.assessor).post(f"assessment/awards/{award.pk}/reissue", {}).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{base(wil)}/bulk-award")
    assert response.status_code == 202
    progress = admin.get(f"assessment/bulk-award/{response.json_body['id']}")
    assert progress.status_code == 200 and progress.json_body["status"] == "done"
    assert progress.json_body["processed"] == 1 and progress.json_body["awarded"] == 0  # awarded already
    assert api_as(wil.assessor).get(f"assessment/bulk-award/{response.json_body['id']}").status_code == 403


def test_sign_off_and_recognition_through_the_api(api_as, wil) -> None:
    from microcred.assessment.services import plans

    with as_draft(wil.credential):
        log_book = plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Log", kind="log_book", tasks=["Task one"]
        )
        post = plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Post", kind="post_test", prior_learning_allowed=True
        )
    enrolment = wil.enrol()
    task = log_book.tasks.get()
    response = api_as(wil.assessor).post(f"assessment/enrolments/{enrolment.pk}/tasks/{task.pk}/sign-off", {})
    assert response.status_code == 201 and response.json_body["task"] == "Task one"
    response = api_as(wil.assessor).post(f"assessment/enrolments/{enrolment.pk}/tasks/{task.pk}/sign-off", {})
    assert (response.status_code, response.json_body["code"]) == (409, "already_signed")
    learner = api_as(enrolment.learner)
    response = learner.post(
        f"assessment/enrolments/{enrolment.pk}/prior-learning", {"component": post.pk, "narrative": "Done it."}
    )
    assert response.status_code == 201 and response.json_body["status"] == "requested"
    decision = f"assessment/prior-learning/{response.json_body['id']}/decision"
    assert learner.post(decision, {"recognized": True}).status_code == 403
    response = api_as(wil.assessor).post(decision, {"recognized": True, "comment": "Seen the records."})
    assert response.status_code == 200 and response.json_body["status"] == "recognized"
    assert api_as(wil.assessor).post(decision, {"recognized": "perhaps"}).status_code == 400


def test_the_learner_decides_what_employers_may_see(api_as, wil) -> None:
    from microcred.assessment.services import evidence

    enrolment = wil.enrol()
    item = evidence.submit_evidence(
        actor=enrolment.learner, enrolment=enrolment, kind="reflection", title="Notes", text="Mine."
    )
    path = f"assessment/evidence/{item.public_id}"
    response = api_as(enrolment.learner).patch(path, {"shareable": True})
    assert response.status_code == 200 and response.json_body["shareable"] is True
    assert api_as(wil.admin).patch(path, {"shareable": False}).json_body["code"] == "evidence_not_found"
    assert api_as(enrolment.learner).patch("assessment/evidence/not-a-uuid", {"shareable": True}).status_code == 404
    assert api_as(enrolment.learner).patch(path, {"shareable": "maybe"}).status_code == 400
    item.refresh_from_db()
    assert item.shareable is True


def test_the_assessment_endpoints_are_in_the_openapi_document(client) -> None:
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = [p for p in document.json()["paths"] if p.startswith("/api/v1/assessment/")]
    assert "/api/v1/assessment/enrolments/{enrolment_id}/evaluations" in paths and len(paths) >= 20


def test_deciding_now(api_as, wil) -> None:
    from microcred.accounts.models import User
    from microcred.assessment.services import evaluations

    enrolment = wil.enrol()
    path = f"assessment/enrolments/{enrolment.pk}/decide"
    response = api_as(wil.assessor).post(path)
    assert response.status_code == 200 and response.json_body["decision"]["outcome"] == "undetermined"
    assert response.json_body["decision"]["missing"] == [
        'grade("PD course")',
        'level("communication")',
        'level("collaboration")',
    ]
    assert api_as(enrolment.learner).post(path).status_code == 403
    # The issue fails once (the learner's address cannot be a recipient): the results stay, nothing is awarded.
    User.objects.filter(pk=enrolment.learner.pk).update(email="not an address")
    enrolment.learner.refresh_from_db()
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=90)
    wil.designate(enrolment)
    evaluations.record_evaluation(
        actor=wil.supervisor,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
    )
    assert api_as(wil.assessor).get(f"assessment/enrolments/{enrolment.pk}").json_body["award"] is None
    User.objects.filter(pk=enrolment.learner.pk).update(email="fixed@example.org")
    response = api_as(wil.admin).post(path)
    assert response.status_code == 200 and response.json_body["award"]["status"] == "issued"
    again = api_as(wil.admin).post(path)
    assert again.json_body["award"]["id"] == response.json_body["award"]["id"]


@pytest.mark.parametrize("bad", ["99999999999999999999999", "-1", "0"])
def test_hostile_ids_in_api_paths_are_4xx(api_as, wil, bad) -> None:
    enrolment = wil.enrol()
    admin = api_as(wil.admin)
    for method, path, body in (
        ("get", f"assessment/enrolments/{bad}", None),
        ("get", f"assessment/credentials/{bad}/plan", None),
        ("post", f"assessment/enrolments/{enrolment.pk}/evaluations", {"component": int(bad), "score": 1}),
        ("get", f"assessment/enrolments/{enrolment.pk}/gap-report?component={bad}", None),
        ("post", f"assessment/enrolments/{enrolment.pk}/tasks/{bad}/sign-off", {}),
        ("post", f"assessment/awards/{bad}/revoke", {"reason": "x"}),
        ("get", f"assessment/bulk-award/{bad}", None),
    ):
        response = admin.call(method, path, body)
        assert 400 <= response.status_code < 500 and response.json_body["code"], (path, response.status_code)


@pytest.mark.parametrize("wanted", [[2**63], [2**80], [0], [-3]])
def test_ids_outside_the_database_range_are_400_not_500(api_as, wil, wanted) -> None:
    """Found by the API fuzzing (tests/test_api_fuzz.py): a competency id past 2**63 went into ``pk__in`` and SQLite
    could not bind it (OverflowError, a 500). Ids are refused as input, with the field named."""
    enrolment = wil.enrol()
    client = Client()
    client.force_login(enrolment.learner)
    path = f"/api/v1/assessment/enrolments/{enrolment.pk}/evidence"
    response = client.post(path, {"kind": "url", "title": "Site", "url": "https://example.org", "competencies": wanted})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "competencies.0"
    with as_draft(wil.credential):
        component = {"name": "Interview", "kind": "interview", "competencies": wanted}
        response = api_as(wil.admin).post(f"{base(wil)}/plan/components", component)
    assert response.status_code == 400, response.json_body
    assert response.json_body["errors"][0]["field"] == "competencies.0"
    supervisor = {"organization": "x", "email": "boss@grid.example", "components": wanted}
    response = api_as(wil.admin).post(f"assessment/enrolments/{enrolment.pk}/supervisors", supervisor)
    assert response.status_code == 400 and response.json_body["errors"][0]["field"] == "components.0"
