"""The offer's German text-search vector as a stored column (PostgreSQL; NULL elsewhere) with its
GIN index, instead of the index on the expression (0005): the search's condition "the vector
matches or every word is a substring" then needs no vector computed per row (docs/adr/0010)."""

import importlib

import django.contrib.postgres.search
from django.db import migrations, models

import passgenau.apps.directory.models

FORWARD = [
    "CREATE INDEX IF NOT EXISTS directory_service_search_vector ON directory_service "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS directory_service_search_fts",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS directory_service_search_fts ON directory_service "
    "USING gin (to_tsvector('german'::regconfig, COALESCE(search_document, '')))",
    "DROP INDEX IF EXISTS directory_service_search_vector",
]


# PostgreSQL only, nothing elsewhere: 0005's runner of its index statements
_run = importlib.import_module("passgenau.apps.directory.migrations.0005_search_indexes")._run


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_search_by_place_indexes")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=passgenau.apps.directory.models.GermanSearchVector("search_document"),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
                verbose_name="search vector",
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
