"""A catalog search's filters, facet counts and page, over the facet index (``catalog.facet_index``).

Each filter is a mask over the published catalog; each facet counts the results of the search *without its own
selection* (so people can widen a search): the text's matches and every other filter. The counts are one
``bincount`` per facet; the page is the first rows of the match set in the sort order, found by a partial sort of
its keys. The database is asked which documents match the words, the ids of the selected providers and
competencies, the providers' names and the page's rows.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote_plus

import numpy as np
from django.utils.http import urlencode

from microcred.catalog import search
from microcred.catalog import selectors as s
from microcred.catalog.facet_index import CENTS, TENTHS, FacetIndex, scaled_at_least, scaled_at_most
from microcred.catalog.models import Alignment

SCALES = {"cost": ("cost", CENTS), "workload_hours": ("hours", TENTHS)}
BOUNDS = (
    ("cost_min", "cost", "gte"),
    ("cost_max", "cost", "lte"),
    ("hours_min", "workload_hours", "gte"),
    ("hours_max", "workload_hours", "lte"),
)
K1, B = 1.2, 0.75  # BM25's usual term-frequency saturation and length normalization, for the title matches


class Matches:
    """The published versions a query's words match (all of them when it has none). Relevance puts the versions
    whose title has one of the words first, the others only when a page reaches past them, by BM25 (``ts_rank``).

    The title matches are weighed here, in memory (the database only lists, for each word, the matches whose title
    has it): each word a title has adds its BM25 weight over the titles of the matches, ``idf · (k1 + 1) / (1 + k1 ·
    (1 - b + b · length / average length))``, the title's length in words kept by the facet index. Ranking a common
    word's thousands of title matches in the database (BM25, ``ts_rank``) was most of its search's time."""

    def __init__(self, index: FacetIndex, text: str, *, scored: bool) -> None:
        self.index, self.words = index, search.alternatives(text)
        self.scores = np.zeros(index.size, dtype=np.float64)
        self.title_matches = np.zeros(index.size, dtype=bool)
        self._others_ranked = False
        both = search.matching_titled(self.words) if scored else None
        found = both[0] if both is not None else None if scored else search.matching(self.words)
        self.mask = np.ones(index.size, dtype=bool) if found is None else index.mask_of(_sorted(found))
        self.scored = scored and found is not None
        if both is not None:
            self._weigh_titles(both[1])

    def _weigh_titles(self, titled: list[np.ndarray]) -> None:
        lengths = self.index.title_length
        if not len(lengths):
            return
        norm = 1 + K1 * (1 - B + B * lengths / lengths.mean())
        total = np.count_nonzero(self.mask)
        for ids in titled:
            has = self.index.mask_of(_sorted(ids)) & self.mask
            places = np.flatnonzero(has)
            if not len(places):
                continue
            idf = np.log(1 + (total - len(places) + 0.5) / (len(places) + 0.5))
            self.scores[places] += idf * (K1 + 1) / norm[places]
            self.title_matches |= has

    def rank_others(self) -> None:
        if not self._others_ranked:
            ids, scores = search.ranked(self.words)
            known, places = self.index.positions_of(np.asarray(ids, dtype=np.int64))
            others = ~self.title_matches[places]
            self.scores[places[others]] = np.asarray(scores, dtype=np.float64)[known][others]
            self._others_ranked = True


def _sorted(ids: np.ndarray | list[int]) -> np.ndarray:
    return np.sort(np.asarray(ids, dtype=np.int64))


def filter_masks(index: FacetIndex, query: s.CatalogQuery) -> dict[str, np.ndarray]:
    """Each filter of the query as a mask, by the facet it belongs to (bounds and competencies under names no facet
    has, so they always apply)."""
    masks: dict[str, np.ndarray] = {}
    for name, values in query.multi.items():
        if name == "provider":
            chosen = set(values)
            masks[name] = np.isin(index.provider, [c for c, slug in enumerate(index.provider_slugs) if slug in chosen])
        else:
            known = list(s.VOCABULARIES[name].values)
            masks[name] = np.isin(index.codes[name], [known.index(v) for v in values if v in known])
    for name, keys in query.ranges.items():
        column, buckets = s.RANGES[name]
        attribute, scale = SCALES[column]
        values = getattr(index, attribute)
        mask = np.zeros(index.size, dtype=bool)
        for key, _label, low, high in buckets:
            if key in keys:
                part = values >= scaled_at_least(low, scale)
                if high is not None:
                    part &= values < scaled_at_least(high, scale)
                mask |= part
        masks[name] = mask
    for name in query.flags:
        masks[name] = index.flags[name]
    for name, column, op in BOUNDS:
        value: Decimal | None = getattr(query, name)
        if value is not None:
            attribute, scale = SCALES[column]
            values = getattr(index, attribute)
            if op == "gte":
                masks[f"_{name}"] = values >= scaled_at_least(value, scale)
            else:
                masks[f"_{name}"] = values <= scaled_at_most(value, scale)
    for name, values in query.aligned.items():
        if name == "framework":
            wanted = set(values)
            masks[name] = index.frameworks.having(
                index.size, [code for code, (slug, _t) in enumerate(index.frameworks.values) if slug in wanted]
            )
        elif name == "demand_skill":
            wanted = set(values)
            masks[name] = index.demand.having(
                index.size, [code for code, label in enumerate(index.demand.values) if label in wanted]
            )
        else:  # competency: rare, and any competency of any framework, so asked of the database
            numbers = [v for v in values if v.isascii() and v.isdigit()]
            ids = Alignment.objects.filter(competency_id__in=numbers).values_list("credential_id", flat=True)
            masks["_competency"] = index.mask_of(np.unique(np.fromiter(ids, dtype=np.int64)))
    return masks


def combined(base: np.ndarray, masks: dict[str, np.ndarray], without: str = "") -> np.ndarray:
    result = base.copy()
    for name, mask in masks.items():
        if name != without:
            result &= mask
    return result


def count_facets(
    index: FacetIndex, matches: Matches, masks: dict[str, np.ndarray], query: s.CatalogQuery
) -> list[s.Facet]:
    """Every facet with its counts, each without its own selection."""

    def scope(name: str) -> np.ndarray:
        return combined(matches.mask, masks, name) if name in masks else everything

    everything = combined(matches.mask, masks)
    links = Links(query)
    facets = [_provider_facet(index, scope("provider"), query, links)]
    for name, vocabulary in s.VOCABULARIES.items():
        codes = index.codes[name][scope(name)]
        counted = np.bincount(codes[codes >= 0], minlength=len(vocabulary.values))
        labels = dict(vocabulary.choices)
        values = [
            (v, str(labels.get(v, v)), int(n))
            for v, n in zip(vocabulary.values, counted, strict=True)
            if n or v in query.multi.get(name, [])
        ]
        facets.append(_facet(links, name, values, sort=True))
    for name, (column, buckets) in s.RANGES.items():
        attribute, scale = SCALES[column]
        values = getattr(index, attribute)[scope(name)]
        shown = []
        for key, label, low, high in buckets:
            inside = values >= scaled_at_least(low, scale)
            if high is not None:
                inside &= values < scaled_at_least(high, scale)
            shown.append((key, str(label), int(np.count_nonzero(inside))))
        facets.append(_facet(links, name, shown))
    qualities = [
        s.FacetValue(
            n,
            str(s.FLAG_LABELS[n]),
            int(np.count_nonzero(index.flags[n] & scope(n))),
            n in query.flags,
            links.toggled(n, "1"),
        )
        for n in s.FLAG_FACETS
    ]
    facets.append(s.Facet("qualities", str(s.FACET_LABELS["qualities"]), qualities))
    facets.append(_framework_facet(index, scope("framework"), links))
    facets.append(_demand_skill_facet(index, scope("demand_skill"), query, links))
    return facets


class Links:
    """``CatalogQuery.is_selected`` and ``toggled`` for many values at once: the query's parameters are listed and
    encoded once, and a value not selected yet is appended to them (hundreds of providers make it count)."""

    def __init__(self, query: s.CatalogQuery) -> None:
        self.pairs = query.params()
        self.present = set(self.pairs)
        self.encoded = urlencode(self.pairs)

    def selected(self, name: str, value: str) -> bool:
        return (name, value) in self.present

    def toggled(self, name: str, value: str) -> str:
        if (name, value) in self.present:
            return urlencode([pair for pair in self.pairs if pair != (name, value)])
        added = _pair(name, value)
        return f"{self.encoded}&{added}" if self.encoded else added


@lru_cache(maxsize=8192)
def _pair(name: str, value: str) -> str:
    """One encoded ``name=value`` (facet values repeat from search to search: hundreds of providers)."""
    return f"{quote_plus(name)}={quote_plus(value)}"


def _facet(links: Links, name: str, values: list[tuple[str, str, int]], sort: bool = False) -> s.Facet:
    shown = [s.FacetValue(v, label, n, links.selected(name, v), links.toggled(name, v)) for v, label, n in values]
    if sort:
        shown.sort(key=lambda v: (-v.count, v.label))
    return s.Facet(name, str(s.FACET_LABELS[name]), shown)


def _provider_facet(index: FacetIndex, mask: np.ndarray, query: s.CatalogQuery, links: Links) -> s.Facet:
    counted = np.bincount(index.provider[mask], minlength=len(index.provider_ids))
    counts = {index.provider_slugs[code]: int(counted[code]) for code in np.flatnonzero(counted)}
    labels = {index.provider_slugs[code]: index.provider_names[code] for code in np.flatnonzero(counted)}
    for value in query.multi.get("provider", []):
        counts.setdefault(value, 0)
    return _facet(links, "provider", [(v, labels.get(v, v), n) for v, n in counts.items()], sort=True)


def _framework_facet(index: FacetIndex, mask: np.ndarray, links: Links) -> s.Facet:
    counted = index.frameworks.counts(mask)
    values = [(index.frameworks.values[code], int(counted[code])) for code in np.flatnonzero(counted)]
    values.sort(key=lambda item: (-item[1], item[0][1], item[0][0]))
    return _facet(links, "framework", [(slug, title, n) for (slug, title), n in values])


def _demand_skill_facet(index: FacetIndex, mask: np.ndarray, query: s.CatalogQuery, links: Links) -> s.Facet:
    """Counts per in-demand skill label among the results (without this facet's own selection): the top 15, and
    the selected ones even when they are not among the top."""
    counted = index.demand.counts(mask)
    labels = index.demand.values
    top = sorted(((labels[code], int(counted[code])) for code in np.flatnonzero(counted)), key=lambda i: (-i[1], i[0]))
    counts = dict(top[: s.DEMAND_SKILL_FACET_SIZE])
    code_of = {label: code for code, label in enumerate(labels)}
    for label in query.aligned.get("demand_skill", []):
        counts.setdefault(label, int(counted[code_of[label]]) if label in code_of else 0)
    values = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return _facet(links, "demand_skill", [(v, v, n) for v, n in values])


def page_ids(index: FacetIndex, matches: Matches, selected: np.ndarray, sort: str, start: int, size: int) -> list[int]:
    """The ids of one page of the results in the sort order (ties broken by title, then id)."""
    end = start + size
    if sort == "relevance" and matches.scored:
        on_top = selected & matches.title_matches
        if np.count_nonzero(on_top) < end:
            matches.rank_others()
            rest = _ordered(index, selected & ~matches.title_matches, -matches.scores, end - np.count_nonzero(on_top))
            return (_ordered(index, on_top, -matches.scores, end) + rest)[start:end]
        return _ordered(index, on_top, -matches.scores, end)[start:end]
    if sort in ("cost", "-cost", "hours"):
        values = index.hours if sort == "hours" else index.cost
        primary = (-values if sort == "-cost" else values).astype(np.float64)
    elif sort == "newest":
        primary = index.newest_rank.astype(np.float64)
    else:  # title, and relevance without words
        primary = index.title_rank.astype(np.float64)
    return _ordered(index, selected, primary, end)[start:end]


def _ordered(index: FacetIndex, selected: np.ndarray, primary: np.ndarray, count: int) -> list[int]:
    """The ids of the first ``count`` selected rows by ``primary``, then title, then id."""
    rows = np.flatnonzero(selected)
    if count <= 0 or not len(rows):
        return []
    keys = primary[rows]
    if len(rows) > count:
        # Only rows whose key is at most the last wanted one's can be among them: sort those alone.
        last = np.partition(keys, count - 1)[count - 1]
        keep = keys <= last
        rows, keys = rows[keep], keys[keep]
    order = np.lexsort((index.title_rank[rows], keys))[:count]
    return [int(index.ids[row]) for row in rows[order]]
