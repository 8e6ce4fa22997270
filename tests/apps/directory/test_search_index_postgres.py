"""On PostgreSQL the public search's words filter is answered from its indexes (migrations 0005,
0010), not by reading every offer, and never computes a text-search vector per row: the offer
keeps it (``Service.search_vector``, docs/adr/0010)."""

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
    assert "directory_service_search_vector" in plan, plan
    assert "directory_service_search_trgm" in plan, plan
    assert "Seq Scan on directory_service" not in plan, plan
    # one scan of the offers for both halves, the stored vector read, none computed
    assert plan.count("Heap Scan on directory_service") == 1, plan
    assert "to_tsvector" not in plan, plan
    assert list(services) and services.get().hsds_id == "s1"


def test_the_stored_vector_follows_the_search_text(directory):
    """The vector is the database's own (a generated column): written with the text by a save,
    a bulk write of the import, or an UPDATE; the stemmed search finds the new words only."""
    service = Service.objects.create(
        directory=directory, hsds_id="s1", name="Kurs", search_document="deutschkurs am abend"
    )
    assert _fulltext(Service.objects.all(), "Beratungen").count() == 0
    Service.objects.filter(pk=service.pk).update(search_document="beratung fur familien")
    assert list(_fulltext(Service.objects.all(), "Beratungen")) == [service]
    assert _fulltext(Service.objects.all(), "Abende").count() == 0
    (created,) = Service.objects.bulk_create(
        [Service(directory=directory, hsds_id="s2", name="Abend", search_document="abend")]
    )
    assert list(_fulltext(Service.objects.all(), "Abende")) == [created]


@pytest.mark.django_db(transaction=True)
def test_the_language_and_topic_filters_read_only_their_indexes():
    """Topic and language spoken (migration 0011): the offers of each read from an index alone
    (an index-only scan after VACUUM), not row by row from the tables; same offers."""
    from passgenau.apps.directory.models import Directory, ServiceLanguage, Taxonomy, TaxonomyTerm
    from passgenau.apps.directory.selectors.search import SearchQuery, offers_matching
    from passgenau.apps.directory.topics import topics_load

    topics_load(Taxonomy, TaxonomyTerm)
    directory = Directory.objects.create(name="Salzgitter", slug="salzgitter")
    terms = list(TaxonomyTerm.objects.filter(taxonomy__directory=None, parent=None))[:4]
    services = Service.objects.bulk_create(
        [Service(directory=directory, hsds_id=f"s{i}", name=f"o{i}") for i in range(3000)]
    )
    ServiceLanguage.objects.bulk_create(
        [
            ServiceLanguage(service=s, code=["ar", "fa", "uk", "de"][i % 4])
            for i, s in enumerate(services)
        ]
    )
    Through = Service.topics.through
    Through.objects.bulk_create(
        [Through(service_id=s.pk, taxonomyterm_id=terms[i % 3].pk) for i, s in enumerate(services)]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE directory_service")
        cursor.execute("VACUUM ANALYZE directory_servicelanguage")
        cursor.execute("VACUUM ANALYZE directory_service_topics")
    query = SearchQuery(topic=terms[0].code, language="ar")
    services_found = offers_matching(directory=directory, query=query)
    sql, params = services_found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_bitmapscan")
    assert "Index Only Scan using directory_language_offers" in plan, plan
    assert "Index Only Scan using directory_topic_offers" in plan, plan
    expected = {s.pk for i, s in enumerate(services) if i % 4 == 0 and i % 3 == 0}
    assert {s.pk for s in services_found} == expected
