"""Span vectors from one encoder pass (issue 22): a text's spans as character ranges, the passages a long text is
encoded in, and each span's vector pooled from the contextual token embeddings of its sentence."""

from __future__ import annotations

import numpy as np
import pytest

from microcred.skills.linking import semantic

needs_semantic = pytest.mark.skipif(not semantic.available(), reason="the semantic engine is not installed")

SENTENCE = "Experience with Python, SQL and managing a small team in a warehouse (forklift licence)."
OUTCOMES = (
    "On completion, learners will be able to: design a relational database schema for a small business and "
    "normalise it to third normal form; write SQL queries that join, filter and aggregate sales data; build an "
    "interactive dashboard in Power BI that reports monthly revenue by region; automate the cleaning of "
    "spreadsheet data with Python scripts using pandas; document a data pipeline so that a colleague can run and "
    "maintain it; explain the principles of data protection and apply them when handling customer records; "
    "present findings to non-technical managers in a short written report and an oral briefing."
)


def test_span_offsets_are_the_spans_as_character_ranges() -> None:
    for text in (SENTENCE, OUTCOMES, "  Python ,  SQL  ", "a, b and c or (d) e - f & g", "", "and or"):
        offsets = semantic.span_offsets(text, limit=500)
        assert [text[a:b] for a, b in offsets] == semantic.spans(text, limit=500)
        assert all(0 <= a < b <= len(text) and text[a:b] == text[a:b].strip() for a, b in offsets)
    found = semantic.spans(SENTENCE)
    assert {"Python", "SQL", "small team", "forklift licence"} <= set(found)
    assert "with Python" not in found and "in a warehouse" not in found  # begin with a function word
    assert len(semantic.span_offsets(OUTCOMES, limit=7)) == 7


def test_spans_are_short_pieces_or_whole_short_clauses() -> None:
    clauses = {"Python", "manage a small team", "SQL", "operate a forklift in a cold warehouse"}
    found = semantic.spans(", ".join(sorted(clauses)))
    assert "manage a small team" in found  # a clause of four words is a span
    assert "operate a forklift in a cold warehouse" not in found  # a longer one is not: the sentence covers it
    assert "forklift in a cold" not in found  # nor a four-word piece inside it
    assert {"operate a forklift", "cold warehouse", "forklift"} <= set(found)
    for text in (SENTENCE, OUTCOMES):
        for span in semantic.spans(text, limit=500):
            words = len(span.split())
            assert words <= semantic.INNER_WORDS or (words <= 4 and span in re_split_clauses(text))
    assert len(semantic.spans(OUTCOMES, limit=500)) < len(OUTCOMES.split()) * 3


def re_split_clauses(text: str) -> set[str]:
    return {part.strip() for part in semantic.SPLIT.split(text) if part.strip()}


def test_a_long_text_is_encoded_in_passages_of_bounded_length() -> None:
    assert semantic.passages("Python developer") == ["Python developer"]
    assert semantic.passages("  ") == []
    parts = semantic.passages(OUTCOMES)
    assert len(parts) > 1 and all(len(p.split()) <= semantic.PASSAGE_WORDS for p in parts)
    assert " ".join(parts).split() == OUTCOMES.split()  # every word is read, once, in order
    assert parts[0].endswith(";")  # cut after a semicolon, not in the middle of an outcome
    run_on = " ".join(["word"] * (3 * semantic.PASSAGE_WORDS + 5))
    assert [len(p.split()) for p in semantic.passages(run_on)] == [semantic.PASSAGE_WORDS] * 3 + [5]


@needs_semantic
def test_span_vectors_come_from_the_sentence_pass() -> None:
    from microcred.skills.linking import runtime

    encoder = runtime.encoder()
    offsets = semantic.span_offsets(SENTENCE)
    vectors, blocks = encoder.encode_with_spans([SENTENCE, "SQL"], [offsets, [(0, 3), (5, 9)]])
    assert np.allclose(vectors, semantic.encode([SENTENCE, "SQL"]), atol=1e-5)  # the sentence vector is unchanged
    assert blocks[0].shape == (len(offsets), semantic.dimensions())
    assert np.allclose(np.linalg.norm(blocks[0], axis=1), 1.0, atol=1e-5)
    assert not blocks[1][1].any()  # a span with no token in it matches nothing
    spans = [SENTENCE[a:b] for a, b in offsets]
    python = blocks[0][spans.index("Python")]
    alone = semantic.encode(["Python programming", "baking bread", "forklift licence"])
    assert python @ alone[0] > python @ alone[1]
    licence = blocks[0][spans.index("forklift licence")]
    assert licence @ alone[2] > max(licence @ alone[0], licence @ alone[1])


@needs_semantic
def test_the_passages_and_their_spans_are_remembered_until_cleared() -> None:
    semantic.clear_cache()
    first = semantic.encode_with_spans_cached([SENTENCE])
    again = semantic.encode_with_spans_cached([SENTENCE, SENTENCE])
    assert again[0] is first[0] and again[1] is first[0]
    vector, block, weights, texts = first[0]
    assert vector.shape == (semantic.dimensions(),)
    assert block.shape[0] == weights.shape[0] == len(semantic.span_offsets(SENTENCE))
    assert texts == semantic.spans(SENTENCE) and weights[texts.index("SQL")] == semantic.SPAN_WEIGHTS[1]
    semantic.clear_cache()
    assert semantic.encode_with_spans_cached([SENTENCE])[0] is not first[0]


def test_the_span_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    index = semantic.VectorIndex(np.eye(4, semantic.dimensions(), dtype=np.float32))
    assert semantic.SemanticEngine(index).spans == "auto"
    monkeypatch.setenv(semantic.SPAN_MODE_ENV, "isolated")
    assert semantic.SemanticEngine(index).spans == "isolated"
    assert semantic.SemanticEngine(index, spans="contextual").spans == "contextual"
    monkeypatch.setenv(semantic.SPAN_MODE_ENV, "nonsense")
    assert semantic.SemanticEngine(index).spans == "auto"
    with pytest.raises(ValueError):
        semantic.SemanticEngine(index, spans="nonsense")


@needs_semantic
def test_auto_encodes_a_sentences_spans_alone_and_reads_a_long_text_in_passes() -> None:
    labels = ["Python programming", "SQL", "manage a team", "operate forklift", "create dashboards", "bake bread"]
    index = semantic.VectorIndex(semantic.encode(labels))
    auto, alone, passes = (semantic.SemanticEngine(index, spans=mode) for mode in ("auto", "isolated", "contextual"))
    assert len(SENTENCE.split()) <= semantic.AUTO_ISOLATED_WORDS < len(OUTCOMES.split())
    got = auto.scores_many([SENTENCE, OUTCOMES])
    assert np.allclose(got[0], alone.scores(SENTENCE), atol=1e-5)
    assert np.allclose(got[1], passes.scores(OUTCOMES), atol=1e-5)
    assert np.argmax(got[0]) != labels.index("bake bread")


@needs_semantic
def test_the_isolated_score_is_the_best_of_the_sentence_and_its_weighted_spans() -> None:
    labels = ["Python programming", "SQL", "manage a team", "bake bread"]
    index = semantic.VectorIndex(semantic.encode(labels))
    text = "Python and SQL, managing a team"
    got = semantic.SemanticEngine(index, spans="isolated").scores(text)
    pieces = semantic.spans(text, limit=160)
    whole = index.scores(semantic.encode([text]))[0]
    weights = np.array([semantic.SPAN_WEIGHTS.get(len(p.split()), 1.0) for p in pieces], dtype=np.float32)
    best = np.maximum(whole, (index.scores(semantic.encode(pieces)) * weights[:, None]).max(axis=0))
    expected = (1 - semantic.SENTENCE_WEIGHT) * best + semantic.SENTENCE_WEIGHT * whole
    assert np.allclose(got, np.clip(expected, 0, 1), atol=1e-5)


@needs_semantic
def test_the_span_vector_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    semantic.clear_cache()
    monkeypatch.setattr(semantic, "CACHE_SIZE", 3)
    texts = ["Python", "SQL", "forklift licence", "bake bread", "manage a team"]
    vectors = semantic.encode_cached(texts + texts[:2])
    assert np.allclose(vectors, semantic.encode(texts + texts[:2]), atol=1e-5)
    assert list(semantic._vectors) == texts[2:]  # the last three, least recent first
    again = semantic.encode_cached(["manage a team", "Python"])
    assert np.allclose(again, semantic.encode(["manage a team", "Python"]), atol=1e-5)
    assert len(semantic._vectors) == 3 and list(semantic._vectors)[-1] == "Python"
    semantic.clear_cache()


def test_encoder_batches_hold_texts_of_about_the_same_length() -> None:
    from microcred.skills.linking import runtime

    lengths = [40, 5, 5, 6, 7, 38, 5, 120, 104, 100, 3]
    found = runtime.batches(lengths, size=3)
    assert sorted(int(i) for batch in found for i in batch) == list(range(len(lengths)))
    for batch in found:
        assert len(batch) <= 3 and lengths[batch[0]] == max(lengths[i] for i in batch)
    # long texts keep to their own length; short spans share a run, whose own cost is worth a little padding
    assert [[lengths[i] for i in batch] for batch in found] == [[120], [104, 100], [40, 38], [7, 6, 5], [5, 5, 3]]
    free = runtime.batches(lengths, size=3, run_tokens=0)  # were runs free, only equal lengths would share one
    assert all(len({lengths[i] for i in batch}) == 1 for batch in free) and len(free) == 9
    assert runtime.batches([]) == []


@needs_semantic
def test_batching_does_not_change_the_vectors() -> None:
    texts = [SENTENCE, "SQL", "Python", "forklift licence", "manage a small team", OUTCOMES, "bake bread"]
    together = semantic.encode(texts)
    alone = np.stack([semantic.encode([text])[0] for text in texts])
    assert np.allclose(together, alone, atol=1e-5)
