"""Benchmark of the directory at the size of a Land: N offers (default 50,000) as HSDS, imported
into a database, exported again, searched, and analysed for duplicates. Prints one table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passgenau_bench python bench/directory.py
    python bench/directory.py --offers 5000          # a quick run (SQLite unless DATABASE_URL)

The database is migrated first; each run imports into a new directory ("bench-<time>"). Search times
are wall-clock per request through the search selector (what the public page calls), over a
fixed mix of queries: words, topic + language spoken, postcode + distance, open now + free.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

NAMES = [
    "Migrationsberatung für Erwachsene", "Deutschkurs A1", "Deutschkurs B2", "Sozialberatung",
    "Hausaufgabenhilfe", "Nähcafé", "Psychosoziale Beratung", "Wohnungssuche-Sprechstunde",
    "Bewerbungstraining", "Eltern-Kind-Gruppe", "Asylverfahrensberatung", "Frauenfrühstück",
]  # fmt: skip
TOPICS = ["migrationsberatung", "deutschkurs", "deutschkurs", "beratung", "schule", "begegnung",
          "psychosozial", "wohnen", "arbeit", "familie", "recht", "begegnung"]  # fmt: skip
LANGUAGES = ["de", "ar", "fa", "uk", "ru", "tr", "ku", "ti", "en", "fr"]
DAYS = ["MO", "TU", "WE", "TH", "FR"]


def dataset(offers: int, seed: int = 5):
    from passgenau.apps.directory.topics import topics_data
    from passgenau.engine import hsds

    rng = random.Random(seed)
    topic_ids = {t["code"]: t["id"] for t in topics_data()["terms"]}
    data = hsds.Dataset()
    towns = [(f"{30000 + 11 * i:05d}", f"Ort {i}", 51.0 + rng.random() * 2, 8.0 + rng.random() * 3)
             for i in range(max(1, offers // 100))]  # fmt: skip
    new = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))  # noqa: E731
    org_ids = []
    for i in range(max(1, offers // 10)):
        org_id = new()
        org_ids.append(org_id)
        data.add("organizations", {"id": org_id, "name": f"Träger {i} e.V.", "description": "x"})
    for i in range(offers):
        k = rng.randrange(len(NAMES))
        postcode, town, lat, lon = rng.choice(towns)
        sid, lid = new(), new()
        org = rng.choice(org_ids)
        data.add("services", {"id": sid, "organization_id": org, "name": f"{NAMES[k]} {town}",
                              "description": f"{NAMES[k]} in {town}", "status": "active",
                              "assured_date": "2026-06-01"})  # fmt: skip
        data.add("locations", {"id": lid, "location_type": "physical", "organization_id": org,
                               "latitude": lat + rng.gauss(0, 0.02),
                               "longitude": lon + rng.gauss(0, 0.02)})  # fmt: skip
        data.add("addresses", {"id": new(), "location_id": lid, "address_1": f"Hauptstraße {i}",
                               "city": town, "state_province": "NI", "postal_code": postcode,
                               "country": "DE", "address_type": "physical"})  # fmt: skip
        data.add("service_at_location", {"id": new(), "service_id": sid, "location_id": lid})
        data.add("phones", {"id": new(), "service_id": sid, "number": f"0{5000 + i % 900} {i}"})
        data.add("schedules", {"id": new(), "service_id": sid, "freq": "WEEKLY",
                               "byday": ",".join(rng.sample(DAYS, 2)), "opens_at": "09:00",
                               "closes_at": "16:00"})  # fmt: skip
        for code in {"de", *rng.sample(LANGUAGES, 2)}:
            data.add("languages", {"id": new(), "service_id": sid, "code": code})
        data.add("attributes", {"id": new(), "link_id": sid, "link_entity": "service",
                                "taxonomy_term_id": topic_ids[TOPICS[k]]})  # fmt: skip
        if rng.random() < 0.7:
            data.add("cost_options", {"id": new(), "service_id": sid, "amount": 0})
    return data, towns


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from passgenau.apps.directory.models import Directory
    from passgenau.apps.directory.selectors.search import SearchQuery, offers_search
    from passgenau.apps.directory.services.hsds_io import (
        directory_export_hsds,
        directory_import_hsds,
    )
    from passgenau.engine.directory import find_duplicates, offer_records_from_hsds
    from passgenau.engine.hsds import read_hsds_csv

    call_command("migrate", verbosity=0)
    rows = []
    start = time.perf_counter()
    data, towns = dataset(args.offers)
    rows.append(("generate HSDS tables", time.perf_counter() - start, sum(data.count().values())))
    slug = f"bench-{int(time.time())}"  # a fresh directory each run (offers protect theirs)
    directory = Directory.objects.create(name="Bench", slug=slug)
    start = time.perf_counter()
    directory_import_hsds(directory=directory, dataset=data)
    rows.append(("import (one transaction)", time.perf_counter() - start, args.offers))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        directory_export_hsds(directory=directory, out_dir=Path(out))
        rows.append(("export CSV package + JSON", time.perf_counter() - start, args.offers))
        start = time.perf_counter()
        exported = read_hsds_csv(Path(out))
        pairs = find_duplicates(offer_records_from_hsds(exported))
        rows.append(("duplicates (read + analyse)", time.perf_counter() - start, len(pairs)))
    rng = random.Random(1)
    queries = []
    for i in range(args.queries):
        kind = i % 4
        if kind == 0:
            queries.append(SearchQuery(words=rng.choice(["beratung", "deutschkurs", "nähcafé"])))
        elif kind == 1:
            queries.append(SearchQuery(topic=rng.choice(TOPICS), language=rng.choice(LANGUAGES)))
        elif kind == 2:
            queries.append(SearchQuery(place=rng.choice(towns)[0], max_km=15))
        else:
            queries.append(SearchQuery(open_now=True, free=True, topic="beratung"))
    times = []
    for query in queries:
        start = time.perf_counter()
        offers_search(directory=directory, query=query, language="ar")
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"directory benchmark: {args.offers} offers on {connection.vendor}")
    print("| step | seconds | count |\n|---|---:|---:|")
    for name, seconds, count in rows:
        print(f"| {name} | {seconds:.1f} | {count} |")
    print(f"| public search p50 | {p50 / 1000:.3f} | {len(times)} queries |")
    print(f"| public search p95 | {p95 / 1000:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
