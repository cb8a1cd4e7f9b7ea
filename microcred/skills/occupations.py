"""ESCO occupations and their essential/optional skills, from the official CSV files.

``occupations_<lang>.csv`` (conceptUri, iscoGroup, preferredLabel, altLabels newline-separated,
description) gives the occupations; ``occupationSkillRelations.csv`` (``_<lang>`` before v1.1.1), when
present, the skills each needs. A relation names the skill by its ESCO URI; a URI the skills framework lacks (another
ESCO version, a skill file not imported) is skipped and counted, never an error. Importing the same
files again changes nothing; a changed file updates the occupations in place.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed
from microcred.frameworks.esco import find_file, read_occupation_skill_relations
from microcred.frameworks.models import Competency, CompetencyType
from microcred.skills.interfaces import skills_framework
from microcred.skills.models import Occupation, OccupationSkill, OccupationSource
from microcred.skills.tabular import ImportCounts, Progress, find, labels, read_rows

BATCH = 500


def _occupation_rows(path: Path) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for where, row in read_rows(path, ("conceptUri", "preferredLabel")):
        uri, title = row["conceptUri"], row["preferredLabel"]
        if not uri or not title:
            raise ValidationFailed.single(
                where, "required", _("The occupation's URI and preferred label are required.")
            )
        rows[uri[:500]] = {
            "title": title[:300],
            "code": row.get("iscoGroup", "")[:40],
            "alternative_labels": labels(row.get("altLabels", "")),
            "description": row.get("description", "") or row.get("definition", ""),
        }
    return rows


def upsert_occupations(source: str, rows: dict[str, dict[str, object]], counts: ImportCounts) -> dict[str, int]:
    """Occupations by key, created or updated in place; returns their ids by key."""
    existing = {o.key: o for o in Occupation.objects.filter(source=source, key__in=list(rows))}
    changed, fields = [], ["title", "code", "alternative_labels", "description"]
    new = []
    for key, values in rows.items():
        occupation = existing.get(key)
        if occupation is None:
            new.append(Occupation(source=source, key=key, **values))
        elif any(getattr(occupation, name) != values[name] for name in fields):
            for name in fields:
                setattr(occupation, name, values[name])
            changed.append(occupation)
    Occupation.objects.bulk_create(new, batch_size=BATCH)
    Occupation.objects.bulk_update(changed, fields, batch_size=BATCH)
    counts.occupations += len(rows)
    counts.created += len(new)
    counts.updated += len(changed)
    return dict(Occupation.objects.filter(source=source, key__in=list(rows)).values_list("key", "pk"))


def import_esco_occupations(
    directory: Path | str, *, language: str = "en", progress: Progress | None = None
) -> ImportCounts:
    """Read and write, all or nothing (the caller holds the transaction)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ValidationFailed.single("directory", "not_found", _("%(path)s is not a directory.") % {"path": directory})
    path = find(directory, f"occupations_{language}.csv")
    if path is None:
        raise ValidationFailed.single(
            "directory", "no_occupations_file", _("No occupations_%(lang)s.csv in this folder.") % {"lang": language}
        )
    rows = _occupation_rows(path)
    relations_path = find_file(directory, "occupationSkillRelations", language)
    relations = list(read_occupation_skill_relations(relations_path)) if relations_path else []
    total = len(rows) + len(relations)
    counts = ImportCounts()
    with transaction.atomic():
        ids = upsert_occupations(OccupationSource.ESCO, rows, counts)
        if progress:
            progress(len(rows), total)
        if relations_path is not None:
            _write_relations(ids, relations, counts)
        if progress:
            progress(total, total)
    return counts


def _write_relations(ids: dict[str, int], relations: list, counts: ImportCounts) -> None:
    framework = skills_framework()
    skills: dict[str, tuple[int, str]] = {}
    if framework is not None:
        skills = {
            uri: (pk, label or statement)
            for uri, pk, label, statement in Competency.objects.filter(framework=framework)
            .exclude(competency_type=CompetencyType.GROUP)
            .exclude(uri="")
            .values_list("uri", "pk", "short_name", "statement")
        }
    wanted: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)  # occupation → competency → (relation, label)
    unknown_occupations = 0
    for relation in relations:
        occupation_id = ids.get(relation.occupation_uri)
        if occupation_id is None:
            unknown_occupations += 1
            continue
        skill = skills.get(relation.skill_uri)
        if skill is None:
            counts.skipped += 1
            continue
        current = wanted[occupation_id].get(skill[0])
        if current is None or current[0] != "essential":  # listed twice: essential wins
            wanted[occupation_id][skill[0]] = (relation.relation, skill[1][:300])
    counts.notes["unknown_occupations"] = unknown_occupations
    have: dict[int, dict[int, OccupationSkill]] = defaultdict(dict)
    for link in OccupationSkill.objects.filter(occupation_id__in=list(wanted), competency__isnull=False):
        have[link.occupation_id][link.competency_id] = link
    stale, new, changed = [], [], []
    for occupation_id, skills_of in wanted.items():
        for competency_id, link in have[occupation_id].items():
            if competency_id not in skills_of:
                stale.append(link.pk)
        for competency_id, (relation, label) in skills_of.items():
            link = have[occupation_id].get(competency_id)
            if link is None:
                new.append(
                    OccupationSkill(
                        occupation_id=occupation_id, competency_id=competency_id, label=label, relation=relation
                    )
                )
            elif link.relation != relation or link.label != label:
                link.relation, link.label = relation, label
                changed.append(link)
    OccupationSkill.objects.filter(pk__in=stale).delete()
    OccupationSkill.objects.bulk_create(new, batch_size=BATCH)
    OccupationSkill.objects.bulk_update(changed, ["relation", "label"], batch_size=BATCH)
    counts.skills += sum(len(v) for v in wanted.values())
