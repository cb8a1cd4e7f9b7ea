"""Skills pages and API: the public demand dashboard (charts, tables, CSV, filters), occupations, imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from microcred.skills.models import JobPosting, Occupation, PostingSkill, SkillsImport
from microcred.skills.occupations import import_esco_occupations
from microcred.skills.tests.demand_data import ESCO_SAMPLE, jsonl, load_sample_framework, platform_admin, posting, skill
from microcred.testing.factories import make_member, make_organization


@pytest.fixture(autouse=True)
def uploads(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SKILLS_IMPORT_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def demand_data(db: None) -> None:
    load_sample_framework()
    for i, (day, region, label) in enumerate(
        [
            ("2026-03-02", "ON", "perform data analysis"),
            ("2026-04-02", "QC", "perform data analysis"),
            ("2026-04-09", "ON", "=cmd|' /C calc'!A0"),  # a hostile label stays text in the CSV
            ("2026-05-02", "BC", "use databases"),
        ]
    ):
        p = JobPosting.objects.create(
            fingerprint=str(i), title=f"Secret title {i}", text="Private text of the posting", employer="Hidden Corp",
            region=region, posted_on=dt.date.fromisoformat(day), extracted_at=timezone.now(),
        )  # fmt: skip
        competency = skill(label) if not label.startswith("=") else _hostile(label)
        PostingSkill.objects.create(posting=p, competency=competency, score=0.9, engine="lexical")


def _hostile(label: str):  # type: ignore[no-untyped-def]
    competency = skill("design graphics")
    competency.short_name = label
    competency.save(update_fields=["short_name"])
    return competency


def test_dashboard_shows_charts_tables_and_no_posting_text(client: Client, demand_data: None) -> None:
    response = client.get("/skills/demand/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    assert "perform data analysis" in html and "Ontario" in html and "2026-04" in html
    assert "Secret title" not in html and "Private text" not in html and "Hidden Corp" not in html
    analysis = skill("perform data analysis").pk
    assert f'<a href="?skill={analysis}">perform data analysis</a>' in html
    one = client.get(f"/skills/demand/?skill={analysis}&region=QC").content.decode()
    assert "Only the postings that ask for “perform data analysis”." in one and 'href="?region=QC"' in one
    only_on = client.get("/skills/demand/?region=ON&from=2026-01&to=2026-12").content.decode()
    assert "use databases" not in only_on.split('id="months"')[0]


def test_dashboard_csv_downloads(client: Client, demand_data: None) -> None:
    response = client.get("/skills/demand/?download=skills")
    body = b"".join(response.streaming_content).decode()
    assert (
        response["Content-Type"].startswith("text/csv")
        and "skills-demand-skills.csv" in response["Content-Disposition"]
    )
    lines = body.splitlines()
    assert lines[0].startswith("Skill,Postings,Share of postings")
    assert lines[1].startswith("perform data analysis,2,50.0 %")
    assert any(line.startswith("'=cmd") for line in lines), lines  # neutralised formula
    months = b"".join(client.get("/skills/demand/?download=months&region=ON").streaming_content).decode()
    assert months.splitlines()[1:] == ["2026-03,1", "2026-04,1"]
    assert client.get("/skills/demand/?download=nope").status_code == 404


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("region=ZZ", "invalid_choice"),
        ("from=2026-99", "invalid_month"),
        ("from=2026-05&to=2026-01", "invalid_range"),
    ],
)
def test_bad_filters_are_400(client: Client, db: None, query: str, code: str) -> None:
    response = client.get(f"/skills/demand/?{query}")
    assert response.status_code == 400 and code in response.content.decode()


def test_occupation_list_search_and_page(client: Client, db: None) -> None:
    load_sample_framework()
    import_esco_occupations(ESCO_SAMPLE)
    html = client.get("/skills/occupations/?q=analyst").content.decode()
    assert "data analyst" in html and "web developer" not in html
    analyst = Occupation.objects.get(title="data analyst")
    html = client.get(f"/skills/occupations/{analyst.pk}/").content.decode()
    essential, optional = html.split('id="optional-heading"')
    assert "perform data analysis" in essential and "manage database" in optional
    assert client.get("/skills/occupations/999999/").status_code == 404
    assert client.get("/skills/occupations/?q=%00<script>&page=abc").status_code == 200


def test_api_demand_and_occupations(api_as, demand_data: None) -> None:  # type: ignore[no-untyped-def]
    body = api_as().get("skills/demand?region=ON").json_body
    assert body["postings"] == 2 and body["regions"][0] == {"region": "ON", "postings": 2}
    assert api_as().get("skills/demand?start=May").status_code == 400
    import_esco_occupations(ESCO_SAMPLE)
    found = api_as().get("skills/occupations?q=web").json_body
    assert [o["title"] for o in found["results"]] == ["web developer"]
    detail = api_as().get(f"skills/occupations/{found['results'][0]['id']}").json_body
    assert "computer programming" in [s["label"] for s in detail["essential"]]


def test_import_page_for_platform_admins_only(client: Client, db: None, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _platform, admin = platform_admin()
    stranger = make_member(make_organization(), "admin")
    client.force_login(stranger)
    assert client.get("/skills/imports/").status_code == 403
    client.force_login(admin)
    assert client.get("/skills/imports/").status_code == 200
    upload = SimpleUploadedFile("postings.jsonl", jsonl(posting(), posting(title="Web Developer")))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/skills/imports/", {"kind": "postings", "files": [upload]})
    job = SkillsImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/skills/imports/{job.pk}/"
    assert job.status == "done" and job.created == 2  # the immediate task backend ran it
    html = client.get(f"/skills/imports/{job.pk}/").content.decode()
    assert 'value="100"' in html and "2 new records" in html
    bad = SimpleUploadedFile("postings.jsonl", b'{"title": "x"}\n')
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/skills/imports/", {"kind": "postings", "files": [bad]})
    failed = SkillsImport.objects.order_by("-pk").first()
    assert failed.status == "failed"
    assert "rows.1.text" in client.get(f"/skills/imports/{failed.pk}/").content.decode()
    response = client.post("/skills/imports/", {"kind": "onet", "files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert response.status_code == 400 and "not one of the expected files" in response.content.decode()


def test_api_import(db: None, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _platform, admin = platform_admin()
    client = Client()
    client.force_login(admin)
    upload = SimpleUploadedFile("postings.csv", b"title,text,date\nAnalyst,Perform data analysis.,2026-01-01\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/skills/imports", {"kind": "postings", "files": [upload]})
    assert response.status_code == 202, response.content
    job = response.json()
    assert client.get(f"/api/v1/skills/imports/{job['id']}").json()["status"] == "done"
    anonymous = Client()
    assert anonymous.get(f"/api/v1/skills/imports/{job['id']}").status_code in (401, 403)


def test_dashboard_in_french(client: Client, demand_data: None) -> None:
    from django.utils import translation

    with translation.override("en"):  # the middleware's choice of French must not outlive this test
        html = client.get("/skills/demand/", headers={"accept-language": "fr"}).content.decode()
    assert "Compétences les plus demandées" in html and "D’après 4 offres d’emploi" in html
