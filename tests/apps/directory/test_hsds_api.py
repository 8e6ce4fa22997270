"""The HSDS API against the specification's OpenAPI: ``proximity`` in metres from the postcode's
centroid, ``postcode`` by the offers' service areas, totals and pages of every size, the
single-object endpoints, and every answer valid against the OpenAPI's response schemas."""

from __future__ import annotations

import json

import pytest

from directory_helpers import make_directory
from passgenau.apps.directory.models import (
    HsdsRecord,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from passgenau.engine import hsds
from passgenau.engine.directory import point_in_geojson, service_area_covers

pytestmark = pytest.mark.django_db

NEAR_38259 = {"Internationales Frauenfrühstück", "Sozialberatung und Wohnungssuche"}


def _api(client, path, **params):
    response = client.get(f"/api/v1/hsds/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def _names(page) -> list[str]:
    return [item["service"]["name"] for item in page["contents"]]


def test_proximity_is_metres_from_the_postcodes_centroid(client):
    make_directory()
    # the centroid of 38259: between its two offers, some 300 m from each; 38226 is 12 km away
    near = _api(client, "service_at_locations", postcode="38259", proximity="2000")
    assert set(_names(near)) == NEAR_38259 and near["total_items"] == 2
    assert _api(client, "service_at_locations", postcode="38259", proximity="100")[
        "total_items"
    ] == 0  # fmt: skip
    wide = _api(client, "service_at_locations", postcode="38259", proximity="20000")
    assert wide["total_items"] == 6 and set(_names(wide)[:2]) == NEAR_38259  # nearest first
    for bad in ({"proximity": "2000"}, {"proximity": "52.047,10.378,2", "postcode": "38259"},
                {"proximity": "-5", "postcode": "38259"},
                {"proximity": "2000", "postcode": "99999"}):  # fmt: skip
        response = client.get("/api/v1/hsds/service_at_locations", bad)
        assert response.status_code == 422, bad
        assert "detail" in response.json()


def test_the_postcode_uses_the_service_areas_where_there_are_any(client):
    directory = make_directory()

    def area(offer, **fields):
        service = Service.objects.get(directory=directory, name=offer)
        hsds_id = f"area-{service.pk}-{len(fields)}"
        HsdsRecord.objects.create(
            directory=directory, table="service_areas", hsds_id=hsds_id, service=service,
            data={"id": hsds_id, "service_id": service.hsds_id, **fields},
        )  # fmt: skip

    # at a location of 38226, for 38259 too
    area("Hausaufgabenhilfe", name="PLZ 38259 und 38268")
    # at a location of 38259, but only for Wolfenbüttel
    area("Sozialberatung und Wohnungssuche", name="Wolfenbüttel")
    # a GeoJSON square around 38259's centroid
    square = [[10.3, 52.0], [10.4, 52.0], [10.4, 52.1], [10.3, 52.1], [10.3, 52.0]]
    area(
        "Deutschkurs A1 mit Kinderbetreuung",
        name="Süden",
        extent=json.dumps({"type": "Polygon", "coordinates": [square]}),
        extent_type="geojson",
    )
    by_postcode = _api(client, "service_at_locations", postcode="38259")
    assert set(_names(by_postcode)) == {
        "Internationales Frauenfrühstück",  # no service area: by its location
        "Hausaufgabenhilfe",
        "Deutschkurs A1 mit Kinderbetreuung",
    }
    assert by_postcode["total_items"] == 3
    # the areas hold with proximity too: within it and serving the postcode
    near = _api(client, "service_at_locations", postcode="38259", proximity="2000")
    assert _names(near) == ["Internationales Frauenfrühstück"]
    # a service area naming the town the postcode belongs to
    area("Migrationsberatung für Erwachsene", name="Stadt Salzgitter")
    by_town = _api(client, "service_at_locations", postcode="38226")
    assert "Migrationsberatung für Erwachsene" in _names(by_town)
    assert "Hausaufgabenhilfe" not in _names(by_town)  # its areas name other postcodes


def test_service_area_geometry():
    hole = [[10.34, 52.04], [10.36, 52.04], [10.36, 52.06], [10.34, 52.06], [10.34, 52.04]]
    square = [[10.3, 52.0], [10.4, 52.0], [10.4, 52.1], [10.3, 52.1], [10.3, 52.0]]
    polygon = {"type": "Polygon", "coordinates": [square, hole]}
    assert point_in_geojson(polygon, 52.02, 10.32) is True
    assert point_in_geojson(polygon, 52.05, 10.35) is False  # in the hole
    assert point_in_geojson(polygon, 52.2, 10.35) is False
    feature = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {
        "type": "MultiPolygon", "coordinates": [[square]]}}]}  # fmt: skip
    assert point_in_geojson(json.dumps(feature), 52.05, 10.35) is True
    assert point_in_geojson("no json", 52.05, 10.35) is None
    assert point_in_geojson({"type": "Point", "coordinates": [10.35, 52.05]}, 52.05, 10.35) is None
    assert service_area_covers({"name": "Bundesweit (online)"}, postcode="38259")
    assert service_area_covers({"name": "Landkreis Tübingen"}, postcode="72108",
                               place_names=["rottenburg am neckar", "tübingen"])  # fmt: skip
    assert not service_area_covers({"name": "Tübinger Str."}, postcode="72108",
                                   place_names=["tübingen"])  # fmt: skip
    assert not service_area_covers({"name": "PLZ 38226"}, postcode="38259")


def test_totals_and_pages_beyond_twenty_thousand_places(client):
    directory = make_directory()
    service = Service.objects.get(directory=directory, name="Hausaufgabenhilfe")
    count = 20_010
    Location.objects.bulk_create(
        [Location(directory=directory, hsds_id=f"many-{n}", hsds={"id": f"many-{n}"},
                  postcode="38300") for n in range(count)],
        batch_size=2000,
    )  # fmt: skip
    locations = Location.objects.filter(directory=directory, postcode="38300").order_by("pk")
    ServiceAtLocation.objects.bulk_create(
        [ServiceAtLocation(hsds_id=f"sal-many-{n}", service=service, location=location,
                           hsds={"id": f"sal-many-{n}", "service_id": service.hsds_id,
                                 "location_id": location.hsds_id})
         for n, location in enumerate(locations)],
        batch_size=2000,
    )  # fmt: skip
    total = count + 6
    first = _api(client, "service_at_locations", per_page=200)
    assert first["total_items"] == total and first["total_pages"] == -(-total // 200)
    last = _api(client, "service_at_locations", per_page=200, page=first["total_pages"])
    assert last["size"] == total % 200 and last["last_page"]
    assert last["contents"][-1]["id"] == f"sal-many-{count - 1}"
    assert _api(client, "service_at_locations", postcode="38300")["total_items"] == count


def _first_id(client, path):
    return _api(client, path, per_page=1)["contents"][0]["id"]


def test_every_answer_is_valid_against_the_openapi_schemas(client, hsds_spec):
    make_directory()
    schema_dir = hsds_spec / "schema"
    pages = {
        "/services": [{}, {"full": True}, {"per_page": 2, "page": 3}, {"search": "beratung"}],
        "/organizations": [{}],
        "/taxonomies": [{}],
        "/taxonomy_terms": [{}, {"top_only": True}],
        "/service_at_locations": [{}, {"full": True}, {"postcode": "38259", "proximity": "2000"}],
    }
    errors = []
    for path, variants in pages.items():
        validator = hsds.openapi_response_validator(schema_dir, path)
        for params in variants:
            answer = _api(client, path.strip("/"), **params)
            assert answer["contents"], (path, params)
            errors += hsds.schema_errors(validator, answer, f"{path} {params}")
            # an answer without the Page fields or with a wrong type there is caught
            assert hsds.schema_errors(validator, {**answer, "total_items": "many"})
    service, term = _first_id(client, "services"), _first_id(client, "taxonomy_terms")
    taxonomy = _first_id(client, "taxonomies")
    organization = _first_id(client, "organizations")
    sal = _first_id(client, "service_at_locations")
    one = {
        f"/services/{service}": "/services/{id}",
        f"/organizations/{organization}": "/organizations/{id}",
        f"/taxonomies/{taxonomy}": "/taxonomies/{id}",
        f"/taxonomy_terms/{term}": "/taxonomy_terms/{id}",
    }
    for path, spec_path in one.items():
        validator = hsds.openapi_response_validator(schema_dir, spec_path)
        errors += hsds.schema_errors(validator, _api(client, path.strip("/")), path)
    # the OpenAPI names a service for /service_at_locations/{id}; the API reference (which takes
    # precedence) and its example answer a service at a location
    answer = _api(client, f"service_at_locations/{sal}")
    validator = hsds.schema_validator(schema_dir, "service_at_location.json")
    errors += hsds.schema_errors(validator, answer, "/service_at_locations/{id}")
    assert answer["service"]["name"] and answer["location"]["id"]
    assert errors == []
    # the single objects are found by their id, and only those of a public directory
    assert _api(client, f"taxonomy_terms/{term}")["id"] == term
    assert TaxonomyTerm.objects.filter(hsds_id=term).exists()
    assert _api(client, f"taxonomies/{taxonomy}")["id"] == taxonomy
    assert Taxonomy.objects.filter(hsds_id=taxonomy).exists()
    for missing in ("taxonomies/nope", "taxonomy_terms/nope", "service_at_locations/nope"):
        assert client.get(f"/api/v1/hsds/{missing}").status_code == 404
