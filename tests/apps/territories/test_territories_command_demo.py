"""``passgenau import-territories`` and the demo places."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
from territory_samples import SMALL_GV_LINES, write_variant

from passgenau.apps.territories.demo import (
    DEMO_REFERENCE_DATE,
    demo_directory,
    territories_load_demo,
)
from passgenau.apps.territories.models import Gemeinde, Kreis, Land, Regierungsbezirk
from passgenau.apps.territories.services import territories_import
from passgenau.cli.territories import (
    parse_reference_date,
    reference_date_from_name,
    register,
)

pytestmark = pytest.mark.django_db


def main(argv: list[str]) -> int:
    """Run the sub-command as ``passgenau`` would, through its own parser only."""
    parser = argparse.ArgumentParser(prog="passgenau")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_command_imports_and_reports(small_gv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-territories", str(small_gv), "--reference-date", "31.12.2019"]) == 0
    out = capsys.readouterr().out
    assert "Gemeinden: 4 created, 0 updated, 0 unchanged" in out
    assert "reference date 2019-12-31" in out
    assert Gemeinde.objects.get(ags="08111000").reference_date == dt.date(2019, 12, 31)

    assert main(["import-territories", str(small_gv), "--reference-date", "2019-12-31"]) == 0
    assert "No changes." in capsys.readouterr().out


def test_command_dry_run_saves_nothing(small_gv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-territories", str(small_gv), "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert Gemeinde.objects.count() == 0


def test_command_rejects_a_broken_file_with_exit_code_2(
    small_gv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-territories", str(small_gv)]) == 0
    capsys.readouterr()
    broken = write_variant(tmp_path, {7: SMALL_GV_LINES[7].replace(",44,", ",49,")})
    assert main(["import-territories", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "Nothing imported" in err
    assert f"{broken}, line 8, field 'textkennzeichen'" in err
    assert Kreis.objects.get(ags="08416").kind == "landkreis"


def test_command_rejects_a_missing_file_and_a_bad_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-territories", str(tmp_path / "missing.csv")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["import-territories", "x.csv", "--reference-date", "yesterday"])
    assert exc.value.code == 2


def test_reference_dates() -> None:
    assert parse_reference_date("31.12.2018") == dt.date(2018, 12, 31)
    assert parse_reference_date("2018-12-31") == dt.date(2018, 12, 31)
    assert reference_date_from_name(Path("destatis-kreise-2018.csv")) == dt.date(2018, 12, 31)
    assert reference_date_from_name(Path("destatis-gv-auszug-gemeinden.csv")) is None
    assert reference_date_from_name(Path("gv-2018-vs-2019.csv")) is None  # ambiguous


def test_demo_places_load_once() -> None:
    first = territories_load_demo()
    assert first.level("Länder").created == 3
    assert Gemeinde.objects.filter(ags="14612000", name="Dresden, Stadt").exists()
    assert Gemeinde.objects.get(ags="03102000").kreis.land.name == "Niedersachsen"
    assert Kreis.objects.get(ags="08416").gemeinden.count() == 4
    assert Land.objects.get(ags="08").reference_date == DEMO_REFERENCE_DATE
    second = territories_load_demo()
    assert not second.changed
    assert sum(lv.unchanged for lv in second.levels) == sum(lv.created for lv in first.levels)


def test_demo_never_overwrites_imported_figures(small_gv: Path) -> None:
    territories_import(path=small_gv, reference_date=dt.date(2023, 12, 31))
    territories_load_demo()
    assert Gemeinde.objects.get(ags="08111000").reference_date == dt.date(2023, 12, 31)
    assert Land.objects.get(ags="08").population == 635911 + 43843 + 4335  # the small file's sum


def test_demo_facts_match_the_published_directory(gv_file: Path) -> None:
    """Importing the official directory for the same date changes none of the demo places."""
    territories_load_demo()
    demo = demo_directory()
    models_and_keys = [
        (Land, [r.ags for r in demo.laender]),
        (Regierungsbezirk, [r.key for r in demo.regierungsbezirke]),
        (Kreis, [r.ags for r in demo.kreise]),
        (Gemeinde, [r.ags for r in demo.gemeinden]),
    ]
    before = {m: list(m.objects.filter(pk__in=keys).values()) for m, keys in models_and_keys}
    territories_import(path=gv_file, reference_date=DEMO_REFERENCE_DATE)
    after = {m: list(m.objects.filter(pk__in=keys).values()) for m, keys in models_and_keys}
    assert after == before
