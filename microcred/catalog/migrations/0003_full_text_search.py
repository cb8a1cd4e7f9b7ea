"""The full-text index behind ``catalog.search``: FTS5 on SQLite, a GIN index on PostgreSQL."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE catalog_fts USING fts5(title, body, content='catalog_searchdocument',"
    " content_rowid='credential_id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER catalog_fts_ai AFTER INSERT ON catalog_searchdocument BEGIN"
    " INSERT INTO catalog_fts(rowid, title, body) VALUES (new.credential_id, new.title, new.body); END",
    "CREATE TRIGGER catalog_fts_ad AFTER DELETE ON catalog_searchdocument BEGIN"
    " INSERT INTO catalog_fts(catalog_fts, rowid, title, body) VALUES ('delete', old.credential_id, old.title, old.body);"
    " END",
    "CREATE TRIGGER catalog_fts_au AFTER UPDATE ON catalog_searchdocument BEGIN"
    " INSERT INTO catalog_fts(catalog_fts, rowid, title, body) VALUES ('delete', old.credential_id, old.title, old.body);"
    " INSERT INTO catalog_fts(rowid, title, body) VALUES (new.credential_id, new.title, new.body); END",
    "INSERT INTO catalog_fts(catalog_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_fts_au",
    "DROP TRIGGER IF EXISTS catalog_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_fts_ai",
    "DROP TABLE IF EXISTS catalog_fts",
]
PG_INDEX = "catalog_search_body_gin"


def _gin_index() -> GinIndex:
    # The same expression catalog.search queries with, so PostgreSQL uses the index.
    return GinIndex(SearchVector("title", "body", config="english"), name=PG_INDEX)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalog", "SearchDocument"), _gin_index())


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalog", "SearchDocument"), _gin_index())


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_typology_review_search")]

    operations = [migrations.RunPython(create, drop)]
