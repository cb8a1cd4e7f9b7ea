"""The label space a text is linked to: one entry per skill, with its preferred label, alternative labels and
description, built from the ESCO framework in the database or from ESCO files (the benchmark)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from microcred.frameworks.models import Framework

GROUP = "group"
_WORDS = re.compile(r"[^\W_]{3,}")
COLLECTIONS = (
    "transversalSkillsCollection_en.csv",
    "languageSkillsCollection_en.csv",
    "ictSkillsCollection_en.csv",
    "skills_en.csv",
)


@dataclass
class Taxonomy:
    keys: list[int]  # competency ids (the position, for a taxonomy read from files)
    uris: list[str]
    labels: list[str]
    alternatives: list[list[str]] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.labels)
        self.alternatives = self.alternatives or [[] for _ in range(n)]
        self.descriptions = self.descriptions or ["" for _ in range(n)]
        if not (len(self.keys) == len(self.uris) == n == len(self.alternatives) == len(self.descriptions)):
            raise ValueError("taxonomy columns differ in length")

    def __len__(self) -> int:
        return len(self.labels)

    def fingerprint(self) -> str:
        """A digest of every text; computed once (a taxonomy is not changed after it is built)."""
        cached = self.__dict__.get("_fingerprint")
        if cached:
            return cached
        digest = hashlib.sha256()
        for label, alternatives, description in zip(self.labels, self.alternatives, self.descriptions, strict=True):
            digest.update("\x1f".join([label, *alternatives, "\x1e", description]).encode() + b"\x1d")
        self.__dict__["_fingerprint"] = digest.hexdigest()
        return self.__dict__["_fingerprint"]

    def texts(self, *, alternatives: bool = True, descriptions: bool = True) -> tuple[list[str], list[int], list[str]]:
        """Every text to embed, its skill's position and its kind, grouped by skill (the label first)."""
        texts: list[str] = []
        owners: list[int] = []
        kinds: list[str] = []
        for position, label in enumerate(self.labels):
            seen = {label.lower()}
            texts.append(label)
            owners.append(position)
            kinds.append("label")
            if alternatives:
                for alternative in self.alternatives[position]:
                    if alternative.lower() not in seen:
                        seen.add(alternative.lower())
                        texts.append(alternative)
                        owners.append(position)
                        kinds.append("alternative")
            description = self.descriptions[position]
            if descriptions and description and description.lower() not in seen:
                texts.append(description)
                owners.append(position)
                kinds.append("description")
        return texts, owners, kinds

    @classmethod
    def from_framework(cls, framework: Framework) -> Taxonomy:
        """The skills and knowledge concepts of an ESCO framework version (its groups are not skills)."""
        rows = (
            framework.competencies.exclude(competency_type=GROUP)
            .order_by("pk")
            .values_list("pk", "uri", "short_name", "statement", "alternative_labels")
        )
        keys, uris, labels, alternatives, descriptions = [], [], [], [], []
        for pk, uri, short_name, statement, alternative_labels in rows.iterator(chunk_size=5000):
            label = (short_name or statement or "").strip()
            if not label:
                continue
            keys.append(pk)
            uris.append(uri or "")
            labels.append(label)
            alternatives.append([str(a) for a in alternative_labels or [] if str(a).strip()])
            descriptions.append(statement if statement and statement.strip() != label else "")
        return cls(keys, uris, labels, alternatives, descriptions)

    @classmethod
    def from_files(cls, labels_path: Path, esco_dir: Path | None = None) -> Taxonomy:
        """Preferred labels one per line; alternative labels and descriptions from ESCO CSV files where the
        preferred label matches (the labels subset, the collections, a full skills_en.csv if present)."""
        labels = [line.strip() for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        position = {label: i for i, label in enumerate(labels)}
        uris = [""] * len(labels)
        alternatives: list[list[str]] = [[] for _ in labels]
        descriptions = [""] * len(labels)
        if esco_dir is not None:
            from microcred.frameworks import esco  # here: the benchmark imports this module before Django is set up

            lowered = {label.lower(): i for i, label in enumerate(labels)}
            for row in _esco_rows(esco_dir):
                i = position.get((row.get("preferredLabel") or "").strip())
                if i is None:
                    continue
                uris[i] = uris[i] or (row.get("conceptUri") or "")
                descriptions[i] = descriptions[i] or (row.get("description") or "").strip()
                value = row.get("altLabels") or ""
                group = esco.labels(value, "\n" if "\n" in value else "|")
                owner = _owner(i, labels[i], group, lowered)
                if owner is None:
                    continue
                for alternative in group:
                    if alternative not in alternatives[owner] and alternative != labels[owner]:
                        alternatives[owner].append(alternative)
        return cls(list(range(len(labels))), uris, labels, alternatives, descriptions)


def _owner(row: int, label: str, group: list[str], lowered: dict[str, int]) -> int | None:
    """Whose alternative labels a row's group is. In the shared labels subset most rows carry another skill's
    group (the column is shifted), and a group lists its own skill's preferred label: that names the owner.
    A group naming no skill is kept if it shares a word with the row's label, else dropped."""
    named = {lowered[a.lower()] for a in group if a.lower() in lowered}
    if not group or row in named:
        return row
    if len(named) == 1:
        return named.pop()
    if named:
        return None
    words = set(_WORDS.findall(label.lower()))
    return row if any(words & set(_WORDS.findall(a.lower())) for a in group) else None


def _esco_rows(esco_dir: Path) -> Iterable[dict[str, str]]:
    from microcred.frameworks import esco

    for name in ("skills_en_labels_subset.csv", *COLLECTIONS):
        path = esco_dir / name
        if path.exists():
            for _where, row in esco.read_rows(path, ("conceptUri", "preferredLabel")):
                yield row
