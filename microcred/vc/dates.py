"""Credential dates: XML Schema ``dateTime`` strings (as VC and OB use them) to aware datetimes and back."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# xsd:dateTime, which VC DM 2.0 requires for validFrom/validUntil: a time zone is optional (local time
# is then read as UTC, as the reference verifiers do); fractions of a second are allowed.
_DATE_TIME = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$",
)


def parse_date_time(value: str) -> datetime | None:
    """The aware datetime a credential date string means, or None when it is not an xsd:dateTime."""
    if not isinstance(value, str) or len(value) > 64 or not _DATE_TIME.match(value):
        return None
    text = value
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if "." in text:
        head, _, rest = text.partition(".")
        digits = re.match(r"\d+", rest).group(0)  # type: ignore[union-attr]
        text = head + "." + digits[:6].ljust(6, "0") + rest[len(digits) :]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def format_date_time(moment: datetime) -> str:
    """``2026-01-31T12:00:00Z``: UTC, whole seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
