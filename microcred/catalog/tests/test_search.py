"""The public catalog search: full text, every facet with counts, sort, permalinks — on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from django.http import QueryDict

from microcred.catalog import selectors, services
from microcred.catalog.models import Status
from microcred.catalog.tests.conftest import draft, publish
from microcred.errors import ValidationFailed
from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(admin, reviewer, provider, published):  # type: ignore[no-untyped-def]
    """Five published designs from two providers, one draft and one retired design."""
    other = make_organization("provider", name="Lakeshore Polytechnic")
    other_admin = make_member(other, "admin")
    other_reviewer = make_member(other, "reviewer")
    made = {
        "excel": published(
            "Spreadsheet Accounting Basics",
            description="<p>Bookkeeping with spreadsheets for small businesses.</p>",
            delivery_mode="online",
            pace="self_paced",
            cost="0",
            workload_hours="8",
            region="ON",
            language="en",
            learning_outcomes=["Reconcile a ledger"],
        ),
        "welding": published(
            "Welding Safety",
            description="Shop safety for welders.",
            delivery_mode="in_person",
            pace="cohort",
            cost="450",
            workload_hours="40",
            region="BC",
            city="Prince George",
            credit_type="credit",
            credit_value="3",
            credit_unit="course_credits",
            accreditation_status="accredited",
            accrediting_body="CWB",
        ),
        "care": published(
            "Soins palliatifs",
            summary="Accompagner en fin de vie.",
            delivery_mode="hybrid",
            pace="cohort",
            cost="1200",
            workload_hours="120",
            region="QC",
            language="fr",
        ),
    }
    made["python"] = publish(
        other_admin,
        other_reviewer,
        draft(
            other_admin,
            other,
            "Python for Data Analysis",
            delivery_mode="online",
            pace="on_demand",
            cost="300",
            workload_hours="30",
            region="ON",
            learning_outcomes=["Clean data with pandas"],
        ),
    )
    made["ethics"] = publish(
        other_admin,
        other_reviewer,
        draft(
            other_admin,
            other,
            "Data Ethics",
            delivery_mode="online",
            pace="cohort",
            cost="200",
            workload_hours="12",
            region="ON",
        ),
    )
    services.record_skills_demand(actor=admin, credential=made["excel"], skills=["bookkeeping"])
    made["welding"].co_designed_with.add(make_organization("employer", name="Grid Employers"))  # approved co-design
    services.create_pathway(
        actor=other_admin,
        provider=other,
        title="Data Certificate",
        kind="certificate",
        members=[made["python"], made["ethics"]],
    )
    draft(admin, provider, "Secret Draft About Accounting")
    retired = published("Retired Accounting Course")
    services.retire(actor=admin, credential=retired)
    made["other"] = other
    return made


def run(params: str, **kwargs):  # type: ignore[no-untyped-def]
    return selectors.search_catalog(selectors.parse_query(QueryDict(params)), **kwargs)


def titles(found) -> set[str]:  # type: ignore[no-untyped-def]
    return {c.title for c in found.results}


def counts(found, facet: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {v.value: v.count for f in found.facets if f.name == facet for v in f.values}


def test_only_published_designs_are_found(catalog) -> None:
    found = run("q=accounting")
    assert titles(found) == {"Spreadsheet Accounting Basics"}
    assert found.total == 1


def test_text_searches_titles_descriptions_outcomes_and_prefixes(catalog) -> None:
    assert titles(run("q=bookkeeping")) == {"Spreadsheet Accounting Basics"}  # description (HTML stripped)
    assert titles(run("q=pandas")) == {"Python for Data Analysis"}  # a learning outcome
    assert titles(run("q=weld")) == {"Welding Safety"}  # prefix of the last word
    assert titles(run("q=data")) == {"Python for Data Analysis", "Data Ethics"}
    assert titles(run("q=soins palliatifs")) == {"Soins palliatifs"}
    assert titles(run("q=ledgers reconcile")) == {"Spreadsheet Accounting Basics"}  # stemming


def test_query_operators_are_just_words(catalog) -> None:
    for hostile in ['"', "NEAR(", "data OR", "*", "a:b", "') OR 1=1 --", "data AND NOT x", "\x00", "é" * 500]:
        run("q=" + hostile)  # never a database error


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("delivery_mode=in_person", {"Welding Safety"}),
        (
            "delivery_mode=online&delivery_mode=hybrid",
            {"Spreadsheet Accounting Basics", "Soins palliatifs", "Python for Data Analysis", "Data Ethics"},
        ),
        ("pace=on_demand", {"Python for Data Analysis"}),
        ("region=BC", {"Welding Safety"}),
        ("language=fr", {"Soins palliatifs"}),
        ("cost_range=free", {"Spreadsheet Accounting Basics"}),
        ("cost_range=over_1000", {"Soins palliatifs"}),
        ("cost_min=250&cost_max=500", {"Welding Safety", "Python for Data Analysis"}),
        ("hours_range=under_10", {"Spreadsheet Accounting Basics"}),
        ("hours_min=100", {"Soins palliatifs"}),
        ("credit=credit", {"Welding Safety"}),
        ("stackable=1", {"Python for Data Analysis", "Data Ethics"}),
        ("accredited=1", {"Welding Safety"}),
        ("in_demand=1", {"Spreadsheet Accounting Basics"}),
        ("co_designed=1", {"Welding Safety"}),
        ("q=data&region=ON&pace=cohort", {"Data Ethics"}),
    ],
)
def test_every_facet_filters(catalog, params, expected) -> None:
    assert titles(run(params)) == expected


def test_provider_facet(catalog) -> None:
    assert titles(run(f"provider={catalog['other'].slug}")) == {"Python for Data Analysis", "Data Ethics"}


def test_facet_counts_leave_out_their_own_filter(catalog) -> None:
    found = run("region=BC")
    assert found.total == 1
    # Other regions still show their counts, so people can widen the search.
    assert counts(found, "region") == {"ON": 3, "BC": 1, "QC": 1}
    assert counts(found, "delivery_mode") == {"in_person": 1}
    bc = next(v for f in found.facets if f.name == "region" for v in f.values if v.value == "BC")
    assert bc.selected and bc.label == "British Columbia"
    found = run("delivery_mode=online&region=ON")
    assert found.total == 3
    assert counts(found, "cost_range")["free"] == 1
    assert counts(found, "qualities") == {"stackable": 2, "accredited": 0, "in_demand": 1, "co_designed": 0}
    assert counts(found, "provider") == {catalog["excel"].provider.slug: 1, catalog["other"].slug: 2}


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("cost", "Spreadsheet Accounting Basics"),
        ("-cost", "Soins palliatifs"),
        ("hours", "Spreadsheet Accounting Basics"),
        ("newest", "Data Ethics"),
        ("title", "Data Ethics"),
    ],
)
def test_sort(catalog, sort, first) -> None:
    assert run(f"sort={sort}").results[0].title == first


def test_relevance_puts_title_matches_first(catalog, published) -> None:
    published("Workplace Communication", description="Includes a short module on data and charts.")
    found = run("q=data")
    assert found.results[-1].title == "Workplace Communication"


def test_a_permalink_is_the_same_search(catalog) -> None:
    found = run("region=ON&q=data&delivery_mode=online&sort=cost&stackable=1")
    again = run(found.query.permalink())
    assert titles(again) == titles(found) == {"Python for Data Analysis", "Data Ethics"}
    assert dict(parse_qsl(found.query.permalink()))["sort"] == "cost"


@pytest.mark.parametrize(
    "params",
    [
        "delivery_mode=teleport",
        "cost_min=-5",
        "cost_max=lots",
        "sort=random",
        "hours_range=forever",
        "region=Atlantis",
        "cost_min=NaN",
    ],
)
def test_bad_parameters_are_field_errors(params) -> None:
    with pytest.raises(ValidationFailed):
        selectors.parse_query(QueryDict(params))


def test_retired_and_superseded_leave_the_index(catalog, admin, reviewer) -> None:
    excel = catalog["excel"]
    v2 = services.start_new_version(actor=admin, credential=excel)
    services.update_draft(actor=admin, credential=v2, changes={"title": "Spreadsheet Accounting Essentials"})
    publish(admin, reviewer, v2)
    found = run("q=spreadsheet")
    assert [(c.title, c.version) for c in found.results] == [("Spreadsheet Accounting Essentials", 2)]
    services.retire(actor=admin, credential=v2)
    assert run("q=spreadsheet").total == 0
    assert type(v2).objects.get(pk=v2.pk).status == Status.RETIRED


def test_paging(provider, published) -> None:
    for n in range(23):
        published(f"Course {n:02d}")
    first = run("sort=title")
    assert (first.total, first.pages, len(first.results)) == (23, 2, 20)
    second = run("sort=title&page=2")
    assert [c.title for c in second.results] == ["Course 20", "Course 21", "Course 22"]
