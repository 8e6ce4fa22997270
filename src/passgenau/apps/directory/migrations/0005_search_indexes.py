"""PostgreSQL only: the indexes of the public search (``selectors.search._fulltext``), a GIN
index on exactly the German text-search vector it builds, and a trigram index for its
every-word substring match; nothing on SQLite, which keeps its plain search."""

from django.db import migrations

VECTOR = "to_tsvector('german'::regconfig, COALESCE(search_document, ''))"
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS directory_service_search_fts ON directory_service "
    f"USING gin ({VECTOR})",
    "CREATE INDEX IF NOT EXISTS directory_service_search_trgm ON directory_service "
    "USING gin (search_document gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS directory_service_search_trgm",
    "DROP INDEX IF EXISTS directory_service_search_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_duplicates_decided")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
