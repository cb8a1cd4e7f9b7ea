"""Assessment plans: components and their checks, the plan check and the reviewer's waiver, the award rule."""

from __future__ import annotations

import pytest

from microcred.assessment import selectors
from microcred.assessment.award_rules import RuleSyntaxError
from microcred.assessment.models import AssessmentPlan, ComponentKind, LogBookTask
from microcred.assessment.services import plans
from microcred.audit.models import AuditEntry
from microcred.errors import Conflict, PermissionDenied, ValidationFailed
from microcred.testing.assessment import as_draft, make_scale_with_competencies

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def designing(wil):
    """The plan is designed while the version is a draft."""
    with as_draft(wil.credential):
        yield


def codes(error: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in error.errors}


def test_every_kind_of_component_can_be_planned(wil) -> None:
    for kind in ComponentKind.values:
        if kind in ("course_grade", "workplace_evaluation"):
            continue
        extra = {"tasks": ["Isolate a circuit", "Write the shift report"]} if kind == ComponentKind.LOG_BOOK else {}
        plans.add_component(
            actor=wil.admin,
            credential=wil.credential,
            name=f"A {kind}",
            kind=kind,
            max_score=None if kind == ComponentKind.LOG_BOOK else 50,
            pass_mark=None if kind == ComponentKind.LOG_BOOK else 60,
            **extra,
        )
    components = selectors.components_of(wil.credential)
    assert {c.kind for c in components} == set(ComponentKind.values)
    assert [c.name for c in components][:2] == ["PD course", "Workplace evaluation"]  # plan order is kept
    log_book = next(c for c in components if c.kind == ComponentKind.LOG_BOOK)
    assert [t.title for t in log_book.tasks.all()] == ["Isolate a circuit", "Write the shift report"]
    assert not log_book.scored and wil.course.scored


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "  ", "kind": "exam"}, {"name": "required"}),
        ({"name": "x" * 121, "kind": "exam"}, {"name": "too_long"}),
        ({"name": "Quiz", "kind": "essay"}, {"kind": "invalid_choice"}),
        ({"name": "Quiz", "kind": "exam", "max_score": "ten"}, {"max_score": "not_a_number"}),
        ({"name": "Quiz", "kind": "exam", "max_score": "NaN"}, {"max_score": "out_of_range"}),
        ({"name": "Quiz", "kind": "exam", "max_score": True}, {"max_score": "not_a_number"}),
        ({"name": "Quiz", "kind": "exam", "max_score": -5}, {"max_score": "out_of_range"}),
        ({"name": "Quiz", "kind": "exam", "max_score": 10, "pass_mark": 101}, {"pass_mark": "out_of_range"}),
        ({"name": "Quiz", "kind": "exam", "pass_mark": 50}, {"pass_mark": "needs_score"}),
        ({"name": "Log", "kind": "log_book"}, {"tasks": "required"}),
        ({"name": "Log", "kind": "log_book", "tasks": ["t"] * 201}, {"tasks": "too_many"}),
    ],
)
def test_bad_components_are_refused_with_field_errors(wil, fields, expected) -> None:
    before = LogBookTask.objects.count(), wil.course.plan.components.count()
    with pytest.raises(ValidationFailed) as caught:
        plans.add_component(actor=wil.admin, credential=wil.credential, **fields)
    assert codes(caught.value) == expected
    assert (LogBookTask.objects.count(), wil.course.plan.components.count()) == before


def test_competencies_need_a_scale_with_levels(wil) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Talk", kind="interview", competencies=[wil.communication]
        )
    assert codes(caught.value) == {"scale": "required"}
    empty_scale, _competencies = make_scale_with_competencies(wil.provider, ["x"], levels=[])
    with pytest.raises(ValidationFailed) as caught:
        plans.add_component(
            actor=wil.admin,
            credential=wil.credential,
            name="Talk",
            kind="interview",
            competencies=[wil.communication],
            scale=empty_scale,
        )
    assert codes(caught.value) == {"scale": "empty_scale"}


def test_component_names_are_unique_in_a_plan_whatever_the_case(wil) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plans.add_component(actor=wil.admin, credential=wil.credential, name="pd  COURSE", kind="exam")
    assert codes(caught.value) == {"name": "duplicate"}


def test_a_component_cannot_be_unlocked_by_another_plans_component(wil) -> None:
    from microcred.testing.assessment import make_published_credential

    with as_draft(make_published_credential(wil.provider)) as other:
        foreign = plans.add_component(
            actor=wil.admin, credential=other, name="Pre-test", kind="pre_test", max_score=10
        )
    with pytest.raises(ValidationFailed) as caught:
        plans.add_component(
            actor=wil.admin, credential=wil.credential, name="Post-test", kind="post_test", unlocked_by=foreign
        )
    assert codes(caught.value) == {"unlocked_by": "other_plan"}


def test_only_the_providers_admins_edit_a_plan(wil) -> None:
    for person in (wil.assessor, wil.reviewer, wil.supervisor):
        with pytest.raises(PermissionDenied):
            plans.add_component(actor=person, credential=wil.credential, name="Quiz", kind="exam")
        with pytest.raises(PermissionDenied):
            plans.save_award_rule(actor=person, credential=wil.credential, rule='passed("PD course")')


def test_plan_check_finds_a_competency_no_component_assesses(wil) -> None:
    check = selectors.plan_check(wil.credential)
    assert check.ok and check.gaps == [] and {c.pk for c in check.assessed} == {
        wil.communication.pk,
        wil.collaboration.pk,
    }
    _scale, (safety,) = make_scale_with_competencies(wil.provider, ["safety"])
    plans.set_plan_competencies(
        actor=wil.admin, credential=wil.credential, competencies=[wil.communication, wil.collaboration, safety]
    )
    check = selectors.plan_check(wil.credential)
    assert check.gaps == [safety] and not check.waived and not check.ok


def test_a_gap_needs_a_reviewers_waiver_with_a_reason_and_a_new_gap_a_new_waiver(wil) -> None:
    _scale, (safety, ethics) = make_scale_with_competencies(wil.provider, ["safety", "ethics"])
    with pytest.raises(Conflict) as caught:
        plans.waive_plan_gaps(actor=wil.reviewer, credential=wil.credential, reason="Nothing to waive")
    assert caught.value.code == "no_gaps"
    plans.set_plan_competencies(
        actor=wil.admin, credential=wil.credential, competencies=[wil.communication, wil.collaboration, safety]
    )
    with pytest.raises(PermissionDenied):  # the admin who designs the plan cannot waive its gaps
        plans.waive_plan_gaps(actor=wil.admin, credential=wil.credential, reason="Trust me")
    with pytest.raises(ValidationFailed) as caught:
        plans.waive_plan_gaps(actor=wil.reviewer, credential=wil.credential, reason="   ")
    assert codes(caught.value) == {"reason": "required"}
    plan = plans.waive_plan_gaps(
        actor=wil.reviewer, credential=wil.credential, reason="Safety is assessed by the employer's own induction."
    )
    assert plan.waived_gaps == [safety.pk] and plan.gaps_waived_by == wil.reviewer
    assert selectors.plan_check(wil.credential).ok
    assert AuditEntry.objects.filter(action="assessment.waive_plan_gaps", actor=wil.reviewer).count() == 1
    plans.set_plan_competencies(
        actor=wil.admin, credential=wil.credential, competencies=[wil.communication, wil.collaboration, safety, ethics]
    )
    check = selectors.plan_check(wil.credential)
    assert {c.pk for c in check.gaps} == {safety.pk, ethics.pk} and not check.waived and not check.ok


def test_one_competency_rated_on_two_scales_is_reported(wil) -> None:
    other_scale, _ = make_scale_with_competencies(wil.provider, ["unused"], levels=["no", "yes"])
    plans.add_component(
        actor=wil.admin,
        credential=wil.credential,
        name="Interview",
        kind="interview",
        competencies=[wil.communication],
        scale=other_scale,
    )
    check = selectors.plan_check(wil.credential)
    assert check.conflicting_scales == [wil.communication] and not check.ok


def test_the_award_rule_is_checked_against_the_plan_when_saved(wil) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        plans.save_award_rule(actor=wil.admin, credential=wil.credential, rule='grade("PD curse") >= 80')
    assert caught.value.position == 6 and caught.value.to_json()["code"] == "invalid_rule"
    with pytest.raises(RuleSyntaxError) as caught:
        plans.save_award_rule(
            actor=wil.admin, credential=wil.credential, rule='level("communication") >= "outstanding"'
        )
    assert caught.value.position == 26
    with pytest.raises(RuleSyntaxError):
        plans.save_award_rule(actor=wil.admin, credential=wil.credential, rule=["not", "text"])  # type: ignore[arg-type]
    wil.credential.refresh_from_db()
    assert wil.credential.award_rule.startswith('grade("PD course") >= 80')  # unchanged
    plans.save_award_rule(
        actor=wil.admin, credential=wil.credential, rule='  all_competencies_at_least("satisfactory")  '
    )
    wil.credential.refresh_from_db()
    assert wil.credential.award_rule == 'all_competencies_at_least("satisfactory")'


def test_a_plan_is_created_on_first_use_once(wil) -> None:
    assert AssessmentPlan.objects.filter(credential=wil.credential).count() == 1
    assert selectors.plan_of(wil.credential).components.count() == 2


def test_publishing_a_plan_with_a_gap_needs_the_reviewers_waiver(wil) -> None:
    from microcred.catalog import services as catalog
    from microcred.catalog.models import Status

    _scale, (safety,) = make_scale_with_competencies(wil.provider, ["safety"])
    draft = catalog.create_draft(
        actor=wil.admin, provider=wil.provider, title="Safe Line Work", delivery_mode="online", workload_hours="12"
    )
    plans.set_plan_competencies(actor=wil.admin, credential=draft, competencies=[wil.communication, safety])
    plans.add_component(
        actor=wil.admin,
        credential=draft,
        name="Field evaluation",
        kind="workplace_evaluation",
        competencies=[wil.communication],
        scale=wil.scale,
    )
    catalog.submit_for_review(actor=wil.admin, credential=draft)
    catalog.review(actor=wil.reviewer, credential=draft, decision="approved")
    with pytest.raises(Conflict) as caught:
        catalog.publish(actor=wil.admin, credential=draft)
    assert caught.value.code == "plan_gaps_not_waived" and "safety" in caught.value.message
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    plans.waive_plan_gaps(actor=wil.reviewer, credential=draft, reason="Safety is certified by the utility itself.")
    assert catalog.publish(actor=wil.admin, credential=draft).status == Status.PUBLISHED


def test_a_credential_without_a_plan_or_without_gaps_publishes_as_before(wil) -> None:
    from microcred.catalog import services as catalog

    for title in ("No plan yet", "Complete plan"):
        draft = catalog.create_draft(
            actor=wil.admin, provider=wil.provider, title=title, delivery_mode="online", workload_hours="1"
        )
        if title == "Complete plan":
            plans.set_plan_competencies(actor=wil.admin, credential=draft, competencies=[wil.communication])
            plans.add_component(
                actor=wil.admin,
                credential=draft,
                name="Talk",
                kind="interview",
                competencies=[wil.communication],
                scale=wil.scale,
            )
        catalog.submit_for_review(actor=wil.admin, credential=draft)
        catalog.review(actor=wil.reviewer, credential=draft, decision="approved")
        assert catalog.publish(actor=wil.admin, credential=draft).status == "published"


def test_a_published_version_keeps_its_plan_and_rule(wil) -> None:
    from microcred.catalog.models import MicroCredential, Status

    for status in (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED):
        MicroCredential.objects.filter(pk=wil.credential.pk).update(status=status)
        wil.credential.refresh_from_db()
        for change in (
            lambda: plans.add_component(actor=wil.admin, credential=wil.credential, name="Quiz", kind="exam"),
            lambda: plans.set_plan_competencies(actor=wil.admin, credential=wil.credential, competencies=[]),
            lambda: plans.save_award_rule(actor=wil.admin, credential=wil.credential, rule='passed("PD course")'),
        ):
            with pytest.raises(Conflict) as caught:
                change()
            assert caught.value.code == "plan_frozen"
    with pytest.raises(Conflict) as caught:
        plans.waive_plan_gaps(actor=wil.reviewer, credential=wil.credential, reason="Too late")
    assert caught.value.code == "plan_frozen"
    assert [c.name for c in selectors.components_of(wil.credential)] == ["PD course", "Workplace evaluation"]


def test_a_new_version_starts_from_the_plan_of_the_one_it_copies(wil) -> None:
    from microcred.catalog import services as catalog
    from microcred.catalog.models import MicroCredential

    post = plans.add_component(
        actor=wil.admin,
        credential=wil.credential,
        name="Retest",
        kind="post_test",
        max_score=10,
        unlocked_by=wil.course,
    )
    plans.add_component(actor=wil.admin, credential=wil.credential, name="Log", kind="log_book", tasks=["a", "b"])
    _scale, (safety,) = make_scale_with_competencies(wil.provider, ["safety"])
    plans.set_plan_competencies(
        actor=wil.admin, credential=wil.credential, competencies=[wil.communication, wil.collaboration, safety]
    )
    plans.waive_plan_gaps(actor=wil.reviewer, credential=wil.credential, reason="Covered elsewhere.")
    MicroCredential.objects.filter(pk=wil.credential.pk).update(status="published")
    wil.credential.refresh_from_db()
    copy = catalog.start_new_version(actor=wil.admin, credential=wil.credential)
    components = selectors.components_of(copy)
    assert [c.name for c in components] == ["PD course", "Workplace evaluation", "Retest", "Log"]
    assert all(c.plan.credential == copy for c in components)
    by_name = {c.name: c for c in components}
    assert by_name["Retest"].unlocked_by == by_name["PD course"] and by_name["Retest"].pk != post.pk
    assert [t.title for t in by_name["Log"].tasks.all()] == ["a", "b"]
    assert [c.short_name for c in by_name["Workplace evaluation"].competencies.all()] == [
        "communication",
        "collaboration",
    ]
    check = selectors.plan_check(copy)
    assert check.gaps == [safety] and not check.waived  # the new version is reviewed again
    plans.check_award_rule(copy, copy.award_rule)  # the copied rule fits the copied plan
    assert selectors.components_of(wil.credential)[2].pk == post.pk  # the old version keeps its own plan
