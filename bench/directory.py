"""Benchmark of the directory at the size of a Land: N offers (default 50,000) as HSDS, imported
into a database, exported again, searched, and analysed for duplicates. Prints one table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passgenau_bench python bench/directory.py
    python bench/directory.py --offers 5000          # a quick run (SQLite unless DATABASE_URL)

    python bench/directory.py --reuse                # search only, on the last bench directory

The database is migrated first; each run imports into a new directory ("bench-<time>"); ``--reuse``
searches the newest bench directory of ``--offers`` offers again instead (no import, export or
duplicate analysis). Search times are wall-clock per request, each kind of query (words, topic +
language spoken, postcode + distance, open now + free, postcode without a distance, every filter
at once) through the search selector and through the public page (form, selector, template: what
a reader waits for), and the HSDS ``/services`` API with ``search``; p50 and p95 per kind, and the
number of database queries of one request. "Now" (open now, not confirmed recently) is the next
Tuesday at 10:30 local time, for the selector and the page alike, whatever the clock says.
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
from unittest import mock

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


KINDS = {
    "words": "words",
    "topic + language": "topic + language spoken",
    "postcode + km": "postcode + 15 km",
    "open now + free": "open now + free + topic",
    "postcode, no km": "postcode, nearest first (no km)",
    "all filters": "words + topic + language + postcode + km + open now + free + barrier-free",
}


def queries_of(kind: str, rng: random.Random, towns) -> tuple[dict[str, object], dict[str, str]]:
    """One query of ``kind``: the selector's SearchQuery fields and the page's GET parameters."""
    if kind == "words":
        word = rng.choice(["beratung", "deutschkurs", "nähcafé"])
        return {"words": word}, {"q": word}
    if kind == "topic + language":
        topic, language = rng.choice(TOPICS), rng.choice(LANGUAGES)
        return {"topic": topic, "language": language}, {"topic": topic, "language": language}
    if kind == "postcode + km":
        postcode = rng.choice(towns)[0]
        return {"place": postcode, "max_km": 15}, {"place": postcode, "km": "15"}
    if kind == "open now + free":
        return (
            {"open_now": True, "free": True, "topic": "beratung"},
            {"open_now": "on", "free": "on", "topic": "beratung"},
        )
    if kind == "postcode, no km":
        postcode = rng.choice(towns)[0]
        return {"place": postcode}, {"place": postcode}
    postcode, language = rng.choice(towns)[0], rng.choice(LANGUAGES)
    return (
        {"words": "beratung", "topic": "beratung", "language": language, "place": postcode,
         "max_km": 30, "open_now": True, "free": True, "barrier_free": False},
        {"q": "beratung", "topic": "beratung", "language": language, "place": postcode,
         "km": "30", "open_now": "on", "free": "on"},
    )  # fmt: skip


def weekday_morning():
    """The next Tuesday, 10:30 local time: the bench's "now", so that "open now" finds the offers
    open on a weekday morning (by the real clock, in the evening or at a weekend, none is)."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    return timezone.make_aware(dt.datetime.combine(tuesday, dt.time(10, 30)))


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def reused(offers: int):
    """The newest bench directory with ``offers`` offers, and its towns (postcodes)."""
    from django.db.models import Count

    from passgenau.apps.directory.models import Directory

    found = (
        Directory.objects.filter(slug__startswith="bench-")
        .annotate(n=Count("services"))
        .filter(n=offers)
        .order_by("-slug")
        .first()
    )
    if found is None:
        raise SystemExit(f"no bench directory with {offers} offers: run once without --reuse")
    towns = [(f"{30000 + 11 * i:05d}",) for i in range(max(1, offers // 100))]  # as dataset()
    return found, towns


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=50, help="per kind of query")
    parser.add_argument("--reuse", action="store_true", help="search the last bench directory")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

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
    if args.reuse:
        directory, towns = reused(args.offers)
    else:
        start = time.perf_counter()
        data, towns = dataset(args.offers)
        rows.append(
            ("generate HSDS tables", time.perf_counter() - start, sum(data.count().values()))
        )
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
    if connection.vendor == "postgresql":
        # what autovacuum does soon after an import (it rewrites every offer once, leaving as
        # many dead rows), here at once: it may be off on a test server, or not yet have run
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    now = weekday_morning()
    # the page asks the clock (``offers_search`` without ``now``): it reads the same time
    frozen = mock.patch("django.utils.timezone.now", return_value=now)
    client = Client(SERVER_NAME="localhost")
    url = reverse("directory:search", args=[directory.slug])
    rng = random.Random(1)
    searches = []  # (what, kind, milliseconds, queries)
    matches: dict[str, list[int]] = {}  # kind → the selector's number of matches (median shown)
    for kind in KINDS:
        for _ in range(args.queries):
            fields, params = queries_of(kind, rng, towns)
            query = SearchQuery(**fields)  # type: ignore[arg-type]
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                _views, _place, total = offers_search(
                    directory=directory, query=query, language="ar", now=now
                )
                searches.append(("selector", kind, (time.perf_counter() - start) * 1000,
                                 len(captured.captured_queries)))  # fmt: skip
            matches.setdefault(kind, []).append(total)
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                with frozen:
                    response = client.get(url, {**params, "lang": "ar"})
                searches.append(("page", kind, (time.perf_counter() - start) * 1000,
                                 len(captured.captured_queries)))  # fmt: skip
            assert response.status_code == 200, response.status_code
    for _ in range(args.queries):
        word = rng.choice(["beratung", "deutschkurs", "nähcafé"])
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(
                "/api/v1/hsds/services", {"search": word, "directory": directory.slug}
            )
            searches.append(("API /services", "search", (time.perf_counter() - start) * 1000,
                             len(captured.captured_queries)))  # fmt: skip
        assert response.status_code == 200, response.status_code
    print(f"directory benchmark: {args.offers} offers on {connection.vendor}, "
          f"now = {now:%a %d %b %Y %H:%M}")  # fmt: skip
    if rows:
        print("| step | seconds | count |\n|---|---:|---:|")
        for name, seconds, count in rows:
            print(f"| {name} | {seconds:.1f} | {count} |")
        print()
    print("| search | query | p50 s | p95 s | queries | db queries per request | matches |")
    print("|---|---|---:|---:|---:|---:|---:|")
    every = []
    for what in ("selector", "page", "API /services"):
        for kind in [*KINDS, "search"]:
            times = [ms for w, k, ms, _n in searches if w == what and k == kind]
            if not times:
                continue
            counts = sorted({n for w, k, _ms, n in searches if w == what and k == kind})
            p50, p95 = percentiles(times)
            label = KINDS.get(kind, "search words")
            span = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
            found = statistics.median(matches[kind]) if kind in matches else ""
            print(f"| {what} | {label} | {p50 / 1000:.3f} | {p95 / 1000:.3f} | {len(times)} "
                  f"| {span} | {found} |")  # fmt: skip
            if what == "page":
                every += times
    p50, p95 = percentiles(every)
    print(f"| page | every kind | {p50 / 1000:.3f} | {p95 / 1000:.3f} | {len(every)} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
