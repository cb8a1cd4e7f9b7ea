"""Issue 18: the award-rule builder writes the rule language from rows, reads back the rules it can show, says them
in words; the plan page offers only the aligned competencies and a default scale when no framework has one."""

from __future__ import annotations

from django.test import Client

from microcred.assessment import rule_builder, selectors
from microcred.assessment.award_rules import Facts
from microcred.assessment.rule_builder import Condition
from microcred.catalog.alignments import align
from microcred.catalog.models import MicroCredential
from microcred.testing.assessment import make_scale_with_competencies

DEMO = 'grade("PD course") >= 80 and level("communication") >= "superior" and level("collaboration") >= "superior"'


def test_rows_write_the_rule_language_and_read_back() -> None:
    rows = [
        Condition("grade", "PD course", ">=", "80"),
        Condition("passed", 'Say "hi"'),
        Condition("level", "x", "==", "good"),
    ]
    assert (
        rule_builder.build(rows, "all")
        == 'grade("PD course") >= 80 and passed("Say \\"hi\\"") and level("x") == "good"'
    )
    assert rule_builder.build(rows[:2], "any") == 'grade("PD course") >= 80 or passed("Say \\"hi\\"")'
    assert rule_builder.read(rule_builder.build(rows, "any")) == ("any", rows)
    combine, conditions = rule_builder.read(DEMO)
    assert combine == "all" and [c.function for c in conditions] == ["grade", "level", "level"]
    for expert in ('count_passed(["A", "B"]) >= 2', 'passed("A") and (passed("B") or passed("C"))', 'not passed("A")'):
        assert rule_builder.read(expert) is None  # the text editor keeps it
    assert rule_builder.read("") == ("all", [])


def test_each_condition_is_checked_for_a_learner_in_words(wil) -> None:
    signature = selectors.signature_of(wil.credential)
    facts = Facts(grades={"PD course": 82}, levels={"communication": "superior"})
    _combine, checked = rule_builder.explain(DEMO, signature, facts)
    assert [(c.in_words, c.met) for c in checked] == [
        ("the grade in “PD course” is at least 80 %", True),
        ("the level in “communication” is at least “superior”", True),
        ("the level in “collaboration” is at least “superior”", None),
    ]


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_builder_saves_a_rule_and_refuses_a_bad_value_with_a_summary(wil) -> None:
    MicroCredential.objects.filter(pk=wil.credential.pk).update(status="draft")
    path = f"/assessment/credentials/{wil.credential.pk}/plan/"
    admin = _signed_in(wil.admin)
    page = admin.get(path).content.decode()
    assert 'value="grade:PD course" selected' in page  # the demo rule is shown as rows
    bad = {"action": "build", "combine": "any", "subject_0": "grade:PD course", "op_0": ">=", "value_0": "180"}
    response = admin.post(path, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="error-summary"' in text and "autofocus" in text and "Enter a grade between 0 and 100." in text
    good = {**bad, "value_0": "90", "subject_1": "level:communication", "op_1": ">=", "value_1": "EXCELLENT"}
    assert admin.post(path, good).status_code == 302
    wil.credential.refresh_from_db()
    assert wil.credential.award_rule == 'grade("PD course") >= 90 or level("communication") >= "excellent"'
    assert admin.post(path, {**good, "value_1": "stellar"}).status_code == 400
    assert _signed_in(wil.assessor).post(path, good).status_code == 400  # reads the plan, changes nothing


def test_the_plan_offers_only_aligned_competencies_and_a_default_scale(wil) -> None:
    from microcred.testing.assessment import make_published_credential

    _scale, (unaligned,) = make_scale_with_competencies(wil.provider, ["unaligned skill"])
    credential = make_published_credential(wil.provider, title="Fresh")
    MicroCredential.objects.filter(pk=credential.pk).update(status="draft")
    credential.refresh_from_db()
    align(actor=wil.admin, credential=credential, competency=wil.communication)
    admin = _signed_in(wil.admin)
    path = f"/assessment/credentials/{credential.pk}/plan/"
    page = admin.get(path).content.decode()
    # the component's choices and the certified ones: the aligned competency only
    assert page.count(f'name="competencies" value="{wil.communication.pk}"') == 2
    assert f'name="competencies" value="{unaligned.pk}"' not in page
    assert f'name="competencies" value="{wil.collaboration.pk}"' not in page
    response = admin.post(
        path,
        {"action": "add_component", "name": "Observation", "kind": "portfolio", "competencies": [unaligned.pk]},
    )
    assert response.status_code == 400  # not offered
    # a provider whose only competencies come from a framework without a scale (as ESCO): a default scale is offered
    from microcred.frameworks.models import Competency, Framework
    from microcred.testing.factories import make_member, make_organization

    college = make_organization("provider", name="Plain College")
    college_admin = make_member(college, "admin")
    skill = Competency.objects.create(
        framework=Framework.objects.create(title="Skills, no scale"), short_name="wiring", statement="Wiring"
    )
    credential = make_published_credential(college, title="Wiring basics")
    MicroCredential.objects.filter(pk=credential.pk).update(status="draft")
    credential.refresh_from_db()
    align(actor=college_admin, credential=credential, competency=skill)
    admin = _signed_in(college_admin)
    path = f"/assessment/credentials/{credential.pk}/plan/"
    page = admin.get(path).content.decode()
    assert "Default scale: not yet demonstrated, developing, competent, proficient" in page
    response = admin.post(
        path,
        {
            "action": "add_component",
            "name": "Observation",
            "kind": "portfolio",
            "competencies": [skill.pk],
            "scale": "-1",
        },
    )
    assert response.status_code == 302
    (component,) = selectors.components_of(credential)
    assert [lv.label for lv in selectors.scale_levels(component.scale)] == [
        "not yet demonstrated",
        "developing",
        "competent",
        "proficient",
    ]
