"""Bulk exchange of catalog records as CSV and JSON: the same typology fields both ways.

Export writes the fields a provider edits plus identity (provider, slug, version, status);
import reads the editable fields back (lists as one item per line in a CSV cell).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from microcred.catalog.bilingual import translations_of
from microcred.catalog.models import MicroCredential
from microcred.errors import ValidationFailed
from microcred.tables import csv_text, unquote_cell

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
IDENTITY = ["provider", "slug", "version", "status"]
FIELDS = [
    "title",
    "summary",
    "description",
    "learning_outcomes",
    "level",
    "delivery_mode",
    "pace",
    "start_dates",
    "workload_hours",
    "time_to_complete_weeks",
    "cost",
    "currency",
    "language",
    "country",
    "region",
    "city",
    "credit_type",
    "credit_value",
    "credit_unit",
    "ladders_into",
    "assessment_method",
    "achievement_indicator",
    "industry_partners",
    "accrediting_body",
    "accreditation_status",
    "prerequisites",
    "validity_months",
    "award_criteria",
]
LISTS = {"learning_outcomes", "start_dates", "ladders_into", "industry_partners"}
NULLABLE = {"time_to_complete_weeks", "validity_months", "credit_value"}


def record_of(credential: MicroCredential) -> dict[str, Any]:
    row: dict[str, Any] = {
        "provider": credential.provider.slug,
        "slug": credential.slug,
        "version": credential.version,
        "status": credential.status,
    }
    for name in FIELDS:
        if name == "learning_outcomes":
            row[name] = [o.text for o in credential.outcomes.all()]
        else:
            value = getattr(credential, name)
            row[name] = str(value) if hasattr(value, "as_tuple") else value
    return row


def _with_translations(credential: MicroCredential) -> dict[str, Any]:
    """The record, plus its texts in other languages when it has any (imported back as they are)."""
    row = record_of(credential)
    translations = translations_of(credential)
    if translations:
        row["translations"] = translations
    return row


def export_json(credentials: Iterable[MicroCredential]) -> str:
    rows = [_with_translations(c) for c in credentials]
    return json.dumps({"microCredentials": rows}, ensure_ascii=False, indent=2)


def export_csv(credentials: Iterable[MicroCredential]) -> str:
    """The records as CSV, through the one formula-safe writer (a title ``=HYPERLINK(…)`` stays text)."""
    columns = IDENTITY + FIELDS

    def rows() -> Iterator[list[Any]]:
        for credential in credentials:
            row = record_of(credential)
            for name in LISTS:
                row[name] = "\n".join(row[name])
            yield [row.get(name) for name in columns]

    return csv_text(columns, rows())


def _editable(row: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in row.items() if k not in IDENTITY or k == "slug"}
    return fields


def rows_from_json(text: str | bytes) -> list[dict[str, Any]]:
    if len(text) > MAX_BYTES:
        raise ValidationFailed.single("file", "too_large", _("The file is larger than 2 MB."))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed.single("file", "malformed_json", _("The file is not valid JSON.")) from exc
    if isinstance(data, dict):
        data = data.get("microCredentials")
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ValidationFailed.single(
            "file", "invalid_shape", _('Send a list of records, or {"microCredentials": [...]}.')
        )
    return _checked([_editable(row) for row in data])


def rows_from_csv(text: str | bytes) -> list[dict[str, Any]]:
    if len(text) > MAX_BYTES:
        raise ValidationFailed.single("file", "too_large", _("The file is larger than 2 MB."))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed.single("file", "invalid_encoding", _("The file is not UTF-8.")) from exc
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        for raw in reader:
            if None in raw:
                raise ValidationFailed.single(
                    "file", "malformed_csv", _("Row %(n)s has more cells than the header.") % {"n": reader.line_num}
                )
            row = {k: unquote_cell(v) for k, v in raw.items() if k is not None and v not in (None, "")}
            for name in NULLABLE:
                if raw.get(name) == "":
                    row[name] = None
            rows.append(_editable(row))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise ValidationFailed.single("file", "malformed_csv", _("The file is not valid CSV.")) from exc
    return _checked(rows)


def _checked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        raise ValidationFailed.single("file", "empty", _("The file has no records."))
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.single("file", "too_many", _("Import at most %(n)s records at once.") % {"n": MAX_ROWS})
    return rows
