"""The one way pages write a date: the ``when`` template filter, a built-in of every template (settings.TEMPLATES).

``{{ moment|when }}`` writes the day and ``{{ moment|when:"time" }}`` the day and the time, in the reader's language
(Django's ``DATE_FORMAT``/``DATETIME_FORMAT`` of the active locale) and in the active time zone; a date-time given as
XML Schema text (a credential's ``validFrom``) is read first. Text that is no date is written as it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

register = template.Library()


def _moment(value: Any) -> date | datetime | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:40]
    try:
        return parse_date(text) if len(text) == 10 else parse_datetime(text)  # a day is a day in every zone
    except ValueError:
        return None


@register.filter(expects_localtime=False)
def when(value: Any, precision: str = "date") -> str:
    """``value`` as the reader writes a date ("Dec. 5, 2026" / "5 décembre 2026"), with the time if ``"time"``."""
    moment = _moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if isinstance(moment, datetime):
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # a date-time without an offset is read as UTC, as credentials mean it
        moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT" if precision == "time" else "DATE_FORMAT")
    if precision == "time":
        return date_format(datetime.combine(moment, time()), "DATE_FORMAT")
    return date_format(moment, "DATE_FORMAT")
