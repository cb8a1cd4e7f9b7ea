"""The import page's "Skill linking" section: which engine serves, and platform admins start the embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from microcred.skills.interfaces import engine_status
from microcred.skills.linking import embeddings, semantic
from microcred.skills.models import EmbeddingIndex
from microcred.skills.tests.demand_data import load_sample_framework, platform_admin
from microcred.testing.factories import make_member, make_organization


@pytest.fixture(autouse=True)
def immediate_tasks(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SKILLS_IMPORT_DIR = tmp_path / "uploads"
    settings.DATA_DIR = tmp_path  # the task builds the static span table there, for this test alone
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_without_a_framework_the_page_says_so_and_nothing_starts(client: Client, db: None) -> None:
    _platform, admin = platform_admin()
    client.force_login(admin)
    html = client.get("/skills/imports/").content.decode()
    assert "Skill linking" in html and engine_status().reason in html  # no framework, or no extra: it says which
    response = client.post("/skills/embeddings/")
    assert response.status_code == 400 and "No ESCO framework is loaded yet." in response.content.decode()
    assert not EmbeddingIndex.objects.exists()


def test_only_platform_admins_start_the_embeddings(client: Client, db: None) -> None:
    load_sample_framework()
    client.force_login(make_member(make_organization(), "admin"))
    assert client.post("/skills/embeddings/").status_code == 403
    assert client.get("/skills/embeddings/").status_code in (403, 405)
    assert not EmbeddingIndex.objects.exists()


@pytest.mark.skipif(not semantic.available(), reason="the semantic engine is not installed")
def test_a_platform_admin_computes_the_embeddings_and_the_hybrid_engine_serves(
    client: Client, db: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    framework = load_sample_framework()
    _platform, admin = platform_admin()
    client.force_login(admin)
    before = client.get("/skills/imports/").content.decode()
    assert "lexical engine (BM25)" in before and "Compute the taxonomy's embeddings" in before
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/skills/embeddings/")
    assert response.status_code == 302 and response["Location"] == "/skills/imports/"
    index = EmbeddingIndex.objects.get(framework=framework)
    assert index.status == "done" and index.done == index.total >= 45
    assert engine_status().engine == "hybrid"
    after = client.get("/skills/imports/").content.decode()
    assert "hybrid engine" in after and f"{index.total} of {index.total}" in after
    assert engine_status().span_table and "span table is built" in after  # the task built it after the vectors
    embeddings.static_path().unlink()
    assert "span table is not built yet" in client.get("/skills/imports/").content.decode()
