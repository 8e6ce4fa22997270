"""The public search: offers of a directory (a Kreis' directory includes its Gemeinden's), by
words, topic, language spoken, place and distance, target group, open now, free of charge and
barrier-free, in the reader's language with German as the marked fallback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from passgenau.apps.territories.models import Gemeinde, fold_name
from passgenau.engine.directory import distance_km

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
    "directory_scope",
    "offer_get_public",
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
    """PostgreSQL: German full-text search (stemming: "Beratungen" finds "Beratung"); elsewhere
    every word as a substring of the folded search text. On PostgreSQL both are answered from
    the GIN indexes of migration 0005 (``directory_service_search_fts`` on exactly this
    vector, ``directory_service_search_trgm`` for the substrings): keep them in step."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery as PgQuery
        from django.contrib.postgres.search import SearchVector

        vector = SearchVector("search_document", config="german")
        query = PgQuery(words, config="german", search_type="websearch")
        return queryset.annotate(document=vector).filter(Q(document=query) | _words_filter(words))
    return queryset.filter(_words_filter(words))


def offers_search(
    *,
    directory: Directory,
    query: SearchQuery,
    language: str,
    now: dt.datetime | None = None,
    limit: int = 50,
) -> tuple[list[OfferView], Point | None, int]:
    """Offers matching ``query``, nearest first when a place is given; the place found and the
    number of matches. A fixed number of queries, whatever the number of results."""
    services = Service.objects.filter(
        directory_id__in=directory_scope(directory), status__in=VISIBLE
    )
    if query.words.strip():
        services = _fulltext(services, query.words)
    if query.topic:
        term = TaxonomyTerm.objects.filter(Q(code=query.topic) | Q(hsds_id=query.topic)).first()
        if term is None:
            return [], None, 0
        codes = [term.pk, *term.children.values_list("pk", flat=True)]
        services = services.filter(topics__in=codes)
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
        services = services.filter(at_locations__location__barrier_free=True)
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
    services = services.distinct()
    place = _origin(query.place) if query.place else None
    if query.place and place is None:
        return [], None, 0
    ids = list(services.values_list("pk", flat=True)[:5000])
    coordinates: dict[int, float] = {}  # service id → distance from the place (km)
    if place is not None:
        rows = ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
            "service_id",
            "location__latitude",
            "location__longitude",
            "location__gemeinde__latitude",
            "location__gemeinde__longitude",
        )
        plat, plon = place.latitude, place.longitude
        for sid, lat, lon, glat, glon in rows:
            if lat is None and glat is not None and glon is not None:
                lat, lon = float(glat), float(glon)  # the Gemeinde's seat
            if lat is None or lon is None:
                continue
            d = distance_km(plat, plon, lat, lon)
            if sid not in coordinates or d < coordinates[sid]:
                coordinates[sid] = d
        ids = [i for i in ids if i in coordinates]
        if query.max_km is not None:
            ids = [i for i in ids if coordinates[i] <= query.max_km]
        ids.sort(key=lambda i: (coordinates[i], i))
    total = len(ids)
    page = ids[:limit]
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
    services = (
        Service.objects.filter(pk__in=ids)
        .select_related("organization", "directory")
        .prefetch_related(
            Prefetch("texts", queryset=_texts_in(language)),
            Prefetch("at_locations", queryset=SAL_WITH_PLACES),
            "spoken",
            "hours",
            "topics",
            Prefetch("records", queryset=PHONES, to_attr="phone_records"),
        )
    )
    today = timezone.localdate(now)
    out = []
    for service in services:
        text = next(iter(service.texts.all()), None) if language != "de" else None
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
                locations=[sal.location for sal in service.at_locations.all()],
                phones=[str(r.data.get("number", "")).strip('"') for r in service.phone_records],
                languages=[s.code for s in service.spoken.all()],
                hours=list(service.hours.all()),
                topics=list(service.topics.all()),
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
