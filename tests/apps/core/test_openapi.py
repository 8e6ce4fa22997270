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


def _refs(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_the_served_document_documents_the_error_answers_the_api_gives(client_for_role):
    """Issue 10, defect 15: every schema a $ref names is in the document under its own name, and
    every operation documents the 4xx answers it gives (401, 403 when it needs a right; 422 when
    it takes input; 404 when its path names an object) with the schema those answers have
    (``detail`` a list)."""
    client = client_for_role("administrator")
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {ref.rsplit("/", 1)[-1] for ref in _refs(document)} <= set(schemas)
    assert all(schema.get("title", name) == name for name, schema in schemas.items())
    error = {"$ref": "#/components/schemas/ErrorOut"}
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"401", "403"} if operation.get("security") else set()
            if operation.get("parameters") or operation.get("requestBody"):
                expected.add("422")
            if "{" in path:
                expected.add("404")
            for status in expected:
                documented = operation["responses"].get(status, {})
                if documented.get("content", {}).get("application/json", {}).get("schema") != error:
                    missing.append(f"{method.upper()} {path} {status}")
    assert not missing, missing
    assert all(op.get("security") for ops in document["paths"].values() for op in ops.values())
    assert schemas["ErrorOut"]["properties"]["detail"]["type"] == "array"
    answer = client.get("/api/v1/audit/entries?limit=abc")
    assert answer.status_code == 422
    [item] = answer.json()["detail"]
    assert set(item) == set(schemas["ErrorItem"]["required"]) == {"loc", "msg", "type"}
    assert item["loc"] == ["query", "limit"]
