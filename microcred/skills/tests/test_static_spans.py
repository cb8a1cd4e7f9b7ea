"""Static span vectors (issue 22, item 6): a table distilled from the model itself gives the exact vector of a
one-token span or a known word without the transformer, and approximations that only choose the spans to encode
alone. Built here on the few tokens the texts use (the real table covers the whole vocabulary)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from microcred.skills.linking import semantic, static

needs_semantic = pytest.mark.skipif(not semantic.available(), reason="the semantic engine is not installed")

SKILLS = [
    "manage a team",
    "data management",
    "design databases",
    "bake bread",
    "operate a forklift",
    "DevOps",
    "Python (computer programming)",
]
TEXTS = [
    "Manage a small team and design data models",
    "Bake bread, operate forklifts and manage DevOps pipelines",
    "Python, SQL",
]


@pytest.fixture(scope="module")
def table() -> static.StaticTable:
    from microcred.skills.linking import runtime

    encoder = runtime.encoder()
    ids = {i for text in SKILLS + TEXTS for i in encoder.tokenizer.encode(text.lower()).ids}
    return static.build(encoder, semantic.model_name(), SKILLS, only=ids, fit_spans=40)


@needs_semantic
def test_one_token_spans_and_known_words_are_exact(table: static.StaticTable) -> None:
    from microcred.skills.linking import runtime

    tokenizer = runtime.encoder().tokenizer
    for word in ("team", "data", "devops", "bake"):  # one token; a word of the skills that takes two
        ids = tokenizer.encode(word).ids[1:-1]
        found = table.exact(ids)
        assert found is not None and float(found @ semantic.encode([word])[0]) > 0.999
    assert table.exact(tokenizer.encode("small team").ids[1:-1]) is None  # a phrase: approximated, not exact
    rough = table.approximate([tokenizer.encode(p).ids[1:-1] for p in ("small team", "data models")])
    assert rough.shape == (2, semantic.dimensions())
    assert np.allclose(np.linalg.norm(rough, axis=1), 1.0, atol=1e-4)
    assert float(rough[0] @ semantic.encode(["small team"])[0]) > 0.6


@needs_semantic
def test_the_table_is_saved_and_loaded(table: static.StaticTable, tmp_path: Path) -> None:
    path = static.path_for(tmp_path, table.model)
    assert static.load_cached(path) is None  # not built: the engine encodes every span alone
    table.save(path)
    loaded = static.load_cached(path)
    assert loaded is not None and loaded.model == table.model and set(loaded.words) == set(table.words)
    assert np.array_equal(loaded.token, table.token) and np.array_equal(loaded.mapping, table.mapping)
    assert static.load_cached(path) is loaded  # read once per process


@needs_semantic
def test_static_spans_rank_like_spans_encoded_alone(table: static.StaticTable) -> None:
    index = semantic.VectorIndex(semantic.encode(SKILLS))
    alone = semantic.SemanticEngine(index, spans="isolated")
    fast = semantic.SemanticEngine(index, spans="auto", static=table)
    semantic.clear_cache()
    expected = alone.scores_many(TEXTS)
    semantic.clear_cache()
    found = fast.scores_many(TEXTS)
    assert [set(np.argsort(-row)[:3]) for row in found] == [set(np.argsort(-row)[:3]) for row in expected]
    # one-word spans are exact (from the table, or encoded alone), so a text of single words scores the same
    assert np.allclose(found[2], expected[2], atol=1e-3)
    assert np.array_equal(fast.scores_many(TEXTS), found)  # the same again, with the spans now in the cache


@needs_semantic
def test_a_table_of_another_model_is_not_used(table: static.StaticTable) -> None:
    other = static.StaticTable("another-model", table.token, table.ends, table.words, table.mapping)
    engine = semantic.SemanticEngine(semantic.VectorIndex(semantic.encode(SKILLS[:2])), static=other)
    assert engine.static is None


def test_the_prefilter_scores_each_querys_best_skills_exactly() -> None:
    rng = np.random.default_rng(3)

    def unit(rows: np.ndarray) -> np.ndarray:
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)

    topics = unit(rng.standard_normal((40, 384)))  # skills cluster, as real ones do
    matrix = unit(topics[rng.integers(0, 40, 3000)] + 0.6 * unit(rng.standard_normal((3000, 384))))
    queries = unit(matrix[[5, 2500, 999]] + 0.3 * unit(rng.standard_normal((3, 384))))
    exact = semantic.VectorIndex(matrix).scores(queries)
    fast = semantic.VectorIndex(matrix, prefilter=True)
    assert fast.prefilter and not semantic.VectorIndex(matrix[:100], prefilter=True).prefilter  # small: exact
    found = fast.filtered(queries)
    assert np.array_equal(fast.scores(queries), exact)  # scores stay exact
    for row in range(3):
        best = np.argsort(-exact[row])[:10]
        assert np.allclose(found[row, best], exact[row, best], atol=1e-5)
        assert list(np.argsort(-found[row])[:10]) == list(best)


@needs_semantic
def test_a_damaged_table_file_is_ignored_and_a_good_one_is_read(table: static.StaticTable, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from microcred.skills.linking import embeddings

    settings.DATA_DIR = tmp_path
    assert embeddings.static_table() is None  # not built
    path = embeddings.static_path()
    path.parent.mkdir(parents=True)
    for damaged in (b"not a table", b"PK\x03\x04 cut short"):
        path.write_bytes(damaged)
        assert embeddings.static_table() is None  # logged; linking encodes every span alone
    table.save(path)
    read = embeddings.static_table()
    assert read is not None and read.model == table.model
    assert np.array_equal(read.token, table.token) and read.words.keys() == table.words.keys()
