"""The plain instance format: round trips, parsing details and validation."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import instances

from passgenau.engine.matching.instance import (
    MAX_PROBLEMS_PER_KIND,
    read_instance,
    read_priorities,
    write_instance,
)
from passgenau.engine.matching.model import Instance, InstanceError

GOOD = {
    "households.csv": "id,persons,school\nh1,3,1\nh2,1,0\nh3,2,2\n",
    "sites.csv": "id,name,persons,school\nA,Alpha,4,2\nB,Beta,3,1\n",
    "scores.csv": "household_id,site_id,score\nh1,A,0.5\nh1,B,0.25\nh2,A,1\nh3,B,0.75\n",
}


def make_dir(root: Path, files: dict[str, str], **changes: str | None) -> Path:
    """Write ``files`` (with ``changes``: name → content, None removes) into ``root``."""
    merged = {**files, **{k.replace("__", "."): v for k, v in changes.items()}}
    root.mkdir(parents=True, exist_ok=True)
    for name, text in merged.items():
        if text is None:
            continue
        if name.endswith(".gz"):
            (root / name).write_bytes(gzip.compress(text.encode()))
        else:
            (root / name).write_text(text, encoding="utf-8")
    return root


def problems_of(path: Path) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(InstanceError) as info:
        read_instance(path)
    return [(p.source, p.line, p.field, p.message) for p in info.value.problems]


# -- reading good input ---------------------------------------------------------------------------
def test_reads_the_plain_format(tmp_path: Path) -> None:
    inst = read_instance(make_dir(tmp_path, GOOD))
    assert inst.household_ids == ("h1", "h2", "h3")
    assert inst.site_ids == ("A", "B")
    assert inst.site_names == ("Alpha", "Beta")
    assert inst.dimensions == ("persons", "school")
    assert inst.demand.tolist() == [[3, 1], [1, 0], [2, 2]]
    assert inst.capacity.tolist() == [[4, 2], [3, 1]]
    assert list(zip(inst.pair_household.tolist(), inst.pair_site.tolist(), strict=True)) == [
        (0, 0),
        (0, 1),
        (1, 0),
        (2, 1),
    ]
    assert inst.pair_score.tolist() == [0.5, 0.25, 1.0, 0.75]
    assert inst.min_load is not None and not inst.min_load.any()


def test_forbidden_pairs_are_removed_and_extensions_are_read(tmp_path: Path) -> None:
    path = make_dir(
        tmp_path,
        GOOD,
        **{
            "sites.csv": "id,name,persons,school,min_persons\nA,Alpha,4,2,1\nB,Beta,3,1,0\n",
            "forbidden.csv": "household_id,site_id\nh1,B\n",
            "fixed.csv": "household_id,site_id\nh2,A\n",
            "links.csv": "household_id,group\nh1,g\nh2,g\nh3,solo\n",
        },
    )
    inst = read_instance(path)
    assert (0, 1) not in set(
        zip(inst.pair_household.tolist(), inst.pair_site.tolist(), strict=True)
    )
    assert inst.n_pairs == 3
    assert inst.min_load is not None and inst.min_load.tolist() == [[1, 0], [0, 0]]
    assert inst.fixed_household.tolist() == [1] and inst.fixed_site.tolist() == [0]
    assert inst.links == ((0, 1),)  # a group of one is no link


def test_quoted_fields_bom_crlf_blank_lines_and_spaces(tmp_path: Path) -> None:
    path = make_dir(
        tmp_path,
        GOOD,
        **{
            "sites.csv": (
                '\ufeffid,name,persons,school\r\nA,"Alpha, upper",4,2\r\n\r\nB,Beta,3,1\r\n'
            ),
            "households.csv": "id,persons,school\nh1, 3,1\nh2,1,0\n\nh3,2,2",
        },
    )
    inst = read_instance(path)
    assert inst.site_names == ("Alpha, upper", "Beta")
    assert inst.demand[:, 0].tolist() == [3, 1, 2]


def test_gzip_files_are_read(tmp_path: Path) -> None:
    files = dict(GOOD)
    scores = files.pop("scores.csv")
    path = make_dir(tmp_path, files, **{"scores.csv.gz": scores})
    assert read_instance(path).n_pairs == 4


def test_priorities_are_aligned_with_the_pairs(tmp_path: Path) -> None:
    path = make_dir(
        tmp_path, GOOD, **{"priorities.csv": "site_id,household_id,rank\nA,h2,1\nA,h1,2\n"}
    )
    inst = read_instance(path)
    ranks = read_priorities(path, inst)
    assert ranks is not None
    # pairs: (h1,A) (h1,B) (h2,A) (h3,B); unranked pairs come after every ranked one
    assert ranks.tolist() == [2, 3, 1, 3]
    assert read_priorities(make_dir(tmp_path / "plain", GOOD), inst) is None


# -- round trips ----------------------------------------------------------------------------------
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(inst=instances())
def test_write_then_read_gives_the_same_instance(tmp_path: Path, inst: Instance) -> None:
    for compress in (False, True):
        target = tmp_path / ("gz" if compress else "plain")
        write_instance(inst, target, compress=compress)
        back = read_instance(target)
        assert back.input_hash() == inst.input_hash()
        assert np.array_equal(back.pair_score, inst.pair_score)


def test_round_trip_keeps_awkward_ids_and_exact_scores(tmp_path: Path) -> None:
    inst = Instance(
        household_ids=("a,b", 'quote"d', "ü-ß"),
        site_ids=("s 1", "s2"),
        dimensions=("persons",),
        demand=[[1], [2], [3]],
        capacity=[[3], [4]],
        pair_household=[0, 1, 2],
        pair_site=[0, 1, 1],
        pair_score=[0.1 + 0.2, 1e-17, 12345678.123456789],
        site_names=("Name, with comma", "Zweite"),
    )
    write_instance(inst, tmp_path)
    back = read_instance(tmp_path)
    assert back.household_ids == inst.household_ids
    assert back.site_names == inst.site_names
    assert back.pair_score.tolist() == inst.pair_score.tolist()
    assert back.input_hash() == inst.input_hash()


def test_writing_replaces_files_of_an_earlier_instance(tmp_path: Path) -> None:
    make_dir(tmp_path, GOOD, **{"fixed.csv": "household_id,site_id\nh1,A\n"})
    inst = read_instance(make_dir(tmp_path / "other", GOOD))
    write_instance(inst, tmp_path, compress=True)
    assert not (tmp_path / "fixed.csv").exists()
    assert not (tmp_path / "scores.csv").exists()
    assert read_instance(tmp_path).input_hash() == inst.input_hash()


# -- validation -----------------------------------------------------------------------------------
BAD_CASES = {
    "unknown household": (
        {"scores.csv": "household_id,site_id,score\nh1,A,0.5\nhX,A,1\n"},
        ("scores.csv", 3, "household_id", "unknown household id 'hX'"),
    ),
    "unknown site": (
        {"scores.csv": "household_id,site_id,score\nh1,A,0.5\nh2,Z,1\n"},
        ("scores.csv", 3, "site_id", "unknown site id 'Z'"),
    ),
    "duplicate household": (
        {"households.csv": "id,persons,school\nh1,3,1\nh2,1,0\nh1,2,2\n"},
        ("households.csv", 4, "id", "duplicate household id 'h1'"),
    ),
    "duplicate site": (
        {"sites.csv": "id,name,persons,school\nA,Alpha,4,2\nA,Beta,3,1\n"},
        ("sites.csv", 3, "id", "duplicate site id 'A'"),
    ),
    "duplicate pair": (
        {"scores.csv": "household_id,site_id,score\nh1,A,0.5\nh1,A,1\n"},
        ("scores.csv", 3, "site_id", "appears more than once"),
    ),
    "negative score": (
        {"scores.csv": "household_id,site_id,score\nh1,A,-0.5\n"},
        ("scores.csv", 2, "score", "must not be negative"),
    ),
    "score not a number": (
        {"scores.csv": "household_id,site_id,score\nh1,A,0.5\nh2,A,lots\n"},
        ("scores.csv", 3, "score", "not a number: 'lots'"),
    ),
    "NaN score": (
        {"scores.csv": "household_id,site_id,score\nh1,A,nan\n"},
        ("scores.csv", 2, "score", "NaN"),
    ),
    "infinite score": (
        {"scores.csv": "household_id,site_id,score\nh1,A,0.5\nh2,A,inf\n"},
        ("scores.csv", 3, "score", "infinite"),
    ),
    "negative capacity": (
        {"sites.csv": "id,name,persons,school\nA,Alpha,4,-2\nB,Beta,3,1\n"},
        ("sites.csv", 2, "school", "capacity must not be negative"),
    ),
    "fractional capacity": (
        {"sites.csv": "id,name,persons,school\nA,Alpha,4,2\nB,Beta,3.5,1\n"},
        ("sites.csv", 3, "persons", "capacity must be a whole number"),
    ),
    "negative demand": (
        {"households.csv": "id,persons,school\nh1,3,1\nh2,-1,0\nh3,2,2\n"},
        ("households.csv", 3, "persons", "demand must not be negative"),
    ),
    "fractional demand": (
        {"households.csv": "id,persons,school\nh1,3,1\nh2,1,0.5\nh3,2,2\n"},
        ("households.csv", 3, "school", "demand must be a whole number"),
    ),
    "dimension only in households": (
        {"households.csv": "id,persons,school,kita\nh1,3,1,0\nh2,1,0,0\nh3,2,2,1\n"},
        ("sites.csv", 1, "kita", "has no capacity column"),
    ),
    "dimension only in sites": (
        {"sites.csv": "id,name,persons,school,kita\nA,Alpha,4,2,1\nB,Beta,3,1,0\n"},
        ("households.csv", 1, "kita", "has no demand column"),
    ),
    "missing file": (
        {"scores.csv": None},
        ("scores.csv", None, None, "required file is missing"),
    ),
    "empty file": (
        {"households.csv": ""},
        ("households.csv", None, None, "empty"),
    ),
    "missing header column": (
        {"scores.csv": "household_id,site,score\nh1,A,0.5\n"},
        ("scores.csv", 1, "site_id", "required column is missing"),
    ),
    "wrong number of fields": (
        {"scores.csv": "household_id,site_id,score\nh1,A,0.5\nh2,A\n"},
        ("scores.csv", 3, None, "expected 3 fields, found 2"),
    ),
    "fixed pair not allowed": (
        {"fixed.csv": "household_id,site_id\nh2,B\n"},
        ("fixed.csv", 2, "site_id", "not allowed"),
    ),
    "fixed pair forbidden": (
        {
            "fixed.csv": "household_id,site_id\nh1,A\n",
            "forbidden.csv": "household_id,site_id\nh1,A\n",
        },
        ("fixed.csv", 2, "site_id", "forbidden"),
    ),
    "fixed pairs break a capacity": (
        {
            "scores.csv": "household_id,site_id,score\nh1,A,0.5\nh2,A,1\nh3,A,1\n",
            "fixed.csv": "household_id,site_id\nh1,A\nh2,A\nh3,A\n",
        },
        ("fixed.csv", 4, "site_id", "more 'persons' than its capacity 4"),
    ),
    "household fixed twice": (
        {"fixed.csv": "household_id,site_id\nh1,A\nh1,B\n"},
        ("fixed.csv", 3, "household_id", "fixed more than once"),
    ),
    "minimum above capacity": (
        {"sites.csv": "id,name,persons,school,min_persons\nA,Alpha,4,2,5\nB,Beta,3,1,0\n"},
        ("sites.csv", 2, "min_persons", "above the capacity 4"),
    ),
    "linked households fixed apart": (
        {
            "fixed.csv": "household_id,site_id\nh1,B\nh2,A\n",
            "links.csv": "household_id,group\nh1,g\nh2,g\n",
        },
        ("links.csv", 3, "group", "fixed at different sites"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_names_file_row_and_column(tmp_path: Path, case: str) -> None:
    changes, (file, row, column, text) = BAD_CASES[case]
    problems = problems_of(make_dir(tmp_path, GOOD, **changes))
    matching = [p for p in problems if p[0] == file and p[1] == row and p[2] == column]
    assert matching, problems
    assert any(text in p[3] for p in matching), problems


def test_all_problems_are_collected_not_just_the_first(tmp_path: Path) -> None:
    path = make_dir(
        tmp_path,
        GOOD,
        **{
            "households.csv": "id,persons,school\nh1,3,1\nh1,1,0\nh3,-2,2\n",
            "sites.csv": "id,name,persons,school\nA,Alpha,x,2\nB,Beta,3,1\n",
        },
    )
    found = {(p[0], p[1], p[2]) for p in problems_of(path)}
    assert ("households.csv", 3, "id") in found
    assert ("households.csv", 4, "persons") in found
    assert ("sites.csv", 2, "persons") in found


def test_scores_are_checked_when_the_household_ids_are_unusable(tmp_path: Path) -> None:
    path = make_dir(
        tmp_path,
        GOOD,
        **{
            "households.csv": "id,persons,school\nh1,3,1\n,1,0\n",
            "scores.csv": "household_id,site_id,score\nh1,A,-1\nh1,C,0.5\n",
        },
    )
    found = {(p[0], p[1], p[2]) for p in problems_of(path)}
    assert ("households.csv", 3, "id") in found
    assert ("scores.csv", 2, "score") in found  # negative score, found in the same run
    assert ("scores.csv", 3, "site_id") in found  # unknown site: the sites file is fine


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    rows = "".join(f"h1,A,-{i}\n" for i in range(1, 60))
    path = make_dir(tmp_path, GOOD, **{"scores.csv": "household_id,site_id,score\n" + rows})
    problems = [p for p in problems_of(path) if p[2] == "score"]
    assert len(problems) == MAX_PROBLEMS_PER_KIND + 1
    assert "39 more rows" in problems[-1][3]


def test_not_a_directory(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nowhere")
    assert problems[0][3] == "is not a directory"


def test_an_instance_without_pairs_is_valid(tmp_path: Path) -> None:
    inst = read_instance(make_dir(tmp_path, GOOD, **{"scores.csv": "household_id,site_id,score\n"}))
    assert inst.n_pairs == 0


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = make_dir(tmp_path, GOOD)
    (path / "sites.csv").write_bytes(b"id,name,persons,school\nA,M\xfcnchen,4,2\nB,Beta,3,1\n")
    assert ("sites.csv", 2, None, "is not valid UTF-8 text") in problems_of(path)


def test_a_household_in_two_groups_is_an_error(tmp_path: Path) -> None:
    links = "household_id,group\nh1,g\nh2,g\nh1,other\n"
    problems = problems_of(make_dir(tmp_path, GOOD, **{"links.csv": links}))
    assert problems == [
        ("links.csv", 4, "household_id", "household 'h1' is in more than one group")
    ]


def test_bad_priorities_name_file_row_and_column(tmp_path: Path) -> None:
    path = make_dir(
        tmp_path,
        GOOD,
        **{"priorities.csv": "site_id,household_id,rank\nA,h1,1\nA,hX,2\nB,h1,x\nA,h1,3\n"},
    )
    inst = read_instance(path)
    with pytest.raises(InstanceError) as info:
        read_priorities(path, inst)
    found = {(p.source, p.line, p.field) for p in info.value.problems}
    assert ("priorities.csv", 3, "household_id") in found  # unknown household
    assert ("priorities.csv", 4, "rank") in found  # not a whole number
    (path / "priorities.csv").write_text("site_id,household_id,rank\nA,h1,1\nA,h1,2\n")
    with pytest.raises(InstanceError) as info:
        read_priorities(path, inst)
    assert [(p.line, p.field) for p in info.value.problems] == [(3, "household_id")]
