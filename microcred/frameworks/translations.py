"""Competency labels in other languages: ESCO's files of another language laid over an imported ESCO framework.

ESCO publishes one classification in many languages; every language's files name the same concepts by the same
URIs. A framework is imported once (in English, say), then ``import_esco_translations`` adds each concept's label,
alternative labels and description in another language (French: ``skills_fr.csv`` and ``skillGroups_fr.csv``) to
the competency with that URI, in ``Competency.translations[language]``. Concepts the other files lack keep none
(ESCO's French skills file is an older release: 517 of v1.1.1's skills have no French row); rows naming a concept
the framework lacks are counted and skipped. Importing the same files again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import record
from microcred.errors import ValidationFailed
from microcred.frameworks import esco
from microcred.frameworks.models import Competency, Framework
from microcred.frameworks.services import require_edit

LANGUAGE = re.compile(r"^[a-z]{2,3}$")
BATCH = 1000
STEMS = ("skills", "skillGroups")


@dataclass(frozen=True)
class TranslationCounts:
    language: str
    rows: int  # rows read from the files
    matched: int  # competencies that now carry the language
    changed: int  # competencies whose translation was added or changed
    unknown: int  # rows naming a concept the framework lacks


def read_esco_translations(directory: Path, language: str) -> dict[str, dict[str, Any]]:
    """Each concept's label, alternative labels and description in ``language``, by ESCO URI."""
    if not LANGUAGE.match(language or ""):
        raise ValidationFailed.single("language", "invalid", _("Give a language code such as “fr”."))
    if not directory.is_dir():
        raise ValidationFailed.single("directory", "not_found", _("%(path)s is not a directory.") % {"path": directory})
    found: dict[str, dict[str, Any]] = {}
    paths = [path for stem in STEMS if (path := directory / f"{stem}_{language}.csv").is_file()]
    if not paths:
        raise ValidationFailed.single(
            "directory",
            "no_esco_files",
            _("No ESCO skills files (skills_%(lang)s.csv, skillGroups_%(lang)s.csv, …) in %(path)s.")
            % {"lang": language, "path": directory},
        )
    for path in paths:
        for _where, row in esco.read_rows(path, ("conceptUri", "preferredLabel")):
            uri, label = row["conceptUri"].strip(), row["preferredLabel"].strip()
            if not uri or not label or uri in found:
                continue
            found[uri] = {
                "label": label[:300],
                "alternatives": esco.labels(row.get("altLabels", ""), besides=label),
                "description": (row.get("description") or "").strip(),
            }
    return found


def import_esco_translations(
    *, actor: Any, framework: Framework, directory: Path | str, language: str
) -> TranslationCounts:
    """Lay the ESCO files of ``language`` in ``directory`` over ``framework``, all or nothing, audited."""
    require_edit(actor, framework.organization)
    if language == framework.language:
        raise ValidationFailed.single(
            "language", "same_language", _("The framework is already in this language; import it as a framework.")
        )
    rows = read_esco_translations(Path(directory), language)
    changed: list[Competency] = []
    matched = 0
    now = timezone.now()
    with transaction.atomic():
        competencies = framework.competencies.exclude(uri="").only("pk", "uri", "translations")
        for competency in competencies.iterator(chunk_size=BATCH):
            wanted = rows.get(competency.uri)
            if wanted is None:
                continue
            matched += 1
            current = dict(competency.translations or {})
            if current.get(language) != wanted:
                current[language] = wanted
                competency.translations = current
                competency.updated_at = now  # what caches of the framework (the skill linker's index) watch
                changed.append(competency)
        Competency.objects.bulk_update(changed, ["translations", "updated_at"], batch_size=BATCH)
        counts = TranslationCounts(language, len(rows), matched, len(changed), len(rows) - matched)
        record(
            actor=actor,
            action="frameworks.import_translations",
            target=framework,
            organization=framework.organization,
            after={"language": language, "rows": counts.rows, "matched": matched, "changed": len(changed)},
        )
    return counts
