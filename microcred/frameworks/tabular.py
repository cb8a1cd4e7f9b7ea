"""Frameworks as CSV: one row per competency, in and out.

Columns (a header row names them; only ``statement`` is required, the order is free):

============================  ===============================================================
``identifier``                stable identifier (a UUID); derived from the code or statement if absent
``uri``                       the competency's URI; minted by the platform if absent
``code``                      human code, unique within the framework (e.g. ``FRT-2.1``)
``parent``                    the parent's code, URI or identifier; empty for a top-level competency
``short_name``                short name
``statement``                 full statement (required)
``type``                      competency, skill, knowledge, attribute or group (default competency)
``level``                     level (free text, e.g. an education level or ESCO reuse level)
``sort_order``                whole number ordering siblings (default: the row order)
``alternative_labels``        other names, separated by ``|``
``notes``                     notes
============================  ===============================================================

One bad row and nothing is imported; every error names its row (the header is row 1) and column.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from microcred.errors import ErrorList, ValidationFailed
from microcred.frameworks import document as doc
from microcred.frameworks.models import CompetencyType, Crosswalk, Framework, LinkStatus
from microcred.tables import csv_text, unquote_cell

COLUMNS = (
    "identifier",
    "uri",
    "code",
    "parent",
    "short_name",
    "statement",
    "type",
    "level",
    "sort_order",
    "alternative_labels",
    "notes",
)
LABEL_SEPARATOR = "|"


def read_rows(data: bytes, *, limit: int = doc.MAX_FILE_BYTES) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the (line number, row) pairs of a UTF-8 CSV file; a malformed file is refused."""
    doc.check_size(data, limit)
    text = doc.decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(header):
                raise ValidationFailed.single(
                    f"rows.{reader.line_num}",
                    "too_many_values",
                    _("Row %(line)s has more values than the header has columns.") % {"line": reader.line_num},
                )
            cells = [unquote_cell(value) for value in values]  # what microcred exported comes back unchanged
            rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
    except csv.Error as exc:
        raise doc.UnreadableFile(
            _("The CSV file is malformed near line %(line)s: %(reason)s.") % {"line": reader.line_num, "reason": exc},
            code="malformed_csv",
        ) from exc
    return header, rows


def parse_csv(
    data: bytes, *, title: str, version: str = "1", identifier: str = "", **header: str
) -> doc.FrameworkDocument:
    """A framework CSV as a checked document. ``title``, ``version`` and the other framework fields
    (publisher, language, licence, source_uri, description) come from the caller, not the file."""
    columns, rows = read_rows(data)
    errors = ErrorList()
    if not columns or not any(columns):
        raise ValidationFailed.single("columns", "required", _("The file is empty: a header row is needed."))
    for name in columns:
        if name not in COLUMNS:
            errors.add(
                f"columns.{name}",
                "unknown_column",
                _("Unknown column; the columns are: %(names)s.") % {"names": ", ".join(COLUMNS)},
            )
    if len(set(columns)) != len(columns):
        errors.add("columns", "duplicate", _("A column is named twice."))
    if "statement" not in columns:
        errors.add("columns.statement", "required", _("The column “statement” is required."))
    errors.raise_if_any()
    identifier = identifier or doc.stable_id("csv", title, version)
    document = doc.FrameworkDocument(title=title, version=version, identifier=identifier, **header)
    types = {value: value for value in CompetencyType.values} | {
        str(label).lower(): value for value, label in CompetencyType.choices
    }
    parents: list[tuple[doc.CompetencyRecord, str]] = []
    used: set[str] = set()
    for position, (line, row) in enumerate(rows):
        where = f"rows.{line}"
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        kind = values["type"].lower() or CompetencyType.COMPETENCY
        if kind not in types:
            errors.add(f"{where}.type", "invalid", _("Unknown type “%(value)s”.") % {"value": values["type"]})
        sort_order = position
        if values["sort_order"]:
            try:
                sort_order = int(values["sort_order"])
            except ValueError:
                errors.add(f"{where}.sort_order", "invalid", _("Expected a whole number."))
        derived = doc.stable_id(identifier, values["code"] or values["uri"] or values["statement"])
        if derived in used:  # the duplicate code or URI is the error to report, not the identifier made from it
            derived = doc.stable_id(identifier, "row", str(line))
        used.add(derived)
        record = doc.CompetencyRecord(
            identifier=values["identifier"] or derived,
            statement=values["statement"],
            uri=values["uri"],
            code=values["code"],
            short_name=values["short_name"],
            competency_type=types.get(kind, CompetencyType.COMPETENCY),
            level=values["level"],
            sort_order=sort_order,
            alternative_labels=[x.strip() for x in values["alternative_labels"].split(LABEL_SEPARATOR) if x.strip()],
            notes=values["notes"],
            where=where,
        )
        document.competencies.append(record)
        if values["parent"]:
            parents.append((record, values["parent"]))
    errors.raise_if_any()
    keys: dict[str, str] = {}
    for record in document.competencies:
        for key in (record.identifier, record.uri, record.code):
            if key:
                keys.setdefault(key, record.identifier)
    for record, parent in parents:
        if parent not in keys:
            errors.add(
                f"{record.where}.parent",
                "unknown_parent",
                _("No row has the code, URI or identifier “%(value)s”.") % {"value": parent[:100]},
            )
        else:
            record.parent = keys[parent]
    errors.raise_if_any()
    doc.check(document)
    return document


def export_csv(framework: Framework) -> str:
    """The framework as CSV, through the one formula-safe writer (``microcred.tables``)."""
    rows = list(framework.competencies.order_by("depth", "sort_order", "pk"))
    parent_key = {row.pk: row.code or row.uri or row.identifier for row in rows}
    return csv_text(
        COLUMNS,
        (
            [
                row.identifier,
                row.uri,
                row.code,
                parent_key.get(row.parent_id, "") if row.parent_id else "",
                row.short_name,
                row.statement,
                row.competency_type,
                row.level,
                row.sort_order,
                f" {LABEL_SEPARATOR} ".join(row.alternative_labels or []),
                row.notes,
            ]
            for row in rows
        ),
        lineterminator="\n",
    )


CROSSWALK_COLUMNS = (
    "source_code",
    "source_uri",
    "source_statement",
    "relation",
    "target_code",
    "target_uri",
    "target_statement",
    "status",
    "score",
    "confirmed_by",
    "confirmed_at",
)


def export_crosswalk_csv(crosswalk: Crosswalk, *, statuses: tuple[str, ...] = (LinkStatus.CONFIRMED,)) -> str:
    """One row per mapping (SKOS relation), with who confirmed it and when."""
    links = (
        crosswalk.links.filter(status__in=statuses)
        .select_related("source", "target", "confirmed_by")
        .order_by("source__sort_order", "source_id", "pk")
    )
    return csv_text(
        CROSSWALK_COLUMNS,
        (
            [
                link.source.code,
                link.source.uri,
                link.source.statement,
                link.relation,
                link.target.code,
                link.target.uri,
                link.target.statement,
                link.status,
                "" if link.score is None else f"{link.score:.4f}",
                link.confirmed_by.email if link.confirmed_by else "",
                link.confirmed_at.isoformat() if link.confirmed_at else "",
            ]
            for link in links
        ),
        lineterminator="\n",
    )
