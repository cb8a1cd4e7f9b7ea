"""Every figure of the reports against the hand-computed data set of ``conftest.py``."""

from __future__ import annotations

import pytest

from microcred.accounts.permissions import SYSTEM
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.reporting import selectors
from microcred.reporting.periods import parse_period
from microcred.reporting.selectors import Rate

pytestmark = pytest.mark.django_db

ALL = parse_period("", "")


def test_the_provider_figures(school) -> None:
    report = selectors.organization_report(school.admin, school.provider, ALL)
    c = report.counts
    assert (c.enrolled, c.in_progress, c.awarded, c.revoked) == (4, 2, 2, 1)  # in progress: Cy, Dee
    assert c.completion_rate == 0.5
    assert report.median_days_to_award == 36.5  # (10 + 63) / 2
    assert report.awards_by_month == [("2026-01", 1), ("2026-03", 1)]
    # exam: Ada passed, Ben's latest result passed, Cy failed; Cy's self-assessment does not count.
    assert report.component_pass_rates == [Rate("exam", 3, 2), Rate("project", 1, 1)]
    assert report.competency_pass_rates == [Rate("analysis", 3, 2), Rate("teamwork", 1, 1)]
    assert report.prior_learning == {"declined": 1}
    assert report.share_views_by_domain == [("linkedin.com", 2), ("", 1)]
    assert report.verifications_by_employer == [("Harbour Analytics", 2)]
    rows = {row["title"]: row for row in report.per_credential}
    assert {k: rows["Data Literacy"][k] for k in ("enrolled", "in_progress", "awarded", "revoked")} == {
        "enrolled": 4, "in_progress": 2, "awarded": 2, "revoked": 1
    }
    assert rows["Empty Course"]["enrolled"] == 0 and rows["Empty Course"]["completion_rate"] is None


def test_the_credential_figures(school) -> None:
    report = selectors.credential_report(school.reviewer, school.credential, ALL)
    assert report.counts.enrolled == 4 and report.median_days_to_award == 36.5
    assert report.verifications_by_employer == [("Harbour Analytics", 2)]
    assert report.share_views_by_domain == [("linkedin.com", 2), ("", 1)]
    empty = selectors.credential_report(school.admin, school.empty, ALL)
    assert empty.counts.enrolled == 0 and empty.counts.completion_rate is None
    assert empty.median_days_to_award is None and empty.awards_by_month == []
    assert empty.verifications_by_employer == [] and empty.share_views_by_domain == []


def test_a_month_range_filters_cohorts_and_awards(school) -> None:
    march = parse_period("2026-03", "2026-03")
    report = selectors.organization_report(school.admin, school.provider, march)
    assert (report.counts.enrolled, report.counts.awarded) == (2, 0)  # Cy and Dee enrolled in March
    assert report.awards_by_month == [("2026-03", 1)]
    assert report.median_days_to_award is None
    january = selectors.organization_report(school.admin, school.provider, parse_period("2026-01", "2026-01"))
    assert (january.counts.enrolled, january.counts.awarded, january.counts.revoked) == (2, 2, 1)
    assert january.awards_by_month == [("2026-01", 1)]


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-13", ""), ("2026-1", ""), ("x", ""), ("", "2026-00"), ("2026-05", "2026-04"), ("0001-01", ""),
     ("2026-01-01", ""), ("\uff12\uff10\uff12\uff16-01", ""), ("2026-01", "9999-12")],
)
def test_a_bad_month_range_is_refused(start: str, end: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_period(start, end)


def test_the_export_rows_name_no_learner(school) -> None:
    rows = list(selectors.award_rows(school.admin, school.provider, ALL))
    assert [row["status"] for row in rows] == ["issued", "revoked"]
    assert rows[0]["title"] == "Data Literacy" and rows[0]["level"] == "intermediate"
    assert all(row["credential_id"].startswith("urn:uuid:") for row in rows)
    assert "learners.example" not in repr(rows) and "Lovelace" not in repr(rows)


def test_only_the_providers_admins_and_reviewers_read_its_reports(school) -> None:
    for person in (school.assessor, school.other_admin, school.learners["ada"], school.verifier):
        with pytest.raises(PermissionDenied):
            selectors.organization_report(person, school.provider, ALL)
        with pytest.raises(PermissionDenied):
            selectors.award_rows(person, school.provider, ALL)
    selectors.organization_report(SYSTEM, school.provider, ALL)


def test_a_long_table_shows_its_first_rows_and_the_csv_has_all() -> None:
    from microcred.reporting.tables import Table

    table = Table("t", "T", ["a", "b"], [["<x>", 1], ["y", 2], ["z", 3]], links=["/r/1", "", "/r/3"], shown=2)
    table.query = "from=2026-01&to=2026-02"
    html = str(table.rows_html)
    assert table.truncated and html.count("<tr>") == 2
    assert '<a href="/r/1?from=2026-01&amp;to=2026-02">&lt;x&gt;</a>' in html and "z" not in html


def test_a_chart_shows_hostile_labels_as_text() -> None:
    from microcred.charts import bar_chart

    svg = str(bar_chart([("<script>alert(1)</script>", 3), ("ok", 0)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and svg.count("<rect") == 2
    assert 'aria-hidden="true"' in svg
    assert str(bar_chart([("nothing", 0)])).count('width="0"') == 1  # an all-zero chart draws no bar, no error
    long = "adapt communication style according to recipient"
    svg = str(bar_chart([(long, 2)]))
    assert f"<title>{long}</title>" in svg and "adapt communication style accordi…" in svg  # cut, whole as a tooltip
