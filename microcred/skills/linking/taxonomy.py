"""The label space a text is linked to: one entry per skill, with its preferred label, alternative labels and
description, built from the ESCO framework in the database or from ESCO files (the benchmark)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from microcred.frameworks.models import Framework

GROUP = "group"


@dataclass
class Taxonomy:
    keys: list[int]  # competency ids (the position, for a taxonomy read from files)
    uris: list[str]
    labels: list[str]
    alternatives: list[list[str]] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    hidden: list[list[str]] = field(default_factory=list)  # SKOS hidden labels: search terms, old names, misspellings
    language: str = "en"

    def __post_init__(self) -> None:
        n = len(self.labels)
        self.alternatives = self.alternatives or [[] for _ in range(n)]
        self.descriptions = self.descriptions or ["" for _ in range(n)]
        self.hidden = self.hidden or [[] for _ in range(n)]
        columns = (self.keys, self.uris, self.alternatives, self.descriptions, self.hidden)
        if any(len(column) != n for column in columns):
            raise ValueError("taxonomy columns differ in length")

    def __len__(self) -> int:
        return len(self.labels)

    def fingerprint(self) -> str:
        """A digest of every text; computed once (a taxonomy is not changed after it is built)."""
        cached = self.__dict__.get("_fingerprint")
        if cached:
            return cached
        digest = hashlib.sha256()
        for label, alternatives, description, hidden in zip(
            self.labels, self.alternatives, self.descriptions, self.hidden, strict=True
        ):
            digest.update("\x1f".join([label, *alternatives, "\x1e", description, "\x1e", *hidden]).encode() + b"\x1d")
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

    def translated(self, translations: dict[str, dict], language: str) -> Taxonomy:
        """The same skills, in the same order, labelled in ``language`` where ``translations`` (by URI: label,
        alternatives, description) has them. A skill without a translation keeps its own label, so that names every
        language shares ("SQL", "Python") and skills the other release lacks can still be found; a translated skill
        keeps its own-language label among its alternatives, for the terms postings borrow untranslated."""
        labels, alternatives, descriptions = [], [], []
        for position, uri in enumerate(self.uris):
            found = translations.get(uri) if uri else None
            if found and str(found.get("label") or "").strip():
                label = str(found["label"]).strip()
                labels.append(label)
                others = [str(a) for a in found.get("alternatives") or [] if str(a).strip() and str(a) != label]
                alternatives.append([*others, self.labels[position]])
                descriptions.append(str(found.get("description") or ""))
            else:
                labels.append(self.labels[position])
                alternatives.append(list(self.alternatives[position]))
                descriptions.append("")
        return Taxonomy(list(self.keys), list(self.uris), labels, alternatives, descriptions, language=language)

    @classmethod
    def from_framework(cls, framework: Framework, language: str | None = None) -> Taxonomy:
        """The skills and knowledge concepts of an ESCO framework version (its groups are not skills), in the
        framework's language or, given another ``language``, in its translations (see :meth:`translated`); a
        framework with no translation into ``language`` gives its own-language taxonomy (check ``.language``)."""
        base = cls._from_framework(framework)
        base.language = framework.language or "en"
        if not language or language == base.language:
            return base
        rows = framework.competencies.exclude(competency_type=GROUP).exclude(uri="").values_list("uri", "translations")
        translations = {
            uri: values[language]
            for uri, values in rows.iterator(chunk_size=5000)
            if isinstance(values, dict) and isinstance(values.get(language), dict)
        }
        return base.translated(translations, language) if translations else base

    @classmethod
    def _from_framework(cls, framework: Framework) -> Taxonomy:
        rows = (
            framework.competencies.exclude(competency_type=GROUP)
            .order_by("pk")
            .values_list("pk", "uri", "short_name", "statement", "alternative_labels", "hidden_labels")
        )
        keys, uris, labels, alternatives, descriptions, hidden = [], [], [], [], [], []
        for pk, uri, short_name, statement, alternative_labels, hidden_labels in rows.iterator(chunk_size=5000):
            label = (short_name or statement or "").strip()
            if not label:
                continue
            keys.append(pk)
            uris.append(uri or "")
            labels.append(label)
            alternatives.append([str(a) for a in alternative_labels or [] if str(a).strip()])
            descriptions.append(statement if statement and statement.strip() != label else "")
            hidden.append([str(h) for h in hidden_labels or [] if str(h).strip()])
        return cls(keys, uris, labels, alternatives, descriptions, hidden)

    @classmethod
    def from_files(cls, labels_path: Path, esco_dir: Path | None = None) -> Taxonomy:
        """Preferred labels one per line (the benchmark's label space), with each skill's URI, alternative labels
        and description from the official ``skills_en.csv`` when ``esco_dir`` has it.

        The benchmark's label file lists the skills in that file's row order, with commas and surrounding spaces
        removed from some labels; rows are matched by position and checked with :func:`label_key`, so a label file
        from another ESCO release is refused rather than paired with the wrong rows."""
        labels = [line.strip() for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        uris = [""] * len(labels)
        alternatives: list[list[str]] = [[] for _ in labels]
        descriptions = [""] * len(labels)
        hidden: list[list[str]] = [[] for _ in labels]
        skills = esco_dir / "skills_en.csv" if esco_dir is not None else None
        if skills is not None and skills.is_file():
            from microcred.frameworks import esco  # here: the benchmark imports this module before Django is set up

            rows = [row for _where, row in esco.read_rows(skills, ("conceptUri", "preferredLabel"))]
            if len(rows) != len(labels) or any(
                label_key(label) != label_key(row["preferredLabel"]) for label, row in zip(labels, rows, strict=False)
            ):
                raise ValueError(f"{labels_path.name} does not list the skills of {skills} in their order")
            for i, row in enumerate(rows):
                preferred = row["preferredLabel"].strip()
                uris[i] = row["conceptUri"].strip()
                alternatives[i] = esco.labels(row.get("altLabels", ""), besides=preferred)
                descriptions[i] = (row.get("description") or "").strip()
                hidden[i] = esco.labels(row.get("hiddenLabels", ""), besides=preferred)
        return cls(list(range(len(labels))), uris, labels, alternatives, descriptions, hidden)


def label_key(label: str) -> str:
    """A skill label compared as the benchmark does: case, commas and spacing do not count."""
    return " ".join(label.replace(",", "").lower().split())
