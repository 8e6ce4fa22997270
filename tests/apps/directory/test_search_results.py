"""The public search gives the offers a plain reading of its rules gives: every filter, the
number of all matches (not only of a first slice), nearest first over all offers with the
Gemeinde's seat for a location without coordinates, within a distance or without one (the
circle grown until the page is full), by name otherwise. Computed here from the rows, in Python,
and compared with the search's database work (indexes, a box around the place, a union of the
two words searches on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from django.utils import timezone

from passgenau.apps.directory.models import (
    Directory,
    Location,
    Service,
    ServiceAtLocation,
    ServiceHours,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from passgenau.apps.directory.selectors.search import (
    VISIBLE,
    SearchQuery,
    _origin,
    offers_search,
)
from passgenau.apps.directory.topics import topics_load
from passgenau.apps.territories.demo import territories_load_demo
from passgenau.apps.territories.models import Gemeinde
from passgenau.engine.directory import bounding_box, distance_km

pytestmark = pytest.mark.django_db

WORDS = ["beratung", "deutschkurs", "nahcafe", "sprechstunde", "kurs"]
LANGUAGES = ["de", "ar", "fa", "uk", "tr"]
NOW = timezone.make_aware(dt.datetime(2026, 12, 3, 11, 30))  # a Thursday


def _offers(rng: random.Random, count: int = 160) -> Directory:
    territories_load_demo()
    topics_load(Taxonomy, TaxonomyTerm)
    seats = list(Gemeinde.objects.filter(latitude__isnull=False))
    terms = list(TaxonomyTerm.objects.filter(taxonomy__directory=None))
    directory = Directory.objects.create(name="Zufall", slug="zufall")
    for i in range(count):
        word = rng.choice(WORDS)
        name = f"{word}{i:03d}"  # lower-case letters and digits: the same order in any collation
        service = Service.objects.create(
            directory=directory,
            hsds_id=f"s{i}",
            name=name,
            status=rng.choice([*VISIBLE, *VISIBLE, "active", "inactive"]),
            free_of_charge=rng.random() < 0.5,
            target_groups=rng.sample(["women", "families", "youth"], rng.randint(0, 2)),
            search_document=f"{name} {word} angebot",
        )
        service.topics.set(rng.sample(terms, rng.randint(0, 2)))
        for code in rng.sample(LANGUAGES, rng.randint(0, 3)):
            ServiceLanguage.objects.create(service=service, code=code)
        for _ in range(rng.randint(0, 2)):
            ServiceHours.objects.create(
                service=service,
                weekday=rng.randint(1, 7),
                opens_at=dt.time(rng.randint(8, 12)),
                closes_at=dt.time(rng.randint(13, 18)),
            )
        for j in range(rng.choice([0, 1, 1, 1, 2])):
            far = rng.random() < 0.15  # a second cluster some 450 km away
            lat, lon = (48.1, 11.5) if far else (52.1, 10.3)
            kind = rng.random()
            location = Location.objects.create(
                directory=directory,
                hsds_id=f"l{i}-{j}",
                postcode="80331" if far else rng.choice(["38226", "38259", "38239"]),
                latitude=None if kind < 0.15 else lat + rng.gauss(0, 0.15),
                longitude=None if kind < 0.2 else lon + rng.gauss(0, 0.15),
                gemeinde=rng.choice(seats) if rng.random() < 0.5 else None,
                barrier_free=rng.random() < 0.3,
            )
            ServiceAtLocation.objects.create(service=service, location=location)
    return directory


def _reference(directory: Directory, query: SearchQuery, limit: int) -> tuple[list[int], int]:
    """The ids of the page and the number of all matches, from the rows."""
    local = timezone.localtime(NOW)
    chosen = []
    for s in Service.objects.filter(directory=directory, status__in=VISIBLE).order_by("pk"):
        topics = set(s.topics.values_list("pk", flat=True))
        places = list(s.at_locations.select_related("location__gemeinde"))
        hours = list(s.hours.all())
        if query.words and not all(w in s.search_document for w in query.words.split()):
            continue
        if query.topic:
            term = TaxonomyTerm.objects.get(code=query.topic)
            if not topics & {term.pk, *term.children.values_list("pk", flat=True)}:
                continue
        if query.language and not s.spoken.filter(code=query.language).exists():
            continue
        if query.target_group and query.target_group not in s.target_groups:
            continue
        if query.free and not s.free_of_charge:
            continue
        if query.barrier_free and not any(p.location.barrier_free for p in places):
            continue
        if query.open_now and not any(
            h.weekday == local.isoweekday() and h.opens_at <= local.time() < h.closes_at
            for h in hours
        ):
            continue
        chosen.append((s, places))
    if not query.place:
        by_name = sorted((s for s, _ in chosen), key=lambda s: (s.name, s.pk))
        return [s.pk for s in by_name[:limit]], len(chosen)
    origin = _origin(query.place)
    assert origin is not None
    near = []
    for s, places in chosen:
        distances = []
        for p in places:
            lat, lon = p.location.latitude, p.location.longitude
            if lat is None and p.location.gemeinde and p.location.gemeinde.latitude is not None:
                lat, lon = float(p.location.gemeinde.latitude), float(p.location.gemeinde.longitude)
            if lat is not None and lon is not None:
                distances.append(distance_km(origin.latitude, origin.longitude, lat, lon))
        if distances and (query.max_km is None or min(distances) <= query.max_km):
            near.append((min(distances), s.pk))
    near.sort()
    return [pk for _d, pk in near[:limit]], len(near)


QUERIES = [
    SearchQuery(),
    SearchQuery(words="kurs"),
    SearchQuery(words="beratung angebot"),
    SearchQuery(topic="sprache"),  # a parent term: its children count
    SearchQuery(language="ar", free=True),
    SearchQuery(target_group="women", barrier_free=True),
    SearchQuery(open_now=True),
    SearchQuery(place="38259", max_km=10),
    SearchQuery(place="38259", max_km=600),
    SearchQuery(place="38259"),
    SearchQuery(place="80331"),  # the small cluster far away: the circle grows to fill a page
    SearchQuery(place="80331", max_km=30, language="de"),
    SearchQuery(words="kurs", place="38226", open_now=True, free=True),
]


@pytest.mark.parametrize("limit", [5, 50])
def test_every_filter_the_total_and_the_order_are_those_of_the_rows(limit):
    directory = _offers(random.Random(12))
    for query in QUERIES:
        views, _place, total = offers_search(
            directory=directory, query=query, language="de", now=NOW, limit=limit
        )
        ids, expected_total = _reference(directory, query, limit)
        assert [v.service.pk for v in views] == ids, query
        assert total == expected_total, query
        assert all((v.distance_km is not None) == bool(query.place) for v in views)


def test_the_page_far_from_most_offers_is_the_nearest_of_all():
    directory = _offers(random.Random(3))
    views, place, total = offers_search(
        directory=directory, query=SearchQuery(place="80331"), language="de", now=NOW, limit=40
    )
    assert place is not None and total > 40
    distances = [v.distance_km for v in views]
    assert distances == sorted(distances) and max(distances) > 100  # beyond the first circle


def test_the_box_around_a_place_holds_every_point_within_the_distance():
    rng = random.Random(7)
    for _ in range(20000):
        lat, lon, km = rng.uniform(-80, 80), rng.uniform(-179, 179), rng.choice([1, 15, 200])
        box = bounding_box(lat, lon, km)
        assert box is not None
        south, north, west, east = box
        other = (lat + rng.uniform(-3, 3), lon + rng.uniform(-6, 6))
        inside = abs(other[0]) < 90 and -180 <= other[1] <= 180
        if inside and distance_km(lat, lon, *other) <= km:
            assert south <= other[0] <= north and west <= other[1] <= east
    assert bounding_box(89.9, 0, 50) is None  # reaches the pole: no box
    assert bounding_box(0, 179.9, 50) == pytest.approx((-0.4497, 0.4497, -180, 180), abs=1e-3)


def test_more_than_five_thousand_matches_are_all_counted_and_all_near_ones_found():
    """The search looked at the first 5,000 matches by name only: it counted no more, and the
    offer nearest to a place was missing when its name came later."""
    directory = Directory.objects.create(name="Land", slug="land")
    count = 5_010
    services = Service.objects.bulk_create(
        Service(directory=directory, hsds_id=f"s{i}", name=f"angebot{i:05d}") for i in range(count)
    )
    locations = Location.objects.bulk_create(
        Location(
            directory=directory,
            hsds_id=f"l{i}",
            postcode="99999" if i == count - 1 else "11111",
            latitude=52.0 if i == count - 1 else 50.0 + i / 10_000,
            longitude=10.0,
        )
        for i in range(count)
    )
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(service=s, location=loc) for s, loc in zip(services, locations)
    )
    _views, _place, total = offers_search(directory=directory, query=SearchQuery(), language="de")
    assert total == count
    views, place, total = offers_search(
        directory=directory, query=SearchQuery(place="99999", max_km=5), language="de"
    )
    assert place is not None and total == 1
    assert [v.service.name for v in views] == [f"angebot{count - 1:05d}"]


def test_the_hsds_api_lists_an_offer_of_two_matching_topics_once(client):
    from directory_helpers import make_directory

    make_directory()
    taxonomy = Taxonomy.objects.get(directory=None)
    service = Service.objects.filter(status="active").order_by("pk").first()
    service.topics.add(*TaxonomyTerm.objects.filter(taxonomy=taxonomy)[:2])
    page = client.get(
        "/api/v1/hsds/services", {"taxonomy_id": taxonomy.hsds_id, "per_page": 200}
    ).json()
    ids = [s["id"] for s in page["contents"]]
    expected = Service.objects.filter(status__in=VISIBLE, topics__taxonomy=taxonomy).distinct()
    assert len(ids) == len(set(ids)) == page["total_items"] == expected.count()
    assert service.hsds_id in ids
    term = service.topics.first()
    page = client.get("/api/v1/hsds/services", {"taxonomy_term_id": term.hsds_id}).json()
    assert page["total_items"] == Service.objects.filter(status__in=VISIBLE, topics=term).count()


def _scattered(rng: random.Random, count: int) -> Directory:
    """Offers from 100 m to some 400 km around one point, several at the very same place (a
    tie, decided by id), and locations that lack coordinates in each way: no latitude, no
    longitude, the Gemeinde's seat standing in, a Gemeinde without a seat, no location."""
    territories_load_demo()
    seats = list(Gemeinde.objects.filter(latitude__isnull=False)[:3])
    seatless = seats[0]
    Gemeinde.objects.filter(pk=seatless.pk).update(latitude=None, longitude=None)
    directory = Directory.objects.create(name="Streu", slug="streu")
    spot = (52.1 + rng.gauss(0, 0.3), 10.3 + rng.gauss(0, 0.3))
    for i in range(count):
        service = Service.objects.create(directory=directory, hsds_id=f"s{i}", name=f"o{i:03d}")
        for j in range(rng.choice([0, 1, 1, 1, 2])):
            kind = rng.random()
            if kind < 0.1:
                lat, lon = spot  # ties
            else:
                km, bearing = 10 ** rng.uniform(-1, 2.6), rng.uniform(0, 6.283)
                lat = 52.1 + km / 111.2 * math.cos(bearing)
                lon = 10.3 + km / (111.2 * math.cos(math.radians(52.1))) * math.sin(bearing)
            location = Location.objects.create(
                directory=directory,
                hsds_id=f"l{i}-{j}",
                postcode="38259" if i % 7 == 0 else "38226",
                latitude=None if 0.1 <= kind < 0.2 else lat,
                longitude=None if 0.1 <= kind < 0.25 else lon,
                gemeinde=rng.choice([None, seatless, *seats[1:]]),
            )
            ServiceAtLocation.objects.create(service=service, location=location)
    return directory


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_first_without_a_distance_is_the_order_of_sorting_every_offer(seed):
    """The circle grown from a small radius (by up to 8 times where it finds few) and the count
    from the offers with any location less those whose every location lacks coordinates give
    the page and the number of a sort of every offer by distance (then id)."""
    directory = _scattered(random.Random(seed), 120)
    for place in ("38259", "38226"):
        for limit in (1, 7, 50, 200):
            query = SearchQuery(place=place)
            views, _place, total = offers_search(
                directory=directory, query=query, language="de", now=NOW, limit=limit
            )
            ids, expected_total = _reference(directory, query, limit)
            assert [v.service.pk for v in views] == ids, (place, limit)
            assert total == expected_total, (place, limit)
            distances = [v.distance_km for v in views]
            assert distances == sorted(distances)


def test_the_page_of_50_results_costs_the_queries_of_one_and_shows_each_card(client):
    """The results page reads a fixed number of queries, whatever the number of cards; each card
    shows its offer's opening hours and languages spoken, made in the page's language."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation
    from django.utils.dates import WEEKDAYS

    directory = _offers(random.Random(7))
    url = reverse("directory:search", args=[directory.slug])
    one = Service.objects.filter(status__in=VISIBLE, hours__isnull=False, spoken__isnull=False)
    offer = one.distinct().order_by("pk").first()
    counts, pages = [], []
    for words in ("angebot", offer.name):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"q": words, "lang": "uk"})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        pages.append(response.content.decode())
    assert [page.count('<li class="result">') for page in pages] == [50, 1]
    assert counts[0] == counts[1]
    card = pages[1].split('<li class="result">')[1]
    with translation.override("uk"):
        hours = "; ".join(
            f"{WEEKDAYS[h.weekday - 1]} {h.opens_at:%H:%M}–{h.closes_at:%H:%M}"
            for h in offer.hours.all()
        )
    assert f"<p>Відчинено: {hours}</p>" in card
    for code in offer.spoken.values_list("code", flat=True):
        assert f'<span lang="{code}">' in card
