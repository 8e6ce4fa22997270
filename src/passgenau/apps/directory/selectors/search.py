"""The public search: offers of a directory (a Kreis' directory includes its Gemeinden's), by
words, topic, language spoken, place and distance, target group, open now, free of charge and
barrier-free, in the reader's language with German as the marked fallback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from passgenau.apps.territories.models import Gemeinde, fold_name
from passgenau.engine.directory import bounding_box, distance_km

from ..models import (
    Directory,
    HsdsRecord,
    Location,
    Service,
    ServiceAtLocation,
    ServiceHours,
    ServiceLanguage,
    ServiceStatus,
    ServiceText,
    TaxonomyTerm,
)

__all__ = [
    "OfferView",
    "SearchQuery",
    "directories_public",
    "directory_get",
    "directory_languages",
    "directory_scope",
    "offer_get_public",
    "offers_matching",
    "offers_search",
    "topics_list",
]

# The reading choice Einfache Sprache: a private-use variant of German (BCP 47), the texts being
# ServiceText rows of language "de" with easy_language; the interface stays German.
SIMPLE_GERMAN = "de-x-simple"
VISIBLE = [ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED]
PHONES = HsdsRecord.objects.filter(table="phones")
SAL_WITH_PLACES = ServiceAtLocation.objects.select_related("location", "location__gemeinde")


def directories_public() -> QuerySet[Directory]:
    return Directory.objects.select_related("kreis", "gemeinde").order_by("name")


def directory_get(*, slug: str) -> Directory | None:
    return Directory.objects.select_related("kreis", "gemeinde").filter(slug=slug).first()


def directory_scope(directory: Directory) -> list[int]:
    """The directory and, for a Kreis, the directories of its Gemeinden."""
    ids = [directory.pk]
    if directory.kreis_id:
        ids += list(
            Directory.objects.filter(gemeinde__kreis_id=directory.kreis_id).values_list(
                "pk", flat=True
            )
        )
    return ids


def directory_languages(directory: Directory | None) -> list[str]:
    """The languages a directory is read in: German, then those it keeps its texts in (all of
    the public directory's when it names none, or for no directory)."""
    kept = [
        c for c in (directory.languages if directory else []) if c in settings.DIRECTORY_LANGUAGES
    ]
    return ["de", *[c for c in (kept or settings.DIRECTORY_LANGUAGES) if c != "de"]]


def topics_list() -> list[TaxonomyTerm]:
    """The shipped topics, parents first."""
    return list(TaxonomyTerm.objects.filter(taxonomy__directory=None).order_by("pk"))


@dataclass(frozen=True)
class SearchQuery:
    words: str = ""
    topic: str = ""  # term code or HSDS id
    language: str = ""
    place: str = ""  # postcode or Gemeinde name
    max_km: float | None = None
    target_group: str = ""
    open_now: bool = False
    free: bool = False
    barrier_free: bool = False


@dataclass
class OfferView:
    """An offer as a result shows it: the text in the reader's language or German (marked)."""

    service: Service
    name: str
    description: str
    text_language: str
    fallback: bool
    stale: bool
    distance_km: float | None = None
    locations: list[Any] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    hours: list[ServiceHours] = field(default_factory=list)
    topics: list[TaxonomyTerm] = field(default_factory=list)


def _place(text: str) -> Gemeinde | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        found = Gemeinde.objects.filter(postcode=text, latitude__isnull=False).first()
        if found is not None:
            return found
        # a postcode of a location in the directory: use its Gemeinde
        return (
            Gemeinde.objects.filter(directory_locations__postcode=text, latitude__isnull=False)
            .distinct()
            .first()
        )
    folded = fold_name(text)
    return (
        Gemeinde.objects.filter(Q(name_folded=folded) | Q(name_folded__startswith=folded + ","))
        .filter(latitude__isnull=False)
        .order_by("-population")
        .first()
    )


@dataclass(frozen=True)
class Point:
    name: str
    latitude: float
    longitude: float


def _origin(text: str) -> Point | None:
    """Where distances are measured from: for a postcode of the directory's own locations the
    middle of those locations (a city has many postcodes, the Gemeinde only its seat's), else
    the Gemeinde's coordinates."""
    text = text.strip()
    if text.isdigit() and len(text) == 5:
        found = Location.objects.filter(postcode=text, latitude__isnull=False).values_list(
            "latitude", "longitude", "city"
        )[:500]
        rows = [(lat, lon, city) for lat, lon, city in found if lat is not None and lon is not None]
        if rows:
            lat = sum(r[0] for r in rows) / len(rows)
            lon = sum(r[1] for r in rows) / len(rows)
            return Point(f"{text} {rows[0][2]}".strip(), lat, lon)
    gemeinde = _place(text)
    if gemeinde is None or (seat := gemeinde.coordinates()) is None:
        return None
    return Point(gemeinde.name, *seat)


def _words_filter(words: str) -> Q:
    """Every word in the search text (folded), on any database."""
    condition = Q()
    for word in fold_name(words).split()[:8]:
        condition &= Q(search_document__contains=word)
    return condition


def _fulltext(queryset: QuerySet[Service], words: str) -> QuerySet[Service]:
    """PostgreSQL: German full-text search (stemming: "Beratungen" finds "Beratung") or every
    word as a substring of the folded search text; elsewhere only the latter. On PostgreSQL one
    condition, each half answered from its GIN index (``directory_service_search_vector`` on the
    stored vector ``Service.search_vector``, ``directory_service_search_trgm`` of migration 0005
    for the substrings): the database joins both indexes' rows and reads each offer once, and
    rechecking a row matches the stored vector instead of computing the German vector of each
    candidate again (docs/adr/0010)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery as PgQuery

        query = PgQuery(words, config="german", search_type="websearch")
        return queryset.filter(_words_filter(words) | Q(search_vector=query))
    return queryset.filter(_words_filter(words))


def _has_topic(term_ids: list[int]) -> Exists:
    return Exists(
        Service.topics.through.objects.filter(
            service_id=OuterRef("pk"), taxonomyterm_id__in=term_ids
        )
    )


def offers_matching(
    *, directory: Directory, query: SearchQuery, now: dt.datetime | None = None
) -> QuerySet[Service] | None:
    """The visible offers of the directory's scope matching every filter of ``query`` but the
    place; each offer once (the filters on related rows are EXISTS, no join to de-duplicate).
    None for a topic that does not exist."""
    services = Service.objects.filter(
        directory_id__in=directory_scope(directory), status__in=VISIBLE
    )
    if query.words.strip():
        services = _fulltext(services, query.words)
    if query.topic:
        term = TaxonomyTerm.objects.filter(Q(code=query.topic) | Q(hsds_id=query.topic)).first()
        if term is None:
            return None
        services = services.filter(
            _has_topic([term.pk, *term.children.values_list("pk", flat=True)])
        )
    if query.language:
        services = services.filter(
            Exists(ServiceLanguage.objects.filter(service=OuterRef("pk"), code=query.language))
        )
    if query.target_group:
        # a JSON list of codes: '"women"' appears in it exactly when the code is listed
        services = services.filter(target_groups__icontains=f'"{query.target_group}"')
    if query.free:
        services = services.filter(free_of_charge=True)
    if query.barrier_free:
        services = services.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service=OuterRef("pk"), location__barrier_free=True
                )
            )
        )
    if query.open_now:
        local = timezone.localtime(now)
        services = services.filter(
            Exists(
                ServiceHours.objects.filter(
                    service=OuterRef("pk"),
                    weekday=local.isoweekday(),
                    opens_at__lte=local.time(),
                    closes_at__gt=local.time(),
                )
            )
        )
    return services


def _located() -> tuple[Q, Q]:
    """Locations with coordinates of their own, and those without but with their Gemeinde's
    (its seat stands in): two conditions on ServiceAtLocation, each served by its own index."""
    own = Q(location__latitude__isnull=False, location__longitude__isnull=False)
    seat = Q(
        location__latitude__isnull=True,
        location__gemeinde__latitude__isnull=False,
        location__gemeinde__longitude__isnull=False,
    )
    return own, seat


def _located_count(services: QuerySet[Service]) -> int:
    """The number of ``services`` with a location that has coordinates (its own or its
    Gemeinde's): those with any location, less the few whose every location lacks them. Each
    half is answered from an index (the offers' locations, the locations without coordinates);
    joining every location and Gemeinde to find the located ones took most of the time of a
    search by place without a distance."""
    own, seat = _located()
    at = ServiceAtLocation.objects.order_by()
    lacking = (
        Q(location__latitude__isnull=False, location__longitude__isnull=True)
        | Q(location__latitude__isnull=True, location__gemeinde__latitude__isnull=True)
        | Q(location__latitude__isnull=True, location__gemeinde__longitude__isnull=True)
    )  # neither ``own`` nor ``seat``: every location is one of the three
    unlocated = (
        at.filter(lacking)
        .exclude(Exists(at.filter(own, service_id=OuterRef("service_id"))))
        .exclude(Exists(at.filter(seat, service_id=OuterRef("service_id"))))
        .values("service_id")
    )
    return (
        services.order_by()
        .filter(Exists(at.filter(service_id=OuterRef("pk"))))
        .exclude(pk__in=unlocated)
        .count()
    )


def _distances(services: QuerySet[Service], place: Point, km: float | None) -> dict[int, float]:
    """Service id → distance (km) of its nearest location from ``place``, for the offers with
    a location within ``km`` (every located offer when None). The database narrows to a box
    around the place (indexes on the coordinates); the exact distance is computed here."""
    own, seat = _located()
    box = bounding_box(place.latitude, place.longitude, km) if km is not None else None
    if box is not None:
        south, north, west, east = box
        own &= Q(location__latitude__range=(south, north))
        own &= Q(location__longitude__range=(west, east))
        seat &= Q(location__gemeinde__latitude__range=(south, north))
        seat &= Q(location__gemeinde__longitude__range=(west, east))
    at = ServiceAtLocation.objects.filter(service__in=services)
    rows: list[tuple[int, Any, Any]] = [  # float or Decimal (the Gemeinde's), never None here
        *at.filter(own).values_list("service_id", "location__latitude", "location__longitude"),
        *at.filter(seat).values_list(
            "service_id", "location__gemeinde__latitude", "location__gemeinde__longitude"
        ),
    ]
    found: dict[int, float] = {}
    for sid, lat, lon in rows:
        d = distance_km(place.latitude, place.longitude, float(lat), float(lon))
        if (km is None or d <= km) and (sid not in found or d < found[sid]):
            found[sid] = d
    return found


FIRST_RADIUS_KM = 5.0


def _nearest(
    services: QuerySet[Service], place: Point, max_km: float | None, limit: int
) -> tuple[list[int], dict[int, float], int]:
    """The ids of the ``limit`` offers nearest to ``place`` (within ``max_km``), nearest first,
    their distances and the number of all. Without ``max_km`` the circle grows (from 5 km, by
    2 to 8 times, more where it found few) until it holds ``limit`` offers or every located
    one: nothing outside a circle is nearer than what is inside, so the first ``limit`` are
    those of all offers; only the rows of the last circles are read and measured."""
    if max_km is not None:
        found = _distances(services, place, max_km)
        total = len(found)
    else:
        total = _located_count(services)
        need = min(limit, total)
        radius = FIRST_RADIUS_KM
        while True:
            found = _distances(services, place, radius)
            if len(found) >= need or bounding_box(place.latitude, place.longitude, radius) is None:
                break
            # the area holding ``need`` at the density found so far, with a margin
            radius *= min(8.0, max(2.0, 1.25 * (need / max(1, len(found))) ** 0.5))
        if len(found) < min(limit, total):  # the circle reached a pole: take every one
            found = _distances(services, place, None)
    ids = sorted(found, key=lambda i: (found[i], i))[:limit]
    return ids, found, total


def offers_search(
    *,
    directory: Directory,
    query: SearchQuery,
    language: str,
    now: dt.datetime | None = None,
    limit: int = 50,
) -> tuple[list[OfferView], Point | None, int]:
    """The first ``limit`` offers matching ``query`` (nearest first when a place is given, else
    by name), the place found and the number of all matches. A fixed number of queries, whatever
    the number of matches: the database counts and orders, only a page of offers is loaded."""
    services = offers_matching(directory=directory, query=query, now=now)
    if services is None:
        return [], None, 0
    place = _origin(query.place) if query.place else None
    if query.place and place is None:
        return [], None, 0
    coordinates: dict[int, float] = {}  # service id → distance from the place (km)
    if place is not None:
        page, coordinates, total = _nearest(services, place, query.max_km, limit)
    else:
        rows = list(
            services.annotate(matches=Window(Count("pk")))
            .order_by("name", "pk")
            .values_list("pk", "matches")[:limit]
        )
        page = [pk for pk, _matches in rows]
        total = rows[0][1] if rows else 0
    views = _views(page, language=language, directory=directory, now=now)
    for view in views:
        view.distance_km = coordinates.get(view.service.pk)
    if place is None:
        views.sort(key=lambda v: v.name.casefold())
    return views, place, total


def _texts_in(language: str) -> QuerySet[ServiceText]:
    if language == SIMPLE_GERMAN:
        return ServiceText.objects.filter(language="de", easy_language=True)
    return ServiceText.objects.filter(language=language, easy_language=False)


def _views(
    ids: list[int], *, language: str, directory: Directory, now: dt.datetime | None
) -> list[OfferView]:
    """The page's offers with what a result shows, in a fixed number of queries. The HSDS
    records (``hsds``, large) stay in the database: no result shows them. The related rows are
    prefetched into lists (``to_attr``): a manager's ``all()`` per offer and relation cost more
    than the queries."""
    services = (
        Service.objects.filter(pk__in=ids)
        .select_related("organization", "directory")
        .defer("hsds", "search_document", "search_vector", "organization__hsds")
        .prefetch_related(
            Prefetch("texts", queryset=_texts_in(language), to_attr="texts_read"),
            Prefetch(
                "at_locations",
                queryset=SAL_WITH_PLACES.defer("hsds", "location__hsds"),
                to_attr="places",
            ),
            Prefetch("spoken", queryset=ServiceLanguage.objects.all(), to_attr="spoken_list"),
            Prefetch("hours", queryset=ServiceHours.objects.all(), to_attr="hours_list"),
            Prefetch("topics", queryset=TaxonomyTerm.objects.defer("hsds"), to_attr="topic_list"),
            Prefetch("records", queryset=PHONES, to_attr="phone_records"),
        )
    )
    today = timezone.localdate(now)
    out = []
    for service in services:
        text = next(iter(service.texts_read), None) if language != "de" else None
        stale_after = dt.timedelta(days=service.directory.stale_after_days)
        stale = service.last_confirmed is None or today - service.last_confirmed > stale_after
        out.append(
            OfferView(
                service=service,
                name=(text.name if text and text.name else service.name),
                description=(
                    text.description if text and text.description else service.description
                ),
                text_language=language if text else "de",
                fallback=language != "de" and text is None,
                stale=stale,
                locations=[sal.location for sal in service.places],
                phones=[str(r.data.get("number", "")).strip('"') for r in service.phone_records],
                languages=[s.code for s in service.spoken_list],
                hours=service.hours_list,
                topics=service.topic_list,
            )
        )
    order = {pk: i for i, pk in enumerate(ids)}
    out.sort(key=lambda v: order[v.service.pk])
    return out


def offer_get_public(*, directory: Directory, pk: int, language: str) -> OfferView | None:
    if not Service.objects.filter(
        pk=pk, directory_id__in=directory_scope(directory), status__in=VISIBLE
    ).exists():
        return None
    views = _views([pk], language=language, directory=directory, now=None)
    return views[0] if views else None
