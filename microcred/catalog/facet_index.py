"""The published catalog's facet values and sort keys in memory, so a search's facet counts and page cost milliseconds.

Counting facets in the database meant, for a broad search over 100,000 credentials, one conditional count per facet
value over every matching row, and a distinct count over 430,000 alignments for the frameworks (1.2 s on SQLite);
sorting meant ordering the whole match set. Here each published version is one position in a few NumPy arrays
(provider, each closed vocabulary as a code, cost in cents, hours in tenths, the quality markers, its position in
the title and newest orders, its title's length in words for relevance) and its frameworks and in-demand skills
are (position, code) pairs. A search asks the database only which documents match its words (``search.matching``),
then filters, counts and picks its page here, and reads the page's rows by primary key.

The arrays are built from the database once per process for each state of the catalog: ``CatalogState.token``,
changed by ``catalog_changed()`` in the transaction of every change the search reads (indexing a version, its
removal from the index, pathway members, co-designers, a framework's or an organization's name), is read by each
search (one row by its key). Building takes a few seconds at 100,000 credentials; the first search after a change
pays it.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from microcred.accounts.models import Organization
from microcred.catalog.models import Alignment, CatalogState, MicroCredential, Pathway, Status
from microcred.frameworks.models import Competency, Framework

STATE_KEY = 1
CENTS = 100  # cost in cents
TENTHS = 10  # workload hours in tenths
_TITLE_WORD = re.compile(r"\w+", re.UNICODE)  # as ``search.terms`` splits a query


@dataclass(frozen=True)
class PairIndex:
    """Many values per credential: (position, value code) pairs, each pair once, and the values by code."""

    rows: np.ndarray
    codes: np.ndarray
    values: list[Any]

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many credentials under ``mask`` have each value, by code."""
        return np.bincount(self.codes[mask[self.rows]], minlength=len(self.values))

    def having(self, size: int, codes: list[int]) -> np.ndarray:
        """The credentials that have any of these values."""
        mask = np.zeros(size, dtype=bool)
        mask[self.rows[np.isin(self.codes, codes)]] = True
        return mask


@dataclass(frozen=True)
class FacetIndex:
    token: str
    ids: np.ndarray  # the published versions' ids, ascending; a credential's position is its place here
    provider: np.ndarray  # provider code, into provider_ids
    provider_ids: list[int]
    provider_slugs: list[str]  # by code, as URL parameters are written (quoted)
    provider_names: list[str]
    codes: dict[str, np.ndarray]  # closed vocabularies: index into the vocabulary's values, -1 for anything else
    cost: np.ndarray  # cents
    hours: np.ndarray  # tenths of an hour
    flags: dict[str, np.ndarray]  # the quality markers
    frameworks: PairIndex  # values: (slug, title)
    demand: PairIndex  # values: in-demand skill labels
    title_rank: np.ndarray  # position in ORDER BY title, id (the database's collation)
    title_length: np.ndarray  # words in the title (at least 1): relevance weighs a title match by it
    newest_rank: np.ndarray  # position in ORDER BY published_at DESC, id DESC

    @property
    def size(self) -> int:
        return len(self.ids)

    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        """The positions of these credential ids (those not in the published catalog are left out)."""
        mask = np.zeros(self.size, dtype=bool)
        if len(ids) and self.size:
            places = np.searchsorted(self.ids, ids)
            found = places < self.size
            places = places[found]
            mask[places[self.ids[places] == ids[found]]] = True
        return mask

    def positions_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of ``ids`` are published, their positions)."""
        places = np.searchsorted(self.ids, ids)
        found = places < self.size
        found[found] = self.ids[places[found]] == ids[found]
        return found, places[found]


def scaled_at_least(value: Decimal, scale: int) -> int:
    """The smallest whole number of units (cents, tenths) that is ``>= value``."""
    return int((value * scale).to_integral_value(rounding=ROUND_CEILING))


def scaled_at_most(value: Decimal, scale: int) -> int:
    return int((value * scale).to_integral_value(rounding=ROUND_FLOOR))


def catalog_changed() -> None:
    """Say that the published catalog changed (call inside the transaction of the change)."""
    token = secrets.token_hex(16)
    if not CatalogState.objects.filter(pk=STATE_KEY).update(token=token, changed_at=timezone.now()):
        CatalogState.objects.update_or_create(pk=STATE_KEY, defaults={"token": token})


_lock = threading.Lock()
_built: dict[tuple[str, str], FacetIndex] = {}


def current() -> FacetIndex:
    """The index of the catalog as this connection sees it now, built if the catalog changed since."""
    token = CatalogState.objects.filter(pk=STATE_KEY).values_list("token", flat=True).first() or ""
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    index = _built.get(key)
    if index is not None and index.token == token:
        return index
    with _lock:
        index = _built.get(key)
        if index is None or index.token != token:
            index = build(token)
            _built[key] = index
    return index


def build(token: str = "") -> FacetIndex:
    """Read the published catalog's facet values and sort keys (a few queries, no per-row query)."""
    from microcred.catalog import selectors as s

    # Raw SQL: no per-row converters (Decimal) for 100,000 rows; cost and hours arrive as whole cents and tenths.
    columns = ", ".join(["id", "provider_id", *(s.MULTI_FACETS[name] for name in s.VOCABULARIES)])
    rows = _fetch(
        f"SELECT {columns}, CAST(ROUND(cost * {CENTS}) AS BIGINT), CAST(ROUND(workload_hours * {TENTHS}) AS BIGINT),"  # noqa: S608
        f" accreditation_status, title FROM {MicroCredential._meta.db_table} WHERE status = %s ORDER BY id",
        [Status.PUBLISHED.value],
    )
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    provider_ids = sorted({row[1] for row in rows})
    organizations = dict(
        (pk, (slug, name))
        for pk, slug, name in Organization.objects.filter(pk__in=provider_ids).values_list("pk", "slug", "name")
    )
    provider_code = {pk: code for code, pk in enumerate(provider_ids)}
    provider = np.fromiter((provider_code[row[1]] for row in rows), dtype=np.int32, count=len(rows))
    codes = {}
    for offset, name in enumerate(s.VOCABULARIES, start=2):
        lookup = {value: code for code, value in enumerate(s.VOCABULARIES[name].values)}
        codes[name] = np.fromiter((lookup.get(row[offset], -1) for row in rows), dtype=np.int16, count=len(rows))
    after = 2 + len(s.VOCABULARIES)
    cost = np.fromiter((row[after] for row in rows), dtype=np.int64, count=len(rows))
    hours = np.fromiter((row[after + 1] for row in rows), dtype=np.int64, count=len(rows))
    accredited = np.fromiter((row[after + 2] == "accredited" for row in rows), dtype=bool, count=len(rows))
    words = _TITLE_WORD.findall
    title_length = np.fromiter((max(1, len(words(row[after + 3]))) for row in rows), dtype=np.float64, count=len(rows))
    del rows
    index = FacetIndex(
        token=token,
        ids=ids,
        provider=provider,
        provider_ids=provider_ids,
        provider_slugs=[organizations[pk][0] for pk in provider_ids],
        provider_names=[organizations[pk][1] for pk in provider_ids],
        codes=codes,
        cost=cost,
        hours=hours,
        flags={},
        frameworks=PairIndex(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), []),
        demand=PairIndex(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), []),
        title_rank=np.zeros(0, dtype=np.int64),
        title_length=title_length,
        newest_rank=np.zeros(0, dtype=np.int64),
    )
    published = MicroCredential.objects.filter(status=Status.PUBLISHED)
    stackable = _ids(Pathway.members.through.objects.values_list("microcredential_id", flat=True).distinct())
    co_designed = _ids(
        MicroCredential.co_designed_with.through.objects.values_list("microcredential_id", flat=True).distinct()
    )
    demand = _demand_pairs(index)
    flags = {
        "stackable": index.mask_of(stackable),
        "accredited": accredited,
        "in_demand": _rows_having(index.size, demand),
        "co_designed": index.mask_of(co_designed),
    }
    return FacetIndex(
        **{
            **index.__dict__,
            "flags": flags,
            "frameworks": _framework_pairs(index),
            "demand": demand,
            "title_rank": _rank(index, published.order_by("title", "pk")),
            "newest_rank": _rank(index, published.order_by("-published_at", "-pk")),
        }
    )


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(values: Any) -> np.ndarray:
    return np.sort(np.fromiter(values, dtype=np.int64))


def _rank(index: FacetIndex, ordered: Any) -> np.ndarray:
    order = np.fromiter(ordered.values_list("pk", flat=True), dtype=np.int64, count=index.size)
    rank = np.empty(index.size, dtype=np.int64)
    found, places = index.positions_of(order)
    rank[places] = np.arange(index.size, dtype=np.int64)[found]
    return rank


def _rows_having(size: int, pairs: PairIndex) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[pairs.rows] = True
    return mask


def _pairs(index: FacetIndex, pairs: list[tuple[int, Any]]) -> PairIndex:
    values = sorted({value for _pk, value in pairs})
    code = {value: n for n, value in enumerate(values)}
    found, places = index.positions_of(np.fromiter((pk for pk, _v in pairs), dtype=np.int64, count=len(pairs)))
    labels = np.fromiter((code[value] for _pk, value in pairs), dtype=np.int32, count=len(pairs))
    return PairIndex(places.astype(np.int64), labels[found], values)


def _framework_pairs(index: FacetIndex) -> PairIndex:
    """Each credential's frameworks: its alignments' competencies mapped to their framework here rather than by a
    join and a DISTINCT in the database (half the time at 430,000 alignments); those of versions not published are
    left out by position."""
    alignments = f"SELECT credential_id, competency_id FROM {Alignment._meta.db_table}"  # noqa: S608 - fixed SQL
    pairs = np.array(_fetch(alignments, []), dtype=np.int64)
    if not len(pairs):
        return _pairs(index, [])
    frameworks_of = f"SELECT id, framework_id FROM {Competency._meta.db_table}"  # noqa: S608 - fixed SQL
    competencies = np.array(_fetch(frameworks_of, []), dtype=np.int64)
    framework_of = np.full(int(competencies[:, 0].max()) + 1, -1, dtype=np.int64)
    framework_of[competencies[:, 0]] = competencies[:, 1]
    found, places = index.positions_of(pairs[:, 0])
    frameworks = framework_of[np.minimum(pairs[found, 1], len(framework_of) - 1)]
    names = {
        pk: (slug, title)
        for pk, slug, title in Framework.objects.filter(pk__in=[int(f) for f in np.unique(frameworks)])
        .exclude(slug="")
        .values_list("pk", "slug", "title")
    }
    values = sorted(set(names.values()))
    # Two framework rows with one slug and title are one value: a credential counts once under it.
    code_of = np.full(len(framework_of) and int(framework_of.max()) + 1, -1, dtype=np.int64)
    for pk, value in names.items():
        code_of[pk] = values.index(value)
    codes = code_of[frameworks]
    keep = codes >= 0
    unique = np.unique(places[keep] * (len(values) + 1) + codes[keep])  # (position, value) pairs, each once
    return PairIndex(unique // (len(values) + 1), (unique % (len(values) + 1)).astype(np.int32), values)


def _demand_pairs(index: FacetIndex) -> PairIndex:
    """Each published credential's in-demand skill labels, read by the database's JSON functions."""
    table = MicroCredential._meta.db_table
    if connection.vendor == "postgresql":
        each = "jsonb_array_elements_text(c.skills_demand) AS j(value)"
    else:
        each = "json_each(c.skills_demand) AS j"
    sql = (
        f"SELECT DISTINCT c.id, j.value FROM {table} AS c, {each}"  # noqa: S608 - fixed SQL, bound values
        " WHERE c.status = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.PUBLISHED.value])
        pairs = [(int(pk), str(value)) for pk, value in cursor.fetchall()]
    return _pairs(index, pairs)


def _members_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        catalog_changed()


def _credential_saved(sender: Any, instance: MicroCredential, **kwargs: Any) -> None:
    if instance.status == Status.PUBLISHED:
        catalog_changed()


def _changed(sender: Any, **kwargs: Any) -> None:
    catalog_changed()


def listen() -> None:
    """Changes made outside ``search.index`` that the index reads: stacking (pathway members), co-design, a
    published version saved, a framework renamed (connected in ``CatalogConfig.ready``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    m2m_changed.connect(_members_changed, sender=Pathway.members.through, dispatch_uid="catalog-index-pathways")
    m2m_changed.connect(
        _members_changed, sender=MicroCredential.co_designed_with.through, dispatch_uid="catalog-index-codesign"
    )
    post_save.connect(_credential_saved, sender=MicroCredential, dispatch_uid="catalog-index-credential")
    post_delete.connect(_credential_saved, sender=MicroCredential, dispatch_uid="catalog-index-credential-gone")
    post_delete.connect(_changed, sender=Pathway, dispatch_uid="catalog-index-pathway-gone")
    post_save.connect(_changed, sender=Framework, dispatch_uid="catalog-index-framework")  # the facet's labels
    post_save.connect(_changed, sender=Organization, dispatch_uid="catalog-index-provider")  # the provider facet's
