"""The demand dashboard laid out as captioned tables, each with its server-side chart and a CSV download.

Aggregates only: skill labels, months, provinces and counts; no posting's text, title or employer.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.charts import bar_chart
from microcred.skills import demand

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


@dataclass
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list[Any]]
    chart: SafeString | None = None
    links: list[str] | None = None  # one per row: where its first cell leads

    @property
    def linked_rows(self) -> list[tuple[str, list[Any]]]:
        return list(zip(self.links or [""] * len(self.rows), self.rows, strict=True))


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


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula is prefixed with a quote (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(filename: str, table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table.header, table.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
