"""Keys: number formats, CSV keys, population, Königsteiner Schlüssel, composite keys (NRW)."""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passgenau.engine.apportionment import apportion
from passgenau.engine.keys import (
    Cap,
    Component,
    KeyFileError,
    composite_key,
    koenigsteiner,
    koenigsteiner_compute,
    koenigsteiner_years,
    normalise,
    nrw_fluechtlingsaufnahme_key,
    parse_number,
    population_key,
    read_key_csv,
)

REPO = Path(__file__).resolve().parents[2]
GEMEINDEN = REPO.parent / "shared" / "data" / "destatis-gv-auszug-gemeinden.csv"

# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("8000000", "auto", Fraction(8_000_000)),
        ("8000000.00", "auto", Fraction(8_000_000)),
        ("8.000.000,00", "auto", Fraction(8_000_000)),
        ("8.000.000", "auto", Fraction(8_000_000)),
        ("8,000,000.50", "auto", Fraction(16_000_001, 2)),
        ("8 000 000,5", "auto", Fraction(16_000_001, 2)),
        ("\u00a090 164", "auto", Fraction(90_164)),
        ("0,125", "auto", Fraction(1, 8)),
        ("0.125", "auto", Fraction(1, 8)),
        ("1,5", "auto", Fraction(3, 2)),
        ("13.01280", "auto", Fraction(130128, 10000)),
        ("8.000.000,00 €", "auto", Fraction(8_000_000)),
        ("EUR 12,50", "auto", Fraction(25, 2)),
        ("-3,5", "de", Fraction(-7, 2)),
        ("1.234", "de", Fraction(1234)),
        ("1.234", "en", Fraction(1234, 1000)),
        ("1,234", "en", Fraction(1234)),
        ("1,234", "de", Fraction(1234, 1000)),
    ],
)
def test_parse_number(text: str, fmt: str, expected: Fraction) -> None:
    assert parse_number(text, fmt) == expected


@pytest.mark.parametrize(
    "text", ["1.234", "1,234", "999.000", "abc", "", "1.2.3,4,5", "1,23,4", "12.34.5", "1e5", "--1"]
)
def test_parse_number_refuses_ambiguous_or_bad_values(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_parse_number_reads_both_formats_exactly(value: Decimal) -> None:
    english = f"{value:,.2f}"
    german = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_number(english, "en") == Fraction(value)
    assert parse_number(german, "de") == Fraction(value)
    assert parse_number(english) == Fraction(value)  # two decimals: never ambiguous
    assert parse_number(german) == Fraction(value)


# --- CSV keys --------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "key.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_csv_key_carries_other_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,weight\n08111,Stuttgart,634830\n08115,Böblingen,391640\n")
    table = read_key_csv(path)
    assert table.ids == ("08111", "08115")
    assert table.weights == {"08111": Fraction(634830), "08115": Fraction(391640)}
    assert table.columns == ("name",)
    assert table.extra["08115"]["name"] == "Böblingen"
    assert table.rows == {"08111": 2, "08115": 3}


def test_csv_key_with_bom_semicolons_and_german_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffid;weight\nA;1.234,5\nB;1.000\nC;2,25\n")
    table = read_key_csv(path)
    # "1.000" alone would be ambiguous; the other rows show the file is German.
    assert table.weights == {"A": Fraction(24690, 20), "B": Fraction(1000), "C": Fraction(9, 4)}
    assert table.number_format == "de"


def test_csv_key_ambiguous_without_evidence_names_row_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "id,weight\nA,1.234\nB,2\n")
    with pytest.raises(KeyFileError) as info:
        read_key_csv(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (2, "weight")
    assert "German and English" in problem.message
    assert read_key_csv(path, number_format="en").weights["A"] == Fraction(1234, 1000)


def test_csv_key_mixed_formats_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,weight\nA,"1,5"\nB,2.25\n')
    with pytest.raises(KeyFileError, match=r"German \(row 2\) and English \(row 3\)"):
        read_key_csv(path)


def test_csv_key_reports_every_problem_with_row_and_field(tmp_path: Path) -> None:
    text = "id,weight,note\nA,1,x\n,2,y\nA,3,z\nB,-1,w\nC,abc,v\nD,1\n"
    with pytest.raises(KeyFileError) as info:
        read_key_csv(write(tmp_path, text))
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {(3, "id"), (4, "id"), (5, "weight"), (6, "weight"), (7, None)}
    messages = str(info.value)
    assert "key.csv, row 4, column 'id': id 'A' also in row 2" in messages
    assert "row 5, column 'weight': negative weight -1" in messages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("id,weight\n", "no rows"),
        ("id,amount\nA,1\n", "required column is missing"),
        ("id,weight,id\nA,1,2\n", "appears twice in the header"),
    ],
)
def test_csv_key_whole_file_problems(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(KeyFileError, match=message):
        read_key_csv(write(tmp_path, text))


def test_csv_key_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="file not found"):
        read_key_csv(tmp_path / "nope.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,weight\nMünster,1\n".encode("latin-1"))
    with pytest.raises(KeyFileError, match="not valid UTF-8"):
        read_key_csv(path)


def test_csv_key_from_lines() -> None:
    table = read_key_csv(["id,weight", "x,1", "y,3"], name="inline")
    assert normalise(table.weights) == {"x": Fraction(1, 4), "y": Fraction(3, 4)}


# --- population ------------------------------------------------------------------------------


def test_population_key_shares_add_up_to_one() -> None:
    key = population_key({"a": 1, "b": 2, "c": 0})
    assert key == {"a": Fraction(1, 3), "b": Fraction(2, 3), "c": Fraction(0)}


@pytest.mark.parametrize("bad", [{"a": 1.5}, {"a": -1}, {"a": 0}, {"a": True}])
def test_population_key_rejects_bad_data(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        population_key(bad)  # type: ignore[arg-type]


# --- Königsteiner Schlüssel ------------------------------------------------------------------


def test_koenigsteiner_years_shipped() -> None:
    assert koenigsteiner_years() == [2014, 2015, 2016]


@pytest.mark.parametrize("year", [2014, 2015, 2016])
def test_koenigsteiner_published_shares_add_up_to_exactly_100(year: int) -> None:
    key = koenigsteiner(year)
    assert len(key.percent) == 16
    assert set(key.percent) == {f"{i:02d}" for i in range(1, 17)}
    assert sum(key.percent.values()) == Decimal("100.00000")
    assert sum(key.shares().values()) == 1
    assert key.asylum_quota_year == year + 1
    assert key.source


def test_koenigsteiner_known_values() -> None:
    # Spot checks against the published figures (see data/koenigsteiner.yaml for the sources).
    assert koenigsteiner(2014).percent["05"] == Decimal("21.24052")  # NRW, BAMF quota for 2015
    assert koenigsteiner(2015).percent["08"] == Decimal("12.86456")  # Baden-Württemberg
    assert koenigsteiner(2016).percent["04"] == Decimal("0.95331")  # Bremen
    assert koenigsteiner(2016).lands["16"] == "Thüringen"


def test_koenigsteiner_unknown_year_says_which_are_shipped() -> None:
    with pytest.raises(KeyError, match="2014, 2015, 2016"):
        koenigsteiner(2024)


def test_koenigsteiner_distributes_asylum_seekers() -> None:
    # 100,000 persons by the 2014 key (the BAMF quota for 2015), to the person.
    result = apportion(100_000, koenigsteiner(2014).shares(), method="largest-remainder")
    assert sum(result.allocations) == 100_000
    # Remainders (hundredths) add up to 11 seats; NRW's .52 is not among the 11 largest.
    assert result.as_dict()["05"] == 21_240  # quota 21,240.52
    assert result.as_dict()["04"] == 941  # quota 940.97
    # Hessen 7,315.57 and Berlin 5,045.57 tie for the 11th seat: the earlier in the input wins.
    assert result.tied == ("06", "11") and result.tie_seats == 1
    assert (result.as_dict()["06"], result.as_dict()["11"]) == (7_316, 5_045)


def test_koenigsteiner_compute_two_thirds_tax_one_third_population() -> None:
    shares = koenigsteiner_compute({"A": 2, "B": 1, "C": 1}, {"A": 1, "B": 1, "C": 2})
    assert shares == {
        "A": Fraction(2, 3) * Fraction(1, 2) + Fraction(1, 3) * Fraction(1, 4),
        "B": Fraction(2, 3) * Fraction(1, 4) + Fraction(1, 3) * Fraction(1, 4),
        "C": Fraction(2, 3) * Fraction(1, 4) + Fraction(1, 3) * Fraction(1, 2),
    }
    assert sum(shares.values()) == 1
    with pytest.raises(ValueError, match="same units"):
        koenigsteiner_compute({"A": 1}, {"B": 1})


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 10**9), min_size=2, max_size=16))
def test_koenigsteiner_compute_equal_inputs_give_the_same_shares(values: list[int]) -> None:
    data = {str(i): v for i, v in enumerate(values)}
    assert koenigsteiner_compute(data, data) == normalise(data)


# --- composite keys and the NRW rule ---------------------------------------------------------


def test_nrw_rule_caps_the_area_gain_at_25_percent() -> None:
    # A city with much population and little area, two rural municipalities with much area.
    population = {"city": 800, "rural1": 100, "rural2": 100}
    area = {"city": 100, "rural1": 450, "rural2": 450}
    key = nrw_fluechtlingsaufnahme_key(population, area)
    pop = normalise(population)
    # Uncapped: 0.9 × 0.1 + 0.1 × 0.45 = 0.135 for a rural one, +35 % over its 0.1.
    assert key.uncapped["rural1"] == Fraction(135, 1000)
    assert key.capped == ("rural1", "rural2")
    assert key.shares["rural1"] == Fraction(5, 4) * pop["rural1"]
    # The excess goes to the city, the only uncapped municipality.
    assert key.shares["city"] == 1 - 2 * Fraction(125, 1000)
    assert sum(key.shares.values()) == 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 10**4)), min_size=2, max_size=12))
def test_nrw_rule_properties(units: list[tuple[int, int]]) -> None:
    population = {f"g{i}": p for i, (p, _) in enumerate(units)}
    area = {f"g{i}": a for i, (_, a) in enumerate(units)}
    key = nrw_fluechtlingsaufnahme_key(population, area)
    pop = normalise(population)
    assert sum(key.shares.values()) == 1
    for g in population:
        assert key.shares[g] <= Fraction(5, 4) * pop[g]  # nobody above the cap
        if g in key.capped:
            assert key.shares[g] == Fraction(5, 4) * pop[g]
        else:
            assert key.shares[g] >= key.uncapped[g]  # the others only gain from the excess


def test_composite_key_validation() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        composite_key([Component("a", Fraction(1, 2), {"x": 1})])
    with pytest.raises(ValueError, match="same units"):
        composite_key(
            [Component("a", Fraction(1, 2), {"x": 1}), Component("b", Fraction(1, 2), {"y": 1})]
        )
    with pytest.raises(ValueError, match="not a component"):
        composite_key([Component("a", Fraction(1), {"x": 1})], cap=Cap("b", Fraction(1, 4)))


def test_composite_without_cap_is_the_weighted_sum() -> None:
    key = composite_key(
        [
            Component("p", Fraction(3, 4), {"x": 1, "y": 3}),
            Component("a", Fraction(1, 4), {"x": 1, "y": 0}),
        ]
    )
    assert key.shares == {"x": Fraction(3, 16) + Fraction(1, 4), "y": Fraction(9, 16)}
    assert key.capped == ()


def _nrw_gemeinden() -> tuple[dict[str, int], dict[str, Fraction]]:
    if not GEMEINDEN.exists():
        pytest.skip(f"real data not available: {GEMEINDEN} (needs ../shared/data)")
    population: dict[str, int] = {}
    area: dict[str, Fraction] = {}
    with GEMEINDEN.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["satzart"] == "60" and row["land"] == "05":
                ags = row["land"] + row["rb"] + row["kreis"] + row["gemeinde"]
                population[ags] = int(parse_number(row["bevoelkerung"]))
                area[ags] = parse_number(row["flaeche"], "en")
    return population, area


def test_nrw_key_for_the_396_gemeinden_from_destatis_data() -> None:
    population, area = _nrw_gemeinden()
    assert len(population) == 396  # § 1 FlüAG: the 396 Städte und Gemeinden of NRW
    key = nrw_fluechtlingsaufnahme_key(population, area)
    pop = normalise(population)
    assert sum(key.shares.values()) == 1
    assert key.capped  # large rural municipalities do hit the cap
    assert all(key.shares[g] <= Fraction(5, 4) * pop[g] for g in population)
    # Cologne (05315000) gains nothing from area: its share is below its population share.
    assert key.shares["05315000"] < pop["05315000"]
    result = apportion(10_000, key.shares, method="largest-remainder")
    assert sum(result.allocations) == 10_000
