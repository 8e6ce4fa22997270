"""HSDS 3.0 tables: the spec's own examples read from CSV and JSON, nested again, validated against
the official schemas (``../shared/data/hsds-3.0``; skipped when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passgenau.engine import hsds

HSDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "hsds-3.0"


@pytest.fixture(scope="module")
def spec() -> Path:
    if not (HSDS / "schema" / "service.json").is_file():
        pytest.skip(f"the HSDS 3.0 specification is not at {HSDS.resolve()} (../shared/data)")
    return HSDS


def validator(spec: Path, name: str):
    return hsds.schema_validator(spec / "schema", name)


def test_csv_example_has_every_table(spec):
    dataset = hsds.read_hsds_csv(spec / "examples" / "csv")
    assert set(dataset.count()) == set(hsds.TABLES)
    service = dataset.rows("services")[0]
    assert service["minimum_age"] == 12 and service["name"] == "Community Counselling"


@pytest.mark.parametrize(
    ("name", "table", "schema"),
    [
        ("service_full.json", "services", "service.json"),
        ("organization_full.json", "organizations", "organization.json"),
        ("service_at_location_full.json", "service_at_location", "service_at_location.json"),
        ("location.json", "locations", "location.json"),
        ("taxonomy_term.json", "taxonomy_terms", "taxonomy_term.json"),
    ],
)
def test_json_examples_nest_again_without_loss_and_validate(spec, name, table, schema):
    original = json.loads((spec / "examples" / name).read_text())
    dataset = hsds.read_hsds_json(spec / "examples" / name)
    entity = hsds.TABLES[table].entity
    rebuilt = hsds.nester(dataset, with_services=True).build(entity, dataset.rows(table)[0])
    missing = set(hsds.iter_leaves(original)) - set(hsds.iter_leaves(rebuilt))
    assert missing == set()
    again = hsds.dataset_from_json(rebuilt, entity=entity)
    assert again.canonical() == dataset.canonical()
    assert list(validator(spec, schema).iter_errors(rebuilt)) == []


def test_csv_package_written_and_read_back(spec, tmp_path):
    dataset = hsds.read_hsds_csv(spec / "examples" / "csv")
    hsds.write_hsds_csv(dataset, tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} == set(hsds.TABLES)
    assert hsds.read_hsds_csv(tmp_path).canonical() == dataset.canonical()


def test_problems_name_file_row_and_field(tmp_path):
    (tmp_path / "services.csv").write_text(
        "id,name,status,minimum_age,colour\ns1,Beratung,active,zwölf,blau\n,Ohne Id,active,,\n"
    )
    with pytest.raises(hsds.HsdsError) as raised:
        hsds.read_hsds_csv(tmp_path)
    text = [str(p) for p in raised.value.problems]
    assert "services.csv, row 1, column 'minimum_age': 'zwölf' is not a number" in text
    assert "services.csv, row 1, column 'colour': services has no field 'colour'" in text
    assert "services.csv, row 2, column 'id': every row needs an id" in text


def test_json_problems_name_the_path(tmp_path):
    path = tmp_path / "services.json"
    path.write_text(json.dumps([{"id": "s1", "name": "x", "status": "active", "phones": {}}]))
    with pytest.raises(hsds.HsdsError) as raised:
        hsds.read_hsds(path)
    assert "[0].phones" in str(raised.value)
