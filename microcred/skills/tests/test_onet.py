"""O*NET occupations, tasks and technology skills (a subset of the shared O*NET files), linked to ESCO skills."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from microcred.errors import ValidationFailed
from microcred.skills.models import Occupation, OccupationSkill, OccupationTask
from microcred.skills.onet import LINK_THRESHOLD, Linker, import_onet
from microcred.skills.tests.demand_data import SHARED_DATA, load_sample_framework, skill

ONET = SHARED_DATA / "onet"
CODES = ("15-2051.01", "11-1011.00", "15-1252.00")
pytestmark = pytest.mark.skipif(not (ONET / "technology_skills.csv").exists(), reason="shared O*NET data absent")


def subset(directory: Path, codes: tuple[str, ...] = CODES) -> Path:
    """The shared O*NET files, cut down to a few occupations (same header, same layout)."""
    for name in ("occupation_data.csv", "task_statements.csv", "technology_skills.csv"):
        text = (ONET / name).read_text(encoding="utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(next(reader))
        writer.writerows(row for row in reader if row and row[0] in codes)
        (directory / name).write_text(out.getvalue(), encoding="utf-8")
    return directory


def test_occupations_tasks_and_technology_skills(tmp_path: Path, db: None) -> None:
    load_sample_framework()
    counts = import_onet(subset(tmp_path))
    assert counts.occupations == 3 and counts.created == 3
    analyst = Occupation.objects.get(source="onet", key="15-2051.01")
    assert analyst.title == "Business Intelligence Analysts" and analyst.code == "15-2051.01"
    assert analyst.tasks.count() > 5 and analyst.tasks.filter(core=True).exists()
    assert list(analyst.tasks.values_list("position", flat=True)) == list(range(analyst.tasks.count()))
    # "Microsoft Excel" names no ESCO skill; its commodity "Spreadsheet software" does
    spreadsheets = analyst.skills.get(competency=skill("use spreadsheets software"))
    assert spreadsheets.score >= LINK_THRESHOLD and spreadsheets.hot_technology
    # an example with no confident ESCO match keeps O*NET's label and flags
    aws = analyst.skills.get(label="Amazon Web Services AWS software")
    assert aws.competency is None and aws.in_demand and aws.hot_technology and aws.relation == "essential"
    assert analyst.skills.filter(competency__isnull=True, in_demand=False, relation="optional").exists()

    before = (OccupationSkill.objects.count(), OccupationTask.objects.count())
    ids = set(OccupationSkill.objects.values_list("pk", flat=True))
    again = import_onet(tmp_path)
    assert again.created == again.updated == 0
    assert (OccupationSkill.objects.count(), OccupationTask.objects.count()) == before
    assert set(OccupationSkill.objects.values_list("pk", flat=True)) == ids  # nothing rewritten


def test_links_are_made_once_per_distinct_label(tmp_path: Path, db: None) -> None:
    load_sample_framework()
    linker = Linker()
    seen: list[tuple[int, int]] = []
    import_onet(subset(tmp_path), linker=linker, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] > 200 and len(seen) > 1  # reported while linking, then at the end
    rows = sum(1 for _ in csv.DictReader((tmp_path / "technology_skills.csv").open(encoding="utf-8")))
    assert len(linker.cache) < rows  # repeated examples and commodity titles are linked once


def test_threshold_keeps_close_matches_only(db: None) -> None:
    load_sample_framework()
    linker = Linker()
    assert linker("Spreadsheet software")[1] == "use spreadsheets software"
    assert linker("Data base user interface and query software") is None  # a vague commodity title
    assert linker("Microsoft Excel") is None


def test_without_an_esco_framework_every_skill_keeps_its_onet_label(tmp_path: Path, db: None) -> None:
    import_onet(subset(tmp_path, ("15-2051.01",)))
    assert not OccupationSkill.objects.filter(competency__isnull=False).exists()
    assert OccupationSkill.objects.filter(label="Microsoft Excel").exists()


def test_a_folder_without_occupation_data_is_refused(tmp_path: Path, db: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_onet(tmp_path)
    assert caught.value.errors[0].code == "no_occupations_file"


@pytest.mark.parametrize(
    ("text", "label", "enough"),
    [
        ("Spreadsheet software", "use spreadsheets software", True),
        ("Moz search engine optimization SEO", "conduct search engine optimisation", True),
        ("CompuLaw Vision Pro", "computer vision", False),
        ("Total Officer Personnel Management Information System TOPMIS", "personnel management", False),
        ("Quality Plans & Software HVAC Calculator", "manage quality", False),
    ],
)
def test_word_coverage_guards_against_one_word_overlaps(text: str, label: str, enough: bool) -> None:
    from microcred.skills.onet import MIN_COVERAGE
    from microcred.skills.words import covered

    assert (covered(text, label) >= MIN_COVERAGE) is enough
