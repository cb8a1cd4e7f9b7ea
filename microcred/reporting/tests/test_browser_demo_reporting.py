"""In a real browser, on the loaded demo: Grand River University's admin opens the reports of the work-integrated-
learning credential, filters by the month of its awards, reads the figures and downloads them as CSV; a learner the
demo awarded it to finds the award notification in the app."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from microcred.assessment.models import Award, Enrolment
from microcred.catalog.models import MicroCredential
from microcred.demo.loader import load_demo
from microcred.demo.scenario import DEMO_PASSWORD, WIL_CREDENTIAL
from microcred.testing.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "amira.haddad@grandriver.example"


def test_the_demo_credentials_reports_and_the_learners_award_notification(page) -> None:
    load_demo()
    credential = MicroCredential.objects.get(title=WIL_CREDENTIAL["title"])
    awards = Award.objects.filter(enrolment__credential=credential)
    (award,) = awards[:1]
    month = timezone.localtime(award.awarded_at).strftime("%Y-%m")
    in_month = [a for a in awards if timezone.localtime(a.awarded_at).strftime("%Y-%m") == month]
    cohort = Enrolment.objects.filter(credential=credential)
    enrolled_in_month = [e for e in cohort if timezone.localtime(e.enrolled_at).strftime("%Y-%m") == month]
    awarded_in_cohort = sum(1 for e in enrolled_in_month if Award.objects.filter(enrolment=e, status="issued").exists())
    assert in_month and enrolled_in_month

    log_in(page, ADMIN, DEMO_PASSWORD)
    page.goto(f"/organizations/{credential.provider.slug}/")
    page.get_by_role("link", name="Reports and exports").click()
    page.get_by_role("link", name=WIL_CREDENTIAL["title"]).click()
    expect(page.get_by_role("heading", name="Awards by month")).to_be_visible()

    page.get_by_label("From month").fill(month)
    page.get_by_label("To month").fill(month)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert f"from={month}" in page.url

    summary = page.get_by_role("table", name="Summary")
    assert summary.get_by_role("row", name="Enrolled").get_by_role("cell").inner_text() == str(len(enrolled_in_month))
    assert summary.get_by_role("row", name="Awarded").get_by_role("cell").inner_text() == str(awarded_in_cohort)
    months = page.get_by_role("table", name="Awards by month")
    expect(months.get_by_role("row")).to_have_count(2)  # the header and the month
    assert months.get_by_role("row", name=month).get_by_role("cell").inner_text() == str(len(in_month))

    section = page.locator("section", has=page.get_by_role("heading", name="Awards by month"))
    with page.expect_download() as download:
        section.get_by_role("link", name="Download as CSV").click()
    with Path(download.value.path()).open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [["Month", "Awards"], [month, str(len(in_month))]]

    section = page.locator("section", has=page.get_by_role("heading", name="Summary"))
    with page.expect_download() as download:
        section.get_by_role("link", name="Download as CSV").click()
    with Path(download.value.path()).open(encoding="utf-8", newline="") as f:
        rows = dict(row for row in list(csv.reader(f))[1:])
    assert rows["Enrolled"] == str(len(enrolled_in_month)) and rows["Awarded"] == str(awarded_in_cohort)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    learner = award.enrolment.learner
    log_in(page, learner.email, DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    notice = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=f"You were awarded “{credential.title}”")
    )
    expect(notice).to_be_visible()
    notice.get_by_role("button", name="Open").click()
    page.wait_for_url(f"**/wallet/credentials/{award.issued_credential.public_id}/")
