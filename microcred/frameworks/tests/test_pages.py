"""Framework pages: list, tree with lazy levels and search, competency permalinks, import form, crosswalk review."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from microcred.accounts.models import Organization, User
from microcred.frameworks import services
from microcred.frameworks.models import Framework, LinkStatus
from microcred.frameworks.tests.conftest import as_bytes, case_package


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FRAMEWORK_IMPORT_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def framework(admin: User, provider: Organization) -> Framework:
    framework = services.create_framework(actor=admin, organization=provider, title="Future-ready talent")
    root = services.add_competency(actor=admin, framework=framework, statement="Thinking", code="T")
    services.add_competency(
        actor=admin, framework=framework, statement="Solve problems with data", code="T.1", parent=root
    )
    services.add_scale(actor=admin, framework=framework, name="Three", levels=["low", "mid", "high"])
    return services.publish_framework(actor=admin, framework=framework)


def test_the_tree_loads_a_level_at_a_time(framework: Framework) -> None:
    client = Client()
    assert "Future-ready talent" in client.get("/frameworks/").content.decode()
    page = client.get(f"/frameworks/{framework.slug}/", follow=True)
    html = page.content.decode()
    root = framework.competencies.get(code="T")
    assert "Thinking" in html and "Solve problems" not in html  # deeper levels load on demand
    assert f"/children/{root.identifier}/" in html and "low &lt; mid &lt; high" in html
    fragment = client.get(f"/frameworks/{framework.slug}/v/1/children/{root.identifier}/").content.decode()
    assert "Solve problems with data" in fragment
    found = client.get(f"/frameworks/{framework.slug}/v/1/?q=data").content.decode()
    assert "Solve problems with data" in found
    assert client.get(f"/frameworks/{framework.slug}/v/1/children/nope/").status_code == 404
    assert client.get("/frameworks/nope/v/1/").status_code == 404


def test_a_competency_has_a_permalink_and_its_uri_resolves(framework: Framework) -> None:
    client = Client()
    item = framework.competencies.get(code="T.1")
    page = client.get(f"/frameworks/{framework.slug}/v/1/c/{item.identifier}/").content.decode()
    assert "Solve problems with data" in page and "Thinking" in page and f"competency={item.pk}" in page
    resolved = client.get(f"/frameworks/uri/{item.identifier}")
    assert resolved.status_code == 302 and resolved["Location"].endswith(f"/c/{item.identifier}/")
    assert client.get("/frameworks/uri/nothing").status_code == 404


def test_import_through_the_page(admin: User, provider: Organization, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin)
    form = client.get(f"/frameworks/manage/{provider.slug}/import/")
    assert form.status_code == 200
    upload = SimpleUploadedFile("frt.json", as_bytes(case_package()), content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/frameworks/manage/{provider.slug}/import/", {"format": "case", "file": upload})
    assert response.status_code == 302
    job_page = client.get(response["Location"]).content.decode()
    assert "Future-ready talent" in job_page
    bad = SimpleUploadedFile("bad.csv", b"code,parent,statement\nA,B,a\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/frameworks/manage/{provider.slug}/import/", {"format": "csv", "file": bad, "title": "T"}
        )
    assert "rows.2.parent" in client.get(response["Location"]).content.decode()
    outsider = Client()
    outsider.force_login(User.objects.create_user(email="x@example.org", password="x" * 12))
    assert outsider.get(f"/frameworks/manage/{provider.slug}/import/").status_code == 404


def test_crosswalk_review_page(
    admin: User, provider: Organization, framework: Framework, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    other = services.create_framework(actor=admin, organization=provider, title="Other")
    services.add_competency(actor=admin, framework=other, statement="Data problem solving", code="O1")
    client = Client()
    client.force_login(admin)
    response = client.post(f"/frameworks/{framework.slug}/v/1/crosswalk/", {"target": other.pk})
    assert response.status_code == 302
    url = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}decide/", {"suggest": "1"})
    crosswalk = framework.crosswalks_from.get()
    link = crosswalk.links.first()
    assert link is not None and link.status == LinkStatus.SUGGESTED
    review = client.get(url).content.decode()
    assert "Data problem solving" in review
    assert "Word overlap (BM25)" in review and "<td>bm25</td>" not in review  # how it was suggested, for people
    client.post(f"{url}decide/", {"link": link.pk, "accept": "1", "relation": "exactMatch"})
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED and link.relation == "exactMatch" and link.confirmed_by == admin
    assert client.post(f"{url}decide/", {"link": "abc", "reject": "1"}).status_code == 404


def test_authoring_through_the_pages(admin: User, provider: Organization, learner: User) -> None:
    client = Client()
    client.force_login(admin)
    assert client.post(f"/frameworks/manage/{provider.slug}/new/", {"title": "", "version": "1"}).status_code == 400
    response = client.post(f"/frameworks/manage/{provider.slug}/new/", {"title": "Grid skills", "version": "1"})
    page = response["Location"]
    edit = f"{page}edit/"
    client.post(
        edit, {"action": "add_competency", "c-statement": "Work safely", "c-code": "S", "c-competency_type": "group"}
    )
    client.post(
        edit,
        {
            "action": "add_competency",
            "c-statement": "Lock out",
            "c-code": "S.1",
            "c-competency_type": "skill",
            "c-parent": "S",
        },
    )
    bad = client.post(
        edit,
        {"action": "add_competency", "c-statement": "Again", "c-code": "S", "c-competency_type": "skill"},
        follow=True,
    )
    assert "Another competency of this framework has this code." in bad.content.decode()
    client.post(edit, {"action": "add_scale", "s-name": "Three", "s-levels": "low\nmid\nhigh\n"})
    framework = Framework.objects.get(title="Grid skills")
    assert framework.competencies.get(code="S.1").parent.code == "S"
    assert [lv.label for lv in framework.scales.get().levels.all()] == ["low", "mid", "high"]
    client.post(edit, {"action": "publish"})
    framework.refresh_from_db()
    assert framework.status == "published"
    response = client.post(edit, {"action": "new_version", "v-version": "2"})
    assert response["Location"].endswith("/v/2/")
    outsider = Client()
    outsider.force_login(learner)
    assert outsider.post(edit, {"action": "publish"}).status_code == 403
    assert outsider.get(f"/frameworks/manage/{provider.slug}/new/").status_code == 404
