"""The skills domain's rankings for crosswalk suggestions: "lexical", "semantic" and "hybrid", registered into
``frameworks.similarity`` (the frameworks domain may not import skills, so it asks through its registry).

When the crosswalk's target is the ESCO framework skills are linked to, candidates come from the skill
linking engine (``interfaces.link_text``); for any other target the ranking is the frameworks' BM25.
A ranker's ``method`` is the engine that actually ranked the last text, so a link records the truth
when the embeddings are not ready and the linking service's lexical engine serves instead.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from microcred.frameworks.models import Framework
from microcred.frameworks.similarity import Match, Ranker, RankingMethod, index_for, register_ranker
from microcred.skills import interfaces

ENGINES = ("lexical", "semantic", "hybrid")
MAX_TEXT = 10_000  # a competency's names, statement and labels: enough to rank on
BATCH = 64  # texts ranked at once: a score row per text over every skill is held in memory


class SkillsRanker:
    """Ranks ESCO skills for a text with one engine of the skill linking service."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.method = engine

    def search(self, text: str, limit: int = 10) -> list[Match]:
        return self.search_many([text], limit)[0]

    def search_many(self, texts: list[str], limit: int = 10) -> list[list[Match]]:
        # the embeddings may be (re)computing since this ranker was built: the lexical engine serves meanwhile
        engine = self.engine if self.engine == "lexical" or semantic_ready() else "lexical"
        limit = max(1, min(limit, 200))
        link_many = getattr(interfaces, "link_many", None)  # one embedding batch per chunk, where offered
        ranked: list[list[Match]] = []
        for start in range(0, len(texts), BATCH):
            chunk = [text[:MAX_TEXT] for text in texts[start : start + BATCH]]
            if callable(link_many):
                found = link_many(chunk, limit=limit, engine=engine)
            else:
                found = [interfaces.link_text(text, limit=limit, engine=engine) for text in chunk]
            for matches in found:
                if matches:
                    self.method = matches[0].engine
                ranked.append([Match(m.competency_id, max(0.0, min(1.0, float(m.score)))) for m in matches])
        return ranked


def factory(engine: str):  # type: ignore[no-untyped-def]
    def build(framework: Framework) -> Ranker:
        if esco_target(framework):
            return SkillsRanker(engine)
        return index_for(framework, "bm25")

    return build


def esco_target(framework: Framework | None = None) -> bool:
    """An ESCO framework is loaded and ``framework`` (if given) is it."""
    esco = interfaces.skills_framework()
    return esco is not None and (framework is None or framework.pk == esco.pk)


def semantic_ready(framework: Framework | None = None) -> bool:
    """The semantic extra is installed and the ESCO framework's embeddings are computed.

    For a target other than the ESCO framework the ranking would be BM25 under another name, so it is not
    offered there (a caller naming it anyway gets BM25).
    """
    esco = interfaces.skills_framework()
    if esco is None or (framework is not None and framework.pk != esco.pk):
        return False
    status = _engine_status()
    if status is not None:
        return bool(getattr(status(), "semantic_ready", False))
    from microcred.skills.linking import semantic

    if not semantic.available():
        return False
    from microcred.skills.models import EmbeddingIndex, EmbeddingStatus

    return EmbeddingIndex.objects.filter(framework=esco, status=EmbeddingStatus.DONE).exists()


def _engine_status():  # type: ignore[no-untyped-def]
    """The linking service's own readiness report, when it has one (the interface first)."""
    status = getattr(interfaces, "engine_status", None)
    if status is None:
        from microcred.skills.linking import service

        status = getattr(service, "engine_status", None)
    return status if callable(status) else None


def register() -> None:
    """Called from SkillsConfig.ready."""
    register_ranker(
        "lexical",
        factory("lexical"),
        RankingMethod(_("Words, weighted for skill labels (lexical, ESCO only)"), available=esco_target, preference=10),
    )
    register_ranker(
        "semantic",
        factory("semantic"),
        RankingMethod(_("Meaning (sentence embeddings, ESCO only)"), available=semantic_ready, preference=20),
    )
    register_ranker(
        "hybrid",
        factory("hybrid"),
        RankingMethod(_("Words and meaning (hybrid, ESCO only)"), available=semantic_ready, preference=30),
    )
