"""Figures laid out as captioned tables (each with its optional chart), and their streamed CSV downloads.

Shared by the provider dashboards (reporting) and the labour-market dashboard (skills).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list[Any]]
    chart: SafeString | None = None
    links: list[str] | None = None  # one per row: where its first cell leads

    query: str = ""  # the page's month range, carried by the rows' links
    shown: int | None = None  # the page shows this many rows at most; the CSV has them all

    @property
    def truncated(self) -> bool:
        return self.shown is not None and len(self.rows) > self.shown

    @property
    def rows_html(self) -> SafeString:
        """The rows as ``<tr>`` elements (built here: a template loop over thousands of cells is slow); the first
        cell is the row's header, a link when the row has one (carrying the page's month range)."""
        links = self.links or [""] * len(self.rows)
        suffix = f"?{self.query}" if self.query else ""
        return format_html_join(
            "",
            "<tr>{}{}</tr>",
            (
                (
                    format_html('<th scope="row"><a href="{}{}">{}</a></th>', link, suffix, row[0])
                    if link
                    else format_html('<th scope="row">{}</th>', row[0]),
                    format_html_join("", "<td>{}</td>", ((cell,) for cell in row[1:])),
                )
                for link, row in itertools.islice(zip(links, self.rows, strict=True), self.shown)
            ),
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


def plain(value: Any) -> Any:
    """A value as a CSV or JSON cell: dates in ISO 8601, decimals without exponent, None as empty."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 10.0 → "10", never "1E+1"
    return "" if value is None else value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would read as a formula is prefixed with a quote (CSV injection, OWASP)."""
    value = plain(value)
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def unquote_cell(value: str) -> str:
    """A cell of a CSV file read back: the quote :func:`safe_cell` put before a formula-like text is taken off,
    so that what microcred exports imports unchanged."""
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2] != "":
        return value[1:]
    return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]], *, lineterminator: str = "\r\n") -> Iterator[str]:
    """Every CSV microcred writes goes through here: each text cell is made formula-safe."""
    writer = csv.writer(_Echo(), lineterminator=lineterminator)
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]], *, lineterminator: str = "\r\n") -> str:
    """A whole formula-safe CSV document as one string (small exports: a framework, a catalog page)."""
    return "".join(csv_lines(header, rows, lineterminator=lineterminator))


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
