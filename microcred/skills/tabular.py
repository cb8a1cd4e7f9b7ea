"""Reading the official CSV files of ESCO and O*NET: size, encoding and header checked, columns read by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from microcred.frameworks import esco

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
    """(where, row) for each data row, values stripped; ``where`` is ``<file>.rows.<line>`` for error messages.
    The frameworks domain's reader of ESCO files checks size, encoding and header the same way for O*NET's."""
    for where, row in esco.read_rows(path, required):
        yield where, {key: value.strip() for key, value in row.items()}


labels = esco.labels
