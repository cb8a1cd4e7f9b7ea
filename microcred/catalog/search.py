"""Full-text search over the published catalog, behind one interface for both databases.

``index``/``unindex`` keep one ``SearchDocument`` per published design; ``matching`` gives the ids of the versions
matching the words, ``ranked`` those with their relevance (higher is better); the catalog's filters, facet counts and
sort orders are the facet index's (``catalog.facet_index``). SQLite answers with FTS5 (a virtual table kept in step
by triggers, migration 0003); PostgreSQL with a stored, weighted ``tsvector`` and its GIN index (migration 0008), and
a title-only one (migration 0009) for the title matches that relevance ranks first. A misspelt word is searched with
its correction too (``catalog.typos``).
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


def matching(alternatives: list[list[str]]) -> np.ndarray | list[int] | None:
    """The ids of the indexed versions matching these words (``alternatives(text)``); None when there are none
    (every version matches). Read straight from the full-text index: the filters, counts and page are the facet
    index's."""
    if not alternatives:
        return None
    if connection.vendor == "postgresql":
        return [pk for pk, _rank in _postgres_matches(alternatives, rank_titles=False)]
    # One string of ids rather than a row per match: half the time for a common word's 18,000 matches.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT group_concat(rowid) FROM catalog_fts WHERE catalog_fts MATCH %s", [_fts_match(alternatives)]
        )
        listed = cursor.fetchone()[0]
    return np.array(listed.split(","), dtype=np.int64) if listed else np.zeros(0, dtype=np.int64)


def matching_ranked(alternatives: list[list[str]]) -> tuple[np.ndarray | list[int], list[int], list[float]] | None:
    """``matching``, and the matches whose title has one of the words with their relevance (``ranked``)."""
    if not alternatives:
        return None
    if connection.vendor == "postgresql":
        rows = _postgres_matches(alternatives, rank_titles=True)
        titled = [(pk, rank) for pk, rank in rows if rank is not None]
        return [pk for pk, _rank in rows], [pk for pk, _rank in titled], [float(rank) for _pk, rank in titled]
    ids = matching(alternatives)
    if ids is None:
        return None
    titled, ranks = ranked(alternatives, title_matches=True)
    return ids, titled, ranks


def _postgres_matches(alternatives: list[list[str]], *, rank_titles: bool) -> list[tuple[int, float | None]]:
    """Every match, and the rank of those whose title has one of the words, in one pass over the matches."""
    tsquery = _tsquery(alternatives)
    rank, params = "NULL", [tsquery]
    if rank_titles:
        rank = (
            "CASE WHEN title_vector @@ to_tsquery('english'::regconfig, %s)"
            " THEN ts_rank(search_vector, to_tsquery('english'::regconfig, %s)) END"
        )
        params = [_any_word(alternatives), tsquery, tsquery]
    sql = (
        f"SELECT credential_id, {rank} FROM catalog_searchdocument"  # noqa: S608 - fixed SQL, bound values
        " WHERE search_vector @@ to_tsquery('english'::regconfig, %s)"
    )
    # A common word matches a sixth of the catalog, and the planner then prefers reading every row, not counting
    # that each row's tsvector must be de-TOASTed to be matched: 90-100 ms against 35-60 ms through the GIN index at
    # 100,000 documents. So, for this statement only, the index.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _any_word(alternatives: list[list[str]]) -> str:
    """A tsquery matching any of the words (the last one as a prefix)."""
    return " | ".join([*(word for group in alternatives[:-1] for word in group), *(f"{w}:*" for w in alternatives[-1])])


def ranked(alternatives: list[list[str]], *, title_matches: bool) -> tuple[list[int], list[float]]:
    """The matching versions with their relevance (higher is better): only those whose *title* has one of the
    words when ``title_matches`` (relevance puts them first, and ranking them alone is what keeps a broad search
    fast: BM25 or ``ts_rank`` over every match of a common word is most of its time), else every match."""
    if connection.vendor == "postgresql":
        tsquery = _tsquery(alternatives)
        sql = (
            "SELECT credential_id, ts_rank(search_vector, to_tsquery('english'::regconfig, %s))"
            " FROM catalog_searchdocument WHERE search_vector @@ to_tsquery('english'::regconfig, %s)"
        )
        params = [tsquery, tsquery]
        if title_matches:
            sql += " AND title_vector @@ to_tsquery('english'::regconfig, %s)"
            params.append(_any_word(alternatives))
    else:
        match = _fts_match(alternatives)
        if title_matches:
            words = [f'"{word}"' for group in alternatives for word in group]
            words += [f'"{word}"*' for word in alternatives[-1]]
            match = f"({match}) AND {{title}} : ({' OR '.join(words)})"
        sql = "SELECT rowid, -bm25(catalog_fts, 10.0, 1.0) FROM catalog_fts WHERE catalog_fts MATCH %s"
        params = [match]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], [float(row[1]) for row in rows]


def _fts_match(alternatives: list[list[str]]) -> str:
    # Every word must match; the last one also as a prefix, so "accoun" finds "accounting".
    groups = [" OR ".join(f'"{word}"' for word in group) for group in alternatives[:-1]]
    groups.append(" OR ".join(f'"{word}" OR "{word}"*' for word in alternatives[-1]))
    return " AND ".join(f"({group})" for group in groups)


def _tsquery(alternatives: list[list[str]]) -> str:
    # Words are \w+ only, so the tsquery cannot carry operators from the user; the last is a prefix.
    groups = [" | ".join(group) for group in alternatives[:-1]]
    groups.append(" | ".join(f"{word}:*" for word in alternatives[-1]))
    return " & ".join(f"({group})" for group in groups)
