"""The round table's spreadsheet (one row per offer, .xlsx or CSV) imported with a column mapping.

Each column of the file is mapped to a field (name of the offer, organisation, address, phone,
languages spoken, …): guessed from the German or English heading, or as the editor chose (a
mapping saved with the directory is used again for the next upload). The rows become an HSDS
dataset (organisations, services, locations, addresses, phones, languages, schedules, cost
options, accessibility, attributes) that goes through the HSDS importer, so the import is one
transaction, matched by ids derived from the directory, organisation, offer and street (a second
upload of the same list updates, never doubles) and exported as any other HSDS data.

Every problem names the row and the field. Nothing is saved when a row is bad, unless the editor
explicitly chooses to skip the bad rows. The file is read row by row and reading stops at
``MAX_ROWS`` offers.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.core.input_problems import ImportFailed, ImportProblem, import_rows
from passgenau.apps.territories.models import fold_name
from passgenau.engine import hsds

from ..models import Directory, TaxonomyTerm
from .derive import LANGUAGE_ALIASES, target_group_code
from .hsds_io import ImportReport, directory_import_hsds

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "FIELDS",
    "FIELD_BY_NAME",
    "MAX_BYTES",
    "MAX_ROWS",
    "SheetPreview",
    "SheetResult",
    "mapping_guess",
    "sheet_import",
    "sheet_preview",
]

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
MAX_PROBLEMS = 500
PREVIEW_ROWS = 10
_NS = uuid.UUID("5b7d2c1e-8f0a-4c3b-9e6d-1a2b3c4d5e6f")


@dataclass(frozen=True)
class SheetField:
    name: str
    label: Any
    aliases: tuple[str, ...]  # folded headings, German and English
    required: bool = False


FIELDS: tuple[SheetField, ...] = (
    SheetField(
        "name",
        gettext_lazy("name of the offer"),
        (
            "angebot",
            "name des angebots",
            "angebotsname",
            "bezeichnung",
            "titel",
            "name",
            "offer",
            "service",
            "title",
        ),
        required=True,
    ),
    SheetField(
        "organization",
        gettext_lazy("organisation"),
        (
            "träger",
            "traeger",
            "organisation",
            "organization",
            "anbieter",
            "einrichtung",
            "verein",
            "institution",
            "provider",
        ),
    ),
    SheetField(
        "description",
        gettext_lazy("description"),
        ("beschreibung", "kurzbeschreibung", "angebotsbeschreibung", "inhalt", "description"),
    ),
    SheetField(
        "street",
        gettext_lazy("street and number"),
        (
            "straße",
            "strasse",
            "str.",
            "straße und hausnummer",
            "adresse",
            "anschrift",
            "street",
            "address",
        ),
    ),
    SheetField("postcode", gettext_lazy("postcode"), ("plz", "postleitzahl", "postcode", "zip")),
    SheetField("city", gettext_lazy("town"), ("ort", "stadt", "gemeinde", "city", "town")),
    SheetField(
        "phone", gettext_lazy("phone"), ("telefon", "tel.", "tel", "telefonnummer", "phone")
    ),
    SheetField("email", gettext_lazy("e-mail"), ("e-mail", "email", "mail", "e-mail-adresse")),
    SheetField(
        "web",
        gettext_lazy("web address"),
        ("internet", "internetseite", "webseite", "website", "homepage", "web", "url"),
    ),
    SheetField(
        "topics",
        gettext_lazy("topics"),
        ("thema", "themen", "themenbereich", "kategorie", "topic", "topics", "category"),
    ),
    SheetField(
        "languages",
        gettext_lazy("languages spoken"),
        ("sprachen", "sprache", "gesprochene sprachen", "languages", "languages spoken"),
    ),
    SheetField(
        "hours",
        gettext_lazy("opening hours"),
        ("öffnungszeiten", "oeffnungszeiten", "sprechzeiten", "zeiten", "opening hours", "hours"),
    ),
    SheetField(
        "target_groups",
        gettext_lazy("target groups"),
        ("zielgruppe", "zielgruppen", "für wen", "target group", "target groups"),
    ),
    SheetField(
        "free_of_charge",
        gettext_lazy("free of charge"),
        ("kostenlos", "kostenfrei", "kosten", "gebühren", "free of charge", "free", "costs"),
    ),
    SheetField(
        "barrier_free",
        gettext_lazy("barrier-free"),
        ("barrierefrei", "barrierefreiheit", "barrierefreier zugang", "barrier-free"),
    ),
    SheetField(
        "what_to_bring",
        gettext_lazy("what to bring"),
        ("mitbringen", "bitte mitbringen", "unterlagen", "what to bring"),
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

# Language names as round tables write them (German, English, the languages' own), folded.
LANGUAGE_NAMES: dict[str, str] = {
    "deutsch": "de", "german": "de", "englisch": "en", "english": "en", "arabisch": "ar",
    "arabic": "ar", "farsi": "fa", "persisch": "fa", "persian": "fa", "dari": "fa",
    "paschtu": "ps", "paschto": "ps", "pashto": "ps", "türkisch": "tr", "tuerkisch": "tr",
    "turkish": "tr", "ukrainisch": "uk", "ukrainian": "uk", "russisch": "ru", "russian": "ru",
    "polnisch": "pl", "polish": "pl", "französisch": "fr", "franzoesisch": "fr",
    "french": "fr", "spanisch": "es", "spanish": "es", "italienisch": "it", "italian": "it",
    "kurdisch": "ku", "kurdish": "ku", "kurmandschi": "ku", "kurmanji": "ku", "sorani": "ku",
    "tigrinya": "ti", "tigrinisch": "ti", "somali": "so", "urdu": "ur", "rumänisch": "ro",
    "rumaenisch": "ro", "romanian": "ro", "bulgarisch": "bg", "bulgarian": "bg",
    "serbisch": "sr", "serbian": "sr", "kroatisch": "hr", "croatian": "hr", "albanisch": "sq",
    "albanian": "sq", "griechisch": "el", "greek": "el", "amharisch": "am", "amharic": "am",
    "vietnamesisch": "vi", "vietnamese": "vi", "chinesisch": "zh", "chinese": "zh",
    "georgisch": "ka", "georgian": "ka", "armenisch": "hy", "armenian": "hy",
    "gebärdensprache": "gsg", "deutsche gebärdensprache": "gsg", "sign language": "gsg",
    "leichte sprache": "de", "einfache sprache": "de",
}  # fmt: skip
_YES = {"ja", "j", "x", "yes", "y", "true", "wahr", "1", "kostenlos", "kostenfrei", "frei",
        "barrierefrei", "0 €", "0€", "0 eur", "0,00 €", "0"}  # fmt: skip
_NO = {"nein", "n", "no", "false", "falsch", "-", "kostenpflichtig"}
_LIST_SPLIT = re.compile(r"\s*(?:[,;\n/]|\bund\b|\band\b|&)\s*")
_TOPIC_SPLIT = re.compile(r"\s*[,;\n]\s*")
_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<postcode>\d{4,5})\s+(?P<city>.+)$")
_POSTCODE = re.compile(r"^\d{5}$")
# "Mo-Fr 9-12 Uhr", "Di, Do 14:00 - 17:00", "Mi 9.30-11.30"
_DAY_NAMES = {"mo": "MO", "di": "TU", "mi": "WE", "do": "TH", "fr": "FR", "sa": "SA", "so": "SU",
              "tu": "TU", "we": "WE", "th": "TH", "su": "SU"}  # fmt: skip
_DAYS_TIMES = re.compile(
    r"(?P<days>[A-Za-zäÄ]{2}\.?(?:\s*(?:-|–|bis|,|und|u\.)\s*[A-Za-zäÄ]{2}\.?)*)\s*:?\s*"
    r"(?P<opens>\d{1,2}(?:[:.]\d{2})?)\s*(?:-|–|bis)\s*(?P<closes>\d{1,2}(?:[:.]\d{2})?)"
)


def _fold(text: str) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold().strip(" :*")


def mapping_guess(header: list[str], saved: Mapping[str, str] | None = None) -> dict[str, str]:
    """Heading → field for the columns of ``header``: the saved mapping where it names the
    heading, else a guess from the heading (exact alias first, then an alias it starts with);
    each field for one column at most; columns without a field are left out."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    saved = saved or {}
    for heading in header:
        name = saved.get(heading, "")
        if heading and name in FIELD_BY_NAME and name not in taken:
            result[heading] = name
            taken.add(name)
    for exact in (True, False):
        for heading in header:
            folded = _fold(heading)
            if not folded or heading in result or heading in saved:
                continue
            for spec in FIELDS:
                if spec.name in taken:
                    continue
                if any(
                    folded == alias or (not exact and len(alias) > 2 and folded.startswith(alias))
                    for alias in spec.aliases
                ):
                    result[heading] = spec.name
                    taken.add(spec.name)
                    break
    return result


def _mapping_problems(file_name: str, header: list[str], mapping: Mapping[str, str]) -> list:
    problems = []
    chosen: dict[str, str] = {}
    for heading, name in mapping.items():
        if not name:
            continue
        if name not in FIELD_BY_NAME:
            problems.append(
                ImportProblem(file_name, 1, heading, _("Unknown field “%(f)s”.") % {"f": name})
            )
        elif heading not in header:
            problems.append(
                ImportProblem(
                    file_name, 1, str(FIELD_BY_NAME[name].label),
                    _("The file has no column “%(name)s”.") % {"name": heading},
                )
            )  # fmt: skip
        elif name in chosen:
            problems.append(
                ImportProblem(
                    file_name, 1, str(FIELD_BY_NAME[name].label),
                    _("Both “%(a)s” and “%(b)s” are mapped to this field.")
                    % {"a": chosen[name], "b": heading},
                )
            )  # fmt: skip
        else:
            chosen[name] = heading
    for spec in FIELDS:
        if spec.required and spec.name not in chosen:
            problems.append(
                ImportProblem(file_name, 1, str(spec.label), _("Choose the column for this field."))
            )
    return problems


# --- one row --------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int
    values: dict[str, str]
    problems: list[ImportProblem] = field(default_factory=list)
    topics: list[TaxonomyTerm] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    schedules: list[tuple[str, str, str]] = field(default_factory=list)
    free: bool | None = None
    barrier_free: bool | None = None


def _yes_no(text: str) -> bool | None:
    folded = _fold(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


def _clock(text: str) -> str:
    hours, _sep, minutes = text.replace(".", ":").partition(":")
    return f"{int(hours):02d}:{minutes or '00'}"


def hours_parse(text: str) -> list[tuple[str, str, str]]:
    """(HSDS byday, opens_at, closes_at) for each part of an opening hours text that names days
    and a time span ("Mo-Fr 9-12 Uhr; Di 14:00-17:00"); the rest of the text is kept only as the
    schedule's description."""
    order = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    out = []
    for match in _DAYS_TIMES.finditer(text):
        days: list[str] = []
        parts = re.split(r"\s*(-|–|bis|,|und|u\.)\s*", match.group("days"))
        previous = None
        pending_range = False
        for part in parts:
            if part in ("-", "–", "bis"):
                pending_range = True
                continue
            if part in (",", "und", "u.") or not part:
                continue
            day = _DAY_NAMES.get(part.rstrip(".").casefold()[:2])
            if day is None:
                days = []
                break
            if pending_range and previous is not None:
                start, end = order.index(previous), order.index(day)
                days += order[start + 1 : end + 1]
            else:
                days.append(day)
            previous, pending_range = day, False
        opens, closes = _clock(match.group("opens")), _clock(match.group("closes"))
        if days and opens < closes and closes <= "24:00":
            out.append((",".join(dict.fromkeys(days)), opens, closes))
    return out


class _Vocabulary:
    """The directory's topics, by folded name (all languages) and code."""

    def __init__(self, directory: Directory) -> None:
        self.topics: dict[str, TaxonomyTerm] = {}
        terms = TaxonomyTerm.objects.filter(
            Q(taxonomy__directory__isnull=True) | Q(taxonomy__directory=directory)
        )
        for term in terms:
            for key in (term.name, term.code, *term.names.values()):
                if key:
                    self.topics.setdefault(_fold(key), term)


def _row_parse(row: SheetRow, file_name: str, vocabulary: _Vocabulary) -> None:
    values = row.values

    def problem(name: str, message: str) -> None:
        row.problems.append(
            ImportProblem(file_name, row.number, str(FIELD_BY_NAME[name].label), message)
        )

    if not values.get("name"):
        problem("name", _("This field is required."))
    for name, limit in (("name", 300), ("organization", 300), ("street", 300), ("city", 200)):
        if len(values.get(name, "")) > limit:
            problem(name, _("At most %(n)d characters.") % {"n": limit})
    street = values.get("street", "")
    match = _ADDRESS.match(street)
    if match and not values.get("postcode") and not values.get("city"):
        values["street"] = match.group("street").strip()
        values["postcode"] = match.group("postcode")
        values["city"] = match.group("city").strip()
    postcode = values.get("postcode", "")
    if len(postcode) == 4 and postcode.isdigit():  # Excel dropped the leading zero
        postcode = values["postcode"] = "0" + postcode
    if postcode and not _POSTCODE.match(postcode):
        problem("postcode", _("A postcode has five digits, not “%(value)s”.") % {"value": postcode})
    email = values.get("email", "")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            problem("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
    web = values.get("web", "")
    if web:
        if not re.match(r"^https?://", web, re.I):
            web = values["web"] = "https://" + web
        try:
            URLValidator(schemes=["http", "https"])(web)
        except ValidationError:
            problem("web", _("“%(value)s” is not a web address.") % {"value": web})
    phone = values.get("phone", "")
    if phone and not re.search(r"\d{3}", phone):
        problem("phone", _("“%(value)s” is not a phone number.") % {"value": phone})
    for word in (w for w in _TOPIC_SPLIT.split(values.get("topics", "")) if w):
        term = vocabulary.topics.get(_fold(word))
        if term is None:
            problem("topics", _("Unknown topic “%(value)s”.") % {"value": word})
        elif term not in row.topics:
            row.topics.append(term)
    for word in (w for w in _LIST_SPLIT.split(values.get("languages", "")) if w):
        folded = _fold(word)
        code = LANGUAGE_NAMES.get(folded) or (
            LANGUAGE_ALIASES.get(folded, folded) if re.fullmatch(r"[a-z]{2,3}", folded) else ""
        )
        if not code:
            problem("languages", _("Unknown language “%(value)s”.") % {"value": word})
        elif code not in row.languages:
            row.languages.append(code)
    for word in (w for w in _TOPIC_SPLIT.split(values.get("target_groups", "")) if w):
        group = target_group_code(word)
        if group is None:
            problem("target_groups", _("Unknown target group “%(value)s”.") % {"value": word})
        elif group not in row.target_groups:
            row.target_groups.append(group)
    for name in ("free_of_charge", "barrier_free"):
        text = values.get(name, "")
        if text:
            answer = _yes_no(text)
            if answer is None:
                problem(name, _("Write “ja” or “nein”, not “%(value)s”.") % {"value": text})
            setattr(row, "free" if name == "free_of_charge" else name, answer)
    row.schedules = hours_parse(values.get("hours", ""))


# --- reading ----------------------------------------------------------------------------------


@dataclass
class SheetTable:
    file_name: str
    header: list[str]
    rows: list[SheetRow]
    problems: list[ImportProblem]  # of the file as a whole (too many rows, unreadable)


def _table(
    file_name: str, content: bytes, mapping: Mapping[str, str] | None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]], list[ImportProblem]]:
    """The header (the first row that is not empty), the rows as field → text with their row
    numbers (read lazily), and the problems of the mapping (guessed when none is given)."""
    if len(content) > MAX_BYTES:
        raise ImportFailed(
            [ImportProblem(file_name, None, None, _("The file is larger than 10 MB."))]
        )
    rows = enumerate(import_rows(file_name, content), start=1)
    header: list[str] = []
    for _number, cells in rows:
        if any(cells):
            header = [c.strip() for c in cells]
            break
    if not header:
        raise ImportFailed([ImportProblem(file_name, None, None, _("The file is empty."))])
    chosen = mapping_guess(header) if mapping is None else dict(mapping)
    problems = _mapping_problems(file_name, header, chosen)
    positions = {
        name: header.index(heading)
        for heading, name in chosen.items()
        if name in FIELD_BY_NAME and heading in header
    }

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in rows:
            if any(cells):
                yield (
                    number,
                    {
                        name: cells[i].strip() if i < len(cells) else ""
                        for name, i in positions.items()
                    },
                )

    return header, records(), problems


def sheet_read(
    *,
    directory: Directory,
    file_name: str,
    content: bytes,
    mapping: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> SheetTable:
    """The rows of the file, each parsed with its problems; ``limit`` rows at most (a preview),
    else up to ``MAX_ROWS`` (a further row is a problem and the rest is not read)."""
    name = PurePath(file_name).name or "upload"
    header, records, problems = _table(name, content, mapping)
    vocabulary = _Vocabulary(directory)
    rows: list[SheetRow] = []
    if problems:  # the mapping is not usable: no row is read
        return SheetTable(name, header, rows, problems)
    for number, values in records:
        if limit is not None and len(rows) >= limit:
            break
        if len(rows) >= MAX_ROWS:
            problems.append(
                ImportProblem(
                    name, number, None, _("At most %(n)d offers per file.") % {"n": MAX_ROWS}
                )
            )
            break  # the rest of the file is not read
        row = SheetRow(number=number, values=values)
        _row_parse(row, name, vocabulary)
        rows.append(row)
        if sum(len(r.problems) for r in rows) >= MAX_PROBLEMS:
            break
    if not rows and not problems:
        problems.append(ImportProblem(name, None, None, _("The file has no offers.")))
    return SheetTable(name, header, rows, problems)


@dataclass
class SheetPreview:
    header: list[str]
    mapping: dict[str, str]
    rows: list[SheetRow]
    problems: list[ImportProblem]


def sheet_preview(
    *,
    directory: Directory,
    file_name: str,
    content: bytes,
    mapping: Mapping[str, str] | None = None,
) -> SheetPreview:
    """The header, the mapping (guessed from the headings and the directory's saved mapping
    when none is given) and the first rows with their problems."""
    name = PurePath(file_name).name or "upload"
    header, _records, _problems = _table(name, content, None)
    chosen = (
        dict(mapping) if mapping is not None else mapping_guess(header, directory.sheet_mapping)
    )
    table = sheet_read(
        directory=directory,
        file_name=name,
        content=content,
        mapping=chosen,
        limit=PREVIEW_ROWS,
    )
    return SheetPreview(table.header, chosen, table.rows, table.problems)


# --- to HSDS ----------------------------------------------------------------------------------


def _id(directory: Directory, *parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join([directory.slug, *(fold_name(p) for p in parts)])))


# the records each field of the sheet becomes (table, condition on the record's data)
_RECORDS_OF_FIELD: dict[str, tuple[str, dict[str, str]]] = {
    "phone": ("phones", {}),
    "languages": ("languages", {}),
    "hours": ("schedules", {}),
    "free_of_charge": ("cost_options", {}),
    "what_to_bring": ("required_documents", {}),
    "topics": ("attributes", {"link_type": "topic"}),
    "target_groups": ("attributes", {"link_type": "target_group"}),
    "barrier_free": ("accessibility", {}),
    "street": ("addresses", {}),
    "city": ("addresses", {}),
}
_SERVICE_FIELDS = {"organization": "organization_id", "description": "description",
                   "email": "email", "web": "url"}  # fmt: skip


_ADDRESS_FIELDS = {"street": "address_1", "city": "city", "postcode": "postal_code"}


def _sheet_columns(fields: set[str]) -> dict[str, set[str]]:
    """Per table, the HSDS fields the sheet's mapped columns are the truth for. Every other
    value the sheet's rows carry (a location's name and type, an organisation's description, an
    offer's status, an address's country) is only a default for a new row: a re-import keeps
    what editors wrote there."""
    org = {"organization_id"} if "organization" in fields else set()
    return {
        "services": {"id", "name"}
        | {hsds_field for name, hsds_field in _SERVICE_FIELDS.items() if name in fields},
        "organizations": {"id", "name"},
        "locations": {"id"} | org,
        "service_at_location": {"id", "service_id", "location_id"},
        "addresses": {"id", "location_id"}
        | {hsds_field for name, hsds_field in _ADDRESS_FIELDS.items() if name in fields},
        "accessibility": {"id", "location_id", "description"},
        "phones": {"id", "service_id", "number"},
        "languages": {"id", "service_id", "code"},
        "schedules": {"id", "service_id", "description", "freq", "byday", "opens_at",
                      "closes_at"},
        "cost_options": {"id", "service_id", "option", "amount"},
        "required_documents": {"id", "service_id", "document"},
        "attributes": {"id", "link_id", "link_entity", "link_type", "taxonomy_term_id", "value"},
    }  # fmt: skip


def sheet_dataset(
    directory: Directory, rows: list[SheetRow], fields: set[str] | None = None
) -> hsds.Dataset:
    """The HSDS tables of the rows (rows with problems are left out). ``fields``, the fields
    the sheet's columns are mapped to, become the dataset's columns: on a re-import, the values
    of fields the sheet does not have are kept."""
    territory = directory.kreis or directory.gemeinde
    state = territory.land.name if territory is not None else ""
    data = hsds.Dataset()
    if fields is not None:
        data.columns = _sheet_columns(fields)
    for row in rows:
        if row.problems:
            continue
        v = row.values
        org_name = v.get("organization", "")
        org_id = _id(directory, "org", org_name) if org_name else None
        sid = _id(directory, "svc", org_name, v["name"], v.get("street", ""))
        if org_id:
            organization = {"id": org_id, "name": org_name, "description": org_name}
            data.add("organizations", organization)
        service: dict[str, Any] = {"id": sid, "name": v["name"], "status": "active"}
        for key, hsds_field in (("description", "description"), ("email", "email"),
                                ("web", "url")):  # fmt: skip
            if v.get(key):
                service[hsds_field] = v[key]
        service.setdefault("description", "")
        if org_id:
            service["organization_id"] = org_id
        data.add("services", service)
        if v.get("street") or v.get("postcode") or v.get("city") or row.barrier_free:
            lid = _id(directory, "loc", org_name, v.get("street", ""), v.get("postcode", ""))
            location = {"id": lid, "location_type": "physical", "name": org_name or v["name"]}
            if org_id:
                location["organization_id"] = org_id
            data.add("locations", location)
            if v.get("street") or v.get("city"):
                data.add("addresses", {
                    "id": _id(directory, "adr", lid), "location_id": lid,
                    "address_1": v.get("street", ""), "city": v.get("city", ""),
                    "state_province": state, "postal_code": v.get("postcode", ""),
                    "country": "DE", "address_type": "physical",
                })  # fmt: skip
            if row.barrier_free:
                data.add("accessibility", {"id": _id(directory, "acc", lid), "location_id": lid,
                                           "description": "barrierefrei"})  # fmt: skip
            data.add("service_at_location", {"id": _id(directory, "sal", sid, lid),
                                             "service_id": sid, "location_id": lid})  # fmt: skip
        if v.get("phone"):
            data.add("phones", {"id": _id(directory, "tel", sid), "service_id": sid,
                                "number": v["phone"]})  # fmt: skip
        for code in row.languages:
            data.add("languages", {"id": _id(directory, "lang", sid, code), "service_id": sid,
                                   "code": code})  # fmt: skip
        if v.get("hours"):
            parsed = row.schedules or [("", "", "")]
            for index, (days, opens, closes) in enumerate(parsed):
                schedule: dict[str, Any] = {
                    "id": _id(directory, "sch", sid, str(index)), "service_id": sid,
                    "description": v["hours"],
                }  # fmt: skip
                if days:
                    schedule |= {"freq": "WEEKLY", "byday": days, "opens_at": opens,
                                 "closes_at": closes}  # fmt: skip
                data.add("schedules", schedule)
        if row.free:
            data.add("cost_options", {"id": _id(directory, "cost", sid), "service_id": sid,
                                      "option": "kostenlos", "amount": 0})  # fmt: skip
        if v.get("what_to_bring"):
            data.add("required_documents", {"id": _id(directory, "doc", sid), "service_id": sid,
                                            "document": v["what_to_bring"]})  # fmt: skip
        for term in row.topics:
            data.add("attributes", {"id": _id(directory, "topic", sid, term.hsds_id),
                                    "link_id": sid, "link_entity": "service", "link_type": "topic",
                                    "taxonomy_term_id": term.hsds_id})  # fmt: skip
        for group in row.target_groups:
            data.add("attributes", {"id": _id(directory, "group", sid, group), "link_id": sid,
                                    "link_entity": "service", "link_type": "target_group",
                                    "value": group})  # fmt: skip
    return data


@dataclass
class SheetResult:
    offers: int
    skipped_rows: list[int]
    report: ImportReport


@transaction.atomic
def sheet_import(
    *,
    directory: Directory,
    file_name: str,
    content: bytes,
    mapping: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    save_mapping: bool = False,
    actor: User | None = None,
) -> SheetResult:
    """Import every offer of the file, in one transaction, or none (raises
    :class:`ImportFailed` with every problem): a bad row stops the import unless
    ``skip_bad_rows``, then only the good rows are imported and the bad ones reported."""
    table = sheet_read(directory=directory, file_name=file_name, content=content, mapping=mapping)
    row_problems = [p for r in table.rows for p in r.problems]
    if table.problems or (row_problems and not skip_bad_rows):
        raise ImportFailed(table.problems + row_problems)
    good = [r for r in table.rows if not r.problems]
    if not good:
        raise ImportFailed(row_problems)
    used = mapping if mapping is not None else mapping_guess(table.header)
    fields = {name for heading, name in used.items() if name and heading in table.header}
    replaced: dict[str, dict[str, Any]] = {}
    for name in sorted(fields & set(_RECORDS_OF_FIELD)):
        record_table, condition = _RECORDS_OF_FIELD[name]
        if record_table in replaced and replaced[record_table] != condition:
            replaced[record_table] = {}  # every kind of the table is in the sheet
        else:
            replaced[record_table] = condition
    report = directory_import_hsds(
        directory=directory,
        dataset=sheet_dataset(directory, good, fields),
        actor=actor,
        replaced=replaced,
    )
    if save_mapping:
        directory.sheet_mapping = {h: n for h, n in used.items() if n}
        directory.save(update_fields=["sheet_mapping"])
    return SheetResult(
        offers=len(good),
        skipped_rows=[r.number for r in table.rows if r.problems],
        report=report,
    )
