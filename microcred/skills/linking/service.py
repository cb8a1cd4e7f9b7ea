"""Django side of skill linking: free text → the ranked ESCO skills of the platform's ESCO framework.

Three engines: ``lexical`` (BM25 over labels, alternative labels and descriptions; always there), ``semantic``
(MiniLM embeddings, the optional extra, once the framework's embeddings are computed) and ``hybrid`` (both).
``engine=None`` picks hybrid when it is ready, else lexical; :func:`engine_status` says which and why, for pages.

French texts: once the framework carries French labels (``microcred frameworks import-esco-labels DIR --language
fr``), a text the language guess finds French (or given ``language="fr"``) is linked by the lexical engine over the
French labels, to the same skills; the embedding model is English-only, so it does not rank French texts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed
from microcred.skills.linking import embeddings, semantic
from microcred.skills.linking.hybrid import HybridEngine
from microcred.skills.linking.lexical import LexicalEngine, top
from microcred.skills.linking.taxonomy import GROUP, Taxonomy
from microcred.skills.linking.text import LANGUAGES, guess_language
from microcred.skills.models import EmbeddingStatus

if TYPE_CHECKING:
    from microcred.frameworks.models import Framework

MAX_TEXT_CHARS = 20_000
# Cosine similarities of MiniLM crowd into 0.4..0.9; shown scores are spread so that they read like the lexical
# engine's (on the benchmark's validation sets, true matches in the top 5 have a median near 0.75 with both, other
# candidates near 0.55-0.6). The ranking is not changed.
SEMANTIC_FLOOR = 0.35
SEMANTIC_SPAN = 0.5
MAX_LIMIT = 200
ENGINES = ("lexical", "semantic", "hybrid")


@dataclass(frozen=True)
class EngineStatus:
    engine: str  # what engine=None uses now: "hybrid" or "lexical"
    semantic_installed: bool
    semantic_ready: bool  # installed, and the framework's embeddings are computed
    reason: str  # why the semantic engine does not serve (translated); "" when it does
    index_status: str  # the embedding job's status ("" when never started)
    done: int
    total: int
    span_table: bool  # the model's static span table is built (linking encodes fewer spans: faster)


def engine_status(framework: Framework | None = None) -> EngineStatus:
    from microcred.skills.interfaces import skills_framework

    framework = framework or skills_framework()
    installed = semantic.available()
    index = embeddings.index_of(framework)
    status, done, total = (index.status, index.done, index.total) if index else ("", 0, 0)
    ready = installed and index is not None and index.status == EmbeddingStatus.DONE
    if not installed:
        reason = embeddings.unavailable_message()
    elif framework is None:
        reason = _("No ESCO framework is loaded yet.")
    elif index is None:
        reason = _("The taxonomy's embeddings have not been computed yet; the lexical engine (BM25) serves.")
    elif status == EmbeddingStatus.FAILED:
        reason = _("Computing the taxonomy's embeddings failed; the lexical engine (BM25) serves.")
    elif not ready:
        reason = _(
            "The taxonomy's embeddings are being computed (%(done)s of %(total)s); the lexical engine serves."
        ) % {
            "done": done,
            "total": total,
        }
    else:
        reason = ""
    span_table = ready and embeddings.static_path().is_file()
    return EngineStatus("hybrid" if ready else "lexical", installed, ready, reason, status, done, total, span_table)


@dataclass
class _Built:
    version: tuple[object, ...]
    taxonomy: Taxonomy
    lexical: LexicalEngine


_cache: dict[tuple[int, str], _Built] = {}
_lock = threading.Lock()


def _taxonomy(framework: Framework, language: str | None = None) -> _Built:
    """The framework's taxonomy and lexical index (in ``language``, when it has those labels), built once per
    framework version, language and process."""
    stats = (
        framework.competencies.exclude(competency_type=GROUP).order_by().aggregate(n=Count("pk"), at=Max("updated_at"))
    )
    version = (stats["n"], stats["at"])
    key = (framework.pk, language or "")
    with _lock:
        built = _cache.get(key)
        if built and built.version == version:
            return built
    taxonomy = Taxonomy.from_framework(framework, language)
    built = _Built(version, taxonomy, LexicalEngine(taxonomy))
    with _lock:
        _cache[key] = built
    return built


def _languages(framework: Framework, texts: list[str], language: str | None) -> list[str]:
    """Each text's language: the one given, else French where the framework has French labels and the text reads
    as French, else the framework's own."""
    own = framework.language or "en"
    if language is not None:
        return [language] * len(texts)
    if own == "fr" or not framework.competencies.filter(translations__has_key="fr").exists():
        return [own] * len(texts)
    return [guess_language(text) if text.strip() else own for text in texts]


def _check(text: object, limit: object, engine: object) -> None:
    if not isinstance(text, str):
        raise ValidationFailed.single("text", "invalid", _("Give the text as a string."))
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed.single(
            "text", "too_long", _("The text is too long: at most %(max)s characters.") % {"max": MAX_TEXT_CHARS}
        )
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationFailed.single("limit", "invalid", _("The limit must be a whole number."))
    if engine is not None and engine not in ENGINES:
        raise ValidationFailed.single("engine", "invalid", _("Unknown engine; use lexical, semantic or hybrid."))


def link_text(text: str, *, limit: int = 10, engine: str | None = None, language: str | None = None) -> list:
    """The ESCO skills a text mentions or requires, best first, with scores 0..1 (see the module's docstring)."""
    return link_many([text], limit=limit, engine=engine, language=language)[0]


def link_many(
    texts: list[str], *, limit: int = 10, engine: str | None = None, language: str | None = None
) -> list[list]:
    """:func:`link_text` for several texts at once (their embeddings are computed in one batch: faster)."""
    from microcred.skills.interfaces import skills_framework

    if not isinstance(texts, list | tuple):
        raise ValidationFailed.single("texts", "invalid", _("Give a list of texts."))
    for text in texts:
        _check(text, limit, engine)
    if language is not None and language not in LANGUAGES:
        raise ValidationFailed.single(
            "language", "invalid", _("Unknown language; use %(languages)s.") % {"languages": ", ".join(LANGUAGES)}
        )
    if engine in ("semantic", "hybrid") and not semantic.available():
        raise ValidationFailed.single("engine", "engine_unavailable", embeddings.unavailable_message())
    framework = skills_framework()
    limit = min(limit, MAX_LIMIT)
    wanted = [i for i, text in enumerate(texts) if text.strip()]
    results: list[list] = [[] for _ in texts]
    if framework is None or not wanted or limit <= 0:
        return results
    built = _taxonomy(framework)
    if not len(built.taxonomy):
        return results
    languages = _languages(framework, [texts[i] for i in wanted], language)
    other = [i for i, lang in zip(wanted, languages, strict=True) if lang != built.taxonomy.language]
    if other:
        translated = _taxonomy(framework, languages[wanted.index(other[0])])
        if translated.taxonomy.language != built.taxonomy.language:  # the framework has labels in that language
            scored = _score(translated, None, [texts[i] for i in other], "lexical")
            for i, (scores, order) in zip(other, scored, strict=True):
                results[i] = _matches(translated.taxonomy, scores, order, limit, "lexical")
            done = set(other)
            wanted = [i for i in wanted if i not in done]
            if not wanted:
                return results
    index = embeddings.index_of(framework)
    ready = semantic.available() and index is not None and index.status == EmbeddingStatus.DONE
    if engine is None:
        engine = "hybrid" if ready else "lexical"
    elif engine != "lexical" and not ready:
        raise ValidationFailed.single(
            "engine", "engine_not_ready", _("The taxonomy's embeddings have not been computed yet.")
        )
    for i, (scores, order) in zip(wanted, _score(built, index, [texts[i] for i in wanted], engine), strict=True):
        results[i] = _matches(built.taxonomy, scores, order, limit, engine)
    return results


def _matches(taxonomy: Taxonomy, scores: np.ndarray, order: np.ndarray, limit: int, engine: str) -> list:
    from microcred.skills.interfaces import SkillMatch

    return [
        SkillMatch(taxonomy.keys[j], taxonomy.uris[j], taxonomy.labels[j], round(float(s), 4), engine)
        for j, s in top(scores, limit, order)
        if order[j] > 0
    ]


def _score(built: _Built, index, texts: list[str], engine: str) -> list[tuple[np.ndarray, np.ndarray]]:  # type: ignore[no-untyped-def]
    """Per text: the scores to show (0..1) and the order to rank by."""
    if engine == "lexical":
        raws = [built.lexical.scores(text) for text in texts]
        return [(built.lexical.scale(raw), raw) for raw in raws]
    meaning = semantic.SemanticEngine(embeddings.vector_index(index, built.taxonomy), static=embeddings.static_table())
    engine_ = meaning if engine == "semantic" else HybridEngine(built.lexical, meaning)
    return [(_spread(row), row) for row in engine_.scores_many(texts)]


def _spread(scores: np.ndarray) -> np.ndarray:
    return np.clip((scores - SEMANTIC_FLOOR) / SEMANTIC_SPAN, 0.0, 1.0)
