# ruff: noqa: E501  (ESCO files in their official layout have long lines)
"""ESCO's CSV files in the official layout: small hand-made files, and the shared ESCO v1.1 files when present."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Count

from microcred.accounts.permissions import CLI
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.frameworks import esco, selectors, services
from microcred.frameworks.document import UnreadableFile
from microcred.frameworks.models import Competency, Framework

HIERARCHY = """Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term,Level 2 URI,Level 2 preferred term,Level 3 URI,Level 3 preferred term,Description,Scope note
http://data.europa.eu/esco/skill/S,skills,,,,,,,,
http://data.europa.eu/esco/skill/S,skills,http://data.europa.eu/esco/skill/S1,"communication, collaboration and creativity",,,,,"Communicating, collaborating.","Excludes:
- animals"
"""
SKILLS = """conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a1,skill/competence,cross-sector,manage a team,"lead a team
supervise a team",,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Lead and supervise a team of people.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a2,knowledge,sector-specific,electrical wiring,,,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Wiring of electrical installations.
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a3,skill/competence,occupation-specific,install light fixtures,,,released,2023-01-01,,,http://data.europa.eu/esco/concept-scheme/skills,Install lights.
"""
BROADER = """conceptType,conceptUri,broaderType,broaderUri
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a1,SkillGroup,http://data.europa.eu/esco/skill/S1
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a3,KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a1
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a3,SkillGroup,http://data.europa.eu/esco/skill/S
"""
OCCUPATIONS = """occupationUri,relationType,skillType,skillUri
http://data.europa.eu/esco/occupation/o1,essential,skill/competence,http://data.europa.eu/esco/skill/a1
http://data.europa.eu/esco/occupation/o1,optional,knowledge,http://data.europa.eu/esco/skill/a2
"""


def write(directory: Path, **files: str) -> Path:
    for name, text in files.items():
        (directory / f"{name}_en.csv").write_text(text, encoding="utf-8")
    return directory


def test_the_official_layout_becomes_a_public_framework(tmp_path: Path, db: None) -> None:
    write(
        tmp_path,
        skillsHierarchy=HIERARCHY,
        skills=SKILLS,
        broaderRelationsSkillPillar=BROADER,
        occupationSkillRelations=OCCUPATIONS,
    )
    result = services.import_document(
        actor=CLI, organization=None, document=esco.parse_esco(tmp_path), source_format="esco"
    )
    framework = result.framework
    assert framework.organization is None and framework.status == "published" and framework.publisher == PUBLISHER
    team = framework.competencies.get(uri="http://data.europa.eu/esco/skill/a1")
    assert team.alternative_labels == ["lead a team", "supervise a team"] and team.level == "cross-sector"
    assert team.parent.code == "S1" and team.parent.parent.code == "S"
    assert framework.competencies.get(uri__endswith="/a3").parent == team  # the first broader concept wins
    wiring = framework.competencies.get(uri__endswith="/a2")
    assert wiring.competency_type == "knowledge" and wiring.parent.short_name == "Other concepts"
    assert framework.competencies.get(code="S1").notes.startswith("Excludes")
    relations = list(esco.read_occupation_skill_relations(tmp_path / "occupationSkillRelations_en.csv"))
    assert [r.relation for r in relations] == ["essential", "optional"]
    again = services.import_document(
        actor=CLI, organization=None, document=esco.parse_esco(tmp_path), source_format="esco"
    )
    assert not again.changed and Framework.objects.count() == 1


PUBLISHER = esco.PUBLISHER


def test_only_the_platform_imports_public_frameworks(tmp_path: Path, admin) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, skills=SKILLS)
    with pytest.raises(PermissionDenied):
        services.import_document(
            actor=admin, organization=None, document=esco.parse_esco(tmp_path), source_format="esco"
        )


def test_bad_esco_files_are_refused_naming_file_and_row(tmp_path: Path, db: None) -> None:
    with pytest.raises(ValidationFailed) as failed:
        esco.parse_esco(tmp_path)
    assert failed.value.errors[0].code == "no_esco_files"
    write(tmp_path, skills="conceptUri,label\nx,y\n")
    with pytest.raises(ValidationFailed) as failed:
        esco.parse_esco(tmp_path)
    assert failed.value.errors[0].field == "skills_en.columns"
    write(tmp_path, skills=SKILLS, occupationSkillRelations=OCCUPATIONS.replace("optional", "sometimes"))
    with pytest.raises(ValidationFailed) as failed:
        esco.parse_esco(tmp_path)
    assert failed.value.errors[0].field == "occupationSkillRelations_en.rows.3.relationType"
    (tmp_path / "occupationSkillRelations_en.csv").unlink()
    write(
        tmp_path,
        broaderRelationsSkillPillar=BROADER
        + "x,http://data.europa.eu/esco/skill/a1,y,http://data.europa.eu/esco/skill/a3\n",
    )
    cyclic = BROADER.replace(
        "skill/a1,SkillGroup,http://data.europa.eu/esco/skill/S1", "skill/a1,K,http://data.europa.eu/esco/skill/a3"
    )
    write(tmp_path, broaderRelationsSkillPillar=cyclic)
    with pytest.raises(ValidationFailed) as failed:
        esco.parse_esco(tmp_path)
    assert {e.code for e in failed.value.errors} == {"cycle"}
    (tmp_path / "skills_en.csv").write_bytes(SKILLS.encode("utf-16"))
    with pytest.raises(UnreadableFile):
        esco.parse_esco(tmp_path)
    assert not Competency.objects.exists()


def test_the_shared_esco_files(esco_dir: Path, db: None) -> None:
    """The official ESCO v1.1.1 export: every skill and knowledge concept, the hierarchy, the relation files
    published without a language suffix, and alternative labels that belong to their own skill."""
    document = esco.parse_esco(esco_dir)
    assert not document.warnings  # the official file's altLabels line up with their rows
    result = services.import_document(actor=CLI, organization=None, document=document, source_format="esco")
    framework = result.framework
    assert framework.competencies.count() == len(document.competencies)
    assert framework.competencies.exclude(competency_type="group").count() == 13_896
    assert framework.competencies.filter(parent=None).count() < 10  # the Level 0 concepts and "Other concepts"
    show_initiative = framework.competencies.get(
        uri="http://data.europa.eu/esco/skill/001115fb-569f-4ee6-8381-c6807ef2527f"
    )
    assert (
        show_initiative.short_name == "show initiative" and "take the initiative" in show_initiative.alternative_labels
    )
    marketing = framework.competencies.get(short_name="plan marketing strategy")
    assert "plan a marketing strategy" in marketing.alternative_labels
    assert "plan marketing strategy" not in marketing.alternative_labels  # not its own preferred label again
    assert not any("audit" in label for label in marketing.alternative_labels)
    assert marketing.parent is not None and marketing.parent.competency_type == "group"
    assert esco.find_file(esco_dir, "occupationSkillRelations").name == "occupationSkillRelations.csv"
    # skillSkillRelations.csv: 5,899 rows, one relating a skill to itself; broader concepts beyond the tree's
    kinds = dict(framework.relations.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    assert kinds == {"essential": 191, "optional": 5707, "broader": 6117}


def test_a_few_true_synonyms_do_not_make_a_column_misaligned() -> None:
    rows = [(f"manage team {n}", [f"lead team {n}", f"supervise team {n}"]) for n in range(60)]
    rows += [("show initiative", ["be a driving force"])] * 5
    assert esco.misaligned_alternatives(rows) == 5
    shuffled = [(label, rows[(n + 7) % 60][1]) for n, (label, _alternatives) in enumerate(rows[:60])]
    assert esco.misaligned_alternatives([(f"plan budget {n}", alts) for n, (_l, alts) in enumerate(shuffled)]) == 60



def test_hidden_labels_are_imported_and_searched_but_not_shown_as_alternatives(tmp_path: Path, db: None) -> None:
    hidden = SKILLS.replace('supervise a team",,', 'supervise a team",teambuilding,')
    assert hidden != SKILLS
    write(tmp_path, skills=hidden)
    framework = services.import_document(
        actor=CLI, organization=None, document=esco.parse_esco(tmp_path), source_format="esco"
    ).framework
    team = framework.competencies.get(uri__endswith="/a1")
    assert team.hidden_labels == ["teambuilding"] and "teambuilding" not in team.alternative_labels
    assert [c.pk for c in selectors.search(framework, "teambuilding")] == [team.pk]
