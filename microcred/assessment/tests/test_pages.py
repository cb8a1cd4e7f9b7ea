"""The assessment pages: a learner's list and enrolment page, assessors recording results, the provider's page for
a credential (plan check, cohort, gradebook import, bulk award). The pages call the same services as the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from microcred.assessment import selectors
from microcred.assessment.models import Evaluation, Evidence, GradebookImport
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_learner_sees_their_enrolments_and_adds_evidence(wil) -> None:
    enrolment = wil.enrol()
    client = signed_in(enrolment.learner)
    page = client.get("/assessment/")
    assert page.status_code == 200 and wil.credential.title.encode() in page.content
    assert b'href="/assessment/"' in page.content  # in the navigation
    path = f"/assessment/enrolments/{enrolment.pk}/"
    page = client.get(path)
    assert page.status_code == 200 and b"Add evidence" in page.content and b"Record the result" not in page.content
    upload = SimpleUploadedFile("reflection.txt", "Ce que j’ai appris.".encode(), content_type="text/plain")
    fields = {"action": "evidence", "kind": "file", "title": "Reflection", "file": upload}
    fields |= {"components": [wil.workplace.pk], "competencies": [wil.collaboration.pk]}
    response = client.post(path, fields)
    assert response.status_code == 302 and Evidence.objects.get().content_type == "text/plain"
    added = Evidence.objects.get()
    assert list(added.components.all()) == [wil.workplace] and list(added.competencies.all()) == [wil.collaboration]
    wrong = {"action": "evidence", "kind": "link", "title": "L", "url": "https://x.ca", "components": [999999]}
    assert client.post(path, wrong).status_code == 400
    script = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = client.post(path, {"action": "evidence", "kind": "file", "title": "Bad", "file": script})
    assert response.status_code == 400 and b"cannot be uploaded" in response.content
    response = client.post(path, {"action": "evaluate", "component": wil.course.pk, f"c{wil.course.pk}-score": "99"})
    assert response.status_code == 400 and not Evaluation.objects.exists()


def test_an_assessor_records_results_on_the_page(wil) -> None:
    enrolment = wil.enrol()
    wil.designate(enrolment)
    client = signed_in(wil.assessor)
    path = f"/assessment/enrolments/{enrolment.pk}/"
    page = client.get(path)
    assert page.status_code == 200 and b"Record the result for PD course" in page.content
    assert b"Record the result for Workplace evaluation" not in page.content  # the supervisor's (issue 18)
    response = client.post(path, {"action": "evaluate", "component": wil.course.pk, f"c{wil.course.pk}-score": "82"})
    assert response.status_code == 302
    response = client.post(path, {"action": "evaluate", "component": wil.course.pk, f"c{wil.course.pk}-score": "820"})
    assert response.status_code == 400 and b"Enter a score from 0 to 100" in response.content
    prefix = f"c{wil.workplace.pk}"
    superior = selectors.scale_levels(wil.scale)[-1].pk
    rating = {"action": "evaluate", "component": wil.workplace.pk, f"{prefix}-rating_{wil.communication.pk}": superior}
    assert client.post(path, rating).status_code == 400  # not the designated supervisor
    supervisor = signed_in(wil.supervisor)
    assert b"Record the result for Workplace evaluation" in supervisor.get(path).content
    assert supervisor.post(path, rating).status_code == 302
    page = client.get(path)
    assert b"Not decided yet" in page.content and b"level(&quot;collaboration&quot;)" in page.content
    assert selectors.facts_for(enrolment).levels == {"communication": "superior"}


def test_saving_a_result_does_not_award_an_assessor_awards_with_the_decision_in_words(wil) -> None:
    """Issue 18: saving a result awarded silently; now the rule's decision is shown in words and an assessor awards."""
    from microcred.assessment.models import Award

    enrolment = wil.enrol()
    wil.designate(enrolment)
    superior = selectors.scale_levels(wil.scale)[-1].pk
    prefix = f"c{wil.workplace.pk}"
    signed_in(wil.supervisor).post(
        f"/assessment/enrolments/{enrolment.pk}/",
        {
            "action": "evaluate",
            "component": wil.workplace.pk,
            f"{prefix}-rating_{wil.communication.pk}": superior,
            f"{prefix}-rating_{wil.collaboration.pk}": superior,
        },
    )
    client = signed_in(wil.assessor)
    path = f"/assessment/enrolments/{enrolment.pk}/"
    page = client.post(
        path, {"action": "evaluate", "component": wil.course.pk, f"c{wil.course.pk}-score": "82"}, follow=True
    )
    assert not Award.objects.exists()
    text = page.content.decode()
    assert "The result was recorded. The award rule is met: the credential can be awarded." in text
    assert "the grade in “PD course” is at least 80 %" in text and "Award the credential" in text
    assert signed_in(enrolment.learner).post(path, {"action": "award"}).status_code == 400  # not the learner's
    page = client.post(path, {"action": "award"}, follow=True)
    award = Award.objects.get(enrolment=enrolment)
    assert award.issued_credential is not None
    assert "was awarded to" in page.content.decode() and "Awarded and issued" in page.content.decode()
    assert client.post(path, {"action": "award"}).status_code in (302, 400)
    assert Award.objects.count() == 1


def test_strangers_do_not_see_an_enrolment(wil) -> None:
    enrolment = wil.enrol()
    assert signed_in(make_user()).get(f"/assessment/enrolments/{enrolment.pk}/").status_code == 404
    assert signed_in(make_user()).get("/assessment/enrolments/999999/").status_code == 404
    assert Client().get(f"/assessment/enrolments/{enrolment.pk}/").status_code == 302  # to the log-in page


def test_the_providers_page_for_a_credential(wil) -> None:
    enrolment = wil.enrol(make_user(email="pat@example.org"))
    admin = signed_in(wil.admin)
    path = f"/assessment/credentials/{wil.credential.pk}/"
    page = admin.get(path)
    assert page.status_code == 200
    assert b"Every competency is assessed" in page.content and b"pat@example.org" in page.content
    assert b"Import results from a gradebook" in page.content
    csv = SimpleUploadedFile("lms.csv", b"email,component,score\npat@example.org,PD course,88\nx@y.z,PD course,1\n")
    page = admin.post(path, {"action": "preview", "file": csv})
    assert page.status_code == 200 and b"Rows with errors" in page.content
    preview = GradebookImport.objects.get()
    response = admin.post(path, {"action": "apply", "import": preview.pk})
    assert response.status_code == 400 and not Evaluation.objects.exists()
    response = admin.post(path, {"action": "apply", "import": preview.pk, "good_rows_only": "on"})
    assert response.status_code == 302 and Evaluation.objects.get().enrolment == enrolment
    assessor_page = signed_in(wil.assessor).get(path)
    assert assessor_page.status_code == 200 and b"Import results from a gradebook" not in assessor_page.content
    # issue 18: the plan link the assessor sees answers (it was a 404 "No such micro-credential")
    assert (
        b"See the assessment plan" in assessor_page.content
        and b"Design the assessment plan" not in assessor_page.content
    )
    assert signed_in(wil.assessor).get(f"/assessment/credentials/{wil.credential.pk}/plan/").status_code == 200
    assert signed_in(make_user()).get(path).status_code == 404
    assert signed_in(wil.supervisor).get(path).status_code == 404


def test_log_book_sign_off_revocation_and_reissue_on_the_enrolment_page(wil) -> None:
    from microcred.assessment.models import Award
    from microcred.assessment.services import evaluations, plans
    from microcred.testing.assessment import as_draft

    with as_draft(wil.credential):
        log_book = plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Field log", kind="log_book", tasks=["Lock out a panel"]
        )
    enrolment = wil.enrol()
    path = f"/assessment/enrolments/{enrolment.pk}/"
    assessor = signed_in(wil.assessor)
    task = log_book.tasks.get()
    assert assessor.post(path, {"action": "sign_off", "task": task.pk}).status_code == 302
    assert assessor.post(path, {"action": "sign_off", "task": 999999}).status_code == 404
    assert selectors.facts_for(enrolment).passed["field log"] is True
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=90)
    wil.designate(enrolment)
    evaluations.record_evaluation(
        actor=wil.supervisor,
        enrolment=enrolment,
        component=wil.workplace,
        ratings={"communication": "superior", "collaboration": "superior"},
    )
    award = Award.objects.get(enrolment=enrolment)
    admin = signed_in(wil.admin)
    assert b"Revoke the award" in admin.get(path).content
    assert b"Revoke the award" not in assessor.get(path).content
    assert admin.post(path, {"action": "revoke", "reason": ""}).status_code == 400
    assert admin.post(path, {"action": "revoke", "reason": "Entered for the wrong learner."}).status_code == 302
    award.refresh_from_db()
    assert award.status == "revoked"
    assert admin.post(path, {"action": "reissue", "reason": "Checked again."}).status_code == 302
    award.refresh_from_db()
    assert award.status == "issued" and award.previous_credentials.count() == 1
    assert assessor.post(path, {"action": "revoke", "reason": "x"}).status_code == 400  # not theirs to do
    award.refresh_from_db()
    assert award.status == "issued"


def test_the_bulk_award_starts_from_the_providers_page(wil, settings, django_capture_on_commit_callbacks) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from microcred.assessment.services import evaluations

    enrolment = wil.enrol()
    evaluations.record_evaluation(actor=wil.assessor, enrolment=enrolment, component=wil.course, score=50)
    admin = signed_in(wil.admin)
    path = f"/assessment/credentials/{wil.credential.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(path, {"action": "bulk_award"})
    assert response.status_code == 302
    page = admin.get(path)
    assert b'id="bulk-progress"' in page.content and b"1 of 1 decided, 0 awarded" in page.content
    progress = admin.get(page.content.decode().split('data-url="')[1].split('"')[0])
    assert progress.status_code == 200 and progress.json()["status"] == "done"


def test_the_pages_speak_french(wil) -> None:
    from django.conf import settings as django_settings

    enrolment = wil.enrol()
    client = signed_in(enrolment.learner)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(f"/assessment/enrolments/{enrolment.pk}/").content.decode()
    assert "Mes évaluations" in page and "Ajouter une preuve" in page and "Statut :" in page
    response = client.post(
        f"/assessment/enrolments/{enrolment.pk}/", {"action": "evidence", "kind": "link", "title": "x", "url": "ftp://"}
    )
    assert "Saisissez une adresse Web qui commence par https://." in response.content.decode()


def test_the_learner_shares_evidence_from_the_page(wil) -> None:
    from microcred.assessment.services import evidence

    enrolment = wil.enrol()
    item = evidence.submit_evidence(
        actor=enrolment.learner, enrolment=enrolment, kind="link", title="N", url="https://x.ca"
    )
    client = signed_in(enrolment.learner)
    path = f"/assessment/enrolments/{enrolment.pk}/"
    assert b"Share with employers" in client.get(path).content
    assert client.post(path, {"action": "share", "evidence": item.public_id, "shareable": "yes"}).status_code == 302
    item.refresh_from_db()
    assert item.shareable and b"Stop sharing" in client.get(path).content
    assert client.post(path, {"action": "share", "evidence": "nope", "shareable": "no"}).status_code == 404
    assessor = signed_in(wil.assessor)
    assert assessor.post(path, {"action": "share", "evidence": item.public_id, "shareable": "no"}).status_code == 400
    item.refresh_from_db()
    assert item.shareable


def test_a_learner_enrols_from_the_catalog_page(wil) -> None:
    from microcred.catalog.models import MicroCredential

    learner = make_user()
    client = signed_in(learner)
    credential = wil.credential
    page = client.get(f"/catalog/{credential.provider.slug}/{credential.slug}/")
    assert page.status_code == 200
    assert f'action="/assessment/credentials/{credential.pk}/enrol/"'.encode() in page.content
    response = client.post(f"/assessment/credentials/{credential.pk}/enrol/")
    enrolment = learner.enrolments.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/enrolments/{enrolment.pk}/"
    again = client.post(f"/assessment/credentials/{credential.pk}/enrol/")
    assert again["Location"] == f"/assessment/enrolments/{enrolment.pk}/" and learner.enrolments.count() == 1
    assert client.get(f"/assessment/credentials/{credential.pk}/enrol/").status_code == 405
    assert client.post("/assessment/credentials/999999/enrol/").status_code == 404
    MicroCredential.objects.filter(pk=credential.pk).update(status="retired")
    assert signed_in(make_user()).post(f"/assessment/credentials/{credential.pk}/enrol/").status_code == 409
    admin_page = signed_in(wil.admin).get(f"/catalog/{credential.provider.slug}/{credential.slug}/")
    assert f'href="/assessment/credentials/{credential.pk}/plan/"'.encode() in admin_page.content


def test_a_cohort_is_enrolled_from_a_file_on_the_providers_page(wil) -> None:
    admin = signed_in(wil.admin)
    path = f"/assessment/credentials/{wil.credential.pk}/"
    bad = SimpleUploadedFile("cohort.csv", b"email\nok@example.org\nnot-an-address\n")
    page = admin.post(path, {"action": "enrol_csv", "file": bad})
    assert page.status_code == 400 and b"row 3.email" in page.content and b"Not a valid e-mail address." in page.content
    assert not wil.credential.enrolments.exists()
    good = SimpleUploadedFile("cohort.csv", b"email\nok@example.org\nnot-an-address\n")
    page = admin.post(path, {"action": "enrol_csv", "file": good, "good_rows_only": "on"})
    assert page.status_code == 200 and b"1 learners were enrolled." in page.content
    assert list(wil.credential.enrolments.values_list("learner__email", flat=True)) == ["ok@example.org"]


def test_the_plan_is_designed_on_its_page_and_a_reviewer_waives_a_gap(wil) -> None:
    from microcred.catalog.models import MicroCredential
    from microcred.testing.assessment import make_scale_with_competencies

    _scale, (safety,) = make_scale_with_competencies(wil.provider, ["safety"])
    MicroCredential.objects.filter(pk=wil.credential.pk).update(status="draft")
    path = f"/assessment/credentials/{wil.credential.pk}/plan/"
    admin = signed_in(wil.admin)
    page = admin.get(path)
    assert page.status_code == 200 and b"Add a component" in page.content
    response = admin.post(
        path,
        {
            "action": "add_component",
            "name": "Field log",
            "kind": "log_book",
            "tasks": "Lock out a panel\nLead a toolbox talk\n",
            "competencies": [wil.communication.pk],
            "scale": wil.scale.pk,
        },
    )
    assert response.status_code == 302
    log = selectors.components_of(wil.credential)[-1]
    assert [t.title for t in log.tasks.all()] == ["Lock out a panel", "Lead a toolbox talk"]
    response = admin.post(path, {"action": "add_component", "name": "Quiz", "kind": "exam", "pass_mark": "50"})
    assert response.status_code == 400 and b"A pass mark needs a maximum score." in response.content
    response = admin.post(path, {"action": "rule", "rule": 'grade("PD curse") >= 80'})
    assert response.status_code == 400 and b"(at character 7)" in response.content
    response = admin.post(path, {"action": "rule", "rule": 'passed("Field log") and grade("PD course") >= 80'})
    assert response.status_code == 302
    wil.credential.refresh_from_db()
    assert wil.credential.award_rule == 'passed("Field log") and grade("PD course") >= 80'
    from microcred.catalog.alignments import align

    align(actor=wil.admin, credential=wil.credential, competency=safety)  # only aligned competencies are offered
    chosen = [wil.communication.pk, wil.collaboration.pk, safety.pk]
    assert admin.post(path, {"action": "certify", "competencies": chosen}).status_code == 302
    assert b"Publishing needs a reviewer" in admin.get(path).content
    assert admin.post(path, {"action": "waive", "reason": "mine"}).status_code == 400  # not the admin's to waive

    MicroCredential.objects.filter(pk=wil.credential.pk).update(status="in_review")
    reviewer = signed_in(wil.reviewer)
    page = reviewer.get(path)
    assert page.status_code == 200 and b"Waive the gap" in page.content and b"Add a component" not in page.content
    assert reviewer.post(path, {"action": "waive", "reason": ""}).status_code == 400
    assert reviewer.post(path, {"action": "waive", "reason": "The utility certifies safety."}).status_code == 302
    assert selectors.plan_check(wil.credential).waived
    assert b"This version is frozen" in admin.get(path).content
    assert admin.post(path, {"action": "rule", "rule": 'passed("Field log")'}).status_code == 400
    # the provider's assessor reads the plan (issue 18: the catalog's "Assessment" link answered 404), changes nothing
    page = signed_in(wil.assessor).get(path)
    assert page.status_code == 200 and b"Add a component" not in page.content and b"Waive the gap" not in page.content
    assert signed_in(wil.assessor).post(path, {"action": "rule", "rule": 'passed("Field log")'}).status_code == 400
    assert signed_in(make_user()).get(path).status_code == 404


@pytest.mark.parametrize("bad", ["²", "1" * 30, "-1", "1e3", " 1", "", "١"])
def test_hostile_ids_in_page_forms_are_4xx(wil, bad, django_capture_on_commit_callbacks) -> None:
    from microcred.assessment.services import evaluations

    enrolment = wil.enrol()
    path = f"/assessment/enrolments/{enrolment.pk}/"
    assessor = signed_in(wil.assessor)
    for fields in (
        {"action": "evaluate", "component": bad},
        {"action": "sign_off", "task": bad},
        {"action": "decide_recognition", "request": bad, "recognized": "yes"},
    ):
        assert 400 <= assessor.post(path, fields).status_code < 500, fields
    learner = signed_in(enrolment.learner)
    for fields in ({"action": "recognition", "component": bad, "narrative": "x"}, {"action": "share", "evidence": bad}):
        assert 400 <= learner.post(path, fields).status_code < 500, fields
    admin = signed_in(wil.admin)
    page = f"/assessment/credentials/{wil.credential.pk}/"
    assert 400 <= admin.post(page, {"action": "apply", "import": bad}).status_code < 500
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = evaluations.invite_supervisor(
            actor=wil.admin,
            enrolment=enrolment,
            organization=wil.employer,
            email="boss@grid.example",
            components=[wil.workplace],
            link_base="http://testserver/assessment/supervise/",
        )
    response = Client().post(f"/assessment/supervise/{token}/", {"action": "evaluate", "component": bad})
    assert 400 <= response.status_code < 500


def test_the_assessor_adds_evidence_on_the_enrolment_page(wil) -> None:
    """Issue 18: the assessor could not add evidence; whether employers see it stays the learner's choice."""
    enrolment = wil.enrol()
    path = f"/assessment/enrolments/{enrolment.pk}/"
    client = signed_in(wil.assessor)
    page = client.get(path).content.decode()
    assert "Add evidence you observed or collected" in page and "Employers may see this evidence" not in page
    response = client.post(
        path,
        {"action": "evidence", "kind": "reflection", "title": "Observed the toolbox talk", "text": "Led it well."},
        follow=True,
    )
    assert "The evidence was added." in response.content.decode()
    item = enrolment.evidence.get()
    assert item.title == "Observed the toolbox talk" and not item.shareable
    supervisor = signed_in(wil.supervisor)  # an employer's assessor, not designated: no page, no evidence
    assert supervisor.post(path, {"action": "evidence", "kind": "reflection", "title": "x"}).status_code == 404
