"""Reading the official CSV files of ESCO and O*NET: size, encoding and header checked, columns read by name."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed
from microcred.frameworks.document import MAX_ESCO_FILE_BYTES, FileTooLarge, UnreadableFile, decode_text

Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class ImportCounts:
    """What an occupations import did; ``skipped`` counts references to skills the framework lacks."""

    occupations: int = 0
    created: int = 0
    updated: int = 0
    skills: int = 0
    tasks: int = 0
    skipped: int = 0
    notes: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "occupations": self.occupations,
            "created": self.created,
            "updated": self.updated,
            "skills": self.skills,
            "tasks": self.tasks,
            "skipped": self.skipped,
            **self.notes,
        }


def find(directory: Path, *names: str) -> Path | None:
    for name in names:
        path = directory / name
        if path.is_file():
            return path
    return None


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row) for each data row; ``where`` is ``<file>.rows.<line>`` for error messages."""
    if path.stat().st_size > MAX_ESCO_FILE_BYTES:
        raise FileTooLarge(
            _("%(file)s is too large (at most %(limit)s MB).")
            % {"file": path.name, "limit": MAX_ESCO_FILE_BYTES // (1024 * 1024)}
        )
    text = decode_text(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    name = path.name.removesuffix(".csv").removesuffix(".txt")
    try:
        header = reader.fieldnames or []
        missing = [column for column in required if column not in header]
        if missing:
            raise ValidationFailed.single(
                f"{name}.columns",
                "missing_column",
                _("%(file)s lacks the column(s) %(names)s: is it in the official layout?")
                % {"file": path.name, "names": ", ".join(missing)},
            )
        for row in reader:
            yield f"{name}.rows.{reader.line_num}", {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    except csv.Error as exc:
        raise UnreadableFile(
            _("The CSV file is malformed near line %(line)s: %(reason)s.") % {"line": reader.line_num, "reason": exc},
            code="malformed_csv",
        ) from exc


def labels(value: str, separator: str = "\n") -> list[str]:
    seen: list[str] = []
    for label in value.split(separator):
        label = label.strip()
        if label and label not in seen:
            seen.append(label)
    return seen
