"""The catalog API: public search and records, standard exports, comparison; designs through review."""

from __future__ import annotations

import pytest

from microcred.catalog.models import MicroCredential

pytestmark = pytest.mark.django_db


def test_search_is_public_with_facets_and_a_permalink(api_as, published) -> None:
    published("Welding Safety", delivery_mode="in_person", region="BC")
    published("Data Literacy", delivery_mode="online", region="ON")
    response = api_as().get("catalog/credentials?delivery_mode=in_person&region=BC")
    assert response.status_code == 200
    body = response.json_body
    assert [r["title"] for r in body["results"]] == ["Welding Safety"]
    assert {v["value"]: v["count"] for v in body["facets"]["region"]} == {"BC": 1}
    assert {v["value"]: v["count"] for v in body["facets"]["delivery_mode"]} == {"in_person": 1}
    assert body["permalink"] == "/catalog/?delivery_mode=in_person&region=BC"


def test_bad_search_parameters_are_400_with_a_code(api_as) -> None:
    response = api_as().get("catalog/credentials?sort=chaos&cost_min=-1")
    assert response.status_code == 400
    assert response.json_body["code"] == "validation_failed"
    assert {e["field"] for e in response.json_body["errors"]} == {"sort", "cost_min"}


def test_the_achievement_and_ctdl_have_stable_urls(api_as, published, client) -> None:
    made = published("Welding Safety")
    base = f"catalog/credentials/{made.provider.slug}/welding-safety/versions/1"
    achievement = api_as().get(f"{base}/achievement").json_body
    assert achievement["type"] == ["Achievement"]
    page = client.get(f"/catalog/{made.provider.slug}/welding-safety/v1/achievement.json")
    assert page.status_code == 200 and page["Content-Type"] == "application/ld+json"
    assert page.json()["id"] == achievement["id"]
    assert api_as().get(f"{base}/ctdl").json_body["@type"] == "ceterms:MicroCredential"


def test_drafts_are_visible_only_to_the_providers_members(api_as, admin, provider) -> None:
    from microcred.catalog.tests.conftest import draft
    from microcred.testing.factories import make_member, make_user

    made = draft(admin, provider, "Secret Plan")
    path = f"catalog/credentials/{provider.slug}/{made.slug}"
    assert api_as().get(path).status_code == 404
    assert api_as(make_user()).get(path).status_code == 404
    assert api_as(make_member(provider, "assessor")).get(path).status_code == 200
    assert api_as(admin).get(f"{path}/versions/1/achievement").status_code == 404  # not published yet


def test_compare_up_to_four(api_as, published) -> None:
    a = published("Welding Safety", cost="450")
    b = published("Data Literacy", cost="0")
    body = api_as().get(f"catalog/compare?ids={a.provider.slug}/{a.slug},{b.provider.slug}/{b.slug}").json_body
    cost = next(row for row in body["rows"] if row["field"] == "cost")
    assert cost["values"] == ["450.00 CAD", "Free"]
    assert len(body["rows"]) >= 25
    five = ",".join(f"p/{n}" for n in range(5))
    assert api_as().get(f"catalog/compare?ids={five}").status_code == 400
    assert api_as().get("catalog/compare?ids=nobody/nothing").status_code == 404


def test_a_design_goes_through_the_api(api_as, admin, reviewer, provider) -> None:
    as_admin, as_reviewer = api_as(admin), api_as(reviewer)
    created = as_admin.post(
        f"catalog/providers/{provider.slug}/credentials",
        {"title": "Grid Basics", "delivery_mode": "online", "workload_hours": 12, "learning_outcomes": ["Read a map"]},
    )
    assert created.status_code == 201, created.json_body
    base = f"catalog/credentials/{provider.slug}/grid-basics/versions/1"
    assert as_admin.patch(base, {"cost": "-1"}).json_body["errors"][0]["code"] == "negative"
    assert as_admin.patch(base, {"cost": "99"}).status_code == 200
    assert as_reviewer.post(f"{base}/submit").status_code == 403
    assert as_admin.post(f"{base}/submit").status_code == 200
    assert as_admin.post(f"{base}/review", {"decision": "approved"}).status_code == 403
    reviewed = as_reviewer.post(f"{base}/review", {"decision": "changes_requested", "comment": "Add a cost note."})
    assert reviewed.json_body["status"] == "changes_requested"
    as_admin.post(f"{base}/submit")
    assert as_reviewer.post(f"{base}/review", {"decision": "approved"}).json_body["status"] == "approved"
    assert as_admin.post(f"{base}/publish").json_body["status"] == "published"
    assert as_admin.patch(base, {"cost": "1"}).json_body["code"] == "not_editable"
    assert as_admin.post(f"catalog/credentials/{provider.slug}/grid-basics/versions").status_code == 201
    assert MicroCredential.objects.filter(slug="grid-basics").count() == 2


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[" * 5000 + b"]" * 5000, b"\xff\xfe", b'"just a string"', b"[1,2,3]", b'{"title": {"$ne": 1}}'],
)
def test_hostile_bodies_are_4xx(api_as, admin, provider, raw) -> None:
    response = api_as(admin).post(f"catalog/providers/{provider.slug}/credentials", raw=raw)
    assert 400 <= response.status_code < 500
    assert MicroCredential.objects.count() == 0


def test_badge_import_and_bulk_export_through_the_api(api_as, admin, provider, published) -> None:
    published("Welding Safety")
    exported = api_as().get("catalog/export?format=json")
    assert exported.status_code == 200
    csv = api_as().client.get("/api/v1/catalog/export?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and b"Welding Safety" in csv.content
    badge = {"type": "BadgeClass", "name": "Forklift", "criteria": {"narrative": "Drive it."}}
    made = api_as(admin).post(f"catalog/providers/{provider.slug}/import/badge", badge)
    assert made.status_code == 201 and made.json_body["credential"]["status"] == "draft"
    bulk = api_as(admin).post(
        f"catalog/providers/{provider.slug}/import",
        {"microCredentials": [{"title": "A", "delivery_mode": "online", "workload_hours": "1"}]},
    )
    assert bulk.status_code == 201
    assert api_as().post(f"catalog/providers/{provider.slug}/import", []).status_code == 401


def test_pathways_through_the_api(api_as, admin, provider, published) -> None:
    a, b = (
        published("Part A", credit_type="credit", credit_value="3", credit_unit="course_credits"),
        published("Part B", credit_type="credit", credit_value="3", credit_unit="course_credits"),
    )
    created = api_as(admin).post(
        f"catalog/providers/{provider.slug}/pathways",
        {
            "title": "Certificate",
            "kind": "certificate",
            "rule": "min_credits",
            "min_credits": "6",
            "members": [f"{provider.slug}/{a.slug}", f"{provider.slug}/{b.slug}"],
            "transfer_notes": "Recognized as one elective in the Business diploma.",
        },
    )
    assert created.status_code == 201, created.json_body
    listed = api_as().get("catalog/pathways/certificate").json_body
    assert [m["title"] for m in listed["members"]] == ["Part A", "Part B"]
    too_much = api_as(admin).post(
        f"catalog/providers/{provider.slug}/pathways",
        {
            "title": "Diploma",
            "kind": "diploma",
            "rule": "min_credits",
            "min_credits": "60",
            "members": [f"{provider.slug}/{a.slug}"],
        },
    )
    assert too_much.json_body["errors"][0]["code"] == "unreachable"
