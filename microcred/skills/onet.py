"""O*NET occupations, their tasks and technology skills, from the O*NET database text files (as CSV).

Files, found by their published names (``occupation_data``, ``task_statements``, ``technology_skills``
with ``.csv`` or ``.txt``) and read by header name:

- occupation data: ``O*NET-SOC Code``, ``Title``, ``Description``;
- task statements: ``O*NET-SOC Code``, ``Task``, ``Task Type`` (Core / Supplemental / n/a);
- technology skills: ``O*NET-SOC Code``, ``Example``, ``Commodity Title``, ``Hot Technology``, ``In Demand``.

Each technology example is linked to an ESCO skill with the lexical engine (its label, else its
commodity title), once per distinct text. A link is kept only at a score of at least
``LINK_THRESHOLD`` and when at least ``MIN_COVERAGE`` of the text's content words are in the ESCO
label (see ``Linker``; on the shared files 530 of 8,882 distinct texts link, e.g. “Spreadsheet
software” → “use spreadsheets software”, while product names sharing one word with a skill do not);
otherwise the skill keeps O*NET's label with no ESCO skill. Examples of one occupation that land on
the same ESCO skill become one row, their flags or-ed. The relation: an example O*NET marks
“In Demand” (employers ask for it in postings) is essential, any other optional.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed
from microcred.skills.interfaces import link_text
from microcred.skills.models import OccupationSkill, OccupationSource, OccupationTask, SkillRelation
from microcred.skills.occupations import BATCH, upsert_occupations
from microcred.skills.tabular import ImportCounts, Progress, find, read_rows
from microcred.skills.words import covered

LINK_THRESHOLD = 0.6
MIN_COVERAGE = 0.5
LINK_ENGINE = "lexical"  # fast and deterministic for 30,000 rows; the label is short and names a tool
CODE = "O*NET-SOC Code"


def _file(directory: Path, stem: str) -> Path | None:
    return find(directory, f"{stem}.csv", f"{stem}.txt", stem.replace("_", " ").title() + ".txt")


class Linker:
    """Text → (competency id, label, score) or None, remembered per distinct text.

    A link needs the engine's score and word coverage: product names score high on one shared
    word (“CompuLaw Vision” → “computer vision”, “TOPMIS” → “personnel management”), so at least
    half of the O*NET text's content words must be in the ESCO label.
    """

    def __init__(self, threshold: float = LINK_THRESHOLD, coverage: float = MIN_COVERAGE) -> None:
        self.threshold = threshold
        self.coverage = coverage
        self.cache: dict[str, tuple[int, str, float] | None] = {}

    def __call__(self, text: str) -> tuple[int, str, float] | None:
        key = text.casefold().strip()
        if key not in self.cache:
            matches = link_text(text, limit=1, engine=LINK_ENGINE) if key else []
            best = matches[0] if matches else None
            self.cache[key] = (
                (best.competency_id, best.label, round(best.score, 4))
                if best is not None and best.score >= self.threshold and covered(text, best.label) >= self.coverage
                else None
            )
        return self.cache[key]


def import_onet(
    directory: Path | str, *, progress: Progress | None = None, linker: Linker | None = None
) -> ImportCounts:
    directory = Path(directory)
    if not directory.is_dir():
        raise ValidationFailed.single("directory", "not_found", _("%(path)s is not a directory.") % {"path": directory})
    data_path = _file(directory, "occupation_data")
    if data_path is None:
        raise ValidationFailed.single(
            "directory", "no_occupations_file", _("No occupation_data.csv (O*NET) in this folder.")
        )
    rows: dict[str, dict[str, object]] = {}
    for where, row in read_rows(data_path, (CODE, "Title")):
        if not row[CODE] or not row["Title"]:
            raise ValidationFailed.single(where, "required", _("The O*NET-SOC code and title are required."))
        rows[row[CODE][:40]] = {
            "title": row["Title"][:300],
            "code": row[CODE][:40],
            "alternative_labels": [],
            "description": row.get("Description", ""),
        }
    tasks: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    tasks_path = _file(directory, "task_statements")
    if tasks_path:
        for _where, row in read_rows(tasks_path, (CODE, "Task")):
            if row[CODE] in rows and row["Task"]:
                tasks[row[CODE]].append((row["Task"], row.get("Task Type", "Core") != "Supplemental"))
    technology = []
    tech_path = _file(directory, "technology_skills")
    if tech_path:
        technology = [
            row
            for _where, row in read_rows(tech_path, (CODE, "Example", "Hot Technology", "In Demand"))
            if row[CODE] in rows and (row["Example"] or row.get("Commodity Title"))
        ]
    total = len(technology) + len(rows)
    counts = ImportCounts()
    linker = linker or Linker()
    # Linking is the slow part: done first, outside the transaction, so the job's progress is seen as it goes.
    step = max(100, len(technology) // 100)
    for number, row in enumerate(technology, start=1):
        if linker(row["Example"]) is None:
            linker(row.get("Commodity Title", ""))
        if progress and number % step == 0:
            progress(number, total)
    with transaction.atomic():
        ids = upsert_occupations(OccupationSource.ONET, rows, counts)
        _write_tasks(ids, tasks, counts)
        _write_technology(ids, technology, counts, linker)
    if progress:
        progress(total, total)
    counts.notes["linked_labels"] = sum(1 for value in linker.cache.values() if value is not None)
    counts.notes["distinct_labels"] = len(linker.cache)
    return counts


def _write_tasks(ids: dict[str, int], tasks: dict[str, list[tuple[str, bool]]], counts: ImportCounts) -> None:
    have: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for occupation_id, text, core in (
        OccupationTask.objects.filter(occupation_id__in=ids.values())
        .order_by("occupation", "position")
        .values_list("occupation_id", "text", "core")
    ):
        have[occupation_id].append((text, core))
    redo = [ids[code] for code, wanted in tasks.items() if have[ids[code]] != wanted]
    OccupationTask.objects.filter(occupation_id__in=redo).delete()
    by_id = {ids[code]: wanted for code, wanted in tasks.items()}
    OccupationTask.objects.bulk_create(
        [
            OccupationTask(occupation_id=occupation_id, text=text, core=core, position=position)
            for occupation_id in redo
            for position, (text, core) in enumerate(by_id[occupation_id])
        ],
        batch_size=BATCH,
    )
    counts.tasks += sum(len(wanted) for wanted in tasks.values())


def _key(skill: OccupationSkill) -> tuple[object, ...]:
    return (skill.competency_id, skill.label, skill.relation, skill.hot_technology, skill.in_demand, skill.score)


def _write_technology(
    ids: dict[str, int],
    technology: list[dict[str, str]],
    counts: ImportCounts,
    linker: Linker,
) -> None:
    wanted: dict[int, dict[object, OccupationSkill]] = defaultdict(dict)
    for row in technology:
        occupation_id = ids[row[CODE]]
        hot, demand = row["Hot Technology"] == "Y", row["In Demand"] == "Y"
        link = linker(row["Example"]) or linker(row.get("Commodity Title", ""))
        key: object = link[0] if link else row["Example"].casefold() or row["Commodity Title"].casefold()
        skill = wanted[occupation_id].get(key)
        if skill is None:
            skill = OccupationSkill(
                occupation_id=occupation_id,
                competency_id=link[0] if link else None,
                label=(link[1] if link else row["Example"] or row["Commodity Title"])[:300],
                relation=SkillRelation.OPTIONAL,
                score=link[2] if link else None,
            )
            wanted[occupation_id][key] = skill
        else:
            counts.notes["merged"] = counts.notes.get("merged", 0) + 1
        skill.hot_technology |= hot
        skill.in_demand |= demand
        if skill.in_demand:
            skill.relation = SkillRelation.ESSENTIAL
        if not link:
            counts.skipped += 1
    have: dict[int, list[OccupationSkill]] = defaultdict(list)
    for skill in OccupationSkill.objects.filter(occupation_id__in=list(wanted)):
        have[skill.occupation_id].append(skill)
    redo = [
        occupation_id
        for occupation_id, skills in wanted.items()
        if sorted(map(_key, have[occupation_id]), key=repr) != sorted(map(_key, skills.values()), key=repr)
    ]
    OccupationSkill.objects.filter(occupation_id__in=redo).delete()
    OccupationSkill.objects.bulk_create(
        [skill for occupation_id in redo for skill in wanted[occupation_id].values()], batch_size=BATCH
    )
    counts.skills += sum(len(skills) for skills in wanted.values())
