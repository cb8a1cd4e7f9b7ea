"""Faster full-text search and typo tolerance, per database.

- Both: ``SearchTerm``, the words of the indexed documents (filled here from the existing documents).
- SQLite: an FTS5 ``trigram`` table over those words, kept in step by triggers, to find the words closest to a
  misspelt one; a covering index of the columns the facet counts read.
- PostgreSQL: a stored, weighted ``tsvector`` column (title A, body B) with its GIN index, so that ranking reads
  the vector instead of parsing every matching document again; it replaces the expression index of 0003. And
  ``pg_trgm`` with a trigram index over the words, when the extension can be created (else typos are matched by
  a slower scan of words of a similar length).
"""

import re

from django.db import migrations, models

WORD = re.compile(r"[^\W\d_]{3,40}", re.UNICODE)

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE catalog_term_trigrams USING fts5(word, content='catalog_searchterm', content_rowid='rowid',"
    " tokenize='trigram')",
    # Which indexed words hold which trigrams: counting the trigrams a word shares with a misspelt one ranks it.
    "CREATE VIRTUAL TABLE catalog_term_trigram_vocab USING fts5vocab(catalog_term_trigrams, instance)",
    "CREATE TRIGGER catalog_term_trigrams_ai AFTER INSERT ON catalog_searchterm BEGIN"
    " INSERT INTO catalog_term_trigrams(rowid, word) VALUES (new.rowid, new.word); END",
    "CREATE TRIGGER catalog_term_trigrams_ad AFTER DELETE ON catalog_searchterm BEGIN"
    " INSERT INTO catalog_term_trigrams(catalog_term_trigrams, rowid, word) VALUES ('delete', old.rowid, old.word); END",
]
SQLITE_CREATE += [
    # Every column the facet counts read, so that SQLite counts from this narrow index instead of the wide rows.
    # Not led by ``status`` (one value in most rows): a seek on it must not look selective to the planner, which would
    # then probe the full-text table once per row instead of reading its matches once.
    "CREATE INDEX catalog_credential_facets ON catalog_microcredential (provider_id, delivery_mode, pace, region,"
    " language, credit_type, cost, workload_hours, accreditation_status, status, skills_demand)",
]
SQLITE_DROP = [
    "DROP INDEX IF EXISTS catalog_credential_facets",
    "DROP TRIGGER IF EXISTS catalog_term_trigrams_ad",
    "DROP TRIGGER IF EXISTS catalog_term_trigrams_ai",
    "DROP TABLE IF EXISTS catalog_term_trigram_vocab",
    "DROP TABLE IF EXISTS catalog_term_trigrams",
]
PG_CREATE = [
    "ALTER TABLE catalog_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX catalog_search_vector_gin ON catalog_searchdocument USING gin (search_vector)",
    "DROP INDEX IF EXISTS catalog_search_body_gin",
]
PG_DROP = [
    "DROP INDEX IF EXISTS catalog_searchterm_trgm",
    "DROP INDEX IF EXISTS catalog_search_vector_gin",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS catalog_search_body_gin ON catalog_searchdocument USING gin"
    " ((to_tsvector('english'::regconfig, COALESCE(title, ''::text)) || to_tsvector('english'::regconfig,"
    " COALESCE(body, ''::text))))",
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in PG_CREATE:
            schema_editor.execute(statement)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            available = cursor.fetchone() is not None
        if available:
            try:
                with schema_editor.connection.cursor() as cursor, migrations_savepoint(schema_editor):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(
                        "CREATE INDEX catalog_searchterm_trgm ON catalog_searchterm USING gin (word gin_trgm_ops)"
                    )
            except Exception:  # noqa: BLE001, S110 - no right to create the extension: typos take the slower path
                pass
    fill_terms(apps)


def migrations_savepoint(schema_editor):  # type: ignore[no-untyped-def]
    from django.db import transaction

    return transaction.atomic(using=schema_editor.connection.alias)


def fill_terms(apps) -> None:  # type: ignore[no-untyped-def]
    SearchDocument = apps.get_model("catalog", "SearchDocument")
    SearchTerm = apps.get_model("catalog", "SearchTerm")
    words: set[str] = set()
    for title, body in SearchDocument.objects.values_list("title", "body").iterator(chunk_size=2000):
        words.update(word.lower() for word in WORD.findall(f"{title}\n{body}"))
    SearchTerm.objects.bulk_create([SearchTerm(word=w) for w in sorted(words)], batch_size=2000, ignore_conflicts=True)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = SQLITE_DROP if vendor == "sqlite" else PG_DROP if vendor == "postgresql" else []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_translations")]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[("word", models.CharField(max_length=40, primary_key=True, serialize=False))],
        ),
        migrations.RunPython(create, drop),
    ]
