"""Static span vectors distilled from the encoder in use (issue 22, item 6): most of a sentence's spans get their
vector without a pass through the transformer.

Built once per model and taxonomy (:func:`build`, by the embedding task and the benchmark; a few minutes on one
thread) from the model itself, nothing downloaded:

- every vocabulary token encoded alone (``[CLS] token [SEP]``): the output at the token's position and the mean
  of the outputs at ``[CLS]`` and ``[SEP]``. Their mean over the three positions, as the model pools, *is* the
  vector of a one-token span encoded alone; for longer spans they are the features of an approximation.
- every word of the taxonomy's texts that takes more than one token ("devops", "haccp"), encoded alone: exact.
- a linear map (ridge) from a span's token features to its vector encoded alone, fitted on spans of the taxonomy's
  own texts. A multi-token span's static vector only *selects* the spans worth encoding alone (the engine encodes
  those; see :class:`semantic.SemanticEngine`): alone, such vectors are too rough (cosine 0.84 to the real ones on
  the validation sets' spans; the plain mean of token vectors, Model2Vec's way, 0.74): with no span encoded alone,
  hybrid RP@5 fell by 8-9 on TECH validation and 2-4 on HOUSE.

Stored under ``DATA_DIR/models/static/`` (about 50 MB: float16), not in the repository.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from microcred.skills.linking.runtime import DIMENSIONS

if TYPE_CHECKING:
    from microcred.skills.linking.runtime import Encoder

VERSION = 1
FIT_SPANS = 20_000  # spans of the taxonomy's texts encoded alone to fit the map (about 2 minutes on one thread)
RIDGE = 1.0
MAX_FIT_TOKENS = 12


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 1e-12)


@dataclass
class StaticTable:
    """Per vocabulary token: ``token`` (its output alone, between ``[CLS]`` and ``[SEP]``) and ``ends`` (the mean
    of those two outputs); ``words``: the exact vectors of multi-token words by their token ids; ``mapping``: the
    fitted map from :meth:`features` to a span's vector."""

    model: str
    token: np.ndarray  # (vocabulary, dims) float16
    ends: np.ndarray  # (vocabulary, dims) float16
    words: dict[tuple[int, ...], np.ndarray]
    mapping: np.ndarray  # (4 * dims + 1, dims) float32

    def __post_init__(self) -> None:
        token, ends = self.token.astype(np.float32), self.ends.astype(np.float32)
        self._token, self._ends = token, ends
        self._alone = _normalised((token + 2 * ends) / 3)  # what the model gives a one-token text

    def exact(self, ids: list[int]) -> np.ndarray | None:
        """The vector of a span encoded alone, when the table holds it (one token, or a known word), else None."""
        if len(ids) == 1:
            return self._alone[ids[0]]
        found = self.words.get(tuple(ids))
        return found.astype(np.float32) if found is not None else None

    def features(self, spans: list[list[int]]) -> np.ndarray:
        """Per span (its token ids, at least one): the sum of its tokens' outputs plus the mean ``[CLS]``/``[SEP]``
        output, the mean of its tokens' vectors alone, its first and last token's, each normalised, and 1."""
        lengths = np.array([len(ids) for ids in spans], dtype=np.int64)
        flat = np.fromiter((i for ids in spans for i in ids), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        tokens = np.add.reduceat(self._token[flat], starts, axis=0)
        ends = np.add.reduceat(self._ends[flat], starts, axis=0) / lengths[:, None]
        alone = np.add.reduceat(self._alone[flat], starts, axis=0)
        ones = np.ones((len(spans), 1), dtype=np.float32)
        first, last = self._alone[flat[starts]], self._alone[flat[starts + lengths - 1]]
        return np.hstack([_normalised(tokens + 2 * ends), _normalised(alone), first, last, ones])

    def approximate(self, spans: list[list[int]]) -> np.ndarray:
        """Normalised static vectors of spans of several tokens (for choosing spans, not for ranking)."""
        if not spans:
            return np.zeros((0, self.token.shape[1]), dtype=np.float32)
        return _normalised(self.features(spans) @ self.mapping).astype(np.float32)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.words)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(
            partial,
            version=np.array(VERSION),
            model=np.array(self.model),
            token=self.token,
            ends=self.ends,
            word_lengths=np.array([len(k) for k in keys], dtype=np.int32),
            word_ids=np.array([i for k in keys for i in k], dtype=np.int32),
            word_vectors=np.stack([self.words[k] for k in keys]) if keys else np.zeros((0, self.token.shape[1])),
            mapping=self.mapping,
        )
        partial.replace(path)  # a reader never sees half a file

    @classmethod
    def load(cls, path: Path) -> StaticTable:
        with np.load(path) as data:
            if int(data["version"]) != VERSION:
                raise ValueError(f"{path} is a static table of another version")
            lengths, ids, vectors = data["word_lengths"], data["word_ids"], data["word_vectors"]
            offsets = np.concatenate([[0], np.cumsum(lengths)])
            words = {
                tuple(int(i) for i in ids[offsets[n] : offsets[n + 1]]): vectors[n].astype(np.float16)
                for n in range(len(lengths))
            }
            return cls(str(data["model"]), data["token"], data["ends"], words, data["mapping"].astype(np.float32))


def path_for(directory: Path, model: str) -> Path:
    """Where a model's table is kept. One per model: the words and the map come from the taxonomy it was built
    with, but the table stays right for another (its exact vectors are the model's; the map only chooses spans)."""
    return directory / f"{model}-v{VERSION}.npz"


def words(encoder: Encoder, texts: list[str]) -> list[str]:
    """The distinct words of ``texts`` (as the tokenizer splits them) that take more than one token."""
    normalizer, pre = encoder.tokenizer.normalizer, encoder.tokenizer.pre_tokenizer
    found = dict.fromkeys(word for text in texts for word, _ in pre.pre_tokenize_str(normalizer.normalize_str(text)))
    candidates = list(found)
    ids = [e.ids[1:-1] for e in encoder.tokenizer.encode_batch(candidates)] if candidates else []
    return [word for word, i in zip(candidates, ids, strict=True) if len(i) > 1]


def build(
    encoder: Encoder,
    model: str,
    texts: list[str],
    *,
    only: Collection[int] | None = None,
    fit_spans: int = FIT_SPANS,
    seed: int = 0,
    batch_size: int = 256,
) -> StaticTable:
    """The table of ``encoder`` for a taxonomy's ``texts`` (labels, alternative labels, descriptions).
    ``only``: these token ids only (tests; the others stay zero, and words and spans with others are left out)."""
    from microcred.skills.linking.semantic import spans

    tokenizer = encoder.tokenizer
    size = tokenizer.get_vocab_size()
    wanted = np.array(sorted(set(only)), dtype=np.int64) if only is not None else np.arange(size)
    allowed = set(wanted.tolist())
    first, last = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    dims = DIMENSIONS
    token = np.zeros((size, dims), dtype=np.float32)
    ends = np.zeros((size, dims), dtype=np.float32)
    for start in range(0, len(wanted), batch_size):
        ids = wanted[start : start + batch_size]
        batch = np.stack([np.full(len(ids), first), ids, np.full(len(ids), last)], axis=1).astype(np.int64)
        feeds = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
        if "token_type_ids" in encoder.inputs:
            feeds["token_type_ids"] = np.zeros_like(batch)
        hidden = encoder.session.run([encoder.output], feeds)[0]
        token[ids] = hidden[:, 1]
        ends[ids] = (hidden[:, 0] + hidden[:, 2]) / 2
    known = words(encoder, texts)
    pairs = [(w, tuple(e.ids[1:-1])) for w, e in zip(known, tokenizer.encode_batch(known), strict=True)]
    pairs = [(w, ids) for w, ids in pairs if allowed.issuperset(ids)]
    vectors = encoder.encode([w for w, _ in pairs]) if pairs else np.zeros((0, dims), dtype=np.float32)
    table = StaticTable(
        model,
        token.astype(np.float16),
        ends.astype(np.float16),
        {ids: row.astype(np.float16) for (_, ids), row in zip(pairs, vectors, strict=True)},
        np.zeros((4 * dims + 1, dims), dtype=np.float32),
    )
    pool = list(dict.fromkeys(span.lower() for text in texts for span in spans(text, longest=4, limit=10_000)))
    random.Random(seed).shuffle(pool)
    chosen: list[str] = []
    chosen_ids: list[list[int]] = []
    for start in range(0, len(pool), 4096):
        if len(chosen) >= fit_spans:
            break
        part = pool[start : start + 4096]
        for span, encoding in zip(part, tokenizer.encode_batch(part), strict=True):
            ids = encoding.ids[1:-1]
            if 1 < len(ids) <= MAX_FIT_TOKENS and allowed.issuperset(ids) and len(chosen) < fit_spans:
                chosen.append(span)
                chosen_ids.append(ids)
    if chosen:
        features = table.features(chosen_ids).astype(np.float64)
        target = encoder.encode(chosen).astype(np.float64)
        gram = features.T @ features + RIDGE * np.eye(features.shape[1])
        table.mapping = np.linalg.solve(gram, features.T @ target).astype(np.float32)
    return table


_tables: dict[str, tuple[int, StaticTable]] = {}
_lock = threading.Lock()


def load_cached(path: Path) -> StaticTable | None:
    """The table at ``path`` (read once per process and file version), or None when it is not built."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    key = str(path)
    with _lock:
        cached = _tables.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
    table = StaticTable.load(path)
    with _lock:
        _tables[key] = (stamp, table)
    return table
