"""``passgenau apportion``: end to end through the command line."""

from __future__ import annotations

import argparse
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from passgenau.cli import apportionment as apportionment_commands

REPO = Path(__file__).resolve().parents[2]
KREISE = REPO.parent / "shared" / "data" / "destatis-kreise-2018.csv"


def run(*argv: str) -> int:
    """Parse and run ``passgenau apportion`` with only this module's sub-command registered."""
    parser = argparse.ArgumentParser(prog="passgenau")
    subparsers = parser.add_subparsers()
    apportionment_commands.register(subparsers)
    args = parser.parse_args(["apportion", *argv])
    return int(args.func(args))


def write(tmp_path: Path, text: str, name: str = "key.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@pytest.fixture
def bw_key(tmp_path: Path) -> Path:
    """The 44 Stadt- und Landkreise of Baden-Württemberg with population (Destatis 2018)."""
    if not KREISE.exists():
        pytest.skip(f"real data not available: {KREISE} (needs ../shared/data)")
    with KREISE.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["AGS"].startswith("08")]
    out = tmp_path / "bw.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "weight"])
        writer.writerows([r["AGS"], r["name"], r["population"]] for r in rows)
    return out


@pytest.mark.parametrize("method", ["largest-remainder", "sainte-lague", "dhondt"])
def test_bw_8_million_euro_to_the_cent(bw_key: Path, tmp_path: Path, method: str) -> None:
    out = tmp_path / "out.csv"
    code = run("--total", "8000000", "--weights", str(bw_key), "--decimals", "2",
               "--method", method, "--out", str(out))  # fmt: skip
    assert code == 0
    rows = read_csv(out)
    assert len(rows) == 44
    assert list(rows[0]) == ["id", "quota", "allocation", "name"]
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("8000000.00")
    assert all(len(r["allocation"].split(".")[1]) == 2 for r in rows)
    assert all(abs(Decimal(r["allocation"]) - Decimal(r["quota"])) < Decimal("0.01") for r in rows)
    stuttgart = next(r for r in rows if r["id"] == "08111")
    assert stuttgart["name"] == "Stuttgart"


@pytest.mark.parametrize(
    "total", ["8000000", "8000000.00", "8.000.000,00", "8 000 000", "8,000,000.00"]
)
def test_total_in_german_and_english_formats(tmp_path: Path, total: str) -> None:
    key = write(tmp_path, "id,weight\nA,1\nB,1\nC,1\n")
    out = tmp_path / "out.csv"
    assert run("--total", total, "--weights", str(key), "--decimals", "2", "--out", str(out)) == 0
    assert [r["allocation"] for r in read_csv(out)] == ["2666666.67", "2666666.67", "2666666.66"]


def test_readable_table_without_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = write(tmp_path, "id,name,weight\nA,Alpha,2\nB,Beta,1\n")
    assert run("--total", "1000", "--weights", str(key), "--decimals", "2") == 0
    out = capsys.readouterr().out
    assert "Alpha" in out and "666.67" in out and "333.33" in out
    assert "total" in out and "1,000.00" in out


def test_german_output_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = write(tmp_path, "id;weight\nA;2\nB;1\n")
    assert run("--total", "1.000,00", "--weights", str(key), "--decimals", "2",
               "--output-format", "de", "--out", "-") == 0  # fmt: skip
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter=";"))
    assert rows[0] == ["id", "quota", "allocation"]
    assert rows[1] == ["A", "666,666667", "666,67"]


def test_bom_semicolons_and_german_weights(tmp_path: Path) -> None:
    key = tmp_path / "bom.csv"
    key.write_bytes("\ufeffid;weight;note\nX;1.500,25;a\nY;499,75;b\n".encode())
    out = tmp_path / "out.csv"
    assert run("--total", "2000", "--weights", str(key), "--out", str(out)) == 0
    rows = read_csv(out)
    assert [(r["id"], r["allocation"], r["note"]) for r in rows] == [
        ("X", "1500", "a"),
        ("Y", "500", "b"),
    ]


def test_bounds_global_and_per_column(tmp_path: Path) -> None:
    key = write(tmp_path, "id,weight,floor\nA,100,\nB,1,10\nC,1,\n")
    out = tmp_path / "out.csv"
    assert run("--total", "100", "--weights", str(key), "--min", "5", "--out", str(out)) == 0
    assert [r["allocation"] for r in read_csv(out)] == ["90", "5", "5"]
    assert run("--total", "100", "--weights", str(key), "--min-column", "floor",
               "--method", "dhondt", "--out", str(out)) == 0  # fmt: skip
    # D'Hondt: A's 90th average 100/90 beats C's first average 1/1.
    assert [r["allocation"] for r in read_csv(out)] == ["90", "10", "0"]
    assert run("--total", "100", "--weights", str(key), "--max", "40", "--out", str(out)) == 0
    assert [r["allocation"] for r in read_csv(out)] == ["40", "30", "30"]


def test_ties_are_reported_and_lots_reproducible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = write(tmp_path, "id,weight\nA,1\nB,1\nC,1\nD,1\n")
    out = tmp_path / "out.csv"
    assert run("--total", "2", "--weights", str(key), "--out", str(out)) == 0
    assert "A, B, C, D tied for 2" in capsys.readouterr().err
    assert [r["allocation"] for r in read_csv(out)] == ["1", "1", "0", "0"]
    draws = []
    for _ in range(2):
        assert run("--total", "2", "--weights", str(key), "--ties", "lot", "--seed", "7",
                   "--out", str(out)) == 0  # fmt: skip
        draws.append([r["allocation"] for r in read_csv(out)])
    assert draws[0] == draws[1]
    assert "lot (seed 7)" in capsys.readouterr().err


# --- bad input: exit code 2, one message per problem, no traceback ---------------------------


def test_bad_weights_file_names_file_row_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = write(tmp_path, "id,weight\nA,1\nB,-2\nC,zwei\nA,3\n", name="kreise.csv")
    assert run("--total", "10", "--weights", str(key)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    # in file order
    assert f"{key}, row 3, column 'weight': negative weight -2" in err[0]
    assert f"{key}, row 4, column 'weight': 'zwei' is not a number" in err[1]
    assert f"{key}, row 5, column 'id': id 'A' also in row 2" in err[2]
    assert all(line.startswith("passgenau apportion: error:") for line in err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--total", "10.0051", "--decimals", "2"], "more decimals than --decimals 2"),
        (["--total", "1.000"], "different numbers in German and English"),
        (["--total", "-5"], "must not be negative"),
        (["--total", "ten"], "is not a number"),
        (["--total", "10", "--min", "6"], "minimums add up to 12"),
        (["--total", "10", "--max", "4"], "maximums add up to 8"),
        (["--total", "10", "--ties", "lot"], "needs --seed"),
        (["--total", "10", "--decimals", "12"], "choose 0 to 9"),
        (["--total", "10", "--min", "1", "--min-column", "x"], "either --min or --min-column"),
        (["--total", "10", "--min-column", "nope"], "no such column"),
    ],
)
def test_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    key = write(tmp_path, "id,weight\nA,1\nB,1\n")
    assert run("--weights", str(key), *args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_missing_and_empty_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--total", "1", "--weights", str(tmp_path / "none.csv")) == 2
    assert "file not found" in capsys.readouterr().err
    assert run("--total", "1", "--weights", str(write(tmp_path, ""))) == 2
    assert "empty" in capsys.readouterr().err
    assert run("--total", "1", "--weights", str(write(tmp_path, "id,weight\nA,0\n"))) == 2
    assert "all weights are zero" in capsys.readouterr().err


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = write(tmp_path, "id,weight\nA,1\n")
    assert run("--total", "1", "--weights", str(key), "--out", str(tmp_path / "no" / "x.csv")) == 2
    assert "--out" in capsys.readouterr().err


def test_unknown_method_is_a_usage_error(tmp_path: Path) -> None:
    key = write(tmp_path, "id,weight\nA,1\n")
    with pytest.raises(SystemExit) as info:
        run("--total", "1", "--weights", str(key), "--method", "borda")
    assert info.value.code == 2


def test_through_the_passgenau_dispatcher(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from passgenau.cli import main

    key = write(tmp_path, "id,weight\nA,3\nB,1\n")
    assert main(["apportion", "--total", "4", "--weights", str(key), "--out", "-"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["A,3.0000,3", "B,1.0000,1"]
