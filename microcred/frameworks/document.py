"""A framework as read from a file, before anything is written: plain records every format parses into.

Each importer (CASE, CSV, ESCO) builds a :class:`FrameworkDocument`; :func:`check` refuses it whole
(duplicate identifiers or codes, unknown parents, cycles, too deep, too many, unknown scale levels)
with errors that name the row or item, and only then does ``services.import_document`` write it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from microcred.errors import DomainError, ErrorList, FieldError, ValidationFailed
from microcred.frameworks.models import CompetencyType, MatchRelation

MAX_FILE_BYTES = 20 * 1024 * 1024  # an uploaded CASE or CSV file
MAX_ESCO_FILE_BYTES = 200 * 1024 * 1024  # one file of an ESCO download (skills_en.csv is about 10 MB)
MAX_COMPETENCIES = 250_000
MAX_DEPTH = 32
MAX_ERRORS = 50  # report this many, then stop: a broken 100,000-row file is not 100,000 messages
NAMESPACE = uuid.UUID("6f0c3a5e-1c1e-4f0a-9d0f-6b7f2e8a4c21")

FIELD_LIMITS = {"identifier": 100, "uri": 500, "code": 100, "short_name": 300, "level": 100}


class FileTooLarge(DomainError):
    status = 413
    code = "file_too_large"


class UnreadableFile(DomainError):
    status = 400
    code = "unreadable_file"


def stable_id(*parts: str) -> str:
    """A UUID derived from names, for identifiers a format does not give (ESCO URIs, CASE associations)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(data: bytes, limit: int = MAX_FILE_BYTES) -> None:
    if len(data) > limit:
        raise FileTooLarge(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": len(data) // (1024 * 1024), "limit": limit // (1024 * 1024)}
        )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or a clear refusal: no guessing of legacy encodings."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _("The file is not UTF-8 text (byte %(n)s).") % {"n": exc.start}, code="invalid_encoding"
        ) from exc
    if "\x00" in text:
        raise UnreadableFile(_("The file contains NUL characters: it is not a text file."), code="invalid_encoding")
    return text


@dataclass
class LevelRecord:
    label: str
    description: str = ""


@dataclass
class ScaleRecord:
    name: str
    identifier: str = ""
    uri: str = ""
    description: str = ""
    is_default: bool = False
    levels: list[LevelRecord] = field(default_factory=list)


@dataclass
class CompetencyRecord:
    identifier: str
    statement: str
    uri: str = ""
    code: str = ""
    short_name: str = ""
    competency_type: str = CompetencyType.COMPETENCY
    level: str = ""
    parent: str | None = None  # the parent's identifier
    sort_order: int = 0
    alternative_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)  # found by search and linking, never shown (SKOS)
    notes: str = ""
    changed_at: datetime | None = None
    where: str = ""  # how errors name it: "rows.12", "CFItems.3"

    def content(self) -> tuple[object, ...]:
        """What a new version compares to decide whether the competency changed (and so gets a new URI)."""
        return (
            self.statement,
            self.code,
            self.short_name,
            self.competency_type,
            self.level,
            tuple(self.alternative_labels),
            tuple(self.hidden_labels),
            self.notes,
        )


@dataclass
class RubricLevelRecord:
    identifier: str
    quality: str = ""
    description: str = ""
    score: float | None = None
    feedback: str = ""
    position: int = 0
    uri: str = ""
    proficiency_level: str = ""  # a level label of the rubric's scale, if it names one


@dataclass
class CriterionRecord:
    identifier: str
    competency: str  # identifier of the competency it assesses
    category: str = ""
    description: str = ""
    weight: float | None = None
    position: int = 0
    uri: str = ""
    levels: list[RubricLevelRecord] = field(default_factory=list)


@dataclass
class RubricRecord:
    identifier: str
    title: str
    description: str = ""
    uri: str = ""
    scale: str = ""  # a scale name
    criteria: list[CriterionRecord] = field(default_factory=list)
    where: str = ""


@dataclass
class LinkRecord:
    """A mapping from a competency of this document to one elsewhere (a CASE association between frameworks)."""

    identifier: str
    source: str  # identifier or URI
    target: str  # identifier or URI
    relation: str = MatchRelation.CLOSE


@dataclass
class RelationRecord:
    """One competency related to another of the same framework (ESCO: a skill's essential or optional knowledge
    and skills, a concept's broader concepts beyond the one the tree keeps)."""

    source: str  # identifiers
    target: str
    kind: str  # "essential", "optional" or "broader"


@dataclass
class FrameworkDocument:
    title: str
    identifier: str = ""
    uri: str = ""
    description: str = ""
    publisher: str = ""
    version: str = "1"
    language: str = "en"
    licence: str = ""
    source_uri: str = ""
    status: str = ""
    changed_at: datetime | None = None
    competencies: list[CompetencyRecord] = field(default_factory=list)
    scales: list[ScaleRecord] = field(default_factory=list)
    rubrics: list[RubricRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was read but left out, for the person importing


def depths(document: FrameworkDocument) -> dict[str, int]:
    """Depth of each competency (0 for roots). Assumes :func:`check` passed (no cycles, known parents)."""
    parent_of = {c.identifier: c.parent for c in document.competencies}
    result: dict[str, int] = {}
    for identifier in parent_of:
        chain = []
        node: str | None = identifier
        while node is not None and node not in result:
            chain.append(node)
            node = parent_of[node]
        base = -1 if node is None else result[node]
        for offset, item in enumerate(reversed(chain), start=1):
            result[item] = base + offset
    return result


def check(document: FrameworkDocument) -> None:
    """Refuse the document, naming every problem (up to :data:`MAX_ERRORS`), or return quietly."""
    errors = ErrorList()

    def add(where: str, name: str, code: str, message: str) -> None:
        if len(errors.errors) < MAX_ERRORS:
            errors.add(f"{where}.{name}" if where else name, code, message)

    if not document.title.strip():
        add("", "title", "required", _("The framework has no title."))
    if len(document.competencies) > MAX_COMPETENCIES:
        raise ValidationFailed.single(
            "competencies",
            "too_many",
            _("The file has %(n)s competencies; at most %(max)s are imported at once.")
            % {"n": len(document.competencies), "max": MAX_COMPETENCIES},
        )
    seen: dict[str, str] = {}
    codes: dict[str, str] = {}
    types = set(CompetencyType.values)
    for record in document.competencies:
        where = record.where
        if not record.identifier:
            add(where, "identifier", "required", _("The identifier is missing."))
        elif record.identifier in seen:
            add(
                where,
                "identifier",
                "duplicate",
                _("The identifier %(id)s is already used by %(other)s.")
                % {"id": record.identifier, "other": seen[record.identifier]},
            )
        else:
            seen[record.identifier] = where
        if not record.statement.strip():
            add(where, "statement", "required", _("The statement is missing."))
        if record.code:
            if record.code in codes:
                add(
                    where,
                    "code",
                    "duplicate",
                    _("The code %(code)s is already used by %(other)s.")
                    % {"code": record.code, "other": codes[record.code]},
                )
            else:
                codes[record.code] = where
        if record.competency_type not in types:
            add(where, "type", "invalid", _("Unknown type “%(value)s”.") % {"value": record.competency_type})
        for name, limit in FIELD_LIMITS.items():
            if len(getattr(record, name)) > limit:
                add(where, name, "too_long", _("At most %(n)s characters.") % {"n": limit})
        if not isinstance(record.alternative_labels, list) or not all(
            isinstance(label, str) for label in record.alternative_labels
        ):
            add(where, "alternative_labels", "invalid", _("Alternative labels must be a list of texts."))
        if not isinstance(record.hidden_labels, list) or not all(isinstance(x, str) for x in record.hidden_labels):
            add(where, "hidden_labels", "invalid", _("Hidden labels must be a list of texts."))
    where_of = {c.identifier: c.where for c in document.competencies}
    parent_of = {c.identifier: c.parent for c in document.competencies}
    for record in document.competencies:
        if record.parent is not None and record.parent not in parent_of:
            add(
                record.where,
                "parent",
                "unknown_parent",
                _("The parent %(id)s is not in the file.") % {"id": record.parent},
            )
    errors.raise_if_any()
    _check_cycles_and_depth(parent_of, where_of, add)
    _check_scales(document, seen, add)
    errors.raise_if_any()


def _check_cycles_and_depth(parent_of: dict[str, str | None], where_of: dict[str, str], add) -> None:  # type: ignore[no-untyped-def]
    state: dict[str, int] = {}  # 1: on the current path, 2: known to reach a root
    depth: dict[str, int] = {}
    for start in parent_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if node is not None and state[node] == 1:  # walked back onto the current path
            cycle = path[path.index(node) :]
            add(
                where_of[node],
                "parent",
                "cycle",
                _("The hierarchy has a cycle: %(ids)s.") % {"ids": " → ".join([*cycle, node][:10])},
            )
            for item in path:
                state[item] = 2
                depth[item] = 0
            continue
        base = -1 if node is None else depth[node]
        for offset, item in enumerate(reversed(path), start=1):
            state[item] = 2
            depth[item] = base + offset
            if depth[item] == MAX_DEPTH:
                add(
                    where_of[item],
                    "parent",
                    "too_deep",
                    _("The hierarchy is deeper than %(n)s levels.") % {"n": MAX_DEPTH},
                )


def _check_scales(document: FrameworkDocument, competencies: dict[str, str], add) -> None:  # type: ignore[no-untyped-def]
    names: set[str] = set()
    labels_of: dict[str, set[str]] = {}
    for index, scale in enumerate(document.scales):
        where = f"scales.{index}"
        if not scale.name.strip():
            add(where, "name", "required", _("The scale has no name."))
        if scale.name in names:
            add(where, "name", "duplicate", _("Two scales are named “%(value)s”.") % {"value": scale.name})
        names.add(scale.name)
        labels = [level.label for level in scale.levels]
        if not labels:
            add(where, "levels", "required", _("A scale needs at least one level."))
        if len(set(labels)) != len(labels) or any(not label.strip() for label in labels):
            add(where, "levels", "duplicate", _("The levels of a scale need distinct, non-empty labels."))
        labels_of[scale.name] = set(labels)
    for index, rubric in enumerate(document.rubrics):
        where = rubric.where or f"rubrics.{index}"
        if rubric.scale and rubric.scale not in labels_of:
            add(where, "scale", "unknown_scale", _("Unknown scale “%(value)s”.") % {"value": rubric.scale})
        known_levels = labels_of.get(rubric.scale, set())
        for c_index, criterion in enumerate(rubric.criteria):
            if criterion.competency not in competencies:
                add(
                    f"{where}.criteria.{c_index}",
                    "competency",
                    "unknown_competency",
                    _("The criterion points at %(id)s, which is not in the file.") % {"id": criterion.competency},
                )
            for l_index, level in enumerate(criterion.levels):
                if level.proficiency_level and level.proficiency_level not in known_levels:
                    add(
                        f"{where}.criteria.{c_index}.levels.{l_index}",
                        "proficiency_level",
                        "unknown_level",
                        _("“%(value)s” is not a level of the rubric's scale.") % {"value": level.proficiency_level},
                    )


def field_errors_with_prefix(errors: list[FieldError], prefix: str) -> list[FieldError]:
    return [FieldError(f"{prefix}.{e.field}", e.code, e.message) for e in errors]
