"""A report laid out as captioned tables (each with its optional chart): what the pages show and the CSVs hold."""

from __future__ import annotations

from django.utils.translation import gettext as _

from microcred.assessment.models.results import PriorLearningStatus
from microcred.charts import bar_chart
from microcred.reporting.selectors import Rate, Report
from microcred.tables import Table

PAGE_ROWS = 100


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f} %"


def _rate_table(key: str, caption: str, first: str, rates: list[Rate]) -> Table:
    """Lowest pass rate first (where learners struggle); the chart shows the rows the page shows."""
    rates = sorted(rates, key=lambda r: (r.rate if r.rate is not None else 2, r.label))
    return Table(
        key,
        caption,
        [first, _("Evaluated"), _("Passed"), _("Pass rate")],
        [[r.label, r.evaluated, r.passed, _percent(r.rate)] for r in rates],
        bar_chart([(r.label, r.rate or 0) for r in rates[:PAGE_ROWS]], maximum=1, percent=True) if rates else None,
        shown=PAGE_ROWS,
    )


def report_tables(report: Report) -> list[Table]:
    c = report.counts
    median = "" if report.median_days_to_award is None else report.median_days_to_award
    statuses = dict(PriorLearningStatus.choices)
    tables = [
        Table(
            "summary",
            _("Summary"),
            [_("Figure"), _("Value")],
            [
                [_("Enrolled"), c.enrolled],
                [_("In progress"), c.in_progress],
                [_("Awarded"), c.awarded],
                [_("Revoked"), c.revoked],
                [_("Completion rate"), _percent(c.completion_rate)],
                [_("Median days to award"), median],
            ],
        ),
        Table(
            "awards-by-month",
            _("Awards by month"),
            [_("Month"), _("Awards")],
            [[month, n] for month, n in report.awards_by_month],
            bar_chart(report.awards_by_month) if report.awards_by_month else None,
        ),
        _rate_table("components", _("Pass rate by assessment component"), _("Component"), report.component_pass_rates),
        _rate_table("competencies", _("Pass rate by competency"), _("Competency"), report.competency_pass_rates),
        Table(
            "prior-learning",
            _("Recognition of prior learning"),
            [_("Outcome"), _("Requests")],
            [[str(statuses.get(status, status)), n] for status, n in report.prior_learning.items()],
        ),
        Table(
            "share-views",
            _("Share-link views by referring site"),
            [_("Referring site"), _("Views")],
            [[domain or _("(direct)"), n] for domain, n in report.share_views_by_domain],
        ),
        Table(
            "verifications",
            _("Verifications by employer"),
            [_("Employer"), _("Verifications")],
            [[name, n] for name, n in report.verifications_by_employer],
        ),
    ]
    if report.per_credential:
        tables.insert(
            1,
            Table(
                "credentials",
                _("Micro-credentials"),
                [_("Micro-credential"), _("Version"), _("Enrolled"), _("In progress"), _("Awarded"), _("Revoked"),
                 _("Completion rate")],
                [[r["title"], r["version"], r["enrolled"], r["in_progress"], r["awarded"], r["revoked"],
                  _percent(r["completion_rate"])] for r in report.per_credential],
                shown=PAGE_ROWS,
            ),
        )
    return tables
