"""Distribution keys: population, Königsteiner Schlüssel, composite keys with caps, keys from CSV.

A key here is a mapping from unit id to a non-negative exact weight (:class:`fractions.Fraction`);
:func:`passgenau.engine.apportionment.apportion` turns a key and a total into integers. Shares
returned by the functions below add up to exactly 1.

Numbers in files are read exactly (see :func:`parse_number`): English (``1234.56``,
``1,234.56``) and German (``1.234,56``) formats, spaces as thousands separators, and an error for
a value such as ``1.234`` whose meaning depends on the format, unless the file itself shows which
format it uses or the caller says so.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from .apportionment import WeightLike, to_fraction
from .problems import InputError, InputProblem

__all__ = [
    "NUMBER_FORMATS",
    "Cap",
    "Component",
    "CompositeKey",
    "KeyFileError",
    "KeyTable",
    "KoenigsteinerKey",
    "NumberError",
    "NumberFormat",
    "composite_key",
    "koenigsteiner",
    "koenigsteiner_compute",
    "koenigsteiner_years",
    "normalise",
    "nrw_fluechtlingsaufnahme_key",
    "parse_number",
    "population_key",
    "read_key_csv",
]

NumberFormat = Literal["auto", "de", "en"]
NUMBER_FORMATS: tuple[str, ...] = ("auto", "de", "en")


class NumberError(InputError):
    """A number that cannot be read (:func:`parse_number`); one problem, without a place."""

    problems: list[InputProblem]


def _number_error(code: str, **parameters: str) -> NumberError:
    return NumberError([InputProblem("", None, None, code, parameters)])


class KeyFileError(InputError):
    """A key file that cannot be used; carries every problem found, not just the first."""

    problems: list[InputProblem]


# --- numbers ---------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \u00a0\u202f\u2009']")  # space, no-break, narrow no-break, thin, '
_PLAIN = re.compile(r"^[+-]?\d+$")
_DE_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$")
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$")


def _integer_part_ok(part: str, thousands: str) -> bool:
    if _PLAIN.match(part) or part in {"", "+", "-"}:
        return True
    pattern = _DE_GROUPED if thousands == "." else _EN_GROUPED
    return bool(pattern.match(part))


def _split(text: str, decimal: str, thousands: str) -> Fraction:
    integer, _, fraction = text.partition(decimal)
    if not _integer_part_ok(integer, thousands) or (fraction and not fraction.isdigit()):
        raise _number_error("number.invalid", value=text)
    if integer in {"", "+", "-"} and not fraction:
        raise _number_error("number.invalid", value=text)
    sign = -1 if integer.startswith("-") else 1
    digits = integer.lstrip("+-").replace(thousands, "") or "0"
    return sign * Fraction(Decimal(f"{digits}.{fraction or '0'}"))


def _looks_grouped(text: str, separator: str) -> bool:
    """``text`` reads as an integer with ``separator`` grouping thousands (``1.234``)."""
    pattern = _DE_GROUPED if separator == "." else _EN_GROUPED
    return bool(pattern.match(text)) and not text.lstrip("+-").startswith("0")


def number_evidence(text: str) -> str | None:
    """The format a number must be written in: ``"de"``, ``"en"`` or ``None`` (either)."""
    t = _SPACES.sub("", text.strip())
    dots, commas = t.count("."), t.count(",")
    if dots and commas:
        return "de" if t.rfind(",") > t.rfind(".") else "en"
    if commas:
        if commas > 1:
            return "en"  # only thousands separators can repeat
        return None if _looks_grouped(t, ",") else "de"
    if dots:
        if dots > 1:
            return "de"
        return None if _looks_grouped(t, ".") else "en"
    return None


def parse_number(text: str, number_format: str = "auto") -> Fraction:
    """Read a number exactly, in German or English notation.

    Parameters
    ----------
    text
        The number as written, e.g. ``"8000000"``, ``"8000000.00"``, ``"8.000.000,00"``,
        ``"8 000 000"``, ``"1,234.5"``. Spaces (also no-break) and ``'`` group thousands in either
        format; a currency sign ``€`` or ``EUR`` around the number is ignored.
    number_format
        ``"de"`` (``,`` decimal, ``.`` thousands), ``"en"`` (``.`` decimal, ``,`` thousands) or
        ``"auto"``: decide from the value and refuse a value that reads differently in the two
        formats (``"1.234"``, ``"1,234"``).

    Examples
    --------
    >>> parse_number("8.000.000,00")
    Fraction(8000000, 1)
    >>> parse_number("13.01280")
    Fraction(8133, 625)
    >>> parse_number("1.234", "de"), parse_number("1.234", "en")
    (Fraction(1234, 1), Fraction(617, 500))
    """
    if number_format not in NUMBER_FORMATS:
        raise _number_error("number.unknown_format", format=number_format)
    t = text.strip()
    for sign in ("EUR", "€"):
        t = t.removeprefix(sign).removesuffix(sign).strip()
    t = _SPACES.sub("", t)
    if not t:
        raise _number_error("number.empty")
    if not re.fullmatch(r"[+-]?[\d.,]+", t):
        raise _number_error("number.invalid", value=text.strip())
    fmt = number_format
    if fmt == "auto":
        evidence = number_evidence(t)
        if evidence is None and ("." in t or "," in t):
            raise _number_error("number.ambiguous", value=text.strip())
        fmt = evidence or "en"
    if fmt == "de":
        return _split(t, ",", ".")
    return _split(t, ".", ",")


# --- keys from data --------------------------------------------------------------------------


def normalise(weights: Mapping[str, WeightLike]) -> dict[str, Fraction]:
    """Shares that add up to exactly 1, in the input order.

    >>> normalise({"a": 1, "b": 3})
    {'a': Fraction(1, 4), 'b': Fraction(3, 4)}
    """
    values = {str(k): to_fraction(v) for k, v in weights.items()}
    negative = [k for k, v in values.items() if v < 0]
    if negative:
        raise ValueError(f"negative weights for {', '.join(negative)}")
    total = sum(values.values(), Fraction(0))
    if total == 0:
        raise ValueError("the weights add up to zero: the key has no shares")
    return {k: v / total for k, v in values.items()}


def population_key(populations: Mapping[str, int]) -> dict[str, Fraction]:
    """Population shares of units from given (unit, population) data at one reference date.

    Populations must be non-negative integers (persons); the shares add up to 1.

    >>> population_key({"08111": 634830, "08115": 391640})["08111"]
    Fraction(63483, 102647)
    """
    bad = [k for k, v in populations.items() if isinstance(v, bool) or not isinstance(v, int)]
    if bad:
        raise ValueError(f"populations must be whole numbers: {', '.join(map(str, bad))}")
    return normalise(populations)


# --- Königsteiner Schlüssel ------------------------------------------------------------------


@dataclass(frozen=True)
class KoenigsteinerKey:
    """The published Königsteiner Schlüssel of one year."""

    year: int
    asylum_quota_year: int
    source: str
    percent: dict[str, Decimal]  # by two-digit Land code, as published (five decimals)
    lands: dict[str, str]  # Land code -> name

    def shares(self) -> dict[str, Fraction]:
        """Shares (percent / 100) as exact fractions; they add up to 1."""
        return {code: Fraction(value) / 100 for code, value in self.percent.items()}


@cache
def _koenigsteiner_data() -> dict[int, KoenigsteinerKey]:
    text = (
        resources.files("passgenau.engine")
        .joinpath("data/koenigsteiner.yaml")
        .read_text(encoding="utf-8")
    )
    raw = yaml.safe_load(text)
    lands = {str(k): str(v) for k, v in raw["lands"].items()}
    keys: dict[int, KoenigsteinerKey] = {}
    for entry in raw["keys"]:
        keys[int(entry["year"])] = KoenigsteinerKey(
            year=int(entry["year"]),
            asylum_quota_year=int(entry["asylum_quota_year"]),
            source=str(entry["source"]),
            percent={str(k): Decimal(str(v)) for k, v in entry["percent"].items()},
            lands=lands,
        )
    return keys


def koenigsteiner_years() -> list[int]:
    """The years for which the package ships the published key."""
    return sorted(_koenigsteiner_data())


def koenigsteiner(year: int) -> KoenigsteinerKey:
    """The published Königsteiner Schlüssel of ``year`` (see ``data/koenigsteiner.yaml``).

    >>> key = koenigsteiner(2015)
    >>> key.percent["05"], key.lands["05"], sum(key.shares().values())
    (Decimal('21.21010'), 'Nordrhein-Westfalen', Fraction(1, 1))
    """
    data = _koenigsteiner_data()
    if year not in data:
        known = ", ".join(str(y) for y in sorted(data))
        raise KeyError(f"no Königsteiner Schlüssel shipped for {year}; shipped years: {known}")
    return data[year]


def koenigsteiner_compute(
    tax_revenue: Mapping[str, WeightLike], population: Mapping[str, WeightLike]
) -> dict[str, Fraction]:
    """The Königsteiner computation: two thirds share of tax revenue, one third of population.

    Both mappings must cover the same units. The GWK rounds the published shares to five decimal
    places of a percent; this function returns the exact shares (round them yourself if needed).

    >>> shares = koenigsteiner_compute({"A": 300, "B": 100}, {"A": 1, "B": 1})
    >>> shares["A"], shares["B"]
    (Fraction(2, 3), Fraction(1, 3))
    """
    if set(tax_revenue) != set(population):
        missing = sorted(set(tax_revenue) ^ set(population))
        raise ValueError(f"tax revenue and population must cover the same units: {missing}")
    tax = normalise(tax_revenue)
    people = normalise(population)
    return {k: Fraction(2, 3) * tax[k] + Fraction(1, 3) * people[k] for k in tax}


# --- composite keys with caps ----------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One part of a composite key: the data (normalised to shares) and its weight."""

    name: str
    weight: Fraction
    values: Mapping[str, WeightLike]


@dataclass(frozen=True)
class Cap:
    """Limit the increase of a unit's composite share over its share in one reference component.

    A unit's composite share may exceed ``(1 + max_increase) × reference share`` by nothing; the
    excess goes to the other units in proportion to their composite shares.
    """

    reference: str  # name of the reference component
    max_increase: Fraction


@dataclass(frozen=True)
class CompositeKey:
    """A composite key: its shares, and the units whose share was capped."""

    shares: dict[str, Fraction]
    uncapped: dict[str, Fraction]
    capped: tuple[str, ...] = field(default=())


def composite_key(components: Sequence[Component], cap: Cap | None = None) -> CompositeKey:
    """Combine several keys with weights, optionally capping the gain over a reference key.

    Parameters
    ----------
    components
        The parts; their weights must be non-negative and add up to 1, and all must cover the
        same units. Each part's values are normalised to shares first.
    cap
        Optional cap (see :class:`Cap`). Redistribution is repeated while it lifts further units
        above their cap, so that no unit ends above ``(1 + max_increase) × reference share``.

    Returns
    -------
    CompositeKey
        ``shares`` add up to exactly 1.

    Notes
    -----
    The NRW rule (:func:`nrw_fluechtlingsaufnahme_key`) is the motivating instance. Whether units
    pushed above the cap by the redistribution are capped in turn is not stated in that law; this
    implementation caps them (iterating to a fixed point), which keeps the rule's limit for all.
    """
    if not components:
        raise ValueError("a composite key needs at least one component")
    names = [c.name for c in components]
    if len(set(names)) != len(names):
        raise ValueError("component names must be distinct")
    weights = [to_fraction(c.weight) for c in components]
    if any(w < 0 for w in weights) or sum(weights) != 1:
        raise ValueError(f"component weights must be non-negative and add up to 1, got {weights}")
    units = list(components[0].values)
    for c in components[1:]:
        if set(c.values) != set(units):
            raise ValueError(f"component {c.name!r} does not cover the same units")
    parts = [normalise(c.values) for c in components]
    combined = {
        u: sum((w * p[u] for w, p in zip(weights, parts, strict=True)), Fraction(0)) for u in units
    }
    if cap is None:
        return CompositeKey(shares=dict(combined), uncapped=dict(combined))
    if cap.reference not in names:
        raise ValueError(f"cap reference {cap.reference!r} is not a component")
    reference = parts[names.index(cap.reference)]
    factor = 1 + to_fraction(cap.max_increase)
    limit = {u: factor * reference[u] for u in units}
    capped: list[str] = []
    shares = dict(combined)
    while True:
        over = [u for u in units if u not in capped and shares[u] > limit[u]]
        if not over:
            break
        capped += over
        left = 1 - sum((limit[u] for u in capped), Fraction(0))
        free = [u for u in units if u not in capped]
        free_mass = sum((combined[u] for u in free), Fraction(0))
        for u in capped:
            shares[u] = limit[u]
        for u in free:
            shares[u] = combined[u] * left / free_mass
    ordered = tuple(u for u in units if u in capped)
    return CompositeKey(shares=shares, uncapped=dict(combined), capped=ordered)


def nrw_fluechtlingsaufnahme_key(
    population: Mapping[str, WeightLike], area: Mapping[str, WeightLike]
) -> CompositeKey:
    """The NRW key for assigning refugees to municipalities (§ 3 Abs. 1 FlüAG NRW).

    The law: 90 % of the population key (Einwohnerschlüssel) and 10 % of the area key
    (Flächenschlüssel) form the assignment key (Zuweisungsschlüssel); the increase that the area
    key gives a single municipality is limited to at most 25 % of the key it would have from
    population alone; the excess is distributed among all other municipalities in proportion to
    their assignment keys. § 3 Abs. 2 fixes the data: population and area as published by IT.NRW
    on 1 January of each year.

    >>> key = nrw_fluechtlingsaufnahme_key({"city": 90, "town": 10}, {"city": 10, "town": 90})
    >>> key.uncapped["town"], key.shares["town"], key.capped
    (Fraction(9, 50), Fraction(1, 8), ('town',))
    """
    return composite_key(
        [
            Component("population", Fraction(9, 10), population),
            Component("area", Fraction(1, 10), area),
        ],
        cap=Cap(reference="population", max_increase=Fraction(1, 4)),
    )


# --- keys from CSV ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyTable:
    """A key read from CSV: weights by id and the other columns of each row, carried along."""

    file: str
    ids: tuple[str, ...]
    weights: dict[str, Fraction]
    columns: tuple[str, ...]  # the other columns, in file order
    extra: dict[str, dict[str, str]]  # id -> other column -> text
    rows: dict[str, int]  # id -> line number
    number_format: str  # "de" or "en" as chosen or shown by the weights; "auto" if undecided


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _problem(
    source: str, line: int | None, field: str | None, code: str, **parameters: Any
) -> InputProblem:
    return InputProblem(source, line, field, code, parameters)


def read_key_csv(
    source: str | Path | Iterable[str],
    *,
    name: str | None = None,
    id_column: str = "id",
    weight_column: str = "weight",
    number_format: str = "auto",
) -> KeyTable:
    """Read a key from a CSV file with columns ``id,weight`` (other columns are carried along).

    Parameters
    ----------
    source
        A path, or the lines of a file (then ``name`` names it in messages). UTF-8, a byte order
        mark is allowed; the delimiter (``,``, ``;`` or tab) is taken from the header line.
    number_format
        ``"auto"``, ``"de"`` or ``"en"`` (see :func:`parse_number`). In ``"auto"`` the values
        that show their format decide for the ambiguous ones; a file mixing both formats is an
        error.

    Raises
    ------
    KeyFileError
        With one problem per bad row and field: missing column, empty or duplicate id, a weight
        that is not a number or is negative, an empty key.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or str(source)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise KeyFileError([_problem(label, None, None, "file.not_found")]) from None
        except UnicodeDecodeError:
            raise KeyFileError([_problem(label, None, None, "file.not_utf8")]) from None
        except OSError as exc:
            detail = exc.strerror or str(exc)
            raise KeyFileError(
                [_problem(label, None, None, "file.unreadable", detail=detail)]
            ) from None
    else:
        label = name or "<input>"
        text = "".join(line if line.endswith("\n") else line + "\n" for line in source)
        text = text.removeprefix("\ufeff")
    if number_format not in NUMBER_FORMATS:
        raise KeyFileError(
            [_problem(label, None, None, "number.unknown_format", format=number_format)]
        )
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise KeyFileError([_problem(label, None, None, "csv.no_header")])
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(lines[0]))
    header = [h.strip() for h in next(reader)]
    problems: list[InputProblem] = []
    for column in (id_column, weight_column):
        if column not in header:
            found = ", ".join(header)
            problems.append(_problem(label, 1, column, "csv.missing_column", header=found))
    for column in sorted({h for h in header if header.count(h) > 1}):
        problems.append(_problem(label, 1, column, "csv.duplicate_column"))
    if problems:
        raise KeyFileError(problems)
    id_at, weight_at = header.index(id_column), header.index(weight_column)
    others = [h for h in header if h not in (id_column, weight_column)]

    raw_rows: list[tuple[int, str, str, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(header):
            counts = {"expected": len(header), "found": len(row)}
            problems.append(_problem(label, line, None, "csv.field_count", **counts))
            continue
        uid = row[id_at].strip()
        if not uid:
            problems.append(_problem(label, line, id_column, "id.empty", kind="unit"))
            continue
        if uid in seen:
            again = {"id": uid, "first": seen[uid]}
            problems.append(_problem(label, line, id_column, "id.duplicate_row", **again))
            continue
        seen[uid] = line
        extra = {h: row[header.index(h)] for h in others}
        raw_rows.append((line, uid, row[weight_at], extra))

    fmt = number_format
    if fmt == "auto":
        evidence = {e for _, _, w, _ in raw_rows if (e := number_evidence(w)) is not None}
        if len(evidence) > 1:
            de_row = next(r for r, _, w, _ in raw_rows if number_evidence(w) == "de")
            en_row = next(r for r, _, w, _ in raw_rows if number_evidence(w) == "en")
            rows = {"de_row": de_row, "en_row": en_row}
            problems.append(_problem(label, None, weight_column, "keys.mixed_formats", **rows))
            raise KeyFileError(problems)
        fmt = evidence.pop() if evidence else "auto"

    weights: dict[str, Fraction] = {}
    for line, uid, raw, _ in raw_rows:
        try:
            value = parse_number(raw, fmt)
        except NumberError as exc:
            problems.append(exc.problems[0].at(label, line, weight_column))
            continue
        if value < 0:
            negative = {"value": raw.strip()}
            problems.append(
                _problem(label, line, weight_column, "keys.negative_weight", **negative)
            )
            continue
        weights[uid] = value
    if not raw_rows and not problems:
        problems.append(_problem(label, None, None, "keys.no_units"))
    if problems:
        raise KeyFileError(sorted(problems, key=lambda p: p.line or 0))  # in file order
    return KeyTable(
        file=label,
        ids=tuple(uid for _, uid, _, _ in raw_rows),
        weights=weights,
        columns=tuple(others),
        extra={uid: extra for _, uid, _, extra in raw_rows},
        rows={uid: line for line, uid, _, _ in raw_rows},
        number_format=fmt,
    )
