"""The award-rule language as tables: rules and the outcomes they give, malformed rules and where they fail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from microcred.assessment.award_rules import (
    MET,
    NOT_MET,
    UNDETERMINED,
    CompetencyInfo,
    ComponentInfo,
    Facts,
    RuleSyntaxError,
    Signature,
    compile_rule,
    evaluate,
    parse,
)

SCALE = ("unsatisfactory", "satisfactory", "good", "very good", "excellent", "superior")
SIGNATURE = Signature.build(
    [
        ComponentInfo("PD course"),
        ComponentInfo("pre-test"),
        ComponentInfo("post-test"),
        ComponentInfo("A"),
        ComponentInfo("B"),
        ComponentInfo("C"),
        ComponentInfo("log book", scored=False),
    ],
    [CompetencyInfo("communication", SCALE), CompetencyInfo("collaboration", SCALE)],
)
WIL = 'grade("PD course") >= 80 and level("communication") >= "superior" and level("collaboration") >= "superior"'

ALL_SUPERIOR = {"communication": "superior", "collaboration": "superior"}

# rule, facts (grades, passed, levels), expected outcome, expected missing inputs
TABLE = [
    (WIL, ({"PD course": 82}, {}, ALL_SUPERIOR), MET, []),
    (WIL, ({"PD course": 80}, {}, ALL_SUPERIOR), MET, []),
    (WIL, ({"PD course": Decimal("79.99")}, {}, ALL_SUPERIOR), NOT_MET, []),
    (WIL, ({"PD course": 95}, {}, {"communication": "superior", "collaboration": "excellent"}), NOT_MET, []),
    (WIL, ({}, {}, ALL_SUPERIOR), UNDETERMINED, ['grade("PD course")']),
    (WIL, ({"PD course": 90}, {}, {"communication": "superior"}), UNDETERMINED, ['level("collaboration")']),
    # a known failure decides an "and" even when another input is missing
    (WIL, ({"PD course": 50}, {}, {}), NOT_MET, []),
    (
        'all_competencies_at_least("satisfactory")',
        ({}, {}, {"communication": "good", "collaboration": "good"}),
        MET,
        [],
    ),
    (
        'all_competencies_at_least("satisfactory")',
        ({}, {}, {"communication": "good", "collaboration": "unsatisfactory"}),
        NOT_MET,
        [],
    ),
    (
        'all_competencies_at_least("good")',
        ({}, {}, {"communication": "good"}),
        UNDETERMINED,
        ['level("collaboration")'],
    ),
    ('passed("pre-test") or passed("post-test")', ({}, {"pre-test": False, "post-test": True}, {}), MET, []),
    ('passed("pre-test") or passed("post-test")', ({}, {"pre-test": True}, {}), MET, []),
    ('passed("pre-test") or passed("post-test")', ({}, {"pre-test": False}, {}), UNDETERMINED, ['passed("post-test")']),
    ('passed("pre-test") or passed("post-test")', ({}, {"pre-test": False, "post-test": False}, {}), NOT_MET, []),
    ('count_passed(["A","B","C"]) >= 2', ({}, {"A": True, "B": False, "C": True}, {}), MET, []),
    ('count_passed(["A","B","C"]) >= 2', ({}, {"A": True, "B": False, "C": False}, {}), NOT_MET, []),
    ('count_passed(["A","B","C"]) >= 2', ({}, {"A": True, "B": True}, {}), UNDETERMINED, ['passed("C")']),
    ('not passed("A")', ({}, {"A": False}, {}), MET, []),
    ('not passed("A")', ({}, {}, {}), UNDETERMINED, ['passed("A")']),
    (
        'passed("log book") and (grade("A") > 50 or grade("B") > 50)',
        ({"A": 10, "B": 60}, {"log book": True}, {}),
        MET,
        [],
    ),
    ('"good" <= level("communication")', ({}, {}, {"communication": "very good"}), MET, []),
    ('level("communication") == "good"', ({}, {}, {"communication": "Good"}), MET, []),
    ('level("communication") != "good"', ({}, {}, {"communication": "good"}), NOT_MET, []),
    ('level("communication") < "good"', ({}, {}, {"communication": "satisfactory"}), MET, []),
    ('grade("pd   COURSE") >= 80.5', ({"PD course": Decimal("80.5")}, {}, {}), MET, []),
    ('score("A") == 100 and true', ({"A": 100}, {}, {}), MET, []),
    ("false or true", ({}, {}, {}), MET, []),
    ('passed("A") == true', ({}, {"A": True}, {}), MET, []),
    ('rating("collaboration") > "excellent"', ({}, {}, {"collaboration": "superior"}), MET, []),
    ('grade("A") >= 70 OR grade("B") >= 70', ({"B": 71}, {}, {}), MET, []),
]


@pytest.mark.parametrize(("rule", "facts", "outcome", "missing"), TABLE)
def test_rule_outcomes(rule: str, facts: tuple, outcome: str, missing: list[str]) -> None:
    grades, passed, levels = facts
    grades = {k: Decimal(str(v)) for k, v in grades.items()}
    decision = evaluate(compile_rule(rule, SIGNATURE), Facts(grades, passed, levels))
    assert decision.outcome == outcome
    assert decision.missing == missing
    assert decision.met is (outcome == MET)


def test_a_decision_records_every_input_it_read() -> None:
    decision = evaluate(
        compile_rule(WIL, SIGNATURE),
        Facts({"PD course": Decimal("82")}, {}, {"communication": "superior", "collaboration": "superior"}),
    )
    assert decision.to_json() == {
        "outcome": "met",
        "inputs": {
            'grade("PD course")': "82",
            'level("communication")': "superior",
            'level("collaboration")': "superior",
        },
        "missing": [],
    }


# rule, the position the error points at, a word the message contains
MALFORMED = [
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ('grade("PD course") >= ', 22, "ends too early"),
    ('grade("PD course" >= 80', 23, "Expected “)”"),
    ('grade("PD course") => 80', 19, "“=”"),
    ('grade("PD course") = 80', 19, "“==”"),
    ('grade("PD course") >= 80 && true', 25, "“and”"),
    ('grade("nope") >= 80', 6, "no component “nope”"),
    ('level("leadership") >= "good"', 6, "no competency “leadership”"),
    ('level("communication") >= "superb"', 26, "not a level"),
    ('all_competencies_at_least("superb")', 26, "not a level"),
    ('grade("PD course") >= "superior"', 19, "Cannot compare"),
    ('level("communication") >= 5', 26, "level name in quotes"),
    ('grade("PD course")', 0, "must be true or false"),
    ('passed("A") and grade("B")', 16, "Expected true or false"),
    ('grade("log book") > 1', 6, "has no score"),
    ("frobnicate(1)", 0, "Unknown function"),
    ('grade("A", "B") > 1', 0, "takes 1 argument"),
    ("grade(A) > 1", 6, "is not known"),
    ('grade("A") > 1 > 0', 15, "Chain comparisons"),
    ('"unterminated', 0, "never closed"),
    ("1.2.3 > 1", 0, "not a number"),
    ("count_passed([]) >= 1", 13, "empty"),
    ('count_passed(["A", 1]) >= 1', 19, "component names in quotes"),
    ('count_passed(["A", "Z"]) >= 1', 19, "no component “Z”"),
    ('passed("A") < true', 12, "Only numbers and levels"),
    ('passed("A") passed("B")', 12, "expected “and”"),
    ('grade("A") > 1 ; drop table', 15, "Unexpected character"),
    ("__import__('os').system('x')", 16, "Unexpected character"),
    ("__import__('os')", 0, "Unknown function"),
    ("(" * 60 + "true" + ")" * 60, 40, "nested too deeply"),
    ("not " * 60 + "true", 160, "nested too deeply"),
    ("[" * 60 + "]" * 60, 40, "nested too deeply"),
    ("true" + " or true" * 700, 4000, "at most"),
]


@pytest.mark.parametrize(("rule", "position", "words"), MALFORMED)
def test_malformed_rules_point_at_the_fault(rule: str, position: int, words: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        compile_rule(rule, SIGNATURE)
    assert words in caught.value.message
    assert caught.value.position == position
    assert caught.value.to_json()["position"] == position
    assert caught.value.code == "invalid_rule"


@pytest.mark.parametrize("value", [None, 5, b"true", ["true"], {"rule": "true"}])
def test_a_rule_is_text(value: object) -> None:
    with pytest.raises(RuleSyntaxError):
        parse(value)  # type: ignore[arg-type]


def test_the_demo_rules_parse_without_a_plan_check() -> None:
    from microcred.demo import scenario

    rules = [scenario.WIL_CREDENTIAL, scenario.ASSESSMENT_ONLY_CREDENTIAL, *scenario.STACKABLE_CREDENTIALS]
    for spec in rules:
        parse(spec["award_rule"])
