"""The OpenAPI document of the whole API."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_schema_names_are_unique():
    """Two schemas of one name would be one entry of the document (one of them silently lost)."""
    from passgenau.web.api import api

    document = api.get_openapi_schema()
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("passgenau."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    twice = {name: places for name, places in by_name.items() if len(places) > 1}
    assert not twice
    assert {"HouseholdProfileOut", "ProposalContactOut", "ContactOut"} <= set(
        document["components"]["schemas"]
    )


def test_every_error_answer_has_the_one_schema(client_for_role):
    """401, 403, 404 and 422 (input the schema refuses and input a service refuses) answer
    with ``{"detail": [{"loc", "msg", "type"}]}``, documented as ``ErrorOut``."""
    import json

    from passgenau.web.api import api

    def check(response, status):
        assert response.status_code == status, response.content
        detail = response.json()["detail"]
        assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail)
        return detail

    check(client_for_role("public").get("/api/v1/relocation/rounds"), 401)
    check(client_for_role("funder").get("/api/v1/relocation/rounds"), 403)
    coordinator = client_for_role("coordinator")
    check(coordinator.get("/api/v1/relocation/rounds/999999"), 404)
    [missing] = check(
        coordinator.post("/api/v1/relocation/rounds", data="{}", content_type="application/json"),
        422,
    )
    assert missing["loc"] == ["body", "payload", "name"] and missing["type"] == "missing"
    refused = check(
        coordinator.post(
            "/api/v1/relocation/rounds",
            data=json.dumps({"name": "X", "municipality_ids": [999999]}),
            content_type="application/json",
        ),
        422,
    )
    assert refused[0]["loc"] == ["body", "municipality_ids"]
    document = api.get_openapi_schema()
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail"}
