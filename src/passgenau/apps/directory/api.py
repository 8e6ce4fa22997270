"""The HSDS 3.0 read API (``/api/v1/hsds/…``): public like the directory, no personal data.

Endpoints and parameters follow the specification's OpenAPI (``/services``, ``/services/{id}``,
``/organizations``, ``/taxonomies``, ``/taxonomy_terms``, ``/service_at_locations`` with
``search``, ``page``, ``per_page``, ``taxonomy_term_id``, ``taxonomy_id``, ``organization_id``,
``modified_after``, ``postcode``, ``proximity``); lists are HSDS ``Page`` objects. ``directory``
(a directory's address) narrows to one directory. Only published, visible offers are served.
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
from passgenau.apps.territories.models import Gemeinde
from passgenau.engine import hsds
from passgenau.engine.directory import bounding_box, distance_km

from .models import (
    Directory,
    HsdsRecord,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .selectors.search import VISIBLE, _fulltext, directory_scope

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


def _public(table: str, data: dict[str, Any]) -> bool:
    return table not in PERSONAL_TABLES and not (table == "phones" and data.get("contact_id"))


def _dataset(services: list[Service]) -> hsds.Dataset:
    """The HSDS rows of ``services`` with their organisations, locations and records."""
    dataset = hsds.Dataset()
    service_ids = [s.pk for s in services]
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
            dataset.add(table, dict(data))
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
            dataset.add(table, dict(data))
    return hsds.nester(dataset, with_services=full_service).build(
        "organization", dataset.get("organizations", organization.hsds_id) or {}
    )


def _terms(directory: str) -> QuerySet[TaxonomyTerm]:
    ids = _directories(directory)
    return TaxonomyTerm.objects.filter(
        Q(taxonomy__directory=None) | Q(taxonomy__directory_id__in=ids)
    ).exclude(hsds={})


@router.get("/taxonomies", auth=PUBLIC, response=dict)
def taxonomies_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50, directory: str = ""
) -> dict[str, Any]:
    page, per_page = _paging(page, per_page)
    ids = _directories(directory)
    taxonomies = Taxonomy.objects.filter(Q(directory=None) | Q(directory_id__in=ids)).exclude(
        hsds={}
    )
    return _records_page(taxonomies, search, page, per_page)


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


@router.get("/service_at_locations", auth=PUBLIC, response=dict)
def service_at_locations_list(
    request: HttpRequest, search: str = "", page: int = 1, per_page: int = 50,
    taxonomy_term_id: str = "", taxonomy_id: str = "", organization_id: str = "",
    modified_after: str = "", postcode: str = "", proximity: str = "", directory: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Offers at their locations; ``postcode`` filters, ``proximity`` (``lat,lon,km`` or a
    distance in km from ``postcode``'s Gemeinde) orders by and limits the distance."""
    page, per_page = _paging(page, per_page)
    services = _filtered(
        _services(directory), search=search, taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id, organization_id=organization_id, modified_after=modified_after,
    )  # fmt: skip
    sals = ServiceAtLocation.objects.filter(service__in=services).select_related(
        "location", "service"
    )
    if postcode and not proximity:
        sals = sals.filter(location__postcode=postcode)
    if not proximity:
        sals_list = list(sals.order_by("pk")[:20000])
    else:
        try:
            parts = [float(p) for p in proximity.split(",")]
        except ValueError:
            raise HttpError(
                422, "proximity is 'latitude,longitude,km' or 'km' with postcode"
            ) from None
        if len(parts) == 3:
            lat, lon, km = parts
        elif len(parts) == 1 and postcode:
            gemeinde = Gemeinde.objects.filter(postcode=postcode, latitude__isnull=False).first()
            if gemeinde is None or (seat := gemeinde.coordinates()) is None:
                raise HttpError(422, "unknown postcode")
            (lat, lon), km = seat, parts[0]
        else:
            raise HttpError(422, "proximity is 'latitude,longitude,km' or 'km' with postcode")
        # the database narrows to a box around the point (index on the coordinates), the exact
        # distance is computed for those only
        if (box := bounding_box(lat, lon, km)) is not None:
            south, north, west, east = box
            sals = sals.filter(
                location__latitude__range=(south, north), location__longitude__range=(west, east)
            )
        near = []
        for sal in sals.order_by("pk")[:20000]:
            if sal.location.latitude is None or sal.location.longitude is None:
                continue
            distance = distance_km(lat, lon, sal.location.latitude, sal.location.longitude)
            if distance <= km:
                near.append((distance, sal))
        sals_list = [sal for _d, sal in sorted(near, key=lambda x: (x[0], x[1].pk))]
    total = len(sals_list)
    chunk = sals_list[(page - 1) * per_page : page * per_page]
    dataset = _dataset(list({sal.service_id: sal.service for sal in chunk}.values()))
    nester = hsds.nester(dataset)
    return _page(
        [nester.build("service_at_location", dict(sal.hsds)) for sal in chunk],
        total,
        page,
        per_page,
    )
