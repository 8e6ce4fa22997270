"""On PostgreSQL the public search's words filter is answered from its indexes (migration
0005), not by reading every offer."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from passgenau.apps.directory.models import Service
from passgenau.apps.directory.selectors.search import _fulltext

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="PostgreSQL only (DATABASE_URL)",
    ),
    pytest.mark.django_db,
]


def test_the_words_search_uses_the_gin_indexes(directory):
    Service.objects.create(
        directory=directory, hsds_id="s1", name="Beratung", search_document="beratung fur migranten"
    )
    services = _fulltext(Service.objects.all(), "Beratungen")
    sql, params = services.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_service_search_fts" in plan, plan
    assert "directory_service_search_trgm" in plan, plan
    assert "Seq Scan on directory_service" not in plan, plan
    assert list(services) and services.get().hsds_id == "s1"
