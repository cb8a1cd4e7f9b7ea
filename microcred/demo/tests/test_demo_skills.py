"""The demo's labour-market data: ESCO sample, occupations, postings read for skills, credentials marked in demand."""

from __future__ import annotations

from django.test import Client

from microcred.catalog.models import Alignment, MicroCredential
from microcred.demo.loader import load_demo
from microcred.skills.interfaces import engine_status, in_demand_skill_ids, link_text, skills_framework
from microcred.skills.models import JobPosting, Occupation, OccupationSkill


def test_demo_has_demand_and_in_demand_credentials(db: None, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    framework = skills_framework()
    assert framework is not None and framework.competencies.filter(competency_type="skill").count() >= 30
    assert Occupation.objects.filter(source="esco").count() == 7
    assert OccupationSkill.objects.filter(relation="essential").count() > 20
    assert JobPosting.objects.count() == 60 and not JobPosting.objects.filter(extracted_at=None).exists()
    assert set(JobPosting.objects.values_list("region", flat=True)) >= {"ON", "QC", "BC", "AB", ""}
    assert len(in_demand_skill_ids()) >= 5
    assert Alignment.objects.filter(competency__framework=framework).count() >= 20
    marked = MicroCredential.objects.filter(status="published").exclude(skills_demand=[])
    assert marked.count() >= 3
    html = Client().get("/skills/demand/").content.decode()
    assert "perform data analysis" in html and "Ontario" in html
    # with the semantic extra installed (as `make` installs it), the demo's skills are embedded: hybrid serves
    status = engine_status()
    if status.semantic_installed:
        assert status.engine == "hybrid"
        best = link_text("Analyse the data of our sales with spreadsheets", limit=3)
        assert best and best[0].engine == "hybrid"
        assert {"perform data analysis", "use spreadsheets software"} & {match.label for match in best}

