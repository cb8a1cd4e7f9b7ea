"""A month range from query parameters (``from=2026-01&to=2026-06``), as aware datetime bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed

_MONTH = re.compile(r"\A([0-9]{4})-([0-9]{2})\Z")


@dataclass(frozen=True)
class Period:
    """Whole months, ``start`` included, ``end`` excluded (the first instant of the month after the last)."""

    start: datetime | None = None
    end: datetime | None = None
    start_text: str = ""
    end_text: str = ""

    def q(self, field: str) -> Q:
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lt": self.end})
        return q

    def query_string(self) -> str:
        parts = [f"from={self.start_text}"] if self.start_text else []
        if self.end_text:
            parts.append(f"to={self.end_text}")
        return "&".join(parts)


def _month(name: str, text: str) -> tuple[int, int]:
    match = _MONTH.match(text)
    year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not match or not 1 <= month <= 12 or not 1900 <= year <= 9998:
        raise ValidationFailed.single(name, "invalid_month", _("Give a month as YYYY-MM."))
    return year, month


def parse_period(start: str | None, end: str | None) -> Period:
    """``start`` and ``end`` are ``YYYY-MM`` or empty; a bad month or an end before the start is a 400."""
    start, end = (start or "").strip(), (end or "").strip()
    zone = timezone.get_current_timezone()
    lower = upper = None
    if start:
        year, month = _month("from", start)
        lower = datetime(year, month, 1, tzinfo=zone)
    if end:
        year, month = _month("to", end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        upper = datetime(year, month, 1, tzinfo=zone)
    if lower is not None and upper is not None and upper <= lower:
        raise ValidationFailed.single("to", "invalid_period", _("The last month comes before the first."))
    return Period(lower, upper, start, end)
