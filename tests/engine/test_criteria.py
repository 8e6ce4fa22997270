"""The criteria catalogue: the shipped file, and every way a catalogue can be wrong."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from passgenau.engine.matching.criteria import (
    LANGUAGES,
    RULES,
    CatalogueError,
    default_catalogue_path,
    load_catalogue,
    parse_catalogue,
)


def shipped() -> dict:
    return yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))


def test_shipped_catalogue_loads_with_version_and_labels():
    cat = load_catalogue()
    assert cat.version == "1"
    assert cat.source.endswith("catalogue-v1.yaml")
    for c in cat.criteria:
        assert set(LANGUAGES) <= set(c.labels), c.id
        assert all(c.labels[lang].strip() for lang in LANGUAGES)
        assert c.rule in RULES
        assert c.kind in RULES[c.rule].kinds


def test_shipped_catalogue_covers_the_required_topics():
    cat = load_catalogue()
    rules_by_kind = {(c.rule, c.kind) for c in cat.criteria}
    # family ties, ranked/excluded places, region, size, community, labour market, courses,
    # the site's own priorities
    for needed in [
        ("tie", "soft"),
        ("ranked_places", "soft"),
        ("excluded_places", "hard"),
        ("region", "soft"),
        ("size_class", "soft"),
        ("community_language", "soft"),
        ("occupation_demand", "soft"),
        ("language_courses", "soft"),
        ("site_priority", "soft"),
        ("need_service", "hard"),
        ("capacity_fit", "hard"),
    ]:
        assert needed in rules_by_kind, needed
    medical = cat.get("medical_care")
    assert "dialysis" in medical.params["requires"]
    dims = {d for c in cat.criteria if c.rule == "capacity_fit" for d in c.params["dimensions"]}
    assert {"barrier_free", "school", "kita", "persons"} <= dims


def test_optional_parameters_get_their_defaults():
    cat = load_catalogue()
    assert cat.get("ranked_places").params == {"unranked": 0.0}
    assert cat.get("community").params["full_at"] == 500


def problems_of(data: dict, source: str = "my.yaml") -> list[str]:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data, source)
    return [str(p) for p in info.value.problems]


def test_unknown_rule_names_file_criterion_and_field():
    data = shipped()
    data["criteria"][5]["rule"] = "telepathy"
    (msg,) = problems_of(data)
    assert msg.startswith("my.yaml, criterion 6 (id 'family_ties'), field 'rule'")
    assert "telepathy" in msg


def test_missing_label_and_bad_importance_are_both_reported():
    data = shipped()
    del data["criteria"][6]["labels"]["uk"]
    data["criteria"][7]["default_importance"] = 5
    msgs = problems_of(data)
    assert any("'ranked_places'" in m and "labels.uk" in m for m in msgs)
    assert any("'specialist_care'" in m and "default_importance" in m for m in msgs)
    assert len(msgs) == 2


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda c: c.update(kind="hard"), "kind", "cannot be 'hard'"),  # a tie cannot be hard
        (lambda c: c.update(colour="red"), "colour", "unknown field"),
        (lambda c: c.update(id="Family Ties"), "id", "lower-case"),
        (lambda c: c.update(params={"full_at": 3}), "params.full_at", "not a parameter"),
        (lambda c: c.update(rated_by="mayor"), "rated_by", "must be one of"),
    ],
)
def test_bad_criterion_fields(mutate, field, words):
    data = shipped()
    mutate(data["criteria"][5])
    msgs = problems_of(data)
    assert any(f"field '{field}'" in m and words in m for m in msgs), msgs


def test_bad_rule_parameters():
    data = shipped()
    medical = data["criteria"][3]
    medical["params"]["requires"]["dialysis"] = []
    community = data["criteria"][13]
    community["params"]["full_at"] = -1
    room = data["criteria"][0]
    room["params"]["dimensions"] = ["persons", "ponies"]
    msgs = problems_of(data)
    assert any("'medical_care'" in m and "params.requires" in m for m in msgs)
    assert any("'community'" in m and "params.full_at" in m and "positive" in m for m in msgs)
    assert any("'room'" in m and "ponies" in m for m in msgs)


def test_duplicate_ids_missing_version_and_hard_with_importance():
    data = shipped()
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))
    del data["version"]
    data["criteria"][1]["default_importance"] = 2
    msgs = problems_of(data)
    assert any("duplicate criterion id" in m for m in msgs)
    assert any("field 'version'" in m for m in msgs)
    assert any("'barrier_free_housing'" in m and "only to soft" in m for m in msgs)


def test_load_reports_invalid_yaml_with_line(tmp_path: Path):
    path = tmp_path / "cat.yaml"
    path.write_text("version: 1\ncriteria:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    (problem,) = info.value.problems
    assert str(path) in str(problem) and "line" in str(problem)


def test_load_reports_a_missing_file(tmp_path: Path):
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_catalogue(tmp_path / "nope.yaml")


def test_a_programme_can_reweight_and_drop_criteria(tmp_path: Path):
    data = shipped()
    data["version"] = "1-pilot"
    data["criteria"] = [c for c in data["criteria"] if c["id"] != "region"]
    for c in data["criteria"]:
        if c["id"] == "labour_market":
            c["default_importance"] = 3
    path = tmp_path / "pilot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cat = load_catalogue(path)
    assert cat.version == "1-pilot"
    assert "region" not in [c.id for c in cat.criteria]
    assert cat.get("labour_market").default_importance == 3
