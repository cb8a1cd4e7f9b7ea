"""Dates a person reads go through the ``when`` filter: one locale-aware format, in the reader's time zone."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "microcred"
DATE_FILTER = re.compile(r"""\|\s*date\s*:\s*(["'])(.*?)\1""")
# Formats for machines (an HTML <time datetime>, an <input type="month"> value), never shown as text.
MACHINE_FORMATS = {"c", "Y-m", "Y-m-d", "U"}


def test_templates_format_dates_for_people_with_when() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.html")):
        for match in DATE_FILTER.finditer(path.read_text(encoding="utf-8")):
            if match.group(2) not in MACHINE_FORMATS:
                offenders.append(f"{path.relative_to(PACKAGE)}: {match.group(0)}")
    assert offenders == [], "use |when (or |when:'time') for dates people read:\n" + "\n".join(offenders)
