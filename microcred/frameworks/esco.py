"""ESCO's published CSV files (the skills pillar), read into one framework document.

Users download their own copy from the ESCO portal (CSV, one language); the reader follows the
official file layout, finds the files by their published names and reads columns by header name:

- ``skillsHierarchy_<lang>.csv``: the upper levels (Level 0–3 URI and preferred term);
- ``skillGroups_<lang>.csv``: skill groups;
- ``skills_<lang>.csv``: the skills and knowledge concepts (``skills_<lang>_labels_subset.csv`` is
  read instead when the full file is absent);
- ``broaderRelationsSkillPillar.csv``: who is under whom (a concept may have several broader
  concepts; the tree keeps the first);
- the skill collections (v1.1.1: ``transversal``, ``language``, ``digital``, ``digComp``, ``green`` and
  ``researchSkillsCollection``; v1.0: ``ictSkillsCollection``): more skills, and broader concepts when the
  relations file is absent;
- ``occupationSkillRelations.csv``: checked and counted here; occupations and their skills
  belong to the skills domain, which reads it with :func:`read_occupation_skill_relations`.

The relation files hold URIs only: ESCO v1.1.1 publishes them without a language suffix
(``occupationSkillRelations.csv``), earlier releases with one (``occupationSkillRelations_en.csv``); both are found.

Concepts keep their ESCO URI; their identifier is a UUID derived from it, so importing the same
files again finds the same competencies. Concepts the files place nowhere go under one group.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed
from microcred.frameworks import document as doc
from microcred.frameworks.models import CompetencyType

TITLE = "ESCO skills pillar"
PUBLISHER = "European Commission"
LICENCE = "ESCO classification of the European Commission; reuse with attribution (ESCO terms of use)"
SOURCE = "https://esco.ec.europa.eu/en/use-esco/download"
MIN_ROWS_TO_JUDGE = 50
MISALIGNED_SHARE = 0.5  # ESCO's own files: 2-4 % of rows; a shuffled column: nearly all
COLLECTIONS = (
    "transversalSkillsCollection",
    "languageSkillsCollection",
    "digitalSkillsCollection",
    "digCompSkillsCollection",
    "greenSkillsCollection",
    "researchSkillsCollection",
    "ictSkillsCollection",  # ESCO v1.0; v1.1 replaced it with the digital collection
)


def concept_identifier(uri: str) -> str:
    return doc.stable_id("esco", uri)


def read_rows(path: Path, required_columns: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """(where, row) for each data row of one ESCO file, after checking its size, encoding and header."""
    if path.stat().st_size > doc.MAX_ESCO_FILE_BYTES:
        raise doc.FileTooLarge(
            _("%(file)s is too large (at most %(limit)s MB).")
            % {"file": path.name, "limit": doc.MAX_ESCO_FILE_BYTES // (1024 * 1024)}
        )
    text = doc.decode_text(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    name = path.name.removesuffix(".csv").removesuffix(".txt")
    try:
        header = reader.fieldnames or []
        missing = [column for column in required_columns if column not in header]
        if missing:
            raise ValidationFailed.single(
                f"{name}.columns",
                "missing_column",
                _("%(file)s lacks the column(s) %(names)s: is it in the official layout?")
                % {"file": path.name, "names": ", ".join(missing)},
            )
        for row in reader:
            yield f"{name}.rows.{reader.line_num}", {k: (v or "") for k, v in row.items() if isinstance(k, str)}
    except csv.Error as exc:
        raise doc.UnreadableFile(
            _("The CSV file is malformed near line %(line)s: %(reason)s.") % {"line": reader.line_num, "reason": exc},
            code="malformed_csv",
        ) from exc


def labels(value: str, separator: str = "\n", *, besides: str = "") -> list[str]:
    """The distinct labels of one multi-valued cell (ESCO: newline- or "|"-separated), in order, leaving out
    ``besides`` (the concept's preferred label, which some rows list again among its alternatives)."""
    seen: list[str] = []
    for label in value.split(separator):
        label = label.strip()
        if label and label not in seen and label != besides:
            seen.append(label)
    return seen


CONTENT_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def _words(text: str) -> set[str]:
    return {word[:6] for word in CONTENT_WORD.findall(text.lower())}  # a crude stem: "managing" ~ "manage"


def plausible_alternatives(label: str, alternatives: list[str]) -> bool:
    """At least half of the alternatives share a word with the preferred label (kept from a misaligned file)."""
    words = _words(label)
    return 2 * sum(1 for alternative in alternatives if _words(alternative) & words) >= len(alternatives)


def misaligned_alternatives(rows: list[tuple[str, list[str]]]) -> int:
    """How many of these (preferred label, alternative labels) rows look misaligned: none of the alternatives
    shares a word with the preferred label.

    In ESCO's own files a few percent of rows are like that (true synonyms: "show initiative" / "be a driving
    force"); a file whose altLabels column was shifted or shuffled against its preferredLabel column has most
    rows like that, and indexing those labels would make search and skill linking find the wrong skills.
    """
    count = 0
    for label, alternatives in rows:
        if not alternatives:
            continue
        words = _words(label)
        if not any(_words(alternative) & words for alternative in alternatives):
            count += 1
    return count


def find_file(directory: Path, stem: str, language: str = "en") -> Path | None:
    """``<stem>_<language>.csv``, or ``<stem>.csv`` (v1.1.1's language-independent relation files)."""
    for name in (f"{stem}_{language}.csv", f"{stem}.csv"):
        path = directory / name
        if path.is_file():
            return path
    return None



def parse_esco(directory: Path | str, *, language: str = "en", version: str = "1.1") -> doc.FrameworkDocument:
    directory = Path(directory)
    if not directory.is_dir():
        raise ValidationFailed.single("directory", "not_found", _("%(path)s is not a directory.") % {"path": directory})
    document = doc.FrameworkDocument(
        title=TITLE,
        identifier=doc.stable_id("esco", language, version),
        uri="http://data.europa.eu/esco/concept-scheme/skills",
        description="ESCO (European Skills, Competences, Qualifications and Occupations), skills pillar.",
        publisher=PUBLISHER,
        version=version,
        language=language,
        licence=LICENCE,
        source_uri=SOURCE,
        status="Adopted",
    )
    records: dict[str, doc.CompetencyRecord] = {}  # by ESCO URI
    broader: dict[str, str] = {}
    roots: set[str] = set()  # Level 0 of the hierarchy

    def add(uri: str, where: str, **fields: object) -> doc.CompetencyRecord | None:
        uri = uri.strip()
        if not uri:
            raise ValidationFailed.single(f"{where}.conceptUri", "required", _("The concept URI is missing."))
        if uri in records:
            known = records[uri]  # a skill both in the skills file and a collection: the collection may add labels
            if not known.alternative_labels and fields.get("alternative_labels"):
                known.alternative_labels = list(fields["alternative_labels"])  # type: ignore[call-overload]
            return None
        record = doc.CompetencyRecord(
            identifier=concept_identifier(uri), uri=uri, sort_order=len(records), where=where, **fields
        )
        records[uri] = record
        return record

    hierarchy = find_file(directory, "skillsHierarchy", language)
    if hierarchy:
        levels = [(f"Level {n} URI", f"Level {n} preferred term") for n in range(4)]
        for where, row in read_rows(hierarchy, tuple(name for pair in levels for name in pair)):
            parent = ""
            for uri_column, term_column in levels:
                uri = row[uri_column].strip()
                if not uri:
                    break
                deepest = not any(row[u].strip() for u, _t in levels[levels.index((uri_column, term_column)) + 1 :])
                add(
                    uri,
                    where,
                    statement=(row.get("Description", "").strip() if deepest else "") or row[term_column].strip(),
                    short_name=row[term_column].strip(),
                    code=uri.rsplit("/", 1)[-1],
                    competency_type=CompetencyType.GROUP,
                    notes=row.get("Scope note", "").strip() if deepest else "",
                )
                if parent and uri not in broader:
                    broader[uri] = parent
                elif not parent:
                    roots.add(uri)
                parent = uri
    groups = find_file(directory, "skillGroups", language)
    if groups:
        for where, row in read_rows(groups, ("conceptUri", "preferredLabel")):
            add(
                row["conceptUri"],
                where,
                statement=row.get("description", "").strip() or row["preferredLabel"].strip(),
                short_name=row["preferredLabel"].strip(),
                competency_type=CompetencyType.GROUP,
                alternative_labels=labels(row.get("altLabels", "")),
                notes=row.get("scopeNote", "").strip(),
            )
    skills = find_file(directory, "skills", language) or find_file(directory, "skills", f"{language}_labels_subset")
    if skills:
        rows = [
            (where, row, labels(row.get("altLabels", ""), besides=row["preferredLabel"].strip()))
            for where, row in read_rows(skills, ("conceptUri", "preferredLabel"))
        ]
        with_alternatives = sum(1 for _where, _row, alternatives in rows if alternatives)
        unrelated = misaligned_alternatives([(row["preferredLabel"], alts) for _where, row, alts in rows])
        keep_alternatives = with_alternatives < MIN_ROWS_TO_JUDGE or unrelated <= with_alternatives * MISALIGNED_SHARE
        if not keep_alternatives:
            document.warnings.append(
                _(
                    "In %(file)s, %(unrelated)s of %(total)s rows have alternative labels that share no word with "
                    "their preferred label: the altLabels column does not line up with the skills, so only the "
                    "alternative labels that resemble their skill's preferred label were kept."
                )
                % {"file": skills.name, "unrelated": unrelated, "total": with_alternatives}
            )
        for where, row, alternatives in rows:
            add(
                row["conceptUri"],
                where,
                statement=row.get("description", "").strip() or row["preferredLabel"].strip(),
                short_name=row["preferredLabel"].strip(),
                competency_type=CompetencyType.KNOWLEDGE
                if row.get("skillType", "").strip() == "knowledge"
                else CompetencyType.SKILL,
                level=row.get("reuseLevel", "").strip(),
                alternative_labels=alternatives
                if keep_alternatives or plausible_alternatives(row["preferredLabel"], alternatives)
                else [],
                hidden_labels=labels(row.get("hiddenLabels", ""), besides=row["preferredLabel"].strip()),
                notes=row.get("scopeNote", "").strip(),
            )
    relations = find_file(directory, "broaderRelationsSkillPillar", language)
    also_under: list[tuple[str, str]] = []  # broader concepts beyond the first, which the tree shows
    if relations:
        for _where, row in read_rows(relations, ("conceptUri", "broaderUri")):
            uri, parent = row["conceptUri"].strip(), row["broaderUri"].strip()
            if broader.setdefault(uri, parent) != parent:
                also_under.append((uri, parent))
    for stem in COLLECTIONS:
        collection = find_file(directory, stem, language)
        if not collection:
            continue
        for where, row in read_rows(collection, ("conceptUri", "preferredLabel")):
            uri = row["conceptUri"].strip()
            add(
                uri,
                where,
                statement=row.get("description", "").strip() or row["preferredLabel"].strip(),
                short_name=row["preferredLabel"].strip(),
                competency_type=CompetencyType.KNOWLEDGE
                if row.get("skillType", "").strip() == "knowledge"
                else CompetencyType.SKILL,
                level=row.get("reuseLevel", "").strip(),
                alternative_labels=labels(row.get("altLabels", ""), "|", besides=row["preferredLabel"].strip()),
            )
            if not relations:
                for candidate in labels(row.get("broaderConceptUri", ""), "|"):
                    if candidate != uri:
                        broader.setdefault(uri, candidate)
                        break
    if not records:
        raise ValidationFailed.single(
            "directory",
            "no_esco_files",
            _("No ESCO skills files (skills_%(lang)s.csv, skillGroups_%(lang)s.csv, …) in %(path)s.")
            % {"lang": language, "path": directory},
        )
    occupations = find_file(directory, "occupationSkillRelations", language)
    if occupations:
        sum(1 for _relation in read_occupation_skill_relations(occupations))  # checks the file whole
    unplaced = []
    for uri, record in records.items():
        parent = broader.get(uri)
        if parent in records and parent != uri:
            record.parent = records[parent].identifier
        elif uri not in roots:
            unplaced.append(record)
    if unplaced:
        group = doc.CompetencyRecord(
            identifier=doc.stable_id("esco", "unplaced"),
            uri="",
            statement="Concepts that these ESCO files place under no broader concept.",
            short_name="Other concepts",
            competency_type=CompetencyType.GROUP,
            sort_order=len(records),
            where="directory",
        )
        for record in unplaced:
            record.parent = group.identifier
        document.competencies.append(group)
    document.competencies.extend(records.values())
    document.relations = _relations(directory, language, records, also_under)
    doc.check(document)
    return document


def _relations(
    directory: Path, language: str, records: dict[str, doc.CompetencyRecord], also_under: list[tuple[str, str]]
) -> list[doc.RelationRecord]:
    """ESCO's skill–skill relations (``skillSkillRelations.csv``) and the extra broader concepts, between concepts
    these files hold (a relation naming a concept they lack is left out), each once."""
    found: dict[tuple[str, str, str], doc.RelationRecord] = {}

    def add(source: str, target: str, kind: str) -> None:
        if source in records and target in records and source != target:
            key = (records[source].identifier, records[target].identifier, kind)
            found.setdefault(key, doc.RelationRecord(*key))

    for uri, parent in also_under:
        add(uri, parent, "broader")
    path = find_file(directory, "skillSkillRelations", language)
    if path:
        for where, row in read_rows(path, ("originalSkillUri", "relationType", "relatedSkillUri")):
            kind = row["relationType"].strip()
            if kind not in ("essential", "optional"):
                raise ValidationFailed.single(
                    f"{where}.relationType",
                    "invalid",
                    _("The relation type must be “essential” or “optional”, not “%(value)s”.") % {"value": kind[:50]},
                )
            add(row["originalSkillUri"].strip(), row["relatedSkillUri"].strip(), kind)
    return list(found.values())


@dataclass(frozen=True)
class OccupationSkill:
    occupation_uri: str
    relation: str  # "essential" or "optional"
    skill_type: str
    skill_uri: str


def read_occupation_skill_relations(path: Path) -> Iterator[OccupationSkill]:
    """The rows of ``occupationSkillRelations_<lang>.csv``; a bad relation type names its row."""
    for where, row in read_rows(path, ("occupationUri", "relationType", "skillUri")):
        relation = row["relationType"].strip()
        if relation not in ("essential", "optional"):
            raise ValidationFailed.single(
                f"{where}.relationType",
                "invalid",
                _("The relation type must be “essential” or “optional”, not “%(value)s”.") % {"value": relation[:50]},
            )
        if not row["occupationUri"].strip() or not row["skillUri"].strip():
            raise ValidationFailed.single(where, "required", _("The occupation and skill URIs are required."))
        yield OccupationSkill(
            row["occupationUri"].strip(), relation, row.get("skillType", "").strip(), row["skillUri"].strip()
        )
