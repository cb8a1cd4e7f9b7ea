"""Job postings: good files (CSV, JSON lines), bad rows named by row and field, hostile input, dedupe, jobs."""

from __future__ import annotations

import json

import pytest

from microcred.audit.models import AuditEntry
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.frameworks.document import FileTooLarge, UnreadableFile
from microcred.skills import imports, services
from microcred.skills.models import JobPosting, SkillsImport
from microcred.skills.postings import parse_postings, region_of
from microcred.skills.tests.demand_data import jsonl, platform_admin, posting
from microcred.testing.factories import make_member, make_organization

CSV = (
    "title,text,location,date,employer\n"
    'Data Analyst,"Perform data analysis.\nUse databases.",Toronto ON,2026-05-04,Acme\n'
    'Web Developer,Manage website.,"Montréal, QC",2026-04-01T09:30:00Z,Pixel\n'
)


@pytest.mark.parametrize(
    ("location", "region"),
    [
        ("Toronto, ON", "ON"),
        ("Ontario", "ON"),
        ("Montréal, QC", "QC"),
        ("Montreal", "QC"),
        ("Ottawa, Ontario, Canada", "ON"),
        ("Québec", "QC"),
        ("St. John's, NL", "NL"),
        ("Halifax", "NS"),
        ("Colombie-Britannique", "BC"),
        ("Trois-Rivières", "QC"),
        ("Remote (Canada)", ""),
        ("London, UK", ""),
        ("Portland, OR", ""),
        ("", ""),
    ],
)
def test_region_from_location(location: str, region: str) -> None:
    assert region_of(location) == region


def test_csv_and_json_lines_are_read_and_deduplicated(db: None) -> None:
    rows = parse_postings(CSV.encode(), filename="postings.csv")
    assert [(r.title, r.region, r.posted_on.isoformat()) for r in rows] == [
        ("Data Analyst", "ON", "2026-05-04"),
        ("Web Developer", "QC", "2026-04-01"),
    ]
    assert rows[0].text == "Perform data analysis.\nUse databases."
    data = jsonl(posting(), posting(title="Web Developer", location="Vancouver"), posting())  # a row twice
    result = services.import_postings(data, filename="postings.jsonl")
    assert (result.rows, result.created) == (3, 2)
    assert set(JobPosting.objects.values_list("region", flat=True)) == {"ON", "BC"}
    again = services.import_postings(data, filename="postings.jsonl")
    assert again.created == 0 and JobPosting.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        (posting(title=""), "rows.2.title", "required"),
        (posting(text=" "), "rows.2.text", "required"),
        (posting(date="04/05/2026"), "rows.2.date", "invalid_date"),
        (posting(date="1066-10-14"), "rows.2.date", "invalid_date"),
        ({"title": "x", "text": "y"}, "rows.2.date", "required"),
        (posting(title="x" * 301), "rows.2.title", "too_long"),
        (posting(employer={"name": "Acme"}), "rows.2.employer", "invalid"),
        (posting(location="Toronto\x00"), "rows.2.location", "invalid"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(db: None, row: dict, field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.import_postings(jsonl(posting(title="Good"), row), filename="p.jsonl")
    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]
    assert JobPosting.objects.count() == 0  # the good first row was not written either


def test_csv_errors_name_the_row(db: None) -> None:
    data = b"title,text,date\nGood,Text,2026-01-01\nBad,Text,yesterday\n"
    with pytest.raises(ValidationFailed) as caught:
        parse_postings(data, filename="p.csv")
    assert caught.value.errors[0].field == "rows.3.date"
    with pytest.raises(ValidationFailed) as caught:
        parse_postings(b"title,body\nx,y\n", filename="p.csv")
    assert caught.value.errors[0].code == "missing_column"


@pytest.mark.parametrize(
    ("data", "error", "code"),
    [
        (b'{"title": "x", "text": "y", "date": "2026-01-01"}\n{"title": "broken\n', ValidationFailed, "malformed_json"),
        (b"[1, 2]\n", ValidationFailed, "not_an_object"),
        (b"[" * 100_000 + b"\n", ValidationFailed, "malformed_json"),
        (b'{"title": "' + b"x" * 300_000 + b'"}\n', ValidationFailed, "line_too_long"),
        ('{"title": "café"}\n'.encode("latin-1"), UnreadableFile, "invalid_encoding"),
        (b"\n\n", ValidationFailed, "empty"),
        (b" " * (21 * 1024 * 1024), FileTooLarge, "file_too_large"),
    ],
)
def test_hostile_files_are_refused_with_a_code(db: None, data: bytes, error: type, code: str) -> None:
    with pytest.raises(error) as caught:
        services.import_postings(data, filename="p.jsonl")
    found = caught.value.errors[0].code if isinstance(caught.value, ValidationFailed) else caught.value.code
    assert found == code
    assert JobPosting.objects.count() == 0


def test_formula_cells_are_kept_as_plain_text(db: None) -> None:
    data = b'title,text,date,employer\n"=HYPERLINK(""http://evil"")",+cmd|calc,2026-01-01,@SUM(A1)\n'
    services.import_postings(data, filename="p.csv")
    stored = JobPosting.objects.get()
    assert (stored.title, stored.text, stored.employer) == ('=HYPERLINK("http://evil")', "+cmd|calc", "@SUM(A1)")


def test_an_import_job_runs_once_with_progress_and_audit(db: None, tmp_path, settings) -> None:
    settings.SKILLS_IMPORT_DIR = str(tmp_path)
    _platform, admin = platform_admin()
    job = imports.start_import(
        actor=admin, kind="postings", files={"mine.jsonl": jsonl(posting(), posting(title="Other"))}, enqueue=False
    )
    assert AuditEntry.objects.filter(action="skills.start_import", actor=admin).exists()
    job = imports.run_import(job.pk, extract=False)
    assert (job.status, job.created, job.done, job.total) == ("done", 2, 2, 2)
    assert job.filename == "mine.jsonl" and not list(tmp_path.iterdir())  # the upload is gone
    assert imports.run_import(job.pk).status == "done"  # running it again does nothing
    assert JobPosting.objects.filter(source_import=job).count() == 2


def test_a_failed_job_keeps_the_errors(db: None, tmp_path, settings) -> None:
    settings.SKILLS_IMPORT_DIR = str(tmp_path)
    _platform, admin = platform_admin()
    job = imports.start_import(actor=admin, kind="postings", files={"p.jsonl": b"{oops\n"}, enqueue=False)
    job = imports.run_import(job.pk)
    assert job.status == "failed" and job.errors == [
        {"field": "rows.1", "code": "malformed_json", "message": "This line is not valid JSON."}
    ]


def test_only_platform_admins_import(db: None) -> None:
    _platform, admin = platform_admin()
    provider = make_organization()
    with pytest.raises(PermissionDenied):
        imports.start_import(actor=make_member(provider, "admin"), kind="postings", files={"p.jsonl": b"{}"})
    with pytest.raises(FileTooLarge):
        imports.start_import(actor=admin, kind="postings", files={"p.csv": b" " * (21 * 1024 * 1024)}, enqueue=False)
    with pytest.raises(ValidationFailed) as caught:
        imports.start_import(actor=admin, kind="onet", files={"evil.sh": b"x"}, enqueue=False)
    assert caught.value.errors[0].code == "unexpected_file"
    assert SkillsImport.objects.count() == 0


def test_json_values_must_be_objects_of_text() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_postings(jsonl(posting(title=["a", "b"])), filename="p.jsonl")
    assert caught.value.errors[0].code == "invalid"
    assert json.loads(jsonl(posting()).decode())["location"] == "Toronto, ON"


def test_a_huge_csv_cell_or_a_broken_quote_is_refused(db: None) -> None:
    huge = b"title,text,date\nx," + b"y" * 300_000 + b",2026-01-01\n"
    with pytest.raises(UnreadableFile) as caught:
        parse_postings(huge, filename="p.csv")
    assert caught.value.code == "malformed_csv"
    broken = b'title,text,date\n"x,\x00y,2026-01-01\n'
    with pytest.raises(UnreadableFile):
        parse_postings(broken, filename="p.csv")
