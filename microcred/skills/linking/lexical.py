"""The lexical engine: field-weighted Okapi BM25 over each skill's preferred label, alternative labels and
description, in NumPy (no other dependency).

Each term's postings are stored already multiplied by the term's IDF and the field weights, so a query is
one ``bincount`` over the postings of its terms.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from microcred.skills.linking.taxonomy import Taxonomy
from microcred.skills.linking.text import tokenizer

# field: (weight, k1, b); tuned on the benchmark's validation sets
FIELDS: dict[str, tuple[float, float, float]] = {
    "label": (1.0, 1.2, 0.9),
    "alternative": (0.1, 1.2, 0.5),
    "description": (0.15, 1.2, 0.75),
    "hidden": (0.1, 1.2, 0.5),
}


class LexicalEngine:
    name = "lexical"

    def __init__(self, taxonomy: Taxonomy, fields: dict[str, tuple[float, float, float]] | None = None) -> None:
        self.taxonomy = taxonomy
        self.language = taxonomy.language
        self.tokens = tokens = tokenizer(taxonomy.language)
        self.size = len(taxonomy)
        fields = fields or FIELDS
        texts = {
            "label": taxonomy.labels,
            "alternative": [" ".join(alternatives) for alternatives in taxonomy.alternatives],
            "description": taxonomy.descriptions,
            "hidden": [" ".join(hidden) for hidden in taxonomy.hidden],
        }
        counts = {name: [Counter(tokens(text)) for text in texts[name]] for name in fields}
        document_frequency: Counter[str] = Counter()
        for position in range(self.size):
            terms: set[str] = set()
            for name in fields:
                terms.update(counts[name][position])
            document_frequency.update(terms)
        n = max(1, self.size)
        idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()}
        weights: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for name, (weight, k1, b) in fields.items():
            lengths = [sum(c.values()) for c in counts[name]]
            average = (sum(lengths) / n) or 1.0
            for position, document in enumerate(counts[name]):
                norm = k1 * (1 - b + b * lengths[position] / average)
                for term, tf in document.items():
                    weights[term][position] += idf[term] * weight * tf * (k1 + 1) / (tf + norm)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, rows in weights.items():
            ordered = sorted(rows.items())
            self.postings[term] = (
                np.fromiter((p for p, _ in ordered), dtype=np.int32, count=len(ordered)),
                np.fromiter((v for _, v in ordered), dtype=np.float32, count=len(ordered)),
            )
        # the score a skill gets from a text that contains its whole preferred label: the scale of "fully matched"
        self.full = np.ones(self.size, dtype=np.float32)
        for position, document in enumerate(counts["label"]):
            total = 0.0
            for term in document:
                docs, values = self.postings[term]
                total += float(values[np.searchsorted(docs, position)])
            self.full[position] = total or 1.0

    def scores(self, text: str) -> np.ndarray:
        """Raw BM25 scores of every skill for a text (zeros where nothing matches)."""
        found = [self.postings[term] for term in set(self.tokens(text)) if term in self.postings]
        if not found:
            return np.zeros(self.size, dtype=np.float32)
        docs = np.concatenate([d for d, _ in found])
        values = np.concatenate([v for _, v in found])
        return np.bincount(docs, weights=values, minlength=self.size).astype(np.float32)

    def scale(self, raw: np.ndarray) -> np.ndarray:
        """Raw scores as 0..1: the share of the skill's own label the text matches (capped at 1)."""
        return np.minimum(1.0, raw / self.full)

    def search(self, text: str, limit: int = 10) -> list[tuple[int, float]]:
        raw = self.scores(text)
        return [(int(i), float(s)) for i, s in top(self.scale(raw), limit, raw) if raw[i] > 0]


def top(scores: np.ndarray, limit: int, order: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``limit`` best positions by ``order`` (default: the scores), best first, with their scores."""
    order = scores if order is None else order
    limit = max(0, min(limit, order.shape[0]))
    if limit == 0:
        return []
    everything = limit >= order.shape[0]
    candidates = np.arange(order.shape[0]) if everything else np.argpartition(-order, limit - 1)[:limit]
    ranked = candidates[np.lexsort((candidates, -order[candidates]))]
    return [(int(i), float(scores[i])) for i in ranked]
