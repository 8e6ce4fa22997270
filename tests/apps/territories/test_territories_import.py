"""Importing Destatis directories into the database: counts, sums, idempotence, atomicity."""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from territory_samples import SMALL_GV_LINES, write_variant

from passgenau.apps.territories.destatis import DirectoryFormatError
from passgenau.apps.territories.models import Gemeinde, Kreis, Land, Regierungsbezirk
from passgenau.apps.territories.services import territories_import

pytestmark = pytest.mark.django_db

DATE_2019 = dt.date(2019, 12, 31)
DATE_2020 = dt.date(2020, 12, 31)


def snapshot() -> dict[str, list[tuple]]:
    """Every stored value of every territory, to prove that nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (Land, Regierungsbezirk, Kreis, Gemeinde)
    }


def test_small_directory_creates_every_level(small_gv: Path) -> None:
    report = territories_import(path=small_gv, reference_date=DATE_2019)
    assert [(lv.label, lv.created) for lv in report.levels] == [
        ("Länder", 1),
        ("Regierungsbezirke", 2),
        ("Kreise", 2),
        ("Gemeinden", 4),
    ]
    rottenburg = Gemeinde.objects.get(ags="08416036")
    assert rottenburg.kreis_id == "08416"
    assert rottenburg.land_id == "08"
    assert rottenburg.ars == "084165003036"
    assert rottenburg.population == 43843
    assert rottenburg.area_km2 == Decimal("142.26")
    assert rottenburg.latitude == Decimal("48.479475")
    assert rottenburg.reference_date == DATE_2019
    assert Gemeinde.objects.get(ags="08000999").kreis is None
    # Kreis and Land figures are the sums over their Gemeinden (the file gives none).
    tuebingen = Kreis.objects.get(ags="08416")
    assert tuebingen.population == 43843 + 4335
    assert tuebingen.area_km2 == Decimal("142.26") + Decimal("27.84")
    assert tuebingen.regierungsbezirk_id == "084"
    land = Land.objects.get(ags="08")
    assert land.population == 635911 + 43843 + 4335 + 0
    assert land.population_male == 317794 + 21763 + 2176


def test_second_import_reports_no_change(small_gv: Path) -> None:
    territories_import(path=small_gv, reference_date=DATE_2019)
    before = snapshot()
    report = territories_import(path=small_gv, reference_date=DATE_2019)
    assert not report.changed
    assert all(lv.created == lv.updated == 0 for lv in report.levels)
    assert "No changes." in report.as_text()
    assert snapshot() == before


def test_changes_are_reported_by_level_and_field(small_gv: Path, tmp_path: Path) -> None:
    territories_import(path=small_gv, reference_date=DATE_2019)
    starzach = SMALL_GV_LINES[10].replace(" 4 335, 2 176,", " 4 336, 2 177,")
    renamed = SMALL_GV_LINES[9].replace('"Rottenburg am Neckar, Stadt"', "Rottenburg")
    report = territories_import(
        path=write_variant(tmp_path, {9: renamed, 10: starzach}), reference_date=DATE_2019
    )
    gemeinden = report.level("Gemeinden")
    assert (gemeinden.created, gemeinden.updated, gemeinden.unchanged) == (0, 2, 2)
    assert gemeinden.changed_fields == Counter(name=1, population=1, population_male=1)
    kreise = report.level("Kreise")
    assert (kreise.updated, kreise.unchanged) == (1, 1)
    assert kreise.changed_fields == Counter(population=1, population_male=1)
    assert report.level("Länder").changed_fields == Counter(population=1, population_male=1)
    assert "fields changed: name (1), population (1), population_male (1)" in report.as_text()
    assert Gemeinde.objects.get(ags="08416050").population == 4336


def test_older_figures_do_not_replace_newer_ones_unless_allowed(
    small_gv: Path, tmp_path: Path
) -> None:
    territories_import(path=small_gv, reference_date=DATE_2020)
    before = snapshot()
    starzach = SMALL_GV_LINES[10].replace(" 4 335, 2 176,", " 4 336, 2 177,")
    older = write_variant(tmp_path, {10: starzach})
    report = territories_import(path=older, reference_date=DATE_2019)
    assert snapshot() == before  # the 2020 figures stay
    gemeinden = report.level("Gemeinden")
    assert gemeinden.updated == 0 and gemeinden.kept_newer == 4
    assert "kept because their figures are newer than the file's" in report.as_text()
    report = territories_import(path=older, reference_date=DATE_2019, allow_older=True)
    assert report.level("Gemeinden").updated == 4
    starzach_row = Gemeinde.objects.get(ags="08416050")
    assert (starzach_row.population, starzach_row.reference_date) == (4336, DATE_2019)


def test_undated_figures_do_not_replace_dated_ones_unless_allowed(
    small_gv: Path, tmp_path: Path
) -> None:
    territories_import(path=small_gv, reference_date=DATE_2019)
    before = snapshot()
    starzach = SMALL_GV_LINES[10].replace(" 4 335, 2 176,", " 4 336, 2 177,")
    report = territories_import(path=write_variant(tmp_path, {10: starzach}))
    assert snapshot() == before  # neither the figures nor their date are lost
    assert report.level("Gemeinden").kept_newer == 4


def test_dry_run_saves_nothing(small_gv: Path) -> None:
    report = territories_import(path=small_gv, reference_date=DATE_2019, dry_run=True)
    assert report.level("Gemeinden").created == 4
    assert "dry run" in report.as_text()
    assert Gemeinde.objects.count() == Land.objects.count() == 0


def test_broken_file_keeps_the_previous_data(small_gv: Path, tmp_path: Path) -> None:
    territories_import(path=small_gv, reference_date=DATE_2019)
    before = snapshot()
    # The first Gemeinde is fine and changed, a later one is broken: nothing may be saved.
    good_change = SMALL_GV_LINES[6].replace(" 635 911, 317 794,", " 635 912, 317 795,")
    broken = SMALL_GV_LINES[10].replace("72181", "72x81")
    path = write_variant(tmp_path, {6: good_change, 10: broken})
    with pytest.raises(DirectoryFormatError) as exc:
        territories_import(path=path, reference_date=dt.date(2020, 12, 31))
    assert [(p.line, p.field) for p in exc.value.problems] == [(11, "postleitzahl")]
    assert snapshot() == before


def test_kreis_00_without_record_but_other_missing_kreis_refused(tmp_path: Path) -> None:
    broken = SMALL_GV_LINES[12].replace(",08,0,00,9999,999,", ",08,0,01,9999,999,")
    path = write_variant(tmp_path, {12: broken})
    with pytest.raises(DirectoryFormatError):
        territories_import(path=path)
    assert Land.objects.count() == 0


# --- the published files -------------------------------------------------------------------------


def raw_rows(path: Path, delimiter: str) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))[1:]


def test_published_directory_imports_completely_and_adds_up(gv_file: Path) -> None:
    started = time.perf_counter()
    report = territories_import(path=gv_file, reference_date=DATE_2019)
    seconds = time.perf_counter() - started
    print(f"full import of {gv_file.name}: {seconds:.2f} s")

    raw = raw_rows(gv_file, ",")
    gemeinde_rows = [row for row in raw if row[0] == "60"]
    assert Land.objects.count() == 16
    assert Kreis.objects.count() == 401
    assert Gemeinde.objects.count() == len(gemeinde_rows) == report.level("Gemeinden").created
    assert Regierungsbezirk.objects.count() == sum(1 for row in raw if row[0] == "20")

    # Population per Land: the Land's stored figure, the sum over its stored Gemeinden and the
    # sum counted here straight from the file must agree. (The file gives no Land figure.)
    from_file: Counter[str] = Counter()
    for row in gemeinde_rows:
        from_file[row[2]] += int(row[9].replace(" ", ""))
    from_db = dict(
        Gemeinde.objects.values_list("land_id")
        .annotate(total=Sum("population"))
        .values_list("land_id", "total")
    )
    for land in Land.objects.all():
        assert land.population == from_db[land.ags] == from_file[land.ags], land
    assert sum(from_file.values()) == 83_166_711  # Germany, 31.12.2019 (Destatis)
    # Every Kreis adds up the same way.
    kreis_sums = dict(
        Gemeinde.objects.exclude(kreis=None)
        .values_list("kreis_id")
        .annotate(total=Sum("population"))
        .values_list("kreis_id", "total")
    )
    assert {k.ags: k.population for k in Kreis.objects.all()} == kreis_sums

    berlin = Gemeinde.objects.get(ags="11000000")
    assert (berlin.population, berlin.area_km2) == (3_669_491, Decimal("891.12"))

    # Idempotent: importing the same file again changes nothing.
    again = territories_import(path=gv_file, reference_date=DATE_2019)
    assert not again.changed
    assert again.level("Gemeinden").unchanged == len(gemeinde_rows)


def test_published_kreise_table_imports_and_adds_up(kreise_file: Path) -> None:
    report = territories_import(path=kreise_file, reference_date=dt.date(2018, 12, 31))
    raw = raw_rows(kreise_file, ";")
    assert Kreis.objects.count() == len(raw) == 401
    assert Land.objects.count() == 16
    assert report.level("Kreise").created == 401
    per_land: Counter[str] = Counter()
    for row in raw:
        per_land[row[0][:2]] += int(row[5])
    for land in Land.objects.all():
        assert land.population == per_land[land.ags], land
    assert Kreis.objects.get(ags="03102").nuts3 == "DE912"
    assert Kreis.objects.filter(kind="stadtkreis").count() == sum(
        1 for row in raw if row[1] == "Stadtkreis"
    )


def test_kreise_table_keeps_what_only_the_full_directory_knows(
    gv_file: Path, kreise_file: Path
) -> None:
    territories_import(path=gv_file, reference_date=DATE_2019)
    # the older table keeps its hands off the newer figures ...
    report = territories_import(path=kreise_file, reference_date=dt.date(2018, 12, 31))
    assert report.level("Kreise").kept_newer > 0
    assert Kreis.objects.get(ags="03102").population == 104_291  # 31.12.2019 stays
    # ... unless told otherwise
    territories_import(path=kreise_file, reference_date=dt.date(2018, 12, 31), allow_older=True)
    kreis = Kreis.objects.get(ags="03102")
    assert kreis.regierungsbezirk_id == "031"  # the Kreise table names no Regierungsbezirk
    assert kreis.population == 104_948  # 31.12.2018, from the Kreise table
    assert kreis.reference_date == dt.date(2018, 12, 31)
    assert Land.objects.get(ags="03").name == "Niedersachsen"
    assert Gemeinde.objects.get(ags="03102000").population == 104_291  # untouched: 2019


def test_an_import_that_changes_data_is_logged_once(small_gv: Path) -> None:
    from passgenau.apps.audit.models import AuditEntry

    territories_import(path=small_gv, reference_date=DATE_2019)
    entries = list(AuditEntry.objects.filter(action="territories.directory.imported"))
    assert len(entries) == 1
    assert entries[0].data["levels"]["Gemeinden"]["created"] == 4
    assert entries[0].data["reference_date"] == "2019-12-31"
    territories_import(path=small_gv, reference_date=DATE_2019)  # no change: nothing logged
    territories_import(path=small_gv, reference_date=DATE_2020, dry_run=True)
    assert AuditEntry.objects.filter(action="territories.directory.imported").count() == 1


def test_population_key_for_the_kreise_of_a_land(gv_file: Path) -> None:
    from passgenau.apps.territories.selectors import population_key

    territories_import(path=gv_file, reference_date=DATE_2019)
    key = population_key(level="kreis", land="08")
    assert len(key) == 44  # the 44 Stadt- und Landkreise of Baden-Württemberg
    assert sum(entry.population for entry in key) == Land.objects.get(ags="08").population
    assert {entry.reference_date for entry in key} == {DATE_2019}
    assert len(population_key(level="land")) == 16
    gemeinden = population_key(level="gemeinde", land="14")
    assert sum(e.population for e in gemeinden) == Land.objects.get(ags="14").population
