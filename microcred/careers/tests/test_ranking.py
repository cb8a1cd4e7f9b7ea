"""The ranking and the plan on a hand-built case whose right answer is known (no database)."""

from __future__ import annotations

from microcred.careers.ranking import Candidate, TargetSkill, gap, plan, rank

E1, E2, E3, O1, O2, H = 1, 2, 3, 11, 12, 99
TARGET = [
    TargetSkill(O1, "spreadsheets", False),
    TargetSkill(E1, "wiring", True),
    TargetSkill(E2, "safety", True),
    TargetSkill(H, "teamwork", True),
    TargetSkill(E3, "code", True),
    TargetSkill(O2, "drafting", False),
]


def _candidate(key: int, skills: set[int], hours: float, cost: float) -> Candidate:
    return Candidate(key=key, title=f"C{key}", hours=hours, cost=cost, skills=frozenset(skills))


CANDIDATES = [
    _candidate(1, {E1, E2}, 20, 200),  # A: value 2, 0.1/h
    _candidate(2, {E1, E2}, 10, 500),  # B: value 2, 0.2/h
    _candidate(3, {E3, O1, O2}, 5, 0),  # C: value 1.5, free
    _candidate(4, {O1}, 1, 0),  # D: value 0.25
    _candidate(5, {H}, 1, 0),  # F: only what is held: not recommended
    _candidate(6, {E1, E2}, 10, 100),  # G: as B, cheaper
]


def test_gap_puts_essential_missing_first_and_counts_coverage() -> None:
    found = gap(TARGET, {H, 500})
    assert [s.skill for s in found.held] == [H]
    assert [s.skill for s in found.missing_essential] == [E1, E2, E3]
    assert [s.skill for s in found.missing_optional] == [O1, O2]
    assert [s.skill for s in found.missing] == [E1, E2, E3, O1, O2]
    assert found.percent == round(100 / 6)
    assert found.essential_percent == 25


def test_empty_target_is_fully_covered() -> None:
    found = gap([], {1})
    assert found.coverage == 1.0 and found.essential_coverage == 1.0


def test_duplicate_target_skill_counts_once_as_essential() -> None:
    found = gap([TargetSkill(E1, "wiring", False), TargetSkill(E1, "wiring", True)], set())
    assert [(s.skill, s.essential) for s in found.missing] == [(E1, True)]


def test_ranking_by_value_then_per_hour_then_per_dollar() -> None:
    ranked = rank(CANDIDATES, gap(TARGET, {H}))
    assert [item.candidate.key for item in ranked] == [6, 2, 1, 3, 4]
    first = ranked[0]
    assert first.value == 2 and first.per_hour == 0.2 and first.per_dollar == 0.02
    assert ranked[3].value == 1.5 and ranked[3].per_dollar == 1.5  # free: cost floored at 1 dollar
    assert ranked[3].essential == frozenset({E3}) and ranked[3].optional == frozenset({O1, O2})


def test_nothing_recommended_when_nothing_is_missing() -> None:
    assert rank(CANDIDATES, gap(TARGET, {E1, E2, E3, O1, O2, H})) == []


def test_zero_hours_does_not_divide_by_zero() -> None:
    ranked = rank([_candidate(1, {E1}, 0, 0)], gap(TARGET, set()))
    assert ranked[0].per_hour == 1.0


def test_plan_covers_missing_essentials_with_fewest_hours() -> None:
    found = gap(TARGET, {H})
    chosen = plan(rank(CANDIDATES, found), found)
    assert [item.candidate.key for item in chosen.items] == [3, 6]  # 5 h for E3 (+2 optional), then 10 h for E1, E2
    assert chosen.covered_essential == frozenset({E1, E2, E3})
    assert chosen.uncovered_essential == frozenset()
    assert chosen.hours == 15 and chosen.cost == 100


def test_plan_reports_essentials_nothing_teaches_and_respects_its_size() -> None:
    found = gap(TARGET, set())
    chosen = plan(rank([_candidate(1, {E1}, 5, 5), _candidate(2, {E2}, 5, 5)], found), found, max_items=1)
    assert len(chosen.items) == 1
    assert chosen.uncovered_essential == frozenset({E2, E3, H})
