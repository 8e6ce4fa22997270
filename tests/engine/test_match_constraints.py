"""Fixed, forbidden and linked households at the profile level: ``match_profiles`` and
``passgenau match --fixed/--forbidden/--links``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from passgenau.cli import main
from passgenau.engine.matching.criteria import (
    CatalogueError,
    load_catalogue,
    load_catalogue_version,
)
from passgenau.engine.matching.model import InstanceError, SolveOptions
from passgenau.engine.matching.pipeline import match_profiles
from passgenau.engine.matching.scoring import score_profiles
from passgenau.engine.matching.solution import violations
from passgenau.engine.matching.synthetic import generate_profiles

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def profiles():  # type: ignore[no-untyped-def]
    return generate_profiles(60, 6, 11)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _pairs(instance) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {
        (instance.household_ids[h], instance.site_ids[s])
        for h, s in zip(instance.pair_household, instance.pair_site, strict=True)
    }


def test_constraints_are_applied_to_the_scored_instance(profiles) -> None:  # type: ignore[no-untyped-def]
    households, sites = profiles
    scored, _ = score_profiles(households, sites, CATALOGUE)
    allowed = sorted(_pairs(scored))
    fits = {
        (h, s)
        for h in range(scored.n_households)
        for s in range(scored.n_sites)
        if (scored.demand[h] <= scored.capacity[s]).all()
    }
    ruled_out = next(
        (scored.household_ids[h], scored.site_ids[s])
        for h, s in sorted(fits)
        if (scored.household_ids[h], scored.site_ids[s]) not in set(allowed)
    )
    banned = allowed[0]
    a, b = households[1].id, households[2].id
    run = match_profiles(
        households,
        sites,
        CATALOGUE,
        fixed=[ruled_out],
        forbidden=[banned, ("nobody", sites[0].id)],  # unknown ids in forbidden pairs: ignored
        links=[(a, b, "nobody")],
        mechanism="optimal",
    )
    pairs = _pairs(run.instance)
    assert banned not in pairs and ruled_out in pairs
    assert len(pairs) == len(allowed)  # one removed, one added
    index = {hid: k for k, hid in enumerate(run.instance.household_ids)}
    assert run.instance.links == (tuple(sorted((index[a], index[b]))),)
    assignment = run.result.assignment
    assert violations(run.instance, assignment) == []
    site_of = {e.household_id: e.site_id for e in run.explanations}
    assert site_of[ruled_out[0]] == ruled_out[1]
    assert site_of[a] == site_of[b]
    assert set(run.timings) == {"scoring", "solving", "explaining"}


def test_a_fixed_household_that_does_not_take_part_is_refused(profiles) -> None:  # type: ignore[no-untyped-def]
    households, sites = profiles
    with pytest.raises(InstanceError) as info:
        match_profiles(households, sites, CATALOGUE, fixed=[("nobody", sites[0].id)])
    (problem,) = info.value.problems
    assert (problem.source, problem.line, problem.field) == ("fixed", 1, "household_id")


def test_the_same_inputs_give_the_same_instance_and_result(profiles) -> None:  # type: ignore[no-untyped-def]
    households, sites = profiles
    kwargs = {
        "fixed": [(households[0].id, sites[0].id)],
        "forbidden": [(households[3].id, sites[1].id)],
        "links": [(households[4].id, households[5].id)],
        "options": SolveOptions(seed=2),
    }
    first = match_profiles(households, sites, CATALOGUE, **kwargs)  # type: ignore[arg-type]
    again = match_profiles(households, sites, CATALOGUE, **kwargs)  # type: ignore[arg-type]
    assert first.instance.input_hash() == again.instance.input_hash()
    assert first.placements() == again.placements()


def test_a_catalogue_is_loaded_by_its_version_or_refused() -> None:
    assert load_catalogue_version("1").version == "1"
    for version in ("99", "../1", ""):
        with pytest.raises(CatalogueError, match="not shipped"):
            load_catalogue_version(version)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("gen") / "round"
    assert main(["generate", "--households", "40", "--sites", "5", "--seed", "3", str(out)]) == 0
    return out


def test_match_command_honours_fixed_forbidden_and_linked_households(
    generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [json.loads(line)["id"] for line in (generated / "households.jsonl").open()]
    site_ids = [json.loads(line)["id"] for line in (generated / "sites.jsonl").open()]
    fixed = _write(tmp_path / "fixed.csv", ["household_id", "site_id"], [[ids[0], site_ids[2]]])
    forbidden = _write(
        tmp_path / "forbidden.csv",
        ["household_id", "site_id"],
        [[h, s] for h in ids[1:3] for s in site_ids[:4]],
    )
    links = _write(
        tmp_path / "links.csv", ["household_id", "group"], [[ids[5], "g"], [ids[6], "g"]]
    )
    out = tmp_path / "result"
    argv = ["match", str(generated), "--out", str(out), "--json", "--mechanism", "optimal"]
    argv += ["--fixed", str(fixed), "--forbidden", str(forbidden), "--links", str(links)]
    code, _, err = main(argv), *capsys.readouterr()
    assert code == 0, err
    with (out / "placements.csv").open(encoding="utf-8") as f:
        placed = {row["household_id"]: row["site_id"] for row in csv.DictReader(f)}
    assert placed[ids[0]] == site_ids[2]
    for h in ids[1:3]:
        assert placed.get(h) in (None, site_ids[4])
    assert placed.get(ids[5]) == placed.get(ids[6])
    instance_dir = out / "instance"
    assert (instance_dir / "fixed.csv").read_text().splitlines()[1:] == [f"{ids[0]},{site_ids[2]}"]


def test_match_command_names_the_file_row_and_column_of_a_bad_constraint(
    generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [json.loads(line)["id"] for line in (generated / "households.jsonl").open()]
    fixed = _write(
        tmp_path / "fixed.csv", ["household_id", "site_id"], [[ids[0], "atlantis"], ["ghost", "x"]]
    )
    links = _write(tmp_path / "links.csv", ["household_id", "team"], [[ids[1], "g"]])
    argv = ["match", str(generated), "--out", str(tmp_path / "r"), "--fixed", str(fixed)]
    code, _, err = main([*argv, "--links", str(links)]), *capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert "error: fixed.csv, row 2, column 'site_id': unknown site id 'atlantis'" in lines[
        1
    ] or any(
        "fixed.csv, row 2, column 'site_id': unknown site id 'atlantis'" in line for line in lines
    )
    assert any(
        "fixed.csv, row 3, column 'household_id': unknown household id 'ghost'" in line
        for line in lines
    )
    assert any(line.startswith("error: links.csv") and "group" in line for line in lines)
    assert not (tmp_path / "r").exists()
