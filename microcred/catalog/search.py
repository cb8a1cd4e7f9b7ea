"""Full-text search over the published catalog, behind one interface for both databases.

``index``/``unindex`` keep one ``SearchDocument`` per published design; ``apply`` narrows a
queryset of micro-credentials to those matching the words and annotates a ``relevance`` (higher
is better). SQLite answers with FTS5 (a virtual table kept in step by triggers, migration 0003);
PostgreSQL with ``to_tsvector``/``websearch_to_tsquery`` over a GIN index.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

from microcred.catalog.models import MicroCredential, SearchDocument
from microcred.catalog.sanitizing import plain_text
from microcred.translations import language_map

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def document_text(credential: MicroCredential) -> str:
    parts = [credential.summary, plain_text(credential.description)]
    parts += [outcome.text for outcome in credential.outcomes.all()]
    parts += [str(label) for label in competency_labels(credential)]
    parts += list(credential.industry_partners or [])
    parts += list(credential.skills_demand or [])
    parts.append(credential.provider.name)
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


def unindex(credential: MicroCredential) -> None:
    SearchDocument.objects.filter(credential=credential).delete()


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased; operators and punctuation never reach the database."""
    return [word.lower() for word in _WORD.findall(text or "")][:MAX_TERMS]


def apply(queryset: QuerySet[MicroCredential], text: str) -> QuerySet[MicroCredential]:
    words = terms(text)
    if not words:
        return queryset.annotate(relevance=RawSQL("0.0", [], output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _postgres(queryset, words)
    return _sqlite(queryset, words)


def _sqlite(queryset: QuerySet[MicroCredential], words: list[str]) -> QuerySet[MicroCredential]:
    # Every word must match; the last one also as a prefix, so "accoun" finds "accounting".
    match = " AND ".join(f'"{word}"' for word in words[:-1])
    last = f'("{words[-1]}" OR "{words[-1]}"*)'
    match = f"{match} AND {last}" if match else last
    table = MicroCredential._meta.db_table
    return queryset.extra(  # noqa: S610 - fixed SQL; the user's words are a bound parameter
        tables=["catalog_fts"],
        where=[f"catalog_fts.rowid = {table}.id", "catalog_fts MATCH %s"],
        params=[match],
        select={"relevance": "-bm25(catalog_fts, 10.0, 1.0)"},
    )


def _postgres(queryset: QuerySet[MicroCredential], words: list[str]) -> QuerySet[MicroCredential]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # Words are \w+ only, so the raw tsquery cannot carry operators from the user; the last is a prefix.
    query = SearchQuery(" & ".join([*words[:-1], f"{words[-1]}:*"]), config="english", search_type="raw")
    # The same expression as the GIN index of migration 0003, so the index serves the match.
    vector = SearchVector("title", "body", config="english")
    matching = SearchDocument.objects.annotate(vector=vector).filter(vector=query).values("credential_id")
    return queryset.filter(pk__in=matching).annotate(
        relevance=SearchRank(SearchVector("search_document__title", "search_document__body", config="english"), query)
    )
