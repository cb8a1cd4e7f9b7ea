"""The catalog's state token (``catalog.facet_index``), and on PostgreSQL a stored title-only ``tsvector`` with its GIN
index: relevance ranks the matches whose title has a search word (found through it) before the others."""

from django.db import migrations, models

PG_CREATE = [
    "ALTER TABLE catalog_searchdocument ADD COLUMN title_vector tsvector GENERATED ALWAYS AS"
    " (to_tsvector('english'::regconfig, coalesce(title, ''))) STORED",
    "CREATE INDEX catalog_title_vector_gin ON catalog_searchdocument USING gin (title_vector)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS catalog_title_vector_gin",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS title_vector",
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The one row, there from the start: two first changes at once would otherwise both try to insert it.
    apps.get_model("catalog", "CatalogState").objects.using(schema_editor.connection.alias).create(pk=1, token="")
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_search_terms")]

    operations = [
        migrations.CreateModel(
            name="CatalogState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddIndex(
            model_name="microcredential",
            index=models.Index(fields=["status", "title", "id"], name="credential_status_title"),
        ),
        migrations.RunPython(create, drop),
    ]
