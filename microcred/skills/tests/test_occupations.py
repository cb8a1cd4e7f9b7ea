# ruff: noqa: E501  (ESCO files in their official layout have long lines)
"""ESCO occupations and their skills: the official layout, the shared ESCO v1.1 file, idempotence, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from microcred.errors import ValidationFailed
from microcred.skills.models import Occupation, OccupationSkill
from microcred.skills.occupations import import_esco_occupations
from microcred.skills.tests.demand_data import ESCO_SAMPLE, SHARED_DATA, load_sample_framework, skill

DATA_ANALYST = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"


def test_sample_occupations_with_their_essential_and_optional_skills(db: None) -> None:
    load_sample_framework()
    counts = import_esco_occupations(ESCO_SAMPLE)
    assert counts.occupations == 7 and counts.created == 7 and counts.skipped == 0
    analyst = Occupation.objects.get(source="esco", key=DATA_ANALYST)
    assert analyst.title == "data analyst" and analyst.code == "2511"
    assert analyst.alternative_labels and all("\n" not in label for label in analyst.alternative_labels)
    essential = set(analyst.skills.filter(relation="essential").values_list("label", flat=True))
    assert "perform data analysis" in essential and "use spreadsheets software" in essential
    assert analyst.skills.get(competency=skill("manage database")).relation == "optional"

    again = import_esco_occupations(ESCO_SAMPLE)  # the same files change nothing
    assert again.created == 0 and again.updated == 0
    assert OccupationSkill.objects.count() == counts.skills


def test_unknown_skill_uris_are_skipped_and_counted(tmp_path: Path, db: None) -> None:
    load_sample_framework()
    shutil.copy(ESCO_SAMPLE / "occupations_en.csv", tmp_path)
    (tmp_path / "occupationSkillRelations_en.csv").write_text(
        "occupationUri,relationType,skillType,skillUri\n"
        f"{DATA_ANALYST},essential,skill/competence,http://data.europa.eu/esco/skill/2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f\n"
        f"{DATA_ANALYST},optional,skill/competence,http://data.europa.eu/esco/skill/not-in-the-framework\n"
        "http://data.europa.eu/esco/occupation/unknown,optional,knowledge,http://data.europa.eu/esco/skill/x\n",
        encoding="utf-8",
    )
    counts = import_esco_occupations(tmp_path)
    assert counts.skipped == 1 and counts.notes["unknown_occupations"] == 1
    analyst = Occupation.objects.get(key=DATA_ANALYST)
    assert list(analyst.skills.values_list("label", "relation")) == [("perform data analysis", "essential")]


def test_a_changed_file_updates_in_place(tmp_path: Path, db: None) -> None:
    (tmp_path / "occupations_en.csv").write_text(
        'conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,description\nOccupation,http://x/o1,2511,analyst,"a\nb",One.\n',
        encoding="utf-8",
    )
    import_esco_occupations(tmp_path)
    (tmp_path / "occupations_en.csv").write_text(
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,description\nOccupation,http://x/o1,2511,data analyst,,Two.\n",
        encoding="utf-8",
    )
    counts = import_esco_occupations(tmp_path)
    assert counts.updated == 1 and counts.created == 0
    occupation = Occupation.objects.get(key="http://x/o1")
    assert (
        occupation.title == "data analyst" and occupation.alternative_labels == [] and occupation.description == "Two."
    )


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({}, "no_occupations_file"),
        ({"occupations_en.csv": "conceptUri,label\nx,y\n"}, "missing_column"),
        ({"occupations_en.csv": "conceptUri,preferredLabel\n,nameless\n"}, "required"),
        (
            {
                "occupations_en.csv": "conceptUri,preferredLabel\nhttp://x/o,o\n",
                "occupationSkillRelations_en.csv": "occupationUri,relationType,skillUri\nhttp://x/o,mandatory,http://x/s\n",
            },
            "invalid",
        ),
    ],
)
def test_bad_files_are_refused_with_a_code(tmp_path: Path, db: None, files: dict[str, str], code: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        import_esco_occupations(tmp_path)
    assert caught.value.errors[0].code == code
    assert Occupation.objects.count() == 0


def test_non_utf8_file_is_refused(tmp_path: Path, db: None) -> None:
    from microcred.frameworks.document import UnreadableFile

    (tmp_path / "occupations_en.csv").write_bytes("conceptUri,preferredLabel\nhttp://x/o,caf\xe9\n".encode("latin-1"))
    with pytest.raises(UnreadableFile) as caught:
        import_esco_occupations(tmp_path)
    assert caught.value.code == "invalid_encoding"


@pytest.mark.skipif(not (SHARED_DATA / "esco" / "occupations_en.csv").exists(), reason="shared ESCO data absent")
def test_the_shared_esco_occupations_file(tmp_path: Path, db: None) -> None:
    shutil.copy(SHARED_DATA / "esco" / "occupations_en.csv", tmp_path)
    counts = import_esco_occupations(tmp_path)
    assert counts.occupations == Occupation.objects.filter(source="esco").count() > 2900
    director = Occupation.objects.get(key="http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34")
    assert director.title == "technical director" and "head of technical" in director.alternative_labels


def test_management_commands(tmp_path: Path, db: None) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from microcred.skills.models import JobPosting, SkillsImport
    from microcred.skills.tests.demand_data import DEMO_DATA

    load_sample_framework()
    out = StringIO()
    call_command("skills_import_esco_occupations", str(ESCO_SAMPLE), stdout=out)
    assert "Done: 7 new" in out.getvalue()
    call_command("skills_import_postings", str(DEMO_DATA / "postings.jsonl"), stdout=out)
    assert JobPosting.objects.count() == 60 and not JobPosting.objects.filter(extracted_at=None).exists()
    assert SkillsImport.objects.filter(status="done").count() == 2
    assert (DEMO_DATA / "postings.jsonl").exists()  # a file the command line names is never deleted
    (tmp_path / "bad.jsonl").write_text("{nope\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("skills_import_postings", str(tmp_path / "bad.jsonl"), stdout=out, stderr=StringIO())
    with pytest.raises(CommandError):
        call_command("skills_import_onet", str(tmp_path / "missing"), stdout=out)
    call_command("skills_extract", "--all", stdout=out)
    assert "Read 60 posting(s)." in out.getvalue()
