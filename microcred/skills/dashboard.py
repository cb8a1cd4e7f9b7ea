"""The demand dashboard laid out as captioned tables, each with its server-side chart and a CSV download.

Aggregates only: skill labels, months, provinces and counts; no posting's text, title or employer.
"""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred import tables
from microcred.charts import bar_chart
from microcred.skills import demand
from microcred.tables import Table

TOP_SKILLS = 25
REGION_NAMES = {
    "AB": gettext_lazy("Alberta"),
    "BC": gettext_lazy("British Columbia"),
    "MB": gettext_lazy("Manitoba"),
    "NB": gettext_lazy("New Brunswick"),
    "NL": gettext_lazy("Newfoundland and Labrador"),
    "NS": gettext_lazy("Nova Scotia"),
    "NT": gettext_lazy("Northwest Territories"),
    "NU": gettext_lazy("Nunavut"),
    "ON": gettext_lazy("Ontario"),
    "PE": gettext_lazy("Prince Edward Island"),
    "QC": gettext_lazy("Quebec"),
    "SK": gettext_lazy("Saskatchewan"),
    "YT": gettext_lazy("Yukon"),
}


def region_name(code: str) -> str:
    return str(REGION_NAMES.get(code, _("Outside Canada or not given")))


def _growth(value: float | None) -> str:
    return _("new") if value is None else f"{value * 100:+.0f} %"


def demand_tables(flt: demand.DemandFilter) -> tuple[int, list[Table]]:
    total, skills = demand.top_skills(flt, limit=TOP_SKILLS)
    months = demand.by_month(flt)
    regions = demand.by_region(flt)
    skill_rows = [
        [s.label, s.postings, f"{s.share * 100:.1f} %", s.recent, s.previous, _growth(s.growth)] for s in skills
    ]
    tables = [
        Table(
            "skills",
            _("Skills most asked for"),
            [_("Skill"), _("Postings"), _("Share of postings"), _("Last 3 months"), _("3 months before"), _("Growth")],
            skill_rows,
            bar_chart([(s.label, s.postings) for s in skills]) if skills else None,
            ["?" + urlencode({**flt.without_skill().params(), "skill": s.competency_id}) for s in skills],
        ),
        Table(
            "months",
            _("Postings by month"),
            [_("Month"), _("Postings")],
            [[month.strftime("%Y-%m"), n] for month, n in months],
            bar_chart([(month.strftime("%Y-%m"), n) for month, n in months]) if months else None,
        ),
        Table(
            "regions",
            _("Postings by province or territory"),
            [_("Province or territory"), _("Postings")],
            [[region_name(code), n] for code, n in regions],
            bar_chart([(region_name(code), n) for code, n in regions]) if regions else None,
        ),
    ]
    return total, tables


def csv_response(filename: str, table: Table) -> StreamingHttpResponse:
    return tables.csv_response(filename, [str(h) for h in table.header], table.rows)
