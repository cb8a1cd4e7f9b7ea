"""Streamed CSV and JSON: the institutional export of awards (memory flat) and the CSV of a dashboard table."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

from microcred.reporting.selectors import TYPOLOGY_FIELDS
from microcred.tables import csv_response, plain

AWARD_COLUMNS = ["awarded_at", "status", "revoked_at", "credential_id", "enrolled_at", "route", "title", "version",
                 "slug", *TYPOLOGY_FIELDS]


def json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written element by element."""
    yield "["
    first = True
    for row in rows:
        values = {k: None if v is None else plain(v) for k, v in row.items()}
        yield ("" if first else ",") + "\n" + json.dumps(values, ensure_ascii=False)
        first = False
    yield "\n]\n"


def awards_csv(filename: str, rows: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    return csv_response(filename, AWARD_COLUMNS, ([row[c] for c in AWARD_COLUMNS] for row in rows))


def awards_json(filename: str, rows: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(json_lines(rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
