"""Streamed CSV and JSON: the institutional export of awards (memory flat) and the CSV of a dashboard table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

from microcred.reporting.selectors import TYPOLOGY_FIELDS

AWARD_COLUMNS = ["awarded_at", "status", "revoked_at", "credential_id", "enrolled_at", "route", "title", "version",
                 "slug", *TYPOLOGY_FIELDS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 10.0 → "10", never "1E+1"
    return "" if value is None else value


def _safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula is prefixed with a quote (CSV injection)."""
    value = _plain(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_safe_cell(value) for value in row])


def json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written element by element."""
    yield "["
    first = True
    for row in rows:
        values = {k: None if v is None else _plain(v) for k, v in row.items()}
        yield ("" if first else ",") + "\n" + json.dumps(values, ensure_ascii=False)
        first = False
    yield "\n]\n"


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def awards_csv(filename: str, rows: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    return csv_response(filename, AWARD_COLUMNS, ([row[c] for c in AWARD_COLUMNS] for row in rows))


def awards_json(filename: str, rows: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(json_lines(rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
