"""A narrow table for the PostgreSQL full-text index, and on SQLite the end of an unused covering index.

- PostgreSQL: ``catalog_searchvector`` holds, per indexed version, only its key, its title's ``tsvector`` and its
  whole text's, stripped of positions (matching needs the words only), with the GIN index. Listing a common word's
  matches visits their heap rows; in ``catalog_searchdocument``, where the text and both full vectors sat beside each
  other, that was 12,500 of 20,000 pages for ``management``, here about 6,800 of 7,300. Triggers keep it in step with
  ``catalog_searchdocument`` (insert, update, delete, truncate), as FTS5's triggers do on SQLite; the vectors of
  migrations 0008 and 0009 and their indexes leave ``catalog_searchdocument``.
- SQLite: the covering index of migration 0008 (``catalog_credential_facets``) is dropped: the facet index
  (``catalog.facet_index``) reads the catalog once per change, and no search reads it.
"""

from django.db import migrations

VECTORS = (
    "to_tsvector('english'::regconfig, coalesce(NEW.title, '')),"
    " strip(setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'B'))"
)
PG_CREATE = [
    "CREATE TABLE catalog_searchvector (credential_id bigint PRIMARY KEY, title_vector tsvector NOT NULL,"
    " search_vector tsvector NOT NULL)",
    "INSERT INTO catalog_searchvector (credential_id, title_vector, search_vector)"
    " SELECT credential_id, title_vector, strip(search_vector) FROM catalog_searchdocument",
    "CREATE INDEX catalog_searchvector_gin ON catalog_searchvector USING gin (search_vector)",
    "CREATE FUNCTION catalog_searchvector_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"  # noqa: S608 - fixed
    " IF TG_OP = 'TRUNCATE' THEN TRUNCATE catalog_searchvector; RETURN NULL; END IF;"
    " IF TG_OP IN ('DELETE', 'UPDATE') THEN DELETE FROM catalog_searchvector WHERE credential_id = OLD.credential_id;"
    " END IF;"
    " IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    f" INSERT INTO catalog_searchvector (credential_id, title_vector, search_vector) VALUES (NEW.credential_id, {VECTORS});"
    " END IF;"
    " RETURN NULL; END $$",
    "CREATE TRIGGER catalog_searchvector_row AFTER INSERT OR UPDATE OR DELETE ON catalog_searchdocument"
    " FOR EACH ROW EXECUTE FUNCTION catalog_searchvector_sync()",
    "CREATE TRIGGER catalog_searchvector_truncate AFTER TRUNCATE ON catalog_searchdocument"
    " FOR EACH STATEMENT EXECUTE FUNCTION catalog_searchvector_sync()",
    "DROP INDEX IF EXISTS catalog_title_vector_gin",
    "DROP INDEX IF EXISTS catalog_search_vector_gin",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS search_vector",
]
PG_DROP = [
    "ALTER TABLE catalog_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX catalog_search_vector_gin ON catalog_searchdocument USING gin (search_vector)",
    "ALTER TABLE catalog_searchdocument ADD COLUMN title_vector tsvector GENERATED ALWAYS AS"
    " (to_tsvector('english'::regconfig, coalesce(title, ''))) STORED",
    "CREATE INDEX catalog_title_vector_gin ON catalog_searchdocument USING gin (title_vector)",
    "DROP TRIGGER IF EXISTS catalog_searchvector_truncate ON catalog_searchdocument",
    "DROP TRIGGER IF EXISTS catalog_searchvector_row ON catalog_searchdocument",
    "DROP FUNCTION IF EXISTS catalog_searchvector_sync()",
    "DROP TABLE IF EXISTS catalog_searchvector",
]
SQLITE_CREATE = ["DROP INDEX IF EXISTS catalog_credential_facets"]
SQLITE_DROP = [
    "CREATE INDEX IF NOT EXISTS catalog_credential_facets ON catalog_microcredential (provider_id, delivery_mode, pace,"
    " region, language, credit_type, cost, workload_hours, accreditation_status, status, skills_demand)",
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in PG_CREATE if vendor == "postgresql" else SQLITE_CREATE if vendor == "sqlite" else []:
        schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in PG_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_catalog_state")]

    operations = [migrations.RunPython(create, drop)]
