"""The reporting pages, CSV/JSON exports and API: who may see them, what they contain, and refusals of bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from microcred.testing.factories import make_member, make_organization

pytestmark = pytest.mark.django_db

LEARNER_TRACES = ("learners.example", "Lovelace", "Okafor", "Tremblay", "Singh")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_the_provider_admin_sees_figures_charts_and_tables(school) -> None:
    response = _client(school.admin).get(reverse("reporting:dashboard", args=[school.provider.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'aria-hidden="true"' in page and "<caption>" in page
    assert "Data Literacy" in page and "Harbour Analytics" in page and "linkedin.com" in page
    assert "2026-03" in page
    assert not any(trace in page for trace in LEARNER_TRACES)
    detail = reverse("reporting:credential", args=[school.provider.slug, school.credential.pk])
    assert detail in page
    response = _client(school.reviewer).get(detail + "?from=2026-01&to=2026-03")
    assert response.status_code == 200 and "Data Literacy" in response.content.decode()


def test_each_table_downloads_as_csv(school) -> None:
    url = reverse("reporting:dashboard", args=[school.provider.slug])
    response = _client(school.admin).get(url, {"download": "awards-by-month", "from": "2026-03"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(_body(response)))) == [["Month", "Awards"], ["2026-03", "1"]]
    response = _client(school.admin).get(url, {"download": "components"})
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert rows[1:] == [["exam", "3", "2", "66.7 %"], ["project", "1", "1", "100.0 %"]]
    assert _client(school.admin).get(url, {"download": "nothing"}).status_code == 404


@pytest.mark.parametrize("query", [{"from": "2026-13"}, {"to": "yesterday"}, {"from": "2026-05", "to": "2026-01"}])
def test_a_bad_filter_is_a_400(school, query) -> None:
    client = _client(school.admin)
    assert client.get(reverse("reporting:dashboard", args=[school.provider.slug]), query).status_code == 400
    assert client.get(reverse("reporting:awards_csv", args=[school.provider.slug]), query).status_code == 400
    api_query = {"start": query.get("from", ""), "end": query.get("to", "")}
    response = client.get(f"/api/v1/reporting/{school.provider.slug}", api_query)
    assert response.status_code == 400 and response.json()["code"] == "validation_failed"


def test_strangers_get_nothing(school) -> None:
    urls = [
        reverse("reporting:dashboard", args=[school.provider.slug]),
        reverse("reporting:credential", args=[school.provider.slug, school.credential.pk]),
        reverse("reporting:awards_csv", args=[school.provider.slug]),
        reverse("reporting:awards_json", args=[school.provider.slug]),
        f"/api/v1/reporting/{school.provider.slug}",
        f"/api/v1/reporting/{school.provider.slug}/awards?format=csv",
    ]
    for person in (school.other_admin, school.assessor, school.learners["ada"], school.verifier):
        for url in urls:
            assert _client(person).get(url).status_code in (403, 404), (person, url)
    assert Client().get(urls[0]).status_code == 302  # to the sign-in page
    assert Client().get(urls[4]).status_code == 401
    # Another provider's credential is not reachable through this provider's address.
    other = make_organization("provider")
    assert _client(school.admin).get(reverse("reporting:dashboard", args=[other.slug])).status_code == 404
    assert _client(school.other_admin).get(
        reverse("reporting:credential", args=[school.other.slug, school.credential.pk])
    ).status_code == 404


def test_the_awards_export_as_csv_and_json(school) -> None:
    client = _client(school.admin)
    response = client.get(reverse("reporting:awards_csv", args=[school.provider.slug]))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [(r["status"], r["title"], r["level"], r["delivery_mode"]) for r in rows] == [
        ("issued", "Data Literacy", "intermediate", "online"),
        ("revoked", "Data Literacy", "intermediate", "online"),
    ]
    assert rows[0]["awarded_at"].startswith("2026-01-20") and rows[0]["workload_hours"] == "10"
    response = client.get(reverse("reporting:awards_json", args=[school.provider.slug]), {"from": "2026-03"})
    data = json.loads(_body(response))
    assert len(data) == 1 and data[0]["status"] == "revoked" and data[0]["credential_id"].startswith("urn:uuid:")
    assert data[0]["revoked_at"] and data[0]["credit_value"] is None and data[0]["workload_hours"] == "10"
    api = client.get(f"/api/v1/reporting/{school.provider.slug}/awards", {"format": "csv", "end": "2026-01"})
    assert api.status_code == 200 and len(list(csv.DictReader(io.StringIO(_body(api))))) == 1
    assert client.get(f"/api/v1/reporting/{school.provider.slug}/awards", {"format": "xml"}).status_code == 400
    for body in (_body(client.get(reverse("reporting:awards_csv", args=[school.provider.slug]))), json.dumps(data)):
        assert not any(trace in body for trace in LEARNER_TRACES)


def test_the_api_figures(school) -> None:
    body = _client(school.reviewer).get(f"/api/v1/reporting/{school.provider.slug}").json()
    assert body["counts"] == {"enrolled": 4, "in_progress": 2, "awarded": 2, "revoked": 1, "completion_rate": 0.5}
    assert body["median_days_to_award"] == 36.5
    assert body["awards_by_month"] == [{"key": "2026-01", "count": 1}, {"key": "2026-03", "count": 1}]
    assert body["component_pass_rates"][0] == {"label": "exam", "evaluated": 3, "passed": 2, "rate": 2 / 3}
    one = _client(school.admin).get(f"/api/v1/reporting/{school.provider.slug}/credentials/{school.empty.pk}").json()
    assert one["counts"]["enrolled"] == 0
    assert not any(trace in json.dumps(body) for trace in LEARNER_TRACES)


def test_the_platform_view_is_for_platform_admins_and_names_no_learner(school) -> None:
    platform = make_organization("platform", name="Platform", provider_type="")
    admin = make_member(platform, "admin")
    response = _client(admin).get(reverse("reporting:platform"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lakeshore Polytechnic" in page and not any(trace in page for trace in LEARNER_TRACES)
    response = _client(admin).get(reverse("reporting:platform"), {"download": "published"})
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert ["Lakeshore Polytechnic", "intermediate", "1"] in rows and ["Lakeshore Polytechnic", "—", "1"] in rows
    assert _client(school.admin).get(reverse("reporting:platform")).status_code == 403


def test_csv_cells_that_look_like_formulas_are_defused(school) -> None:
    from microcred.catalog.models import MicroCredential

    MicroCredential.objects.filter(pk=school.credential.pk).update(title="=HYPERLINK(\"http://evil\")")
    response = _client(school.admin).get(reverse("reporting:awards_csv", args=[school.provider.slug]))
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert rows[0]["title"].startswith("'=")


def test_the_organization_page_links_to_the_reports_for_those_who_may_read_them(school) -> None:
    url = reverse("accounts:organization", args=[school.provider.slug])
    report = reverse("reporting:dashboard", args=[school.provider.slug])
    assert report in _client(school.admin).get(url).content.decode()
    assert report not in _client(school.assessor).get(url).content.decode()
