"""Labour-market demand from job postings: per skill, region and month, as database aggregates.

Counts are of distinct postings whose skills were extracted (``extracted_at`` set), so a share is
"of the postings read so far". Everything here is one or two grouped queries that SQLite and
PostgreSQL both answer (``TruncMonth`` on a date, ``Count(..., filter=Q(...), distinct=True)``).

**In demand** (``in_demand_ids``), decided for this platform:

- over the 12 months ending with the month of the newest posting (not today: an imported history
  keeps its meaning), a skill is in demand when at least ``MIN_POSTINGS`` postings ask for it *and*
  those are at least ``MIN_SHARE`` of the postings of that window — in the region, when one is
  asked for (a province with few postings still needs ``MIN_POSTINGS``);
- or, whatever the postings say, when an O*NET occupation lists it as a technology skill flagged
  “In Demand” (employers' postings, national; O*NET's “Hot Technology” flag alone is too broad —
  a third of all technology rows — to mark a skill in demand).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from microcred.errors import ErrorList
from microcred.frameworks.models import Competency
from microcred.skills.models import JobPosting, OccupationSkill, PostingSkill
from microcred.skills.postings import PROVINCES

MIN_POSTINGS = 5
MIN_SHARE = 0.05
WINDOW_MONTHS = 12
GROWTH_MONTHS = 3
MAX_MONTHS = 120  # a month range longer than ten years is refused, not charted


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], month_start(start)
    while current <= end and len(months) <= MAX_MONTHS:
        months.append(current)
        current = add_months(current, 1)
    return months


@dataclass(frozen=True)
class DemandFilter:
    region: str = ""  # a province or territory code, "" for all
    start: dt.date | None = None  # first day of the first month
    end: dt.date | None = None  # first day of the last month (inclusive)
    skill_id: int | None = None  # only the postings that ask for this skill

    def postings(self) -> QuerySet[JobPosting]:
        return JobPosting.objects.filter(extracted_at__isnull=False).filter(self._q(""))

    def _q(self, prefix: str) -> Q:
        q = Q()
        if self.skill_id is not None:
            asking = PostingSkill.objects.filter(competency_id=self.skill_id).values("posting_id")
            q &= Q(**{f"{prefix}pk__in": asking})
        if self.region:
            q &= Q(**{f"{prefix}region": self.region})
        if self.start:
            q &= Q(**{f"{prefix}posted_on__gte": self.start})
        if self.end:
            q &= Q(**{f"{prefix}posted_on__lt": add_months(self.end, 1)})
        return q

    def without_skill(self) -> DemandFilter:
        return DemandFilter(region=self.region, start=self.start, end=self.end)

    def params(self) -> dict[str, str]:
        values = {"region": self.region}
        if self.start:
            values["from"] = self.start.strftime("%Y-%m")
        if self.end:
            values["to"] = self.end.strftime("%Y-%m")
        if self.skill_id is not None:
            values["skill"] = str(self.skill_id)
        return {key: value for key, value in values.items() if value}


def _month(errors: ErrorList, name: str, value: str) -> dt.date | None:
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return dt.date(int(year), int(month), 1)
    except ValueError:
        errors.add(name, "invalid_month", _("Give a month as YYYY-MM."))
        return None


def parse_filter(params: Mapping[str, Any]) -> DemandFilter:
    """``region``, ``from``, ``to`` (YYYY-MM) and ``skill`` (an id) from a query string; a bad value is a 400."""
    errors = ErrorList()
    region = str(params.get("region") or "").strip().upper()[:8]
    if region and region not in PROVINCES:
        errors.add("region", "invalid_choice", _("Unknown province or territory."))
    start = _month(errors, "from", str(params["from"]).strip()[:20]) if params.get("from") else None
    end = _month(errors, "to", str(params["to"]).strip()[:20]) if params.get("to") else None
    if start and end and start > end:
        errors.add("to", "invalid_range", _("The end month comes before the start month."))
    elif start and end and len(months_between(start, end)) > MAX_MONTHS:
        errors.add("from", "range_too_long", _("Choose at most ten years."))
    skill = str(params.get("skill") or "").strip()[:20]
    skill_id = int(skill) if skill.isascii() and skill.isdigit() else None
    if skill and (skill_id is None or not Competency.objects.filter(pk=skill_id).exists()):
        errors.add("skill", "not_found", _("No such skill."))
    errors.raise_if_any()
    return DemandFilter(region=region, start=start, end=end, skill_id=skill_id)


@dataclass(frozen=True)
class SkillDemand:
    competency_id: int
    label: str
    postings: int
    share: float  # of the postings in the filter
    recent: int  # postings of the last GROWTH_MONTHS months of the range
    previous: int  # postings of the GROWTH_MONTHS months before those

    @property
    def growth(self) -> float | None:
        """Relative change, recent against previous; None when there was nothing before."""
        return None if not self.previous else (self.recent - self.previous) / self.previous


def last_month(flt: DemandFilter) -> dt.date | None:
    if flt.end:
        return flt.end
    newest = flt.postings().aggregate(newest=Max("posted_on"))["newest"]
    return month_start(newest) if newest else None


def top_skills(flt: DemandFilter, *, limit: int = 20) -> tuple[int, list[SkillDemand]]:
    """The total of postings in the filter, and the skills most asked for, with growth."""
    total = flt.postings().count()
    end = last_month(flt)
    if not total or end is None:
        return total, []
    recent_from = add_months(end, 1 - GROWTH_MONTHS)
    previous_from = add_months(recent_from, -GROWTH_MONTHS)
    rows = (
        PostingSkill.objects.filter(posting__extracted_at__isnull=False)
        .filter(flt._q("posting__"))
        .values("competency_id", "competency__short_name", "competency__statement")
        .annotate(
            n=Count("posting_id", distinct=True),
            recent=Count(
                "posting_id",
                filter=Q(posting__posted_on__gte=recent_from, posting__posted_on__lt=add_months(end, 1)),
                distinct=True,
            ),
            previous=Count(
                "posting_id",
                filter=Q(posting__posted_on__gte=previous_from, posting__posted_on__lt=recent_from),
                distinct=True,
            ),
        )
        .order_by("-n", "competency__short_name", "competency_id")[: max(0, limit)]
    )
    return total, [
        SkillDemand(
            competency_id=row["competency_id"],
            label=row["competency__short_name"] or row["competency__statement"],
            postings=row["n"],
            share=row["n"] / total,
            recent=row["recent"],
            previous=row["previous"],
        )
        for row in rows
    ]


def by_month(flt: DemandFilter, *, competency_id: int | None = None) -> list[tuple[dt.date, int]]:
    """Postings per month (every month of the range, empty ones as 0), optionally of one skill."""
    postings = flt.postings()
    if competency_id is not None:
        postings = postings.filter(skills__competency_id=competency_id)
    counts = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row["n"]
        for row in postings.annotate(month=TruncMonth("posted_on"))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .order_by("month")
    }
    if not counts:
        return []
    start = flt.start or min(counts)
    end = flt.end or max(counts)
    return [(month, counts.get(month, 0)) for month in months_between(start, end)]


def by_region(flt: DemandFilter) -> list[tuple[str, int]]:
    """Postings per province (all regions, whatever the filter's region), most first; "" is outside Canada."""
    postings = DemandFilter(start=flt.start, end=flt.end, skill_id=flt.skill_id).postings()
    rows = postings.values("region").annotate(n=Count("pk")).order_by("-n", "region")
    return [(row["region"], row["n"]) for row in rows]


def in_demand_ids(region: str | None = None) -> set[int]:
    """The ESCO skills in demand (see the module's docstring for the rule)."""
    ids = set(
        OccupationSkill.objects.filter(in_demand=True, competency__isnull=False).values_list("competency_id", flat=True)
    )
    scope = JobPosting.objects.filter(extracted_at__isnull=False)
    if region:
        scope = scope.filter(region=region)
    newest = scope.aggregate(newest=Max("posted_on"))["newest"]
    if newest is None:
        return ids
    window = DemandFilter(
        region=region or "", start=add_months(month_start(newest), 1 - WINDOW_MONTHS), end=month_start(newest)
    )
    total = window.postings().count()
    needed = max(MIN_POSTINGS, math.ceil(MIN_SHARE * total))
    rows = (
        PostingSkill.objects.filter(posting__extracted_at__isnull=False)
        .filter(window._q("posting__"))
        .values("competency_id")
        .annotate(n=Count("posting_id", distinct=True))
        .filter(n__gte=needed)
    )
    return ids | {row["competency_id"] for row in rows}


def notify_changed() -> None:
    """Tell the listeners (``interfaces.DEMAND_CHANGED``) once the current transaction commits."""
    from microcred.skills.interfaces import DEMAND_CHANGED

    def call() -> None:
        for listener in list(DEMAND_CHANGED):
            listener()

    transaction.on_commit(call)
