"""Full-text search over the published catalog, behind one interface for both databases.

``index``/``unindex`` keep one ``SearchDocument`` per published design; ``apply`` narrows a
queryset of micro-credentials to those matching the words and annotates a ``relevance`` (higher
is better). SQLite answers with FTS5 (a virtual table kept in step by triggers, migration 0003);
PostgreSQL with a stored, weighted ``tsvector`` and its GIN index (migration 0008). A misspelt word is searched
with its correction too (``catalog.typos``).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

from microcred.catalog import typos
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


def unindex(credential: MicroCredential) -> None:
    SearchDocument.objects.filter(credential=credential).delete()


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased; operators and punctuation never reach the database."""
    return [word.lower() for word in _WORD.findall(text or "")][:MAX_TERMS]


def apply(queryset: QuerySet[MicroCredential], text: str) -> QuerySet[MicroCredential]:
    words = terms(text)
    if not words:
        return queryset.annotate(relevance=RawSQL("0.0", [], output_field=FloatField()))
    # Each word with its correction when it is misspelt: either one matches.
    corrected = typos.corrections(words)
    alternatives = [[word, *([corrected[word]] if word in corrected else [])] for word in words]
    if connection.vendor == "postgresql":
        return _postgres(queryset, alternatives)
    return _sqlite(queryset, alternatives)


def _sqlite(queryset: QuerySet[MicroCredential], alternatives: list[list[str]]) -> QuerySet[MicroCredential]:
    # Every word must match; the last one also as a prefix, so "accoun" finds "accounting".
    groups = [" OR ".join(f'"{word}"' for word in group) for group in alternatives[:-1]]
    groups.append(" OR ".join(f'"{word}" OR "{word}"*' for word in alternatives[-1]))
    match = " AND ".join(f"({group})" for group in groups)
    table = MicroCredential._meta.db_table
    return queryset.extra(  # noqa: S610 - fixed SQL; the user's words are a bound parameter
        tables=["catalog_fts"],
        where=[f"catalog_fts.rowid = {table}.id", "catalog_fts MATCH %s"],
        params=[match],
        select={"relevance": "-bm25(catalog_fts, 10.0, 1.0)"},
    )


def _postgres(queryset: QuerySet[MicroCredential], alternatives: list[list[str]]) -> QuerySet[MicroCredential]:
    # Words are \w+ only, so the tsquery cannot carry operators from the user; the last is a prefix. The stored,
    # weighted vector of migration 0008 (title A, body B) serves both the match (its GIN index) and the rank.
    groups = [" | ".join(group) for group in alternatives[:-1]]
    groups.append(" | ".join(f"{word}:*" for word in alternatives[-1]))
    tsquery = " & ".join(f"({group})" for group in groups)
    table = MicroCredential._meta.db_table
    return queryset.extra(  # noqa: S610 - fixed SQL; the user's words are a bound parameter
        tables=["catalog_searchdocument"],
        where=[
            f"catalog_searchdocument.credential_id = {table}.id",
            "catalog_searchdocument.search_vector @@ to_tsquery('english'::regconfig, %s)",
        ],
        params=[tsquery],
        select={"relevance": "ts_rank(catalog_searchdocument.search_vector, to_tsquery('english'::regconfig, %s))"},
        select_params=[tsquery],
    )
