"""Ranking the competencies of a framework by how well their text matches a query: Okapi BM25.

A crosswalk suggestion is a search of the target framework with the source competency's text.
The index is built once per framework version and process, and rebuilt when the version changes.
Another ranking (semantic embeddings, from the skills domain) plugs in by providing an object with
the same ``method`` attribute and ``search(text, limit)`` method, registered with :func:`register_ranker`
(:data:`RANKERS` and :data:`METHODS`, which say how it is offered and when it is available).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.errors import ValidationFailed
from microcred.frameworks.models import Framework

WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "this",
        "to",
        "with",
        "within",
        "without",
        "use",
        "using",
        "other",
        "others",
        "e",
        "g",
        "etc",
    ]
)


def stem(word: str) -> str:
    """A light English suffix stripper: enough to match "manage", "managing", "management"."""
    for suffix in ("ements", "ement", "ations", "ation", "ities", "ity", "ings", "ing", "ies", "ied", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text.lower()) if word not in STOP_WORDS and len(word) > 1]


@dataclass(frozen=True)
class Match:
    pk: int
    score: float  # 0..1


class Ranker(Protocol):
    """``method`` and ``search``; a ranker may also offer ``search_many(texts, limit)`` (a list per text),
    which crosswalk suggestions use when present."""

    method: str

    def search(self, text: str, limit: int = 10) -> list[Match]: ...


class BM25Index:
    """Okapi BM25 over an inverted index; scores are divided by the query's best possible score."""

    method = "bm25"

    def __init__(self, documents: Iterable[tuple[int, str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.pks: list[int] = []
        lengths: list[int] = []
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for position, (pk, text) in enumerate(documents):
            counts = Counter(tokens(text))
            self.pks.append(pk)
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((position, tf))
        self.size = len(self.pks)
        average = (sum(lengths) / self.size) if self.size else 1.0
        self.norms = [k1 * (1 - b + b * length / (average or 1.0)) for length in lengths]
        self.postings = dict(postings)
        self.idf = {
            term: math.log(1 + (self.size - len(rows) + 0.5) / (len(rows) + 0.5))
            for term, rows in self.postings.items()
        }

    def search(self, text: str, limit: int = 10) -> list[Match]:
        query = set(tokens(text))
        scores: dict[int, float] = defaultdict(float)
        best = 0.0
        for term in query:
            idf = self.idf.get(term)
            if idf is None:
                continue
            best += idf * (self.k1 + 1)
            for position, tf in self.postings[term]:
                scores[position] += idf * tf * (self.k1 + 1) / (tf + self.norms[position])
        if not scores or best <= 0:
            return []
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[: max(0, limit)]
        return [Match(self.pks[position], min(1.0, score / best)) for position, score in ranked]


def build_bm25(framework: Framework) -> BM25Index:
    rows = framework.competencies.values_list("pk", "short_name", "statement", "alternative_labels")
    return BM25Index(
        (pk, " ".join([short_name, statement, *(labels if isinstance(labels, list) else [])]))
        for pk, short_name, statement, labels in rows.iterator(chunk_size=5000)
    )


RANKERS: dict[str, Callable[[Framework], Ranker]] = {"bm25": build_bm25}


@dataclass(frozen=True)
class RankingMethod:
    """How a registered ranking is offered to people: its label, whether it can serve a target framework
    now (None: any framework), and its preference when the best available one is picked (higher first)."""

    label: Any
    available: Callable[[Framework | None], bool] | None = None
    preference: int = 0


METHODS: dict[str, RankingMethod] = {"bm25": RankingMethod(gettext_lazy("Word overlap (BM25)"))}


def register_ranker(method: str, factory: Callable[[Framework], Ranker], info: RankingMethod) -> None:
    """Another domain (skills: semantic and hybrid rankings of ESCO) adds a ranking, from its AppConfig.ready."""
    RANKERS[method] = factory
    METHODS[method] = info


def available_methods(target: Framework | None = None) -> list[tuple[str, Any]]:
    """(method, label) of the rankings that can serve ``target`` now (None: some target), best first."""
    usable = [
        (method, info)
        for method, info in METHODS.items()
        if method in RANKERS and (info.available is None or info.available(target))
    ]
    usable.sort(key=lambda item: -item[1].preference)
    return [(method, info.label) for method, info in usable]


def best_method(target: Framework) -> str:
    methods = available_methods(target)
    return methods[0][0] if methods else "bm25"


_cache: dict[tuple[str, int], tuple[tuple[object, ...], Ranker]] = {}
_lock = threading.Lock()


def index_for(framework: Framework, method: str = "bm25") -> Ranker:
    """The ranker of one framework version, built on first use and kept while the version is unchanged."""
    if method not in RANKERS:
        raise ValidationFailed.single("method", "invalid_choice", _("Unknown ranking method."))
    stats = framework.competencies.order_by().aggregate(n=Count("pk"), changed=Max("updated_at"))
    key = (method, framework.pk)
    version = (stats["n"], stats["changed"])
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
    ranker = RANKERS[method](framework)
    with _lock:
        if len(_cache) > 16:
            _cache.clear()
        _cache[key] = (version, ranker)
    return ranker
