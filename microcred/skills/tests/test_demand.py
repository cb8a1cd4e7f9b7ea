"""Skill extraction from postings, and demand aggregates against a small data set computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from microcred.errors import ValidationFailed
from microcred.skills import demand, extraction, interfaces
from microcred.skills.models import JobPosting, Occupation, OccupationSkill, PostingSkill
from microcred.skills.tests.demand_data import load_sample_framework, skill

D = dt.date


def add(day: str, region: str, *labels: str, extracted: bool = True) -> JobPosting:
    posting = JobPosting.objects.create(
        fingerprint=f"{day}{region}{labels}{extracted}",
        title="t",
        text="x",
        region=region,
        posted_on=D.fromisoformat(day),
        extracted_at=timezone.now() if extracted else None,
    )
    for label in labels:
        PostingSkill.objects.create(posting=posting, competency=skill(label), score=0.9, engine="lexical")
    return posting


A, B, C = "perform data analysis", "use databases", "manage budgets"


@pytest.fixture
def data(db: None) -> None:
    load_sample_framework()
    add("2026-01-10", "ON", A, B)
    add("2026-02-03", "ON", A)
    add("2026-04-15", "QC", A, C)
    add("2026-05-20", "QC", B)
    add("2026-06-01", "", A)
    add("2026-06-30", "ON", A, B)
    add("2026-06-10", "ON", A, extracted=False)  # not read yet: counts nowhere


def test_top_skills_with_share_and_growth(data: None) -> None:
    total, rows = demand.top_skills(demand.DemandFilter())
    assert total == 6
    assert [(r.label, r.postings, r.recent, r.previous) for r in rows] == [(A, 5, 3, 2), (B, 3, 2, 1), (C, 1, 1, 0)]
    assert rows[0].share == pytest.approx(5 / 6)
    assert [r.growth for r in rows] == [0.5, 1.0, None]


def test_filters_by_region_and_months(data: None) -> None:
    total, rows = demand.top_skills(demand.DemandFilter(region="ON"))
    assert total == 3 and [(r.label, r.postings) for r in rows] == [(A, 3), (B, 2)]
    total, rows = demand.top_skills(demand.parse_filter({"from": "2026-04", "to": "2026-05"}))
    assert total == 2 and {r.label for r in rows} == {A, B, C}
    assert [(r.label, r.recent, r.previous) for r in rows if r.label == A] == [(A, 1, 0)]


def test_postings_by_month_and_region(data: None) -> None:
    assert demand.by_month(demand.DemandFilter()) == [
        (D(2026, 1, 1), 1),
        (D(2026, 2, 1), 1),
        (D(2026, 3, 1), 0),
        (D(2026, 4, 1), 1),
        (D(2026, 5, 1), 1),
        (D(2026, 6, 1), 2),
    ]
    assert demand.by_month(demand.DemandFilter(), competency_id=skill(B).pk) == [
        (D(2026, m, 1), n) for m, n in ((1, 1), (2, 0), (3, 0), (4, 0), (5, 1), (6, 1))
    ]
    assert demand.by_region(demand.DemandFilter(region="QC")) == [("ON", 3), ("QC", 2), ("", 1)]


def test_in_demand_rule(data: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert interfaces.in_demand_skill_ids() == {skill(A).pk}  # 5 postings (≥ MIN_POSTINGS), 83 % (≥ MIN_SHARE)
    monkeypatch.setattr(demand, "MIN_POSTINGS", 3)
    assert interfaces.in_demand_skill_ids() == {skill(A).pk, skill(B).pk}  # ≥ 3 postings (and ≥ 5 %)
    assert interfaces.in_demand_skill_ids("ON") == {skill(A).pk}
    assert interfaces.in_demand_skill_ids("NU") == set()
    occupation = Occupation.objects.create(source="onet", key="15-2051.01", title="BI analysts")
    OccupationSkill.objects.create(occupation=occupation, competency=skill(C), label=C, relation="essential")
    assert skill(C).pk not in interfaces.in_demand_skill_ids()  # O*NET lists it, not flagged "In Demand"
    OccupationSkill.objects.filter(competency=skill(C)).update(in_demand=True)
    assert skill(C).pk in interfaces.in_demand_skill_ids("NU")


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"region": "XX"}, "region", "invalid_choice"),
        ({"from": "2026-13"}, "from", "invalid_month"),
        ({"to": "June"}, "to", "invalid_month"),
        ({"from": "2026-06", "to": "2026-01"}, "to", "invalid_range"),
        ({"from": "1990-01", "to": "2026-01"}, "from", "range_too_long"),
    ],
)
def test_bad_filters_are_field_errors(params: dict, field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        demand.parse_filter(params)
    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]


def test_extraction_keeps_confident_skills_and_tells_listeners(db: None, django_capture_on_commit_callbacks) -> None:
    load_sample_framework()
    posting = JobPosting.objects.create(
        fingerprint="p",
        title="Data Analyst",
        text="We are hiring.\n• Use databases.\n• Perform data analysis; manage budgets. Full-time, hybrid.",
        posted_on=D(2026, 6, 1),
    )
    calls: list[int] = []
    interfaces.DEMAND_CHANGED.append(lambda: calls.append(1))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert extraction.extract_pending() == 1
    finally:
        interfaces.DEMAND_CHANGED.pop()
    assert calls == [1]
    posting.refresh_from_db()
    assert posting.extracted_at is not None
    found = set(posting.skills.values_list("competency__short_name", flat=True))
    assert {A, B, C} <= found
    assert not found & {"health informatics", "design graphics"}
    assert extraction.extract_pending() == 0  # nothing left to do


def test_sentences() -> None:
    assert extraction.sentences("One. Two!\n- three\n• four; five") == ["One.", "Two!", "three", "four;", "five"]
    assert len(extraction.sentences("word. " * 1000)) == extraction.MAX_SENTENCES


def test_one_skills_postings(data: None) -> None:
    flt = demand.parse_filter({"skill": str(skill(B).pk)})
    total, rows = demand.top_skills(flt)
    assert total == 3 and [(r.label, r.postings) for r in rows] == [(B, 3), (A, 2)]  # B, and what comes with it
    assert demand.by_region(flt) == [("ON", 2), ("QC", 1)]
    assert [n for _m, n in demand.by_month(flt)] == [1, 0, 0, 0, 1, 1]
    with pytest.raises(ValidationFailed) as caught:
        demand.parse_filter({"skill": "999999"})
    assert caught.value.errors[0].code == "not_found"
