"""Skill linking: both engines find known skills in known sentences; the embeddings task; bad input; the fallback
when the semantic engine is absent (in a subprocess whose imports of onnxruntime and tokenizers fail)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from microcred.accounts.permissions import CLI
from microcred.audit.models import AuditEntry
from microcred.errors import PermissionDenied, ValidationFailed
from microcred.frameworks import esco, services
from microcred.frameworks.models import Framework
from microcred.skills.linking import embeddings, semantic
from microcred.skills.linking import service as linking
from microcred.skills.linking.lexical import top
from microcred.skills.models import EmbeddingIndex, EmbeddingStatus, SkillVector
from microcred.testing.factories import make_member, make_organization

SHARED_ESCO = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "esco"
COLUMNS = [
    "conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "hiddenLabels",
    "status", "modifiedDate", "scopeNote", "definition", "inScheme", "description",
]  # fmt: skip
SKILLS = [
    ("python", "knowledge", "Python (computer programming)", ["Python", "Python programming"],
     "The techniques and principles of software development in Python: analysis, algorithms, coding, testing."),
    ("javascript", "knowledge", "JavaScript", ["JS", "ECMAScript"],
     "Software development in JavaScript: analysis, algorithms, coding, testing and compiling."),
    ("sql", "knowledge", "SQL", ["structured query language"], "A query language for databases."),
    ("team", "skill/competence", "manage a team", ["lead a team", "supervise a team"],
     "Lead and supervise a team of people."),
    ("wiring", "knowledge", "electrical wiring plans", ["wiring diagrams"], "Diagrams of electrical circuits."),
    ("lights", "skill/competence", "install light fixtures", ["fit lamps"], "Install lights in buildings."),
    ("pastry", "skill/competence", "prepare pastry products", ["bake pastries", "make croissants"],
     "Prepare pastry products such as tarts, pies or croissants."),
    ("invoices", "skill/competence", "issue sales invoices", ["bill customers"],
     "Prepare the invoice of goods sold or services provided."),
]  # fmt: skip


def write_esco(directory: Path, *, collections: bool = True) -> Path:
    """A small ESCO release in the official layout: hand-made skills, plus the shared ICT and transversal
    collections when they are here."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for key, kind, label, alternatives, description in SKILLS:
        writer.writerow(
            ["KnowledgeSkillCompetence", f"http://data.europa.eu/esco/skill/test-{key}", kind, "cross-sector", label,
             "\n".join(alternatives), "", "released", "", "", "", "http://data.europa.eu/esco/concept-scheme/skills",
             description]
        )  # fmt: skip
    (directory / "skills_en.csv").write_text(out.getvalue(), encoding="utf-8")
    for name in ("ictSkillsCollection_en.csv", "transversalSkillsCollection_en.csv"):
        if collections and (SHARED_ESCO / name).exists():
            (directory / name).write_bytes((SHARED_ESCO / name).read_bytes())
    return directory


@pytest.fixture
def framework(tmp_path: Path, db: None) -> Framework:
    document = esco.parse_esco(write_esco(tmp_path))
    return services.import_document(actor=CLI, organization=None, document=document, source_format="esco").framework


@pytest.fixture
def platform_admin(db: None):  # type: ignore[no-untyped-def]
    return make_member(make_organization("platform", name="Platform"), "admin", email="ops@platform.example")


needs_semantic = pytest.mark.skipif(not semantic.available(), reason="the semantic engine is not installed")


def labels(matches: list) -> list[str]:
    return [m.label for m in matches]


def test_lexical_engine_finds_known_skills(framework: Framework) -> None:
    matches = linking.link_text("We need strong Python programming skills to build our data pipelines", limit=5)
    assert matches[0].label == "Python (computer programming)" and matches[0].engine == "lexical"
    assert 0 < matches[0].score <= 1 and matches[0].uri.endswith("/test-python")
    assert labels(linking.link_text("You will manage a team of five technicians", engine="lexical"))[0] == (
        "manage a team"
    )
    assert labels(linking.link_text("baking croissants every morning"))[0] == "prepare pastry products"
    assert linking.link_text("zzzz qqqq") == []
    status = linking.engine_status()
    assert status.engine == "lexical" and status.reason  # no embeddings yet: the page says why


def test_bad_input(framework: Framework) -> None:
    assert linking.link_text("") == [] and linking.link_text("   \n ") == []
    with pytest.raises(ValidationFailed) as failed:
        linking.link_text("python " * 5000)
    assert (failed.value.errors[0].field, failed.value.errors[0].code) == ("text", "too_long")
    for bad in (None, 42, b"python", ["python"]):
        with pytest.raises(ValidationFailed):
            linking.link_text(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as failed:
        linking.link_text("python", engine="quantum")
    assert failed.value.errors[0].code == "invalid"
    with pytest.raises(ValidationFailed):
        linking.link_text("python", limit="10")  # type: ignore[arg-type]
    assert linking.link_text("python", limit=0) == []
    assert len(linking.link_text("a" * 19_000 + " python")) <= 10
    weird = "\x00\ud800 <script>alert(1)</script> ((((( " + "é" * 100
    assert isinstance(linking.link_text(weird), list)


def test_many_texts_at_once_and_long_texts(framework: Framework) -> None:
    many = linking.link_many(["Python developer", "", "issue invoices to customers"], limit=3)
    assert [m[0].label if m else None for m in many] == ["Python (computer programming)", None, "issue sales invoices"]
    posting = "We are a bakery. " * 60 + "\nYou will prepare pastry products.\n" + "You will bill customers. " * 5
    found = labels(linking.link_text(posting, limit=5))
    assert "prepare pastry products" in found and "issue sales invoices" in found
    with pytest.raises(ValidationFailed):
        linking.link_many("python")  # type: ignore[arg-type]


def test_exact_search_over_fifty_thousand_skills() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((50_000, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = semantic.VectorIndex(matrix)
    queries = matrix[[123, 45_678]] + 0.01 * rng.standard_normal((2, 384)).astype(np.float32)
    scores = index.scores(queries / np.linalg.norm(queries, axis=1, keepdims=True))
    assert [top(row, 1)[0][0] for row in scores] == [123, 45_678]
    # several vectors per skill are pooled into one row; a skill without vectors never matches
    pooled = semantic.pool(matrix[:4], [0, 0, 1, 1], ["label", "alternative", "label", "description"], 3)
    assert pooled.shape == (3, 384) and not pooled[2].any()
    assert np.allclose(np.linalg.norm(pooled[:2], axis=1), 1.0, atol=1e-5)


def test_the_commands(framework: Framework, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("skills_link", "Python programming", "--limit", "3", "--engine", "lexical")
    assert "Python (computer programming)" in capsys.readouterr().out.splitlines()[0]
    if semantic.available():
        call_command("skills_embed", "--queue")
        assert "queued" in capsys.readouterr().out
        assert linking.engine_status().index_status == "queued"
        EmbeddingIndex.objects.update(status=EmbeddingStatus.RUNNING)  # as a worker that died leaves it
        with pytest.raises(CommandError):
            call_command("skills_embed", "--queue")
        call_command("skills_embed", "--queue", "--force")
        assert linking.engine_status().index_status == "queued"


def test_the_embed_command_needs_a_framework(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("skills_embed")


def test_no_framework_no_skills(db: None) -> None:
    assert linking.link_text("python programming") == []


def test_only_platform_admins_start_embeddings(framework: Framework, platform_admin) -> None:  # type: ignore[no-untyped-def]
    provider_admin = make_member(make_organization("provider"), "admin")
    with pytest.raises(PermissionDenied):
        embeddings.start_embedding(provider_admin, framework, enqueue=False)



@needs_semantic
def test_an_embedding_left_running_by_a_dead_worker_is_finished_when_its_task_runs_again(
    framework: Framework, platform_admin
) -> None:  # type: ignore[no-untyped-def]
    index = embeddings.start_embedding(platform_admin, framework, enqueue=False)
    # what a worker killed half-way leaves behind: the index "running", part of its vectors stored
    embeddings.run_embedding(index.pk)
    EmbeddingIndex.objects.filter(pk=index.pk).update(status=EmbeddingStatus.RUNNING, done=3, finished_at=None)
    stored = list(SkillVector.objects.filter(index=index).values_list("pk", flat=True))
    SkillVector.objects.filter(pk__in=stored[3:]).delete()
    # the task, put back in the queue after the worker's lease ran out (microcred.operations.worker), runs again
    index = embeddings.run_embedding(index.pk)
    assert index.status == EmbeddingStatus.DONE and index.done == index.total > 3
    assert SkillVector.objects.filter(index=index).count() == index.total

@needs_semantic
def test_embedding_task_stores_vectors_and_semantic_engines_find_skills(
    framework: Framework, platform_admin, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as failed:
        linking.link_text("python", engine="semantic")
    assert failed.value.errors[0].code == "engine_not_ready"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        index = embeddings.start_embedding(platform_admin, framework)
    assert len(callbacks) == 1 and index.status == EmbeddingStatus.QUEUED  # the task is queued after commit
    assert AuditEntry.objects.filter(action="skills.start_embedding").count() == 1
    assert linking.engine_status().index_status == "queued"
    index = embeddings.run_embedding(index.pk)
    assert index.status == EmbeddingStatus.DONE, index.error
    assert index.done == index.total > len(SKILLS) and index.dimensions == 384 and index.seconds > 0
    vectors = SkillVector.objects.filter(index=index)
    assert vectors.count() == index.total
    python = framework.competencies.get(uri__endswith="/test-python")
    assert set(vectors.filter(competency=python).values_list("kind", flat=True)) == {
        "label",
        "alternative",
        "description",
    }
    assert len(bytes(vectors.first().vector)) == 384 * 4
    status = linking.engine_status()
    assert status.engine == "hybrid" and status.semantic_ready and status.reason == ""

    for engine in ("semantic", "hybrid", None):
        matches = linking.link_text("Experience writing Python scripts for data analysis", limit=5, engine=engine)
        assert matches[0].label == "Python (computer programming)", (engine, labels(matches))
        assert matches[0].engine == (engine or "hybrid") and 0 < matches[0].score <= 1
    # said in other words: the semantic engine finds what shares no word with the label
    assert "prepare pastry products" in labels(linking.link_text("baking tarts and pies", limit=3, engine="semantic"))
    assert "manage a team" in labels(linking.link_text("supervising a group of workers", limit=3, engine="hybrid"))

    # the loaded matrix is kept, and rebuilt when the index changes
    taxonomy = linking._taxonomy(framework).taxonomy
    first = embeddings.vector_index(index, taxonomy)
    assert embeddings.vector_index(index, taxonomy) is first and first.size == len(taxonomy)
    again = embeddings.start_embedding(CLI, framework, enqueue=False)
    assert again.pk == index.pk and again.status == EmbeddingStatus.QUEUED
    assert linking.engine_status().engine == "lexical"  # recomputing: the lexical engine serves meanwhile
    index = embeddings.run_embedding(index.pk)
    assert embeddings.vector_index(index, taxonomy) is not first
    assert SkillVector.objects.filter(index=index).count() == index.total  # replaced, not added


FALLBACK = r"""
import json, os, sys
sys.modules["onnxruntime"] = None
sys.modules["tokenizers"] = None
os.environ["DJANGO_SETTINGS_MODULE"] = "microcred.settings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from microcred.accounts.permissions import CLI
from microcred.errors import ValidationFailed
from microcred.frameworks import esco, services
from microcred.skills.linking import service
from microcred.skills.interfaces import link_text
services.import_document(actor=CLI, organization=None, document=esco.parse_esco(sys.argv[1]), source_format="esco")
out = {"status": service.engine_status().__dict__, "matches": [m.__dict__ for m in link_text("Python programming")]}
try:
    link_text("Python programming", engine="semantic")
except ValidationFailed as error:
    out["semantic"] = error.errors[0].code
print(json.dumps(out))
"""


def test_without_the_extra_the_lexical_engine_serves(tmp_path: Path, migrated_sqlite: Callable[[Path], str]) -> None:
    esco_dir = tmp_path / "esco"
    esco_dir.mkdir()
    write_esco(esco_dir, collections=False)
    env = {
        **os.environ,
        "DATABASE_URL": migrated_sqlite(tmp_path / "fallback.sqlite3"),
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", FALLBACK, str(esco_dir)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["status"]["engine"] == "lexical" and out["status"]["semantic_installed"] is False
    assert "not installed" in out["status"]["reason"]
    assert out["matches"][0]["label"] == "Python (computer programming)"
    assert out["matches"][0]["engine"] == "lexical"
    assert out["semantic"] == "engine_unavailable"
