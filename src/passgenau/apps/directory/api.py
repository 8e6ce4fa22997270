"""The HSDS 3.0 read API (``/api/v1/hsds/…``): public like the directory, no personal data.

Endpoints and parameters follow the specification's OpenAPI (``/services``, ``/services/{id}``,
``/organizations``, ``/organizations/{id}``, ``/taxonomies``, ``/taxonomies/{id}``,
``/taxonomy_terms``, ``/taxonomy_terms/{id}``, ``/service_at_locations``,
``/service_at_locations/{id}`` with ``search``, ``page``, ``per_page``, ``taxonomy_term_id``,
``taxonomy_id``, ``organization_id``, ``modified_after``, ``postcode`` (by the offers' service
areas where they have them), ``proximity`` (metres from the postcode's centroid)); lists are
HSDS ``Page`` objects. ``directory`` (a directory's address) narrows to one directory. Only
published, visible offers are served.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from passgenau.apps.accounts.access import ApiPermission
from passgenau.engine import hsds
from passgenau.engine.directory import bounding_box, distance_km, service_area_covers

from .models import (
    Directory,
    HsdsRecord,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .selectors.search import VISIBLE, Point, _fulltext, _origin, _place, directory_scope

router = Router(tags=["directory (HSDS 3.0)"])
PUBLIC = ApiPermission("directory.search")
MAX_PER_PAGE = 200


def _page(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": items,
    }


def _paging(page: int, per_page: int) -> tuple[int, int]:
    if page < 1 or per_page < 1:
        raise HttpError(422, "page and per_page start at 1")
    return page, min(per_page, MAX_PER_PAGE)


def _records_page(queryset: QuerySet[Any], search: str, page: int, per_page: int) -> dict[str, Any]:
    """A page of objects' HSDS records, searched by name."""
    if search.strip():
        queryset = queryset.filter(name__icontains=search.strip())
    queryset = queryset.order_by("pk")
    total = queryset.count()
    chunk = queryset[(page - 1) * per_page : page * per_page]
    return _page([dict(o.hsds) for o in chunk], total, page, per_page)


def _directories(directory: str) -> list[int]:
    if not directory:
        return list(Directory.objects.values_list("pk", flat=True))
    found = Directory.objects.filter(slug=directory).first()
    if found is None:
        raise HttpError(404, f"no directory {directory!r}")
    return directory_scope(found)


# HSDS contacts are persons (name, title, department, e-mail) and so is a phone of a contact:
# kept for the editors' export, never served by the public API.
PERSONAL_TABLES = frozenset({"contacts"})


# who made a change (HSDS metadata ``updated_by``: our editors' pseudonyms "user:<id>", or an
# imported name) is not public: every entry of the history says an editor did it
PUBLIC_EDITOR = "editor"


def _public(table: str, data: dict[str, Any]) -> bool:
    return table not in PERSONAL_TABLES and not (table == "phones" and data.get("contact_id"))


def _served(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """The record as the public reads it (a copy)."""
    if table == "metadata" and "updated_by" in data:
        return {**data, "updated_by": PUBLIC_EDITOR}
    return dict(data)


def _dataset(services: list[Service], sals: list[ServiceAtLocation] | None = None) -> hsds.Dataset:
    """The HSDS rows of ``services`` with their organisations, locations and records; with
    ``sals``, of those services at those locations only (not every place of an offer at
    thousands)."""
    dataset = hsds.Dataset()
    service_ids = [s.pk for s in services]
    if sals is None:
        sals = list(
            ServiceAtLocation.objects.filter(service_id__in=service_ids).select_related("location")
        )
    location_ids = {sal.location_id for sal in sals}
    for service in services:
        dataset.add("services", dict(service.hsds))
        if service.organization is not None:
            dataset.add("organizations", dict(service.organization.hsds))
    for sal in sals:
        dataset.add("service_at_location", dict(sal.hsds))
        dataset.add("locations", dict(sal.location.hsds))
    records = HsdsRecord.objects.filter(
        Q(service_id__in=service_ids) | Q(location_id__in=location_ids, service=None)
    )
    for table, data in records.exclude(table__in=PERSONAL_TABLES).values_list("table", "data"):
        if _public(table, data):
            dataset.add(table, _served(table, data))
    terms = (
        TaxonomyTerm.objects.filter(services__in=service_ids).select_related("taxonomy").distinct()
    )
    for term in terms:
        dataset.add("taxonomy_terms", dict(term.hsds))
        if term.taxonomy.hsds:
            dataset.add("taxonomies", dict(term.taxonomy.hsds))
    return dataset


BRIEF_LISTS = ("phones", "schedules", "languages", "service_at_locations")


def _brief(item: dict[str, Any]) -> dict[str, Any]:
    """A service without its longer nested lists (``full`` gives everything)."""
    return {k: v for k, v in item.items() if not isinstance(v, list) or k in BRIEF_LISTS}


def _services(directory: str) -> QuerySet[Service]:
    return Service.objects.filter(directory_id__in=_directories(directory), status__in=VISIBLE)


def _filtered(
    services: QuerySet[Service], *, search: str, taxonomy_term_id: str, taxonomy_id: str,
    organization_id: str, modified_after: str,
) -> QuerySet[Service]:  # fmt: skip
    if search.strip():
        services = _fulltext(services, search)
    # the topics as EXISTS: a join would repeat an offer per matching term and need DISTINCT,
    # which makes the database sort every match before it can count or page them
    topics = Service.topics.through.objects.filter(service_id=OuterRef("pk"))
    if taxonomy_term_id:
        services = services.filter(Exists(topics.filter(taxonomyterm__hsds_id=taxonomy_term_id)))
    if taxonomy_id:
        services = services.filter(
            Exists(topics.filter(taxonomyterm__taxonomy__hsds_id=taxonomy_id))
        )
    if organization_id:
        services = services.filter(organization__hsds_id=organization_id)
    if modified_after:
        try:
            moment = dt.datetime.fromisoformat(modified_after.replace("Z", "+00:00"))
        except ValueError:
            raise HttpError(422, "modified_after is not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        services = services.filter(updated_at__gte=moment)
    return services


@router.get("/", auth=PUBLIC, response=dict, summary="About this HSDS API")
def hsds_root(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": "3.0",
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri("/api/v1/openapi.json"),
    }


@router.get("/services", auth=PUBLIC, response=dict)
def services_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50,
    taxonomy_term_id: str = "", taxonomy_id: str = "", organization_id: str = "",
    modified_after: str = "", minimal: bool = False, full: bool = False, directory: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Offers, a page at a time (``minimal``: only ids and modification dates)."""
    page, per_page = _paging(page, per_page)
    services = _filtered(
        _services(directory), search=search, taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id, organization_id=organization_id, modified_after=modified_after,
    ).order_by("pk")  # fmt: skip
    total = services.count()
    chunk = list(services.select_related("organization")[(page - 1) * per_page : page * per_page])
    if minimal:
        items = [{"id": s.hsds_id, "last_modified": s.updated_at.isoformat()} for s in chunk]
    else:
        dataset = _dataset(chunk)
        nester = hsds.nester(dataset)
        items = [nester.build("service", dict(s.hsds)) for s in chunk]
        if not full:
            items = [_brief(item) for item in items]
    return _page(items, total, page, per_page)


@router.get("/services/{id}", auth=PUBLIC, response=dict)
def service_get(request: HttpRequest, id: str, directory: str = "") -> dict[str, Any]:
    """One offer, fully nested (organisation, locations, phones, schedules, …)."""
    service = _services(directory).select_related("organization").filter(hsds_id=id).first()
    if service is None:
        raise HttpError(404, "no such service")
    return hsds.nest_service(_dataset([service]), dict(service.hsds))


@router.get("/organizations", auth=PUBLIC, response=dict)
def organizations_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50, directory: str = ""
) -> dict[str, Any]:
    page, per_page = _paging(page, per_page)
    organizations = Organization.objects.filter(
        directory_id__in=_directories(directory), services__status__in=VISIBLE
    ).distinct()
    return _records_page(organizations, search, page, per_page)


@router.get("/organizations/{id}", auth=PUBLIC, response=dict)
def organization_get(
    request: HttpRequest, id: str, full_service: bool = False, directory: str = ""
) -> dict[str, Any]:
    organization = Organization.objects.filter(
        directory_id__in=_directories(directory), hsds_id=id
    ).first()
    if organization is None:
        raise HttpError(404, "no such organization")
    services = list(organization.services.filter(status__in=VISIBLE).select_related("organization"))
    dataset = _dataset(services)
    dataset.add("organizations", dict(organization.hsds))
    for table, data in HsdsRecord.objects.filter(
        directory=organization.directory, service=None, location=None
    ).values_list("table", "data"):
        if data.get("organization_id") == organization.hsds_id and _public(table, data):
            dataset.add(table, _served(table, data))
    return hsds.nester(dataset, with_services=full_service).build(
        "organization", dataset.get("organizations", organization.hsds_id) or {}
    )


def _terms(directory: str) -> QuerySet[TaxonomyTerm]:
    ids = _directories(directory)
    return TaxonomyTerm.objects.filter(
        Q(taxonomy__directory=None) | Q(taxonomy__directory_id__in=ids)
    ).exclude(hsds={})


def _taxonomies(directory: str) -> QuerySet[Taxonomy]:
    ids = _directories(directory)
    return Taxonomy.objects.filter(Q(directory=None) | Q(directory_id__in=ids)).exclude(hsds={})


@router.get("/taxonomies", auth=PUBLIC, response=dict)
def taxonomies_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50, directory: str = ""
) -> dict[str, Any]:
    page, per_page = _paging(page, per_page)
    return _records_page(_taxonomies(directory), search, page, per_page)


@router.get("/taxonomy_terms", auth=PUBLIC, response=dict)
def taxonomy_terms_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50,
    taxonomy_id: str = "", top_only: bool = False, parent_id: str = "", directory: str = "",
) -> dict[str, Any]:  # fmt: skip
    page, per_page = _paging(page, per_page)
    terms = _terms(directory)
    if taxonomy_id:
        terms = terms.filter(taxonomy__hsds_id=taxonomy_id)
    if top_only:
        terms = terms.filter(parent=None)
    if parent_id:
        terms = terms.filter(parent__hsds_id=parent_id)
    return _records_page(terms, search, page, per_page)


def _postcode_services(
    sals: QuerySet[ServiceAtLocation], services: QuerySet[Service], postcode: str,
    centroid: Point | None, *, by_location: bool,
) -> QuerySet[ServiceAtLocation]:  # fmt: skip
    """``sals`` of the offers whose service areas include ``postcode`` and, of the offers with
    no service area, those at a location of that postcode (``by_location``) or all."""
    gemeinde = _place(postcode)
    names = []
    if gemeinde is not None:
        names.append(gemeinde.name_folded.split(",")[0])
        if gemeinde.kreis is not None:
            names.append(gemeinde.kreis.name_folded.split(",")[0])
    point = (centroid.latitude, centroid.longitude) if centroid is not None else None
    areas = HsdsRecord.objects.filter(table="service_areas", service__in=services)
    covered = {
        service_id
        for service_id, area in areas.values_list("service_id", "data")
        if service_area_covers(area, postcode=postcode, place_names=names, point=point)
    }
    unlimited = Q(has_area=False)
    if by_location:
        unlimited &= Q(location__postcode=postcode)
    with_area = HsdsRecord.objects.filter(table="service_areas", service_id=OuterRef("service_id"))
    return sals.annotate(has_area=Exists(with_area)).filter(Q(service_id__in=covered) | unlimited)


@router.get("/service_at_locations", auth=PUBLIC, response=dict)
def service_at_locations_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50,
    taxonomy_term_id: str = "", taxonomy_id: str = "", organization_id: str = "",
    modified_after: str = "", postcode: str = "", proximity: str = "", full: bool = False,
    directory: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Offers at their locations. ``postcode``: the offers whose service areas include it (an
    offer without one: at a location of that postcode); ``proximity`` (metres, with
    ``postcode``): those within that distance of the postcode's centroid, nearest first."""
    page, per_page = _paging(page, per_page)
    services = _filtered(
        _services(directory), search=search, taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id, organization_id=organization_id, modified_after=modified_after,
    )  # fmt: skip
    sals = ServiceAtLocation.objects.filter(service__in=services)
    postcode = postcode.strip()
    metres = None
    if proximity.strip():
        try:
            metres = float(proximity)
        except ValueError:
            metres = -1.0
        if not (metres >= 0 and math.isfinite(metres)):
            raise HttpError(422, "proximity is a distance in metres")
        if not postcode:
            raise HttpError(422, "proximity needs a postcode: it is measured from its centroid")
    centroid = _origin(postcode) if postcode and postcode.isdigit() else None
    if metres is not None and centroid is None:
        raise HttpError(422, "unknown postcode")
    if postcode:
        sals = _postcode_services(sals, services, postcode, centroid, by_location=metres is None)
    if metres is None or centroid is None:
        total = sals.count()
        ids = list(
            sals.order_by("pk").values_list("pk", flat=True)[
                (page - 1) * per_page : page * per_page
            ]
        )
    else:
        # the database narrows to a box around the centroid (index on the coordinates), the
        # exact distance is computed for those only, from their coordinates alone
        lat, lon, km = centroid.latitude, centroid.longitude, metres / 1000
        if (box := bounding_box(lat, lon, km)) is not None:
            south, north, west, east = box
            sals = sals.filter(
                location__latitude__range=(south, north), location__longitude__range=(west, east)
            )
        near = []
        for pk, lat2, lon2 in sals.values_list("pk", "location__latitude", "location__longitude"):
            if lat2 is None or lon2 is None:
                continue
            if (distance := distance_km(lat, lon, lat2, lon2)) <= km:
                near.append((distance, pk))
        near.sort()
        total = len(near)
        ids = [pk for _d, pk in near[(page - 1) * per_page : page * per_page]]
    found = ServiceAtLocation.objects.select_related("location", "service").in_bulk(ids)
    chunk = [found[pk] for pk in ids]
    dataset = _dataset(list({sal.service_id: sal.service for sal in chunk}.values()), chunk)
    nester = hsds.nester(dataset)
    items = [nester.build("service_at_location", dict(sal.hsds)) for sal in chunk]
    if not full:
        items = [_brief_sal(item) for item in items]
    return _page(items, total, page, per_page)


def _brief_sal(item: dict[str, Any]) -> dict[str, Any]:
    """A service at a location with the brief service and the location's one-to-one fields."""
    brief = {k: v for k, v in item.items() if not isinstance(v, list)}
    if isinstance(item.get("service"), dict):
        brief["service"] = _brief(item["service"])
    if isinstance(item.get("location"), dict):
        brief["location"] = {
            k: v for k, v in item["location"].items() if not isinstance(v, list) or k == "addresses"
        }
    return brief


@router.get("/service_at_locations/{id}", auth=PUBLIC, response=dict)
def service_at_location_get(request: HttpRequest, id: str, directory: str = "") -> dict[str, Any]:
    """One offer at one location, fully nested (the specification's example response; the
    OpenAPI file's schema names a service instead, against the API reference's text)."""
    sal = (
        ServiceAtLocation.objects.filter(service__in=_services(directory), hsds_id=id)
        .select_related("location", "service")
        .first()
    )
    if sal is None:
        raise HttpError(404, "no such service_at_location")
    dataset = _dataset([sal.service], [sal])
    return hsds.nester(dataset).build("service_at_location", dict(sal.hsds))


@router.get("/taxonomies/{id}", auth=PUBLIC, response=dict)
def taxonomy_get(request: HttpRequest, id: str, directory: str = "") -> dict[str, Any]:
    taxonomy = _taxonomies(directory).filter(hsds_id=id).first()
    if taxonomy is None:
        raise HttpError(404, "no such taxonomy")
    return dict(taxonomy.hsds)


@router.get("/taxonomy_terms/{id}", auth=PUBLIC, response=dict)
def taxonomy_term_get(request: HttpRequest, id: str, directory: str = "") -> dict[str, Any]:
    term = _terms(directory).filter(hsds_id=id).select_related("taxonomy").first()
    if term is None:
        raise HttpError(404, "no such taxonomy term")
    dataset = hsds.Dataset()
    dataset.add("taxonomy_terms", dict(term.hsds))
    if term.taxonomy.hsds:
        dataset.add("taxonomies", dict(term.taxonomy.hsds))
    return hsds.nester(dataset).build("taxonomy_term", dict(term.hsds))
