"""Facet counts of a catalog search, in few queries.

Each facet counts the results of the search *without its own selection* (so people can widen a search). Facets
with nothing selected therefore share one set of rows, the results, and are all counted by one aggregate query
of conditional counts, which also gives the total; each facet with a selection gets one query of its own; the
providers, frameworks and in-demand skills (open vocabularies) one grouped query each. The in-demand skills are
counted in the database (``json_each`` on SQLite, ``jsonb_array_elements_text`` on PostgreSQL), not in Python.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from microcred.accounts.models import Organization
from microcred.catalog import selectors as s
from microcred.catalog.models import Alignment, MicroCredential


def _conditions(name: str) -> dict[str, Q]:
    """Each value of a facet with a closed vocabulary and the condition a row meets to be counted under it."""
    if name in s.VOCABULARIES:
        column = s.MULTI_FACETS[name]
        return {value: Q(**{column: value}) for value in s.VOCABULARIES[name].values}
    if name in s.RANGES:
        column, buckets = s.RANGES[name]
        return {key: s._range_q(column, buckets, [key]) for key, *_rest in buckets}
    return {name: s._flag_q(name)}  # a quality marker


def _selected(query: s.CatalogQuery) -> set[str]:
    return {*(n for n, v in query.multi.items() if v), *(n for n, v in query.ranges.items() if v), *query.flags}


def _flag_q_fast(name: str) -> Q:
    """The quality markers as non-correlated subqueries, evaluated once per query rather than once per row."""
    if name == "stackable":
        return Q(pk__in=MicroCredential.pathways.through.objects.values("microcredential_id"))
    if name == "co_designed":
        return Q(pk__in=MicroCredential.co_designed_with.through.objects.values("microcredential_id"))
    return s._flag_q(name)


def count_facets(base: QuerySet[MicroCredential], query: s.CatalogQuery) -> tuple[int, list[s.Facet]]:
    """The number of results and every facet with its counts."""
    selected = _selected(query)
    closed = [*s.VOCABULARIES, *s.RANGES, *s.FLAG_FACETS]
    aggregates: dict[str, Any] = {"_total": Count("pk")}
    for name in closed:
        if name not in selected:
            for value, condition in _conditions(name).items():
                condition = _flag_q_fast(name) if name in s.FLAG_FACETS else condition
                aggregates[f"{name}|{value}"] = Count("pk", filter=condition)
    counts: dict[str, dict[str, int]] = {name: {} for name in closed}
    row = base.filter(s._filters(query)).aggregate(**aggregates)
    total = row.pop("_total")
    for name in selected & set(closed):
        parts = {
            f"{name}|{value}": Count("pk", filter=_flag_q_fast(name) if name in s.FLAG_FACETS else condition)
            for value, condition in _conditions(name).items()
        }
        row |= base.filter(s._filters(query, without=name)).aggregate(**parts)
    for key, n in row.items():
        name, value = key.split("|", 1)
        counts[name][value] = n
    facets = [_provider_facet(base, query)]
    for name in s.VOCABULARIES:
        labels = dict(s.VOCABULARIES[name].choices)
        values = [(v, str(labels.get(v, v)), n) for v, n in counts[name].items() if n or v in query.multi.get(name, [])]
        facets.append(_facet(query, name, values, sort=True))
    for name, (_column, buckets) in s.RANGES.items():
        facets.append(_facet(query, name, [(key, str(label), counts[name][key]) for key, label, *_r in buckets]))
    qualities = [
        s.FacetValue(n, str(s.FLAG_LABELS[n]), counts[n][n], n in query.flags, query.toggled(n, "1"))
        for n in s.FLAG_FACETS
    ]
    facets.append(s.Facet("qualities", str(s.FACET_LABELS["qualities"]), qualities))
    if hasattr(MicroCredential, "alignments"):
        facets.append(_framework_facet(base, query))
    facets.append(_demand_skill_facet(base, query))
    return total, facets


def _facet(query: s.CatalogQuery, name: str, values: list[tuple[str, str, int]], sort: bool = False) -> s.Facet:
    shown = [s.FacetValue(v, label, n, query.is_selected(name, v), query.toggled(name, v)) for v, label, n in values]
    if sort:
        shown.sort(key=lambda v: (-v.count, v.label))
    return s.Facet(name, str(s.FACET_LABELS[name]), shown)


def _provider_facet(base: QuerySet[MicroCredential], query: s.CatalogQuery) -> s.Facet:
    rows = base.filter(s._filters(query, without="provider")).values("provider_id").annotate(n=Count("pk")).order_by()
    by_id = {row["provider_id"]: row["n"] for row in rows}
    names = Organization.objects.filter(pk__in=by_id).values_list("pk", "slug", "name")
    counts = {slug: by_id[pk] for pk, slug, _name in names}
    labels = {slug: name for _pk, slug, name in names}
    for value in query.multi.get("provider", []):
        counts.setdefault(value, 0)
    return _facet(query, "provider", [(v, labels.get(v, v), n) for v, n in counts.items()], sort=True)


def _framework_facet(base: QuerySet[MicroCredential], query: s.CatalogQuery) -> s.Facet:
    # As raw SQL: the full-text condition names the credential table, which a nested queryset would re-alias.
    inner, params = base.filter(s._filters(query, without="framework")).values("pk").query.sql_with_params()
    rows = (
        Alignment.objects.filter(credential_id__in=RawSQL(inner, params))  # noqa: S611 - SQL of a queryset
        .values("competency__framework__slug", "competency__framework__title")
        .annotate(n=Count("credential_id", distinct=True))
        .order_by("-n")
    )
    values = [
        (row["competency__framework__slug"], row["competency__framework__title"], row["n"])
        for row in rows
        if row["competency__framework__slug"]
    ]
    return _facet(query, "framework", values)


def _demand_skill_facet(base: QuerySet[MicroCredential], query: s.CatalogQuery) -> s.Facet:
    """Counts per in-demand skill label among the results (without this facet's own selection), top 15."""
    matching = base.filter(s._filters(query, without="demand_skill")).exclude(skills_demand=[]).values("pk")
    inner, params = matching.query.sql_with_params()
    table = MicroCredential._meta.db_table
    if connection.vendor == "postgresql":
        each, label = "jsonb_array_elements_text(c.skills_demand) AS j(value)", "j.value"
    else:
        each, label = "json_each(c.skills_demand) AS j", "j.value"
    selected = query.aligned.get("demand_skill", [])
    wanted = " OR ".join([f"{label} = %s"] * len(selected))
    # The top labels, and the selected ones even when they are not among the top.
    sql = (
        f"SELECT {label}, COUNT(DISTINCT c.id) AS n FROM {table} AS c, {each}"  # noqa: S608 - fixed SQL, bound values
        f" WHERE c.id IN ({inner}) GROUP BY {label} ORDER BY n DESC, {label} LIMIT {s.DEMAND_SKILL_FACET_SIZE}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = {str(value): int(n) for value, n in cursor.fetchall()}
        if selected and not set(selected) <= set(counts):
            cursor.execute(
                f"SELECT {label}, COUNT(DISTINCT c.id) FROM {table} AS c, {each}"  # noqa: S608 - as above
                f" WHERE c.id IN ({inner}) AND ({wanted}) GROUP BY {label}",
                [*params, *selected],
            )
            counts |= {str(value): int(n) for value, n in cursor.fetchall()}
    shown = {label: counts.get(label, 0) for label in [*counts, *selected]}
    values = sorted(shown.items(), key=lambda item: (-item[1], item[0]))
    return _facet(query, "demand_skill", [(v, v, n) for v, n in values])
