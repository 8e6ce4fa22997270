"""Reader for the official Destatis directories of German territories.

Two published formats are understood, told apart by their header line:

``gv-auszug``
    The quarterly *Gemeindeverzeichnis – Auszug* as CSV: ``,``-separated, UTF-8 with a byte-order
    mark, one row per record with a record type (*Satzart*): 10 Land, 20 Regierungsbezirk,
    30 Region (Baden-Württemberg only), 40 Kreis, 50 Gemeindeverband, 60 Gemeinde. Numbers use
    spaces as thousands separators; areas have a decimal point, coordinates a decimal comma.
    Only records of type 60 carry area and population.
``kreise``
    The *Kreise und kreisfreie Städte* table (Gemeindeverzeichnis "04-kreise"): ``;``-separated,
    one row per Kreis with the five-digit AGS, type, name, NUTS-3 code, area in km², population
    (total, male, female) and density. It names no Land: Länder are known by the first two digits
    of the AGS and named from :data:`LAND_NAMES`.

This module knows nothing of Django. :func:`read_directory` returns plain records or raises
:class:`DirectoryFormatError` listing every problem found, each with file, line and field.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TypeVar

from passgenau.engine.problems import InputError, InputProblem

_T = TypeVar("_T")

__all__ = [
    "ASSOCIATION_KINDS",
    "GEMEINDE_KINDS",
    "GV_HEADER",
    "KREISE_HEADER",
    "KREIS_KINDS",
    "LAND_NAMES",
    "AssociationRecord",
    "Directory",
    "DirectoryFormatError",
    "GemeindeRecord",
    "KreisRecord",
    "LandRecord",
    "RegierungsbezirkRecord",
    "parse_directory",
    "read_directory",
]

Format = Literal["gv-auszug", "kreise"]

GV_HEADER: tuple[str, ...] = (
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "vb",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
    "maennlich",
    "weiblich",
    "jekm2",
    "postleitzahl",
    "laengengrad",
    "breitengrad",
    "schluessel",
    "bezeichnung",
    "verstaedterungschluessel",
    "verstaedterungbezeichnung",
)
KREISE_HEADER: tuple[str, ...] = (
    "AGS",
    "type",
    "name",
    "NUTS3",
    "area_km2",
    "population",
    "population_male",
    "population_female",
    "population_per_km2",
)

# The 16 Länder by their two-digit key (facts: Destatis Gemeindeverzeichnis).
LAND_NAMES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
LAENDER_IN_GERMANY = len(LAND_NAMES)

# Destatis text keys (Textkennzeichen) of the directory, mapped to stable kind names.
KREIS_KINDS: dict[str, str] = {
    "41": "kreisfreie_stadt",
    "42": "stadtkreis",
    "43": "kreis",
    "44": "landkreis",
    "45": "regionalverband",
}
# The same kinds as the "kreise" table spells them.
KREIS_KIND_NAMES: dict[str, str] = {
    "Kreisfreie Stadt": "kreisfreie_stadt",
    "Stadtkreis": "stadtkreis",
    "Kreis": "kreis",
    "Landkreis": "landkreis",
    "Regionalverband": "regionalverband",
}
ASSOCIATION_KINDS: dict[str, str] = {
    "50": "verbandsfrei",
    "51": "amt",
    "52": "samtgemeinde",
    "53": "verbandsgemeinde",
    "54": "verwaltungsgemeinschaft",
    "55": "kirchspielslandgemeinde",
    "56": "verwaltungsverband",
    "57": "verwaltungsgemeinschaft_traegermodell",
    "58": "erfuellende_gemeinde",
}
GEMEINDE_KINDS: dict[str, str] = {
    "60": "markt",
    "61": "kreisfreie_stadt",
    "62": "stadtkreis",
    "63": "stadt",
    "64": "gemeinde",
    "65": "gemeindefrei_bewohnt",
    "66": "gemeindefrei_unbewohnt",
    "67": "grosse_kreisstadt",
}
URBANISATION_CLASSES = frozenset({1, 2, 3})

# Germany lies within these bounds (with a margin); a coordinate outside is a column mix-up.
_LATITUDE_RANGE = (Decimal(47), Decimal("55.2"))
_LONGITUDE_RANGE = (Decimal("5.8"), Decimal("15.1"))
_MAX_PROBLEMS = 50


class DirectoryFormatError(InputError):
    """The file is not a well-formed Destatis directory; ``problems`` says where and why."""

    shown = _MAX_PROBLEMS
    problems: list[InputProblem]


def _problem(
    source: str, line: int | None, field: str | None, code: str, **parameters: Any
) -> InputProblem:
    return InputProblem(source, line, field, code, parameters, counted="line")


@dataclass(frozen=True, slots=True)
class Figures:
    """Area and population as published; ``None`` where the file gives no figure."""

    area_km2: Decimal | None = None
    population: int | None = None
    population_male: int | None = None
    population_female: int | None = None


@dataclass(frozen=True, slots=True)
class LandRecord:
    ags: str  # 2 digits
    name: str
    figures: Figures
    line: int


@dataclass(frozen=True, slots=True)
class RegierungsbezirkRecord:
    key: str  # 3 digits: Land + Regierungsbezirk
    name: str
    line: int


class _InLand:
    """A record keyed by its official key (AGS), whose first two digits name the Land."""

    __slots__ = ()
    ags: str

    @property
    def land(self) -> str:
        return self.ags[:2]


@dataclass(frozen=True, slots=True)
class KreisRecord(_InLand):
    ags: str  # 5 digits
    name: str
    kind: str
    regierungsbezirk: str | None  # 3-digit key, None where the Land has none or the file omits it
    nuts3: str
    figures: Figures
    line: int


@dataclass(frozen=True, slots=True)
class AssociationRecord:
    """A Gemeindeverband (Amt, Samtgemeinde, Verbandsgemeinde, ... or 'verbandsfrei')."""

    key: str  # 9 digits: Land, Regierungsbezirk, Kreis, Verband
    name: str
    kind: str
    line: int


@dataclass(frozen=True, slots=True)
class GemeindeRecord(_InLand):
    ags: str  # 8 digits
    ars: str  # 12 digits
    name: str
    kind: str
    kreis: str | None  # 5 digits; None for areas directly under the Land (Kreis key 00)
    association_name: str
    association_kind: str
    figures: Figures
    postcode: str
    latitude: Decimal | None
    longitude: Decimal | None
    urbanisation: int | None
    line: int


@dataclass(frozen=True, slots=True)
class Directory:
    """Everything read from one file, in file order."""

    source: str
    format: Format
    laender: tuple[LandRecord, ...]
    regierungsbezirke: tuple[RegierungsbezirkRecord, ...] = ()
    kreise: tuple[KreisRecord, ...] = ()
    gemeinden: tuple[GemeindeRecord, ...] = ()
    associations: tuple[AssociationRecord, ...] = field(default=())


def read_directory(path: str | Path) -> Directory:
    """Read a Destatis directory file, detecting its format from the header.

    Raises
    ------
    DirectoryFormatError
        When the file cannot be read as one of the two formats; every problem found is listed.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        detail = exc.strerror or str(exc)
        raise DirectoryFormatError(
            [_problem(name, None, None, "file.unreadable", detail=detail)]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DirectoryFormatError([_problem(name, line, None, "file.not_utf8")]) from exc
    return parse_directory(text, source=name)


def parse_directory(text: str, *, source: str) -> Directory:
    """Parse the text of a directory file (byte-order mark already removed or not)."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0].strip("\r")
    if first_line.split(",")[: len(GV_HEADER)] == list(GV_HEADER):
        return _GvReader(source).read(text)
    if first_line.split(";")[: len(KREISE_HEADER)] == list(KREISE_HEADER):
        return _KreiseReader(source).read(text)
    raise DirectoryFormatError(
        [_problem(source, 1, "header", "destatis.unknown_header", value=first_line[:80])]
    )


# --- number and key parsing -------------------------------------------------------------------

# Thousands separated by spaces (Destatis), by points (German) or not at all.
_INTEGER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,3}(?:\.\d{3})+|\d+", re.ASCII)
_DECIMAL = re.compile(
    r"-?(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,]\d+)?"  # spaces as thousands, . or , decimal
    r"|-?\d{1,3}(?:\.\d{3})+,\d+",  # German: 1.234,56
    re.ASCII,
)


class _FieldError(Exception):
    """A field's value that cannot be converted: the problem's code and its parameters."""

    def __init__(self, code: str, **parameters: Any) -> None:
        super().__init__(code)
        self.code, self.parameters = code, parameters


def _integer(value: str) -> int:
    text = value.strip()
    if not _INTEGER.fullmatch(text):
        raise _FieldError("destatis.not_whole")
    return int(re.sub(r"[ .\u00a0]", "", text))


def _decimal(value: str) -> Decimal:
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        raise _FieldError("destatis.not_number")
    if "," in text:  # decimal comma; points, if any, separate thousands
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(re.sub(r"[ \u00a0]", "", text))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise _FieldError("destatis.not_number") from exc


def _digits(value: str, width: int) -> str:
    if not (len(value) == width and value.isascii() and value.isdigit()):
        raise _FieldError("destatis.digits", width=width)
    return value


class _Reader:
    """Shared machinery: row iteration, located problems, field conversion."""

    delimiter = ","
    header: tuple[str, ...] = ()
    format: Format

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[InputProblem] = []
        self.line = 0
        self.row: dict[str, str] = {}

    def rows(self, text: str) -> Iterator[dict[str, str]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True)
        try:
            next(reader)  # the header, checked by parse_directory
            for cells in reader:
                self.line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue  # blank line
                if len(cells) != len(self.header):
                    self.problem(
                        None,
                        "destatis.field_count",
                        expected=len(self.header),
                        delimiter=self.delimiter,
                        found=len(cells),
                    )
                    continue
                self.row = dict(zip(self.header, cells, strict=True))
                yield self.row
        except csv.Error as exc:
            self.problem(None, "csv.invalid", line=reader.line_num, detail=str(exc))

    def problem(
        self, name: str | None, code: str, /, *, line: int | None = None, **parameters: Any
    ) -> None:
        """A problem in field ``name`` of the current line (or of ``line``)."""
        where = self.line if line is None else line
        self.problems.append(_problem(self.source, where, name, code, **parameters))

    def get(self, name: str, convert: Callable[[str], _T], *, required: bool = True) -> _T | None:
        """Convert one field of the current row; record a problem and return None on failure."""
        value = self.row[name]
        if not value.strip():
            if required:
                self.problem(name, "destatis.empty")
            return None
        try:
            return convert(value)
        except _FieldError as exc:
            self.problem(name, exc.code, value=value, **exc.parameters)
            return None

    def text(self, name: str) -> str | None:
        value = self.row[name].strip()
        if not value:
            self.problem(name, "destatis.empty")
            return None
        return value

    def figures(self, area: str, total: str, male: str, female: str, *, required: bool) -> Figures:
        figures = Figures(
            area_km2=self.get(area, _decimal, required=required),
            population=self.get(total, _integer, required=required),
            population_male=self.get(male, _integer, required=required),
            population_female=self.get(female, _integer, required=required),
        )
        everyone, male_count, female_count = (
            figures.population,
            figures.population_male,
            figures.population_female,
        )
        if (
            everyone is not None
            and male_count is not None
            and female_count is not None
            and everyone != male_count + female_count
        ):
            self.problem(
                total,
                "destatis.population_sum",
                total=everyone,
                male=male_count,
                female=female_count,
            )
        return figures

    def fail_if_problems(self) -> None:
        if self.problems:
            raise DirectoryFormatError(self.problems)


class _GvReader(_Reader):
    delimiter = ","
    header = GV_HEADER
    format: Format = "gv-auszug"

    def read(self, text: str) -> Directory:
        laender: dict[str, LandRecord] = {}
        bezirke: dict[str, RegierungsbezirkRecord] = {}
        kreise: dict[str, KreisRecord] = {}
        associations: dict[str, AssociationRecord] = {}
        gemeinden: dict[str, GemeindeRecord] = {}
        for row in self.rows(text):
            record_type = row["satzart"].strip()
            if record_type == "10":
                self._land(laender)
            elif record_type == "20":
                self._bezirk(laender, bezirke)
            elif record_type == "30":
                continue  # planning regions of Baden-Württemberg: not modelled
            elif record_type == "40":
                self._kreis(laender, bezirke, kreise)
            elif record_type == "50":
                self._association(kreise, associations)
            elif record_type == "60":
                self._gemeinde(kreise, associations, gemeinden)
            else:
                self.problem("satzart", "destatis.unknown_record_type", value=row["satzart"])
        if not self.problems and not gemeinden:
            self.problem("satzart", "destatis.no_gemeinde", line=1)
        self.fail_if_problems()
        return Directory(
            source=self.source,
            format=self.format,
            laender=tuple(laender.values()),
            regierungsbezirke=tuple(bezirke.values()),
            kreise=tuple(kreise.values()),
            associations=tuple(associations.values()),
            gemeinden=tuple(gemeinden.values()),
        )

    # Each record type: convert the key parts, check that the parents were declared, store.

    def _key(self, *parts: tuple[str, int]) -> str | None:
        converted = [self.get(name, functools.partial(_digits, width=w)) for name, w in parts]
        if None in converted:
            return None
        return "".join(part for part in converted if part is not None)

    def _kind(self, kinds: dict[str, str]) -> str | None:
        value = self.row["textkennzeichen"].strip()
        if value not in kinds:
            allowed = ", ".join(kinds)
            self.problem(
                "textkennzeichen", "destatis.unknown_text_key", allowed=allowed, value=value
            )
            return None
        return kinds[value]

    def _unique(self, seen: Mapping[str, object], key: str, what: str) -> bool:
        if key in seen:
            earlier = getattr(seen[key], "line", "?")
            self.problem(None, "destatis.twice", what=what, key=key, first=earlier)
            return False
        return True

    def _land(self, laender: dict[str, LandRecord]) -> None:
        ags = self._key(("land", 2))
        name = self.text("gemeindename")
        if ags is not None and ags not in LAND_NAMES:
            self.problem("land", "destatis.no_land", value=ags)
            return
        figures = self.figures("flaeche", "bevoelkerung", "maennlich", "weiblich", required=False)
        if ags is None or name is None or not self._unique(laender, ags, "Land"):
            return
        laender[ags] = LandRecord(ags=ags, name=name, figures=figures, line=self.line)

    def _bezirk(
        self, laender: dict[str, LandRecord], bezirke: dict[str, RegierungsbezirkRecord]
    ) -> None:
        key = self._key(("land", 2), ("rb", 1))
        name = self.text("gemeindename")
        if key is None or name is None:
            return
        if key[:2] not in laender:
            self.problem("land", "destatis.undeclared", what="Land", record_type=10, value=key[:2])
            return
        if self._unique(bezirke, key, "Regierungsbezirk"):
            bezirke[key] = RegierungsbezirkRecord(key=key, name=name, line=self.line)

    def _parent_bezirk(self, key: str, bezirke: dict[str, RegierungsbezirkRecord]) -> str | None:
        """The Regierungsbezirk key of a Kreis; rb 0 means the Land has none."""
        if key[2] == "0":
            return None
        if key[:3] not in bezirke:
            self.problem(
                "rb", "destatis.undeclared", what="Regierungsbezirk", record_type=20, value=key[2]
            )
        return key[:3]

    def _kreis(
        self,
        laender: dict[str, LandRecord],
        bezirke: dict[str, RegierungsbezirkRecord],
        kreise: dict[str, KreisRecord],
    ) -> None:
        key = self._key(("land", 2), ("rb", 1), ("kreis", 2))
        kind = self._kind(KREIS_KINDS)
        name = self.text("gemeindename")
        figures = self.figures("flaeche", "bevoelkerung", "maennlich", "weiblich", required=False)
        if key is None or kind is None or name is None:
            return
        if key[:2] not in laender:
            self.problem("land", "destatis.undeclared", what="Land", record_type=10, value=key[:2])
            return
        bezirk = self._parent_bezirk(key, bezirke)
        ags = key  # the Kreis AGS is Land + Regierungsbezirk + Kreis
        if self._unique(kreise, ags, "Kreis"):
            kreise[ags] = KreisRecord(
                ags=ags,
                name=name,
                kind=kind,
                regierungsbezirk=bezirk,
                nuts3="",
                figures=figures,
                line=self.line,
            )

    def _kreis_of(self, key: str, kreise: dict[str, KreisRecord]) -> tuple[str | None, bool]:
        """The Kreis AGS for a key starting Land+Rb+Kreis; Kreis 00 may stand without a record."""
        ags = key[:5]
        if ags in kreise:
            return ags, True
        if key[3:5] == "00":  # areas directly under the Land, e.g. coastal waters
            return None, True
        self.problem("kreis", "destatis.undeclared", what="Kreis", record_type=40, value=key[3:5])
        return None, False

    def _association(
        self, kreise: dict[str, KreisRecord], associations: dict[str, AssociationRecord]
    ) -> None:
        key = self._key(("land", 2), ("rb", 1), ("kreis", 2), ("vb", 4))
        kind = self._kind(ASSOCIATION_KINDS)
        name = self.text("gemeindename")
        if key is None or kind is None or name is None:
            return
        _, ok = self._kreis_of(key, kreise)
        if ok and self._unique(associations, key, "Gemeindeverband"):
            associations[key] = AssociationRecord(key=key, name=name, kind=kind, line=self.line)

    def _gemeinde(
        self,
        kreise: dict[str, KreisRecord],
        associations: dict[str, AssociationRecord],
        gemeinden: dict[str, GemeindeRecord],
    ) -> None:
        key = self._key(("land", 2), ("rb", 1), ("kreis", 2), ("vb", 4), ("gemeinde", 3))
        kind = self._kind(GEMEINDE_KINDS)
        name = self.text("gemeindename")
        figures = self.figures("flaeche", "bevoelkerung", "maennlich", "weiblich", required=True)
        postcode = self.get("postleitzahl", lambda v: _digits(v.strip(), 5), required=False)
        latitude, longitude = self._coordinates()
        urbanisation = self.get("verstaedterungschluessel", _urbanisation, required=False)
        if key is None or kind is None or name is None:
            return
        kreis, ok = self._kreis_of(key, kreise)
        association = associations.get(key[:9])
        if association is None:
            self.problem(
                "vb", "destatis.undeclared", what="Gemeindeverband", record_type=50, value=key[5:9]
            )
        if not ok or association is None:
            return
        ags = key[:5] + key[9:]  # AGS: the ARS without the Gemeindeverband
        if self._unique(gemeinden, ags, "Gemeinde"):
            gemeinden[ags] = GemeindeRecord(
                ags=ags,
                ars=key,
                name=name,
                kind=kind,
                kreis=kreis,
                association_name=association.name,
                association_kind=association.kind,
                figures=figures,
                postcode=postcode or "",
                latitude=latitude,
                longitude=longitude,
                urbanisation=urbanisation,
                line=self.line,
            )

    def _coordinates(self) -> tuple[Decimal | None, Decimal | None]:
        longitude = self.get("laengengrad", _decimal, required=False)
        latitude = self.get("breitengrad", _decimal, required=False)
        if latitude is None or longitude is None:
            return None, None
        if latitude == 0 and longitude == 0:  # Destatis writes 0/0 where a place has no centre
            return None, None
        in_range = True
        for name, value, (low, high) in (
            ("breitengrad", latitude, _LATITUDE_RANGE),
            ("laengengrad", longitude, _LONGITUDE_RANGE),
        ):
            if not low <= value <= high:
                found = self.row[name]
                self.problem(
                    name, "destatis.outside_germany", low=str(low), high=str(high), value=found
                )
                in_range = False
        return (latitude, longitude) if in_range else (None, None)


def _urbanisation(value: str) -> int:
    number = _integer(value)
    if number not in URBANISATION_CLASSES:
        raise _FieldError("destatis.unknown_urbanisation")
    return number


class _KreiseReader(_Reader):
    delimiter = ";"
    header = KREISE_HEADER
    format: Format = "kreise"

    def read(self, text: str) -> Directory:
        kreise: dict[str, KreisRecord] = {}
        for _row in self.rows(text):
            ags = self.get("AGS", lambda v: _digits(v.strip(), 5))
            kind_name = self.text("type")
            kind = None
            if kind_name is not None:
                kind = KREIS_KIND_NAMES.get(kind_name)
                if kind is None:
                    expected = ", ".join(KREIS_KIND_NAMES)
                    self.problem(
                        "type", "destatis.unknown_kind", expected=expected, value=kind_name
                    )
            name = self.text("name")
            nuts3 = self.row["NUTS3"].strip()
            if nuts3 and not re.fullmatch(r"DE[0-9A-Z]{3}", nuts3):
                self.problem("NUTS3", "destatis.not_nuts3", value=nuts3)
            figures = self.figures(
                "area_km2", "population", "population_male", "population_female", required=True
            )
            if ags is None or kind is None or name is None:
                continue
            if ags[:2] not in LAND_NAMES:
                self.problem("AGS", "destatis.no_land_prefix", value=ags)
                continue
            if ags in kreise:
                first = kreise[ags].line
                self.problem("AGS", "destatis.twice", what="Kreis", key=ags, first=first)
                continue
            kreise[ags] = KreisRecord(
                ags=ags,
                name=name,
                kind=kind,
                regierungsbezirk=None,
                nuts3=nuts3,
                figures=figures,
                line=self.line,
            )
        if not self.problems and not kreise:
            self.problem("AGS", "destatis.no_kreis", line=1)
        self.fail_if_problems()
        laender = tuple(
            LandRecord(ags=code, name=LAND_NAMES[code], figures=Figures(), line=0)
            for code in sorted({k.land for k in kreise.values()})
        )
        return Directory(
            source=self.source, format=self.format, laender=laender, kreise=tuple(kreise.values())
        )
