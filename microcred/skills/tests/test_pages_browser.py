"""In a real browser: the public demand dashboard draws its charts, and the province filter narrows the figures; the
imports page says which engine links skills and whether the span table that speeds it up is built."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from microcred.skills.linking import semantic
from microcred.skills.models import EmbeddingIndex, JobPosting, PostingSkill
from microcred.skills.tests.demand_data import load_sample_framework, platform_admin, skill
from microcred.testing.browser import log_in
from microcred.testing.pages import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_charts_and_region_filter(page) -> None:  # type: ignore[no-untyped-def]
    load_sample_framework()
    rows = [("2026-03-02", "ON", "perform data analysis"), ("2026-04-02", "ON", "perform data analysis")]
    rows += [(day, "QC", "use databases") for day in ("2026-04-20", "2026-05-02", "2026-05-09")]
    for i, (day, region, label) in enumerate(rows):
        posting = JobPosting.objects.create(
            fingerprint=str(i), title="t", text="x", region=region, posted_on=dt.date.fromisoformat(day),
            extracted_at=timezone.now(),
        )  # fmt: skip
        PostingSkill.objects.create(posting=posting, competency=skill(label), score=0.9, engine="lexical")

    page.goto("/skills/demand/")
    expect(page.get_by_role("heading", name="Skills in demand")).to_be_visible()
    charts = page.locator("figure.chart svg")
    expect(charts).to_have_count(3)
    for i in range(3):
        expect(charts.nth(i)).to_be_visible()
    skills_table = page.get_by_role("table", name="Skills most asked for")
    expect(skills_table.get_by_role("row", name="use databases")).to_be_visible()
    expect(skills_table.get_by_role("row", name="perform data analysis")).to_be_visible()

    page.get_by_label("Province or territory", exact=True).select_option("ON")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "region=ON" in page.url
    skills_table = page.get_by_role("table", name="Skills most asked for")
    expect(skills_table.get_by_role("row", name="perform data analysis")).to_be_visible()
    expect(skills_table.get_by_role("row", name="use databases")).to_have_count(0)
    expect(page.get_by_text("From 2 job postings whose skills were read.")).to_be_visible()
    months = page.get_by_role("table", name="Postings by month")
    assert months.get_by_role("row", name="2026-04").get_by_role("cell").inner_text() == "1"

    response = page.goto("/skills/demand/?region=ON&from=2026-13")
    assert response.status == 400
    expect(page.get_by_text("from: Give a month as YYYY-MM.")).to_be_visible()
    expect(page.get_by_text("invalid_month")).to_be_visible()


@pytest.mark.skipif(not semantic.available(), reason="the semantic engine is not installed")
def test_the_imports_page_says_whether_the_span_table_is_built(page) -> None:  # type: ignore[no-untyped-def]
    framework = load_sample_framework()
    _platform, admin = platform_admin()
    EmbeddingIndex.objects.create(
        framework=framework, model_name=semantic.model_name(), status="done", total=45, done=45, dimensions=384
    )  # the vectors are not read by this page: it says which engine serves and what is built
    log_in(page, admin.email)
    page.goto("/skills/imports/")
    expect(page.get_by_text("Skills are linked by the hybrid engine")).to_be_visible()
    expect(page.get_by_text("Embeddings: 45 of 45 texts.")).to_be_visible()
    expect(page.get_by_text("The model's span table is not built yet")).to_be_visible()
    check_page(page, "skills-imports-span-table")
