"""The facet index (the published catalog's facet values in memory) follows the catalog through its services:
publication, a new version, retirement, alignments, in-demand skills, pathways and co-design."""

from __future__ import annotations

import pytest

from microcred.catalog import facet_index, selectors, services
from microcred.catalog.alignments import align, remove_alignment
from microcred.catalog.tests.conftest import draft, publish
from microcred.frameworks import services as frameworks
from microcred.testing.factories import make_organization

pytestmark = pytest.mark.django_db


def search(**params: str) -> selectors.SearchResult:
    return selectors.search_catalog(selectors.parse_query(params))


def counts(found: selectors.SearchResult, facet: str) -> dict[str, int]:
    return {v.value: v.count for f in found.facets if f.name == facet for v in f.values}


@pytest.fixture
def framework(admin, provider):  # type: ignore[no-untyped-def]
    made = frameworks.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    first = frameworks.add_competency(actor=admin, framework=made, statement="Solve complex problems", code="F-1")
    other = frameworks.create_framework(actor=admin, organization=provider, title="Green skills")
    second = frameworks.add_competency(actor=admin, framework=other, statement="Reduce waste", code="G-1")
    return made, first, other, second


def test_the_index_is_built_once_per_state_of_the_catalog(published) -> None:  # type: ignore[no-untyped-def]
    published("Welding Safety", region="BC")
    first = facet_index.current()
    assert facet_index.current() is first  # nothing changed: not read again
    published("Data Ethics", region="ON")
    second = facet_index.current()
    assert second is not first and second.size == first.size + 1
    assert counts(search(), "region") == {"BC": 1, "ON": 1}


def test_a_new_version_replaces_the_old_one_with_its_own_values_and_alignments(
    admin, reviewer, published, framework
) -> None:  # type: ignore[no-untyped-def]
    made, first_competency, other, second_competency = framework
    v1 = publish(admin, reviewer, _aligned(admin, published, first_competency))
    assert counts(search(), "framework") == {made.slug: 1}
    assert search(framework=made.slug).total == 1
    v2 = services.start_new_version(actor=admin, credential=v1)
    services.update_draft(actor=admin, credential=v2, changes={"region": "QC", "cost": "0"})
    align(actor=admin, credential=v2, competency=second_competency)
    remove_alignment(actor=admin, alignment=v2.alignments.get(competency=first_competency))
    publish(admin, reviewer, v2)
    found = search()
    assert found.total == 1 and [c.version for c in found.results] == [2]
    assert counts(found, "framework") == {other.slug: 1}  # v1's framework no longer counts
    assert counts(found, "region") == {"QC": 1}
    assert counts(found, "cost_range")["free"] == 1
    assert search(framework=made.slug).total == 0
    assert search(framework=other.slug).total == 1


def _aligned(admin, published, competency):  # type: ignore[no-untyped-def]
    credential = draft(admin, competency.framework.organization, "Problem Solving at Work", region="ON")
    align(actor=admin, credential=credential, competency=competency)
    return credential


def test_a_retired_design_leaves_the_counts(admin, published) -> None:  # type: ignore[no-untyped-def]
    kept = published("Data Ethics", delivery_mode="online")
    gone = published("Welding Safety", delivery_mode="in_person")
    assert counts(search(), "delivery_mode") == {"online": 1, "in_person": 1}
    services.retire(actor=admin, credential=gone)
    found = search()
    assert found.total == 1 and found.results == [kept]
    assert counts(found, "delivery_mode") == {"online": 1}
    assert search(q="welding").total == 0


def test_in_demand_skills_pathways_and_co_design_reach_the_counts(admin, provider, published) -> None:  # type: ignore[no-untyped-def]
    a = published("Bookkeeping", cost="0")
    b = published("Payroll", cost="300")
    assert counts(search(), "qualities") == {"stackable": 0, "accredited": 0, "in_demand": 0, "co_designed": 0}
    services.record_skills_demand(actor=admin, credential=a, skills=["bookkeeping", "payroll"])
    services.create_pathway(
        actor=admin, provider=provider, title="Office Certificate", kind="certificate", members=[a, b]
    )
    b.co_designed_with.add(make_organization("employer", name="Grid Employers"))
    found = search()
    assert counts(found, "qualities") == {"stackable": 2, "accredited": 0, "in_demand": 1, "co_designed": 1}
    assert counts(found, "demand_skill") == {"bookkeeping": 1, "payroll": 1}
    assert search(demand_skill="payroll").results == [a]
    assert search(co_designed="1").results == [b]


def test_sort_orders_and_pages_follow_the_database_order(published) -> None:  # type: ignore[no-untyped-def]
    for n in range(25):
        published(f"Course {n % 5} {n:02d}", cost=str(100 + (n % 4) * 50), workload_hours=str(5 + n))
    by_cost = search(sort="cost")
    assert by_cost.total == 25 and by_cost.pages == 2 and len(by_cost.results) == 20
    expected = sorted(
        (c for p in (1, 2) for c in search(sort="cost", page=str(p)).results), key=lambda c: (c.cost, c.title, c.pk)
    )
    assert [c.pk for c in expected[:20]] == [c.pk for c in by_cost.results]
    assert [c.pk for c in search(sort="cost", page="2").results] == [c.pk for c in expected[20:]]
    newest = search(sort="newest").results
    assert [c.pk for c in newest] == sorted((c.pk for c in newest), reverse=True)  # published in id order here
    titles = [c.title for c in search(sort="title").results]
    assert titles == sorted(titles)
    hours = [c.workload_hours for c in search(sort="hours", hours_min="10", hours_max="20.5").results]
    assert hours == sorted(hours) and min(hours) == 10 and max(hours) == 20
