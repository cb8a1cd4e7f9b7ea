"""Full-text search over the published catalog, behind one interface for both databases.

``index``/``unindex`` keep one ``SearchDocument`` per published design; ``matching`` gives the ids of the versions
matching the words, ``matching_titled`` those and, for each word, the matches whose title has it (relevance weighs
them in memory, ``facet_counts.Matches``), ``ranked`` every match with its relevance (asked only when a page reaches
past the title matches); the catalog's filters, facet counts and sort orders are the facet index's
(``catalog.facet_index``). SQLite answers with FTS5 (a virtual table kept in step by triggers, migration 0003);
PostgreSQL with a narrow table of each version's title ``tsvector`` and its whole text's, stripped of positions,
with a GIN index, kept in step by triggers (migration 0010). A misspelt word is searched with its correction too
(``catalog.typos``).
"""

from __future__ import annotations

import re

import numpy as np
from django.db import connection, transaction

from microcred.catalog import typos
from microcred.catalog.facet_index import catalog_changed
from microcred.catalog.models import MicroCredential, SearchDocument
from microcred.catalog.sanitizing import plain_text
from microcred.translations import language_map

MAX_TERMS = 12
PG_VECTORS = "catalog_searchvector"  # the narrow table of the tsvectors and their GIN index (migration 0010)
_WORD = re.compile(r"\w+", re.UNICODE)


def document_text(credential: MicroCredential) -> str:
    return document_body(
        summary=credential.summary,
        description=credential.description,
        outcomes=[outcome.text for outcome in credential.outcomes.all()],
        competencies=[str(label) for label in competency_labels(credential)],
        industry_partners=list(credential.industry_partners or []),
        skills_demand=list(credential.skills_demand or []),
        provider_name=credential.provider.name,
    )


def document_body(
    *,
    summary: str,
    description: str,
    outcomes: list[str],
    competencies: list[str],
    industry_partners: list[str],
    skills_demand: list[str],
    provider_name: str,
) -> str:
    """The indexed body of a version, from its parts (the catalog benchmark builds 100,000 of them this way)."""
    parts = [summary, plain_text(description), *outcomes, *competencies, *industry_partners, *skills_demand]
    parts.append(provider_name)
    return "\n".join(part for part in parts if part)


def competency_labels(credential: MicroCredential) -> list[str]:
    alignments = getattr(credential, "alignments", None)
    if alignments is None:
        return []
    return [alignment.label for alignment in alignments.all()]


def translated_text(credential: MicroCredential) -> str:
    """The design's texts in its other languages, so that a search in French finds a bilingual design."""
    parts: list[str] = []
    for entry in (credential.translations or {}).values():
        if isinstance(entry, dict):
            parts += [entry.get("summary") or "", plain_text(entry.get("description") or "")]
    for outcome in credential.outcomes.all():
        parts += [entry.get("text") or "" for entry in (outcome.translations or {}).values() if isinstance(entry, dict)]
    return "\n".join(part for part in parts if isinstance(part, str) and part)


def index(credential: MicroCredential) -> None:
    """(Re)index a published version; called by the services inside their transaction. Its titles in every
    language are weighed as titles."""
    title = "\n".join(language_map(credential, "title").values()) or credential.title
    body = "\n".join(part for part in (document_text(credential), translated_text(credential)) if part)
    SearchDocument.objects.update_or_create(credential=credential, defaults={"title": title, "body": body})
    typos.remember_words(title, body)
    catalog_changed()


def unindex(credential: MicroCredential) -> None:
    SearchDocument.objects.filter(credential=credential).delete()
    catalog_changed()


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased; operators and punctuation never reach the database."""
    return [word.lower() for word in _WORD.findall(text or "")][:MAX_TERMS]


def alternatives(text: str) -> list[list[str]]:
    """The words of ``text``, each with its correction when it is misspelt (either one matches); [] for none.
    Worked out once per search and given to ``matching`` and ``ranked`` (a correction costs a trigram lookup)."""
    words = terms(text)
    if not words:
        return []
    corrected = typos.corrections(words)
    return [[word, *([corrected[word]] if word in corrected else [])] for word in words]


def matching(alternatives: list[list[str]]) -> np.ndarray | None:
    """The ids of the indexed versions matching these words (``alternatives(text)``); None when there are none
    (every version matches). Read straight from the full-text index: the filters, counts and page are the facet
    index's."""
    if not alternatives:
        return None
    if connection.vendor == "postgresql":
        return _postgres_matches(alternatives, titles=False)[0]
    return _sqlite_ids(_fts_match(alternatives))


def matching_titled(alternatives: list[list[str]]) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """``matching``, and for each word (with its correction; the last one also as a prefix) the ids of the matches
    whose *title* has it: relevance puts those first and weighs them in memory (``facet_counts.Matches``)."""
    if not alternatives:
        return None
    if connection.vendor == "postgresql":
        found, titled = _postgres_matches(alternatives, titles=True)
        return found, titled
    # The title matches of each word alone are listed in a few milliseconds; BM25 over the thousands of title matches
    # of a common word took 25 ms. The matches among them are picked in memory.
    found = _sqlite_ids(_fts_match(alternatives))
    titled = [_sqlite_ids(f"{{title}} : ({group})") for group in _fts_groups(alternatives)]
    return found, [np.intersect1d(ids, found, assume_unique=True) for ids in titled]


def _sqlite_ids(match: str) -> np.ndarray:
    # One string of ids rather than a row per match: half the time for a common word's 18,000 matches.
    with connection.cursor() as cursor:
        cursor.execute("SELECT group_concat(rowid) FROM catalog_fts WHERE catalog_fts MATCH %s", [match])
        listed = cursor.fetchone()[0]
    return _id_array(listed)


def _id_array(listed: str | None) -> np.ndarray:
    # Parsed in C: a common word's 17,500 ids in 0.7 ms instead of 3.8 through a list of strings.
    return np.fromstring(listed, dtype=np.int64, sep=",") if listed else np.zeros(0, dtype=np.int64)


def _postgres_matches(alternatives: list[list[str]], *, titles: bool) -> tuple[np.ndarray, list[np.ndarray]]:
    """Every match, and (``titles``) for each word those whose title has it, in one pass over the matches."""
    groups = _tsquery_groups(alternatives) if titles else []
    listed = "string_agg(credential_id::text, ',')"
    titled = f"{listed} FILTER (WHERE title_vector @@ to_tsquery('english'::regconfig, %s))"
    columns = [listed, *([titled] * len(groups))]
    sql = (
        f"SELECT {', '.join(columns)} FROM {PG_VECTORS}"  # noqa: S608 - fixed SQL, bound values
        " WHERE search_vector @@ to_tsquery('english'::regconfig, %s)"
    )
    # A common word matches a sixth of the catalog, and the planner then prefers reading every row and matching its
    # vector: slower than the GIN index, which needs no recheck here. So, for this statement only, the index.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, [*groups, _tsquery(alternatives)])
        row = cursor.fetchone()
    return _id_array(row[0]), [_id_array(listed) for listed in row[1:]]


def ranked(alternatives: list[list[str]]) -> tuple[list[int], list[float]]:
    """Every matching version with its relevance (higher is better): BM25 on SQLite, ``ts_rank`` over the stripped
    vector on PostgreSQL (the words a version has, by its length: no positions are kept). Only asked when a page
    reaches past the matches whose title has a search word."""
    if connection.vendor == "postgresql":
        tsquery = _tsquery(alternatives)
        sql = (
            "SELECT credential_id, ts_rank(search_vector, to_tsquery('english'::regconfig, %s), 1)"  # noqa: S608
            f" FROM {PG_VECTORS} WHERE search_vector @@ to_tsquery('english'::regconfig, %s)"
        )
        params = [tsquery, tsquery]
    else:
        sql = "SELECT rowid, -bm25(catalog_fts, 10.0, 1.0) FROM catalog_fts WHERE catalog_fts MATCH %s"
        params = [_fts_match(alternatives)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], [float(row[1]) for row in rows]


def _fts_groups(alternatives: list[list[str]]) -> list[str]:
    # Every word must match; the last one also as a prefix, so "accoun" finds "accounting".
    groups = [" OR ".join(f'"{word}"' for word in group) for group in alternatives[:-1]]
    groups.append(" OR ".join(f'"{word}" OR "{word}"*' for word in alternatives[-1]))
    return groups


def _fts_match(alternatives: list[list[str]]) -> str:
    return " AND ".join(f"({group})" for group in _fts_groups(alternatives))


def _tsquery_groups(alternatives: list[list[str]]) -> list[str]:
    # Words are \w+ only, so the tsquery cannot carry operators from the user; the last is a prefix.
    groups = [" | ".join(group) for group in alternatives[:-1]]
    groups.append(" | ".join(f"{word}:*" for word in alternatives[-1]))
    return groups


def _tsquery(alternatives: list[list[str]]) -> str:
    return " & ".join(f"({group})" for group in _tsquery_groups(alternatives))
