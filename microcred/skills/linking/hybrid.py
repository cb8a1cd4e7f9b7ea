"""The hybrid engine: the semantic score, plus a share of the lexical one (scaled to the query's best), plus an
optional prior per skill (how often a skill is asked for)."""

from __future__ import annotations

import numpy as np

from microcred.skills.linking.lexical import LexicalEngine
from microcred.skills.linking.semantic import SemanticEngine

# tuned on the benchmark's validation sets (TECH and HOUSE)
LEXICAL_WEIGHT = 0.1
PRIOR_WEIGHT = 0.0
BENCH_PRIOR_WEIGHT = 0.02  # with the benchmark authors' priors (not shipped with microcred)


class HybridEngine:
    name = "hybrid"

    def __init__(
        self,
        lexical: LexicalEngine,
        semantic: SemanticEngine,
        *,
        lexical_weight: float = LEXICAL_WEIGHT,
        prior: np.ndarray | None = None,
        prior_weight: float = PRIOR_WEIGHT,
    ) -> None:
        if lexical.size != semantic.size:
            raise ValueError("the engines index different taxonomies")
        self.lexical, self.semantic = lexical, semantic
        self.size = lexical.size
        self.lexical_weight = lexical_weight
        self.prior = prior
        self.prior_weight = prior_weight if prior is not None else 0.0

    def combine(self, semantic: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """One query's scores from its semantic scores and raw lexical scores."""
        best = float(lexical.max()) if lexical.size else 0.0
        relative = lexical / best if best > 0 else lexical
        combined = (1 - self.lexical_weight) * semantic + self.lexical_weight * relative
        if self.prior is not None and self.prior_weight:
            combined = combined + self.prior_weight * self.prior
        return np.clip(combined, 0.0, 1.0)

    def scores_many(self, texts: list[str]) -> np.ndarray:
        semantic = self.semantic.scores_many(texts)
        return np.stack([self.combine(semantic[i], self.lexical.scores(t)) for i, t in enumerate(texts)])

    def scores(self, text: str) -> np.ndarray:
        return self.scores_many([text])[0]


def priors(labels: list[str], frequencies: dict[str, float]) -> np.ndarray:
    """A prior per skill in 0..1 from frequencies by preferred label (log-scaled; unknown skills 0)."""
    known = {label.strip().lower(): float(value) for label, value in frequencies.items() if value and value > 0}
    raw = np.array([known.get(label.strip().lower(), 0.0) for label in labels], dtype=np.float64)
    if not raw.any():
        return np.zeros(len(labels), dtype=np.float32)
    floor = raw[raw > 0].min()
    scaled = np.where(raw > 0, np.log(np.maximum(raw, floor) / floor) + 1.0, 0.0)
    return (scaled / scaled.max()).astype(np.float32)
