"""The Destatis reader on its own: no database, no Django."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from territory_samples import SMALL_GV_LINES, write_variant

from passgenau.apps.territories import destatis
from passgenau.apps.territories.destatis import DirectoryFormatError, read_directory
from passgenau.engine.problems import InputProblem


def only_problem(exc: pytest.ExceptionInfo[DirectoryFormatError]) -> InputProblem:
    assert len(exc.value.problems) == 1, exc.value.problems
    return exc.value.problems[0]


def test_small_directory_is_read_with_keys_and_numbers(small_gv: Path) -> None:
    directory = read_directory(small_gv)
    assert directory.format == "gv-auszug"
    assert [land.ags for land in directory.laender] == ["08"]
    assert [b.key for b in directory.regierungsbezirke] == ["081", "084"]
    assert [k.ags for k in directory.kreise] == ["08111", "08416"]
    assert directory.kreise[1].kind == "landkreis"
    assert directory.kreise[1].regierungsbezirk == "084"
    rottenburg = next(g for g in directory.gemeinden if g.name.startswith("Rottenburg"))
    assert rottenburg.ags == "08416036"
    assert rottenburg.ars == "084165003036"
    assert rottenburg.kreis == "08416"
    assert rottenburg.kind == "grosse_kreisstadt"
    assert rottenburg.association_name == "VVG der Stadt Rottenburg am Neckar"
    assert rottenburg.association_kind == "verwaltungsgemeinschaft"
    assert rottenburg.figures == destatis.Figures(Decimal("142.26"), 43843, 21763, 22080)
    assert rottenburg.latitude == Decimal("48.479475")
    assert rottenburg.longitude == Decimal("8.936507")
    assert rottenburg.postcode == "72108"
    assert rottenburg.urbanisation == 2
    assert rottenburg.line == 10


def test_area_under_no_kreis_and_zero_coordinates(small_gv: Path) -> None:
    loose = read_directory(small_gv).gemeinden[-1]
    assert loose.ags == "08000999"
    assert loose.kreis is None
    assert loose.kind == "gemeindefrei_unbewohnt"
    assert (loose.latitude, loose.longitude) == (None, None)  # 0/0 means "no centre"
    assert loose.postcode == ""
    assert loose.figures.population == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  554", 554),
        (" 1 847 253", 1847253),
        ("1.847.253", 1847253),
        ("0", 0),
    ],
)
def test_whole_numbers_in_german_formats(text: str, expected: int) -> None:
    assert destatis._integer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 53.02", Decimal("53.02")),
        ("9,43751", Decimal("9.43751")),
        ("1 234,5", Decimal("1234.5")),
        ("1.234,5", Decimal("1234.5")),
        ("7", Decimal(7)),
    ],
)
def test_decimals_with_point_or_comma(text: str, expected: Decimal) -> None:
    assert destatis._decimal(text) == expected


@pytest.mark.parametrize("text", ["12a", "1,2,3", "1 23", "--1", "1.2.3,4,5", "½", "\u0663"])
def test_malformed_numbers_are_refused(text: str) -> None:
    with pytest.raises(destatis._FieldError):
        destatis._decimal(text)
    with pytest.raises(destatis._FieldError):
        destatis._integer(text)


def test_bad_population_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    line = SMALL_GV_LINES[10].replace(" 4 335,", " 4 3x5,")
    path = write_variant(tmp_path, {10: line})
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(path)
    problem = only_problem(exc)
    assert (problem.source, problem.line, problem.field) == (str(path), 11, "bevoelkerung")
    assert "not a whole number" in problem.message
    assert str(path) in str(exc.value)
    assert "line 11" in str(exc.value)
    assert "'bevoelkerung'" in str(exc.value)


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    path = write_variant(
        tmp_path,
        {
            6: SMALL_GV_LINES[6].replace('"9,177734"', '"east"'),
            10: SMALL_GV_LINES[10].replace("72181", "7218"),
        },
    )
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(path)
    located = {(p.line, p.field) for p in exc.value.problems}
    assert located == {(7, "laengengrad"), (11, "postleitzahl")}


@pytest.mark.parametrize(
    ("line_no", "new_line", "field", "words"),
    [
        (10, SMALL_GV_LINES[10].replace(" 2 176,", " 2 177,"), "bevoelkerung", "not the sum"),
        (10, SMALL_GV_LINES[10].replace("60,64,", "70,64,"), "satzart", "unknown record type"),
        (10, SMALL_GV_LINES[10].replace("60,64,", "60,69,"), "textkennzeichen", "unknown text"),
        (10, SMALL_GV_LINES[10].replace(",16,5003,050,", ",17,5003,050,"), "kreis", "not declared"),
        (10, SMALL_GV_LINES[10].replace(",5003,050,", ",5004,050,"), "vb", "not declared"),
        (10, SMALL_GV_LINES[10].replace(",5003,050,", ",5003,50,"), "gemeinde", "3 digit(s)"),
        (10, SMALL_GV_LINES[10].replace(",Starzach,", ",,"), "gemeindename", "empty"),
        (10, SMALL_GV_LINES[10].replace('"48,432044"', '"8,432044"'), "breitengrad", "outside"),
        (10, SMALL_GV_LINES[10].replace(",03,gering", ",07,gering"), "verstaedterungschluessel",
         "urbanisation"),
        (10, SMALL_GV_LINES[10].replace(",Starzach,", ",Star,zach,"), None, "expected 20 fields"),
        (10, SMALL_GV_LINES[9], None, "appears twice"),
        (7, SMALL_GV_LINES[7].replace(",08,4,16,", ",08,5,16,"), "rb", "not declared"),
    ],
)  # fmt: skip
def test_malformed_records_are_refused(
    tmp_path: Path, line_no: int, new_line: str, field: str | None, words: str
) -> None:
    path = write_variant(tmp_path, {line_no: new_line})
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(path)
    problem = exc.value.problems[0]
    assert problem.line == line_no + 1
    assert problem.field == field
    assert words in problem.message


def test_unknown_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,population\nKiel,246794\n", encoding="utf-8")
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(path)
    problem = only_problem(exc)
    assert (problem.line, problem.field) == (1, "header")


def test_text_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    text = "\n".join(SMALL_GV_LINES) + "\n"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(path)
    assert only_problem(exc).line == 2  # "Baden-Württemberg" is the first non-ASCII text


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(tmp_path / "nope.csv")
    assert "cannot be read" in only_problem(exc).message


KREISE_HEAD = (
    "AGS;type;name;NUTS3;area_km2;population;population_male;population_female;population_per_km2"
)


def test_kreise_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "kreise.csv"
    path.write_text(
        f"{KREISE_HEAD}\n"
        "03102;Kreisfreie Stadt;Salzgitter, Stadt;DE912;224.49;104948;52202;52746;467\n"
        "08416;Landkreis;Tübingen;DE142;519.11;227331;111112;116219;438\n",
        encoding="utf-8",
    )
    directory = read_directory(path)
    assert directory.format == "kreise"
    assert [(land.ags, land.name) for land in directory.laender] == [
        ("03", "Niedersachsen"),
        ("08", "Baden-Württemberg"),
    ]
    salzgitter = directory.kreise[0]
    assert (salzgitter.ags, salzgitter.kind, salzgitter.nuts3) == (
        "03102",
        "kreisfreie_stadt",
        "DE912",
    )
    assert salzgitter.figures == destatis.Figures(Decimal("224.49"), 104948, 52202, 52746)
    assert directory.gemeinden == ()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("3102;Kreisfreie Stadt;Salzgitter;DE912;224.49;104948;52202;52746;467", "AGS"),
        ("17102;Kreisfreie Stadt;Salzgitter;DE912;224.49;104948;52202;52746;467", "AGS"),
        ("03102;Bezirk;Salzgitter;DE912;224.49;104948;52202;52746;467", "type"),
        ("03102;Kreisfreie Stadt;Salzgitter;XX912;224.49;104948;52202;52746;467", "NUTS3"),
        ("03102;Kreisfreie Stadt;Salzgitter;DE912;224,49,1;104948;52202;52746;467", "area_km2"),
        ("03102;Kreisfreie Stadt;Salzgitter;DE912;224.49;;52202;52746;467", "population"),
        ("03102;Kreisfreie Stadt;Salzgitter;DE912;224.49;104948;52202;52745;467", "population"),
    ],
)
def test_malformed_kreise_rows_are_refused(tmp_path: Path, row: str, field: str) -> None:
    path = tmp_path / "kreise.csv"
    path.write_text(
        f"{KREISE_HEAD}\n08416;Landkreis;Tübingen;DE142;519.11;227331;111112;116219;438\n{row}\n",
        encoding="utf-8",
    )
    with pytest.raises(DirectoryFormatError) as exc:
        read_directory(path)
    problem = only_problem(exc)
    assert (problem.line, problem.field) == (3, field)


def _raw_rows(path: Path, delimiter: str) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))[1:]


def test_the_published_directory_is_read_completely(gv_file: Path) -> None:
    directory = read_directory(gv_file)
    raw = _raw_rows(gv_file, ",")
    count = {
        kind: sum(1 for row in raw if row[0] == kind) for kind in ("10", "20", "40", "50", "60")
    }
    assert len(directory.laender) == count["10"] == 16
    assert len(directory.regierungsbezirke) == count["20"]
    assert len(directory.kreise) == count["40"] == 401
    assert len(directory.associations) == count["50"]
    assert len(directory.gemeinden) == count["60"]
    assert len({g.ags for g in directory.gemeinden}) == count["60"]


def test_the_published_kreise_table_is_read_completely(kreise_file: Path) -> None:
    directory = read_directory(kreise_file)
    raw = _raw_rows(kreise_file, ";")
    assert len(directory.kreise) == len(raw) == 401
    assert len(directory.laender) == 16
    assert sum(k.figures.population or 0 for k in directory.kreise) == sum(int(r[5]) for r in raw)
