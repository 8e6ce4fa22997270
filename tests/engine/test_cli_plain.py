"""``passgenau solve`` and ``passgenau convert-hias`` from the command line."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_instance import BAD_CASES, GOOD, make_dir

from passgenau.cli import main
from passgenau.cli.matching import native_stdout_to_stderr
from passgenau.engine.matching.instance import read_instance

REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("mechanism", ["stable", "greedy"])
def test_solve_json_has_the_promised_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mechanism: str
) -> None:
    path = make_dir(tmp_path / "inst", GOOD)
    code, out, err = run(["solve", str(path), "--mechanism", mechanism, "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)  # exactly one JSON object
    for key in (
        "mechanism",
        "status",
        "objective",
        "bound",
        "gap",
        "placed_households",
        "placed_persons",
        "seconds",
        "input_hash",
        "seed",
        "solver",
        "solver_version",
        "blocking_pairs",
    ):
        assert key in summary, key
    assert summary["mechanism"] == mechanism
    assert summary["status"] == "feasible"
    assert summary["input_hash"] == read_instance(path).input_hash()
    assert isinstance(summary["blocking_pairs"], int)
    assert err == ""  # no progress chatter in JSON mode


def test_solve_writes_placements(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_dir(tmp_path / "inst", GOOD)
    out_file = tmp_path / "out" / "placements.csv"
    code, out, err = run(
        ["solve", str(path), "--mechanism", "greedy", "--out", str(out_file)], capsys
    )
    assert code == 0, err
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert rows and set(rows[0]) == {"household_id", "site_id", "score"}
    allowed = {
        (r["household_id"], r["site_id"]): float(r["score"])
        for r in csv.DictReader((path / "scores.csv").open(encoding="utf-8"))
    }
    for row in rows:
        assert allowed[row["household_id"], row["site_id"]] == float(row["score"])
    assert "placed" in out and "blocking" in out  # the human-readable summary
    assert "reading" in err  # progress goes to stderr


def test_nobody_placeable_is_a_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_dir(tmp_path / "inst", GOOD, **{"scores.csv": "household_id,site_id,score\n"})
    code, out, _ = run(["solve", str(path), "--mechanism", "stable", "--json"], capsys)
    assert code == 0
    summary = json.loads(out)
    assert summary["placed_households"] == 0
    assert summary["unplaced_no_allowed_site"] == 3


def test_priorities_file_is_used_by_stable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "households.csv": "id,persons\nh1,1\nh2,1\n",
        "sites.csv": "id,persons\nA,1\n",
        "scores.csv": "household_id,site_id,score\nh1,A,0.9\nh2,A,0.1\n",
    }
    plain = make_dir(tmp_path / "plain", files)
    ranked = make_dir(
        tmp_path / "ranked", files, **{"priorities.csv": "site_id,household_id,rank\nA,h2,1\n"}
    )
    for path, expected in ((plain, "h1"), (ranked, "h2")):
        out_file = tmp_path / f"{path.name}.csv"
        code, _, err = run(
            ["solve", str(path), "--mechanism", "stable", "--out", str(out_file)], capsys
        )
        assert code == 0, err
        rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
        assert [r["household_id"] for r in rows] == [expected]


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_exits_2_naming_file_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    changes, (file, row, column, text) = BAD_CASES[case]
    path = make_dir(tmp_path / "inst", GOOD, **changes)
    code, out, err = run(["solve", str(path), "--mechanism", "greedy", "--json"], capsys)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert lines, err
    where = file
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column {column!r}"
    assert any(line.startswith(f"error: {where}: ") and text in line for line in lines), err


def test_unwritable_output_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_dir(tmp_path / "inst", GOOD)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code, _, err = run(["solve", str(path), "--out", str(blocker / "p.csv")], capsys)
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("error: ")


def test_internal_failure_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from passgenau.engine.matching.mechanisms import greedy

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(greedy, "solve_greedy", broken)
    monkeypatch.delenv("PASSGENAU_DEBUG", raising=False)
    path = make_dir(tmp_path / "inst", GOOD)
    code, _, err = run(["solve", str(path), "--mechanism", "greedy", "--json"], capsys)
    assert code == 1
    (line,) = err.strip().splitlines()
    assert line.startswith("internal error: RuntimeError: boom") and "PASSGENAU_DEBUG" in line


def test_bad_time_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["solve", "somewhere", "--time-limit", "-3"])
    assert info.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_installed_entry_point(tmp_path: Path) -> None:
    exe = REPO / ".venv" / "bin" / "passgenau"
    if not exe.exists():
        pytest.skip(f"{exe} is not installed (run `make install`)")
    good = make_dir(tmp_path / "good", GOOD)
    done = subprocess.run(
        [str(exe), "solve", str(good), "--mechanism", "stable", "--json"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["blocking_pairs"] == 0
    bad = make_dir(tmp_path / "bad", GOOD, **{"scores.csv": "household_id,site_id,score\nh1,A,x\n"})
    done = subprocess.run(
        [str(exe), "solve", str(bad), "--json"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: scores.csv, row 2, column 'score': score is not a number: 'x'"
    )


def test_convert_hias_errors_name_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["convert-hias", str(tmp_path / "nothing"), str(tmp_path / "out")], capsys)
    assert code == 2
    assert "error: FY17_size.csv: required file is missing" in err


@pytest.mark.parametrize("mechanism", ["optimal", "scalable", "stable", "auto", "greedy"])
def test_every_mechanism_runs_from_the_command_line_and_is_feasible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mechanism: str
) -> None:
    import numpy as np

    from passgenau.engine.matching.solution import violations

    path = make_dir(
        tmp_path / "inst",
        GOOD,
        **{
            "fixed.csv": "household_id,site_id\nh1,A\n",
            "links.csv": "household_id,group\nh1,g\nh2,g\n",
        },
    )
    out_file = tmp_path / "placements.csv"
    argv = ["solve", str(path), "--mechanism", mechanism, "--json", "--out", str(out_file)]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    summary = json.loads(out)
    inst = read_instance(path)
    assignment = np.full(inst.n_households, -1)
    for row in csv.DictReader(out_file.open(encoding="utf-8")):
        assignment[inst.household_ids.index(row["household_id"])] = inst.site_ids.index(
            row["site_id"]
        )
    assert violations(inst, assignment) == []
    assert summary["placed_households"] == int((assignment >= 0).sum())
    assert isinstance(summary["blocking_pairs"], int)


def test_native_output_during_a_solve_goes_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """Lines a native solver library prints (HiGHS does, with presolve off) must not end up in
    the ``--json`` output: during the solve, file descriptor 1 points at standard error."""
    import ctypes

    libc = ctypes.CDLL(None)
    print("before", flush=True)
    with native_stdout_to_stderr():
        os.write(1, b"unbuffered native line\n")
        libc.printf(b"buffered native line\n")
    print("after")
    out, err = capfd.readouterr()
    assert out == "before\nafter\n"
    assert "unbuffered native line" in err
    assert "buffered native line" in err


@pytest.mark.parametrize("argv", [["solve", "--help"], ["solve", "INSTANCE", "--json"]])
def test_engine_commands_do_not_load_django(tmp_path: Path, argv: list[str]) -> None:
    path = make_dir(tmp_path / "inst", GOOD)
    argv = [str(path) if a == "INSTANCE" else a for a in argv]
    code = (
        "import sys\n"
        "from passgenau.cli import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        "assert code == 0, code\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
