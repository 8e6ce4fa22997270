"""Importing households from CSV or Excel: every row is checked first, every problem is reported
with file, row and field, and nothing is imported unless every row is right (one transaction).

The columns are documented on the import page and in ``import_columns()``; the first row holds
the column names, row numbers in messages are those a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.input_limits import text_limit_problem
from passgenau.apps.core.input_problems import ImportFailed, ImportProblem
from passgenau.apps.core.spreadsheets import csv_lines, xlsx_rows
from passgenau.engine.matching.profiles import AGE_BANDS

from ..models import Household, HouseholdContact, Interview, Round, RoundAction
from ..models.vocab import (
    ConsentPurpose,
    Need,
    Occupation,
    QuestionnaireLanguage,
    Region,
    Relation,
    SizeClass,
    SpokenLanguage,
)
from .intake import (
    GERMAN_LEVELS,
    INTERVIEW_FIELDS,
    Registration,
    _create_household,
    _require_interviewer,
    _store_interview,
    household_rated_criteria,
    interview_errors,
    registration_errors,
)
from .rounds import round_require

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
REQUIRED_COLUMNS = (
    "contact_name",
    "language",
    "consent_purposes",
    "consent_date",
    "consent_language",
    "members",
)
# The interview's answers as columns; the importance ratings come as importance.<criterion>.
INTERVIEW_COLUMNS = tuple(f for f in INTERVIEW_FIELDS if f not in ("conducted_in", "importance"))
OPTIONAL_COLUMNS = (
    "external_reference",
    "member_names",
    "phone",
    "email",
    "current_location",
    *INTERVIEW_COLUMNS,
    "interview_complete",
)
IMPORTANCE_PREFIX = "importance."
_LIST_SPLIT = re.compile(r"[;,|\n]")
_YES = {"yes", "ja", "y", "j", "true", "1", "x"}
_NO = {"no", "nein", "n", "false", "0", ""}


@dataclass(frozen=True)
class ImportResult:
    households: list[Household]
    file: str


def import_columns(*, round_: Round) -> list[str]:
    """Every column the import understands, in the order of the template."""
    importance = [f"{IMPORTANCE_PREFIX}{c.id}" for c in household_rated_criteria(round_)]
    return [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *importance]


@dataclass(frozen=True)
class ColumnCodes:
    """The values a coded column accepts, each with what it means in the reader's language."""

    columns: tuple[str, ...]
    codes: list[tuple[str, str]]


def import_codes(*, round_: Round) -> list[ColumnCodes]:
    """Every coded column with the values the import accepts (the checks of ``intake`` use the
    same vocabularies), for the import page; places are the round's municipalities by name."""

    def choices(vocabulary: type[models.TextChoices]) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in vocabulary.choices]

    places = sorted(round_.profiles.values_list("municipality__name", flat=True))
    return [
        ColumnCodes(("language", "consent_language"), choices(QuestionnaireLanguage)),
        ColumnCodes(("consent_purposes",), [*choices(ConsentPurpose), ("all", _("every purpose"))]),
        ColumnCodes(("members",), [(band, _("age band")) for band in AGE_BANDS]),
        ColumnCodes(("members",), choices(Relation)),
        ColumnCodes(("languages",), choices(SpokenLanguage)),
        ColumnCodes(("german_level",), [(level, level) for level in GERMAN_LEVELS]),
        ColumnCodes(("occupations",), choices(Occupation)),
        ColumnCodes(("needs",), choices(Need)),
        ColumnCodes(("preferred_size",), choices(SizeClass)),
        ColumnCodes(("preferred_region",), choices(Region)),
        ColumnCodes(("ties", "ranked_places", "excluded_places"), [(n, n) for n in places]),
    ]


def import_template_csv(*, round_: Round) -> str:
    """A CSV with the header and one example row."""
    names = list(round_.profiles.values_list("municipality__name", flat=True)[:2])
    example: dict[str, str] = {
        "contact_name": "Olena Example",
        "language": "uk",
        "consent_purposes": "all",
        "consent_date": dt.date.today().isoformat(),
        "consent_language": "uk",
        "members": "30-44 main_contact; 6-9 child",
        "languages": "uk; ru",
        "occupations": "2",
        "ranked_places": "; ".join(names[:1]),
        "interview_complete": "no",
    }
    columns = import_columns(round_=round_)
    rows = [columns, [example.get(column, "") for column in columns]]
    return "".join(csv_lines(rows, lineterminator="\n"))


# -- reading ---------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", content, 0, 1, "not UTF-8 or Windows-1252")


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    text = _decode(content)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_table(file_name: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row number, cells) of the file; raises ImportFailed if unreadable or
    longer than MAX_ROWS households: the file is read row by row and not further than that."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in (".xlsx", ".csv", ".txt"):
        raise ImportFailed(
            [ImportProblem(file_name, None, None, _("Upload a .csv or .xlsx file."))]
        )
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    try:
        rows = xlsx_rows(content) if suffix == ".xlsx" else _csv_rows(content)
        for number, row in enumerate(rows, start=1):
            cells = [_cell_text(v) for v in row]
            if header is None:
                header = cells
            elif any(cells):
                if len(body) == MAX_ROWS:
                    raise ImportFailed(
                        [
                            ImportProblem(
                                file_name,
                                number,
                                None,
                                _("At most %(n)d households per file.") % {"n": MAX_ROWS},
                            )
                        ]
                    )  # the rest of the file is not read
                body.append((number, cells))
    except ImportFailed:
        raise
    except Exception as exc:  # a broken file: say so, naming the file
        raise ImportFailed(
            [
                ImportProblem(
                    file_name, None, None, _("The file cannot be read: %(error)s") % {"error": exc}
                )
            ]
        ) from None
    if not header or not any(header):
        raise ImportFailed(
            [ImportProblem(file_name, 1, None, _("The first row must hold the column names."))]
        )
    header = [h.strip().lower() for h in header]
    while header and not header[-1]:
        header.pop()
    return header, body


# -- converting one row ---------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_members(text: str) -> list[dict[str, str]]:
    """``30-44 main_contact; 6-9 child`` → member dicts (age band, then optional relation)."""
    members = []
    for entry in _split(text):
        parts = re.split(r"[\s/:]+", entry, maxsplit=1)
        members.append({"age_band": parts[0], "relation": parts[1] if len(parts) > 1 else ""})
    return members


class _Row:
    def __init__(self, file_name: str, number: int, values: dict[str, str]) -> None:
        self.file, self.number, self.values = file_name, number, values
        self.problems: list[ImportProblem] = []

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(ImportProblem(self.file, self.number, column, message))


# Service field names → import columns, so that the service's messages name the right column.
_FIELD_TO_COLUMN = {"consent_given_on": "consent_date", "consent_explained_in": "consent_language"}


def _column_for(field_name: str) -> str:
    if field_name.startswith("members"):
        return "members"
    if field_name.startswith("importance."):
        return field_name
    return _FIELD_TO_COLUMN.get(field_name, field_name)


def _text_columns() -> dict[str, Any]:
    """The columns whose text is stored as it is (not codes, which are checked against their
    choices), with the field that stores it: its length and characters are checked row by row,
    before anything is saved."""
    return {
        field.name: field
        for model in (HouseholdContact, Household, Interview)
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    }


def _check_text(row: _Row, columns: dict[str, Any]) -> None:
    for column, value in row.values.items():
        field = columns.get(column)
        problem = text_limit_problem(field, value.strip()) if field is not None else None
        if problem is not None:
            row.problem(column, problem[1])


def _convert_row(
    row: _Row, *, round_: Round, places: dict[str, int], rated: list[str], has_interview: bool
) -> tuple[Registration, dict[str, Any], list[dict[str, str]], bool]:
    purposes_text = row.get("consent_purposes").lower()
    purposes = (
        list(ConsentPurpose.values) if purposes_text in ("all", "alle") else _split(purposes_text)
    )
    given_on = None
    if row.get("consent_date"):
        given_on = _parse_date(row.get("consent_date"))
        if given_on is None:
            row.problem(
                "consent_date",
                _("“%(value)s” is not a date (use 2026-03-01 or 01.03.2026).")
                % {"value": row.get("consent_date")},
            )
    registration = Registration(
        contact_name=row.get("contact_name"),
        language=row.get("language").lower(),
        consent_purposes=purposes,
        consent_given_on=given_on,
        consent_explained_in=row.get("consent_language").lower(),
        member_names=row.get("member_names"),
        phone=row.get("phone"),
        email=row.get("email"),
        current_location=row.get("current_location"),
        external_reference=row.get("external_reference"),
    )
    members = _parse_members(row.get("members"))
    # the interview counts as held in the household's language (checked as "language" above)
    answers: dict[str, Any] = {"conducted_in": ""}
    for column in ("languages", "occupations", "needs"):
        answers[column] = [v.lower() for v in _split(row.get(column))]
    for column in ("german_level", "preferred_size", "preferred_region"):
        value = row.get(column)
        answers[column] = value.upper() if column in ("german_level", "preferred_region") else value
    for column in ("qualifications", "needs_notes", "notes"):
        answers[column] = row.get(column)
    for column in ("ties", "ranked_places", "excluded_places"):
        ids = []
        for name in _split(row.get(column)):
            pk = places.get(name.casefold())
            if pk is None:
                row.problem(
                    column, _("“%(name)s” is not a municipality of this round.") % {"name": name}
                )
            else:
                ids.append(pk)
        answers[column] = ids
    importance: dict[str, int] = {}
    for cid in rated:
        text = row.get(f"{IMPORTANCE_PREFIX}{cid}")
        if not text:
            continue
        if text not in ("0", "1", "2", "3"):
            row.problem(
                f"{IMPORTANCE_PREFIX}{cid}",
                _("Rate from 0 (does not matter) to 3 (very important), not “%(value)s”.")
                % {"value": text},
            )
            continue
        importance[cid] = int(text)
    answers["importance"] = importance
    complete_text = row.get("interview_complete").lower()
    if complete_text not in _YES | _NO:
        row.problem("interview_complete", _("Write yes or no."))
    complete = complete_text in _YES
    if complete and not has_interview:
        row.problem("interview_complete", _("A complete interview needs the interview columns."))
    return registration, answers, members, complete


@transaction.atomic
def households_import(
    *, actor: User, round_: Round, file_name: str, content: bytes
) -> ImportResult:
    """Import every household of the file, or none: raises ImportFailed with every
    problem (file, row, field) if any row is wrong."""
    organisation_id = _require_interviewer(actor)
    round_require(round_=round_, action=RoundAction.REGISTER_HOUSEHOLDS)
    file_name = PurePath(file_name).name or "upload"
    if len(content) > MAX_BYTES:
        raise ImportFailed(
            [ImportProblem(file_name, None, None, _("The file is larger than 5 MB."))]
        )
    header, body = _read_table(file_name, content)
    problems: list[ImportProblem] = []
    known = set(import_columns(round_=round_))
    for column in header:
        if column and column not in known:
            problems.append(ImportProblem(file_name, 1, column, _("Unknown column.")))
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(ImportProblem(file_name, 1, column, _("This column is missing.")))
    if len(set(header)) != len(header):
        problems.append(ImportProblem(file_name, 1, None, _("A column name appears twice.")))
    if not body:
        problems.append(ImportProblem(file_name, None, None, _("The file has no households.")))
    if problems:
        raise ImportFailed(problems)

    places = {
        name.casefold(): pk
        for pk, name in round_.profiles.values_list("municipality_id", "municipality__name")
    }
    rated = [c.id for c in household_rated_criteria(round_)]
    has_interview = any(c in header for c in INTERVIEW_COLUMNS) or any(
        c.startswith(IMPORTANCE_PREFIX) for c in header
    )
    existing = set(
        Household.objects.filter(interviewing_organisation_id=organisation_id)
        .exclude(external_reference="")
        .values_list("external_reference", flat=True)
    )
    seen_references: dict[str, int] = {}
    text_columns = _text_columns()
    prepared = []
    for number, cells in body:
        values = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header)}
        if len(cells) > len(header) and any(cells[len(header) :]):
            problems.append(
                ImportProblem(file_name, number, None, _("The row has more cells than columns."))
            )
            continue
        row = _Row(file_name, number, values)
        _check_text(row, text_columns)
        registration, answers, members, complete = _convert_row(
            row, round_=round_, places=places, rated=rated, has_interview=has_interview
        )
        for field_name, message in registration_errors(registration).items():
            row.problem(_column_for(field_name), message)
        already = {p.field for p in row.problems}
        for field_name, message in interview_errors(
            round_=round_, answers=answers, members=members, complete=complete
        ).items():
            if _column_for(field_name) not in already:
                row.problem(_column_for(field_name), message)
        reference = registration.external_reference.strip()
        if reference:
            if reference in existing:
                row.problem(
                    "external_reference",
                    _("Your organisation already registered a household with this reference."),
                )
            elif reference in seen_references:
                row.problem(
                    "external_reference",
                    _("The same reference is in row %(row)d.")
                    % {"row": seen_references[reference]},
                )
            seen_references.setdefault(reference, number)
        problems.extend(row.problems)
        prepared.append((registration, answers, members, complete))
    if problems:
        raise ImportFailed(problems)

    households = []
    for registration, answers, members, complete in prepared:
        household = _create_household(
            actor=actor, organisation_id=organisation_id, round_=round_, reg=registration
        )
        if has_interview or members:
            _store_interview(
                actor=actor,
                household=household,
                answers=answers,
                members=members,
                complete=complete,
            )
        log_action(
            "relocation.household.registered",
            actor=actor,
            obj=household,
            data={"round": round_.pk, "imported": True},  # a file's name may name people
        )
        households.append(household)
    log_action(
        "relocation.households.imported",
        actor=actor,
        obj=round_,
        data={"households": len(households)},
    )
    return ImportResult(households=households, file=file_name)
