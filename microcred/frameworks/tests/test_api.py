"""The frameworks API: public reads, authoring, imports, crosswalks; bad input is a specific 4xx, never a 500."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.frameworks import services
from microcred.frameworks.models import Framework
from microcred.frameworks.tests.conftest import as_bytes, case_package


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FRAMEWORK_IMPORT_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def published(admin: User, provider: Organization) -> Framework:
    framework = services.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    root = services.add_competency(actor=admin, framework=framework, statement="Thinking", code="T")
    services.add_competency(
        actor=admin, framework=framework, statement="Solve problems with data", code="T.1", parent=root
    )
    services.add_scale(actor=admin, framework=framework, name="Three", levels=["low", "mid", "high"])
    return services.publish_framework(actor=admin, framework=framework)


def test_public_reads(api_as, published: Framework) -> None:  # type: ignore[no-untyped-def]
    anonymous = api_as()
    listed = anonymous.get("frameworks").json_body
    assert [f["slug"] for f in listed] == [published.slug]
    base = f"frameworks/{published.slug}/versions/{published.version}"
    assert anonymous.get(base).json_body["scales"][0]["levels"][2]["label"] == "high"
    top = anonymous.get(f"{base}/competencies").json_body
    assert top["total"] == 1 and top["results"][0]["hasChildren"] is True
    root = top["results"][0]["identifier"]
    level = anonymous.get(f"{base}/competencies?parent={root}").json_body
    assert level["results"][0]["code"] == "T.1"
    found = anonymous.get(f"{base}/competencies?q=data").json_body
    assert [r["code"] for r in found["results"]] == ["T.1"]
    item = anonymous.get(f"{base}/competencies/{level['results'][0]['identifier']}").json_body
    assert item["ancestors"][0]["code"] == "T" and "competency=" in item["alignedCredentials"]
    ranked = anonymous.get(f"{base}/suggestions?q=problem%20solving").json_body["results"]
    assert ranked[0]["code"] == "T.1" and 0 < ranked[0]["score"] <= 1
    assert anonymous.get(f"{base}/case.json").json_body["CFDocument"]["title"] == "Future-ready talent"
    assert Client().get(f"/api/v1/{base}/competencies.csv").content.startswith(b"identifier,uri,code")
    assert anonymous.get(f"{base}/competencies/nope").status_code == 404
    assert anonymous.get("frameworks/nope").json_body["code"] == "framework_not_found"


def test_drafts_are_hidden_from_outsiders(api_as, admin: User, provider: Organization, learner: User) -> None:  # type: ignore[no-untyped-def]
    draft = services.create_framework(actor=admin, organization=provider, title="Secret plan")
    assert api_as(learner).get(f"frameworks/{draft.slug}").status_code == 404
    assert api_as(admin).get(f"frameworks/{draft.slug}").json_body["status"] == "draft"


def test_authoring_through_the_api(api_as, admin: User, provider: Organization, learner: User) -> None:  # type: ignore[no-untyped-def]
    client = api_as(admin)
    made = client.post("frameworks", {"organization": provider.slug, "title": "Grid skills", "version": "1"})
    assert made.status_code == 201
    base = f"frameworks/{made.json_body['slug']}/versions/1"
    root = client.post(f"{base}/competencies", {"statement": "Safety", "code": "S"}).json_body
    child = client.post(f"{base}/competencies", {"statement": "Lock out", "code": "S.1", "parent": root["identifier"]})
    assert child.status_code == 201 and child.json_body["depth"] == 1
    assert (
        client.post(f"{base}/competencies", {"statement": "Again", "code": "S"}).json_body["errors"][0]["field"]
        == "code"
    )
    moved = client.post(f"{base}/competencies/{child.json_body['identifier']}/move", {"parent": None})
    assert moved.json_body["depth"] == 0
    edited = client.patch(f"{base}/competencies/{root['identifier']}", {"shortName": "Safety first"})
    assert edited.json_body["shortName"] == "Safety first"
    assert client.post(f"{base}/scales", {"name": "S", "levels": ["a", "a"]}).status_code == 400
    assert client.post(f"{base}/publish").json_body["status"] == "published"
    assert client.post(f"{base}/new-version", {"version": "2"}).status_code == 201
    assert client.post(f"{base}/competencies", {"statement": "Late"}).json_body["code"] == "not_editable"
    outsider = api_as(learner)
    assert outsider.post("frameworks", {"organization": provider.slug, "title": "Mine"}).status_code == 403
    assert outsider.post(
        f"frameworks/{made.json_body['slug']}/versions/2/competencies", {"statement": "x"}
    ).status_code in (403, 404)


def test_imports_through_the_api(
    api_as, admin: User, provider: Organization, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = api_as(admin)
    content = base64.b64encode(as_bytes(case_package())).decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "framework-imports", {"organization": provider.slug, "format": "case", "content": content}
        )
    assert started.status_code == 202
    job = client.get(f"framework-imports/{started.json_body['id']}").json_body
    assert job["status"] == "done" and job["framework"]["title"] == "Future-ready talent"
    truncated = base64.b64encode(as_bytes(case_package())[:100]).decode()
    with django_capture_on_commit_callbacks(execute=True):
        failed = client.post(
            "framework-imports", {"organization": provider.slug, "format": "case", "content": truncated}
        )
    job = client.get(f"framework-imports/{failed.json_body['id']}").json_body
    assert job["status"] == "failed" and job["error"]["code"] == "malformed_json"
    bad = client.post("framework-imports", {"organization": provider.slug, "format": "case", "content": "%%%"})
    assert bad.status_code == 400 and bad.json_body["errors"][0]["code"] == "invalid_base64"
    assert client.post("framework-imports", raw=b'{"format": ' * 5000).status_code == 400


def test_crosswalks_through_the_api(api_as, admin: User, provider: Organization, published: Framework) -> None:  # type: ignore[no-untyped-def]
    client = api_as(admin)
    other = services.create_framework(actor=admin, organization=provider, title="Other")
    services.add_competency(actor=admin, framework=other, statement="Data problem solving", code="O1")
    made = client.post(
        "crosswalks",
        {"organization": provider.slug, "source": f"{published.slug}@{published.version}", "target": f"{other.slug}@1"},
    )
    assert made.status_code == 201
    crosswalk_id = made.json_body["id"]
    assert client.post(f"crosswalks/{crosswalk_id}/suggest", {}).json_body["suggested"] >= 1
    links = client.get(f"crosswalks/{crosswalk_id}?status=suggested").json_body["links"]
    decided = client.post(
        f"crosswalks/{crosswalk_id}/links/{links[0]['id']}/decision", {"accept": True, "relation": "closeMatch"}
    )
    assert decided.json_body["status"] == "confirmed"
    assert client.post(f"crosswalks/{crosswalk_id}/links/999999/decision", {"accept": True}).status_code == 404
    assert (
        client.post(
            f"crosswalks/{crosswalk_id}/links/{links[0]['id']}/decision", {"accept": True, "relation": "x"}
        ).status_code
        == 400
    )
    assert b"closeMatch" in client.client.get(f"/api/v1/crosswalks/{crosswalk_id}/links.csv").content
    assert (
        client.get(f"crosswalks/{crosswalk_id}/case.json").json_body["CFAssociations"][0]["associationType"]
        == "isRelatedTo"
    )


def test_large_files_go_as_multipart(admin: User, provider: Organization, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(admin)
    upload = SimpleUploadedFile("frt.json", as_bytes(case_package()), content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/api/v1/framework-imports/upload", {"file": upload, "format": "case", "organization": provider.slug}
        )
    assert started.status_code == 202
    assert client.get(f"/api/v1/framework-imports/{started.json()['id']}").json()["status"] == "done"
    huge = SimpleUploadedFile("huge.json", b" " * (21 * 1024 * 1024), content_type="application/json")
    refused = client.post(
        "/api/v1/framework-imports/upload", {"file": huge, "format": "case", "organization": provider.slug}
    )
    assert refused.status_code == 413 and refused.json()["code"] == "file_too_large"
    missing = client.post("/api/v1/framework-imports/upload", {"format": "case"})
    assert missing.status_code == 400
