"""The spreadsheet cities keep: one row per measure, read from Excel (.xlsx) or CSV and written
back in the same columns.

The columns are recognised by their German (or English) headings — "Handlungsfeld",
"Maßnahme", "Verantwortlich", … — or by a mapping the user gives (field → heading in the file).
Every problem is reported with file, row and field; nothing is saved unless the whole file is
right, and then everything in one transaction. At most ``MAX_ROWS`` measures per file, counted
while the file is read (a larger file is refused without being read to its end).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.input_problems import ImportFailed, ImportProblem, import_rows
from passgenau.apps.core.spreadsheets import (
    csv_bytes,
    sheet_append,
)
from passgenau.apps.funding.models import Programme
from passgenau.engine.keys import parse_number

from . import services
from .models import Actor, Area, Measure, MeasureStatus, Plan

T = TypeVar("T")

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportResult",
    "plan_export_csv",
    "plan_export_xlsx",
    "plan_import",
]

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Column:
    field: str
    heading: str  # as written in the export (German: the working language of the offices)
    label: Any  # for the mapping form
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "area_code",
        "Handlungsfeld-Nr.",
        gettext_lazy("Number of the area"),
        ("hf-nr.", "hf-nr", "handlungsfeld nr.", "teilbereich-nr.", "area number", "area_code"),
        True,
    ),
    Column(
        "area",
        "Handlungsfeld",
        pgettext_lazy("measures", "Area"),
        ("teilbereich", "handlungsfeld (titel)", "area"),
        True,
    ),
    Column(
        "code",
        "Nr.",
        gettext_lazy("Number of the measure"),
        ("maßnahme-nr.", "massnahme-nr.", "nummer", "number", "code"),
        True,
    ),
    Column("title", "Maßnahme", gettext_lazy("Measure"), ("massnahme", "titel", "title"), True),
    Column("objective", "Ziel", gettext_lazy("Objective"), ("zielstellung", "ziele", "objective")),
    Column(
        "lead",
        "Verantwortlich",
        gettext_lazy("Responsible"),
        ("federführung", "zuständig", "responsible", "lead"),
    ),
    Column("partners", "Partner", gettext_lazy("Partners"), ("beteiligte", "partners")),
    Column("start", "Beginn", pgettext_lazy("measures", "Start"), ("start", "von")),
    Column("end", "Ende", gettext_lazy("End"), ("abschluss", "bis", "end")),
    Column("status", "Stand", gettext_lazy("Status"), ("status", "umsetzungsstand")),
    Column(
        "costs",
        "Kosten (EUR)",
        gettext_lazy("Planned costs (EUR)"),
        ("kosten", "kosten in eur", "costs"),
    ),
    Column(
        "programme",
        "Förderprogramm",
        gettext_lazy("Funding programme"),
        ("finanzierung", "programme", "förderung"),
    ),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}

# How offices write the status (German and English), folded.
STATUS_WORDS: dict[str, str] = {
    "geplant": MeasureStatus.PLANNED,
    "in planung": MeasureStatus.PLANNED,
    "offen": MeasureStatus.PLANNED,
    "planned": MeasureStatus.PLANNED,
    "laufend": MeasureStatus.RUNNING,
    "läuft": MeasureStatus.RUNNING,
    "in umsetzung": MeasureStatus.RUNNING,
    "begonnen": MeasureStatus.RUNNING,
    "running": MeasureStatus.RUNNING,
    "abgeschlossen": MeasureStatus.DONE,
    "umgesetzt": MeasureStatus.DONE,
    "erledigt": MeasureStatus.DONE,
    "done": MeasureStatus.DONE,
    "verzögert": MeasureStatus.DELAYED,
    "verschoben": MeasureStatus.DELAYED,
    "delayed": MeasureStatus.DELAYED,
    "entfallen": MeasureStatus.DROPPED,
    "gestrichen": MeasureStatus.DROPPED,
    "dropped": MeasureStatus.DROPPED,
}
STATUS_HEADINGS: dict[str, str] = {
    MeasureStatus.PLANNED: "geplant",
    MeasureStatus.RUNNING: "laufend",
    MeasureStatus.DONE: "abgeschlossen",
    MeasureStatus.DELAYED: "verzögert",
    MeasureStatus.DROPPED: "entfallen",
}
_ACTOR_SPLIT = re.compile(r"[;\n]")


@dataclass
class ImportResult:
    file: str
    created: int = 0
    updated: int = 0
    areas_created: int = 0
    actors_created: int = 0
    status_kept: list[str] = field(default_factory=list)  # codes whose status the file differs on


# --- reading ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%m/%Y", "%m.%Y", "%Y"):
        try:
            parsed = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return parsed
    # "Q3/2026", "II. Quartal 2026"
    match = re.fullmatch(r"(?:Q([1-4])\s*/?\s*|([1-4])\.\s*Quartal\s*)(\d{4})", text, re.I)
    if match:
        quarter = int(match.group(1) or match.group(2))
        return dt.date(int(match.group(3)), 3 * quarter - 2, 1)
    raise ValueError(text)


def _header_map(
    file_name: str, header: list[str], mapping: Mapping[str, str]
) -> tuple[dict[str, int], list[ImportProblem]]:
    """Which column of the file holds each field."""
    folded = [_fold(h) for h in header]
    problems = []
    positions: dict[str, int] = {}
    for column in COLUMNS:
        wanted = mapping.get(column.field, "").strip()
        names = [_fold(wanted)] if wanted else [_fold(column.heading), *column.aliases]
        found = next((i for i, h in enumerate(folded) if h and h in names), None)
        if found is not None:
            positions[column.field] = found
        elif wanted:
            problems.append(
                ImportProblem(
                    file_name,
                    1,
                    str(column.label),
                    _("The file has no column “%(name)s”.") % {"name": wanted},
                )
            )
        elif column.required:
            problems.append(
                ImportProblem(
                    file_name,
                    1,
                    str(column.label),
                    _("This column is missing (heading “%(name)s”).") % {"name": column.heading},
                )
            )
    return positions, problems


class _MeasureFields(TypedDict):
    """What a row of the file sets on a measure (new or already in the plan)."""

    area: Area
    code: str
    title: str
    objective: str
    start: dt.date | None
    end: dt.date | None
    costs: Decimal | None
    programme: Programme | None


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    status: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    costs: Decimal | None = None
    programme: Programme | None = None
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


def _parse_row(
    file_name: str,
    row: _Row,
    programmes: dict[str, Programme],
    problems: list[ImportProblem],
) -> None:
    def problem(name: str, message: str) -> None:
        problems.append(
            ImportProblem(file_name, row.number, str(COLUMN_BY_FIELD[name].label), message)
        )

    values = row.values

    def looked_up(name: str, table: Mapping[str, T], unknown: Callable[[str], str]) -> T | None:
        """The entry of ``table`` for the column's words (folded); a problem if there is none."""
        text = values.get(name, "")
        if not text:
            return None
        found = table.get(_fold(text))
        if found is None:
            problem(name, unknown(text))
        return found

    for name in ("area_code", "area", "code", "title"):
        if not values.get(name):
            problem(name, _("This field is required."))
    for name, limit in (("area_code", 20), ("code", 20), ("area", 200), ("title", 300)):
        if len(values.get(name, "")) > limit:
            problem(name, _("At most %(n)d characters.") % {"n": limit})
    for name in ("start", "end"):
        text = values.get(name, "")
        if text:
            try:
                setattr(row, name, _date(text))
            except ValueError:
                problem(
                    name, _("Write a date such as 31.12.2026, not “%(value)s”.") % {"value": text}
                )
    if row.start and row.end and row.end < row.start:
        problem("end", _("The end cannot be before the start."))
    row.status = looked_up(
        "status",
        STATUS_WORDS,
        lambda text: (
            _("Unknown status “%(value)s”; write one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(STATUS_HEADINGS.values())}
        ),
    )
    text = values.get("costs", "")
    if text:
        try:
            amount = parse_number(text)
        except ValueError:
            problem(
                "costs", _("Write an amount such as 12.500,00, not “%(value)s”.") % {"value": text}
            )
        else:
            if amount < 0 or (amount * 100).denominator != 1:
                problem("costs", _("Write a non-negative amount with at most two decimals."))
            else:
                row.costs = Decimal(amount.numerator) / Decimal(amount.denominator)
    row.programme = looked_up(
        "programme",
        programmes,
        lambda text: _("No funding programme “%(value)s” on the platform.") % {"value": text},
    )
    row.lead = [n.strip() for n in _ACTOR_SPLIT.split(values.get("lead", "")) if n.strip()]
    row.partners = [n.strip() for n in _ACTOR_SPLIT.split(values.get("partners", "")) if n.strip()]


def _read(file_name: str, content: bytes, mapping: Mapping[str, str]) -> list[_Row]:
    if len(content) > MAX_BYTES:
        raise ImportFailed(
            [ImportProblem(file_name, None, None, _("The file is larger than 10 MB."))]
        )
    programmes = {_fold(p.name): p for p in Programme.objects.all()}
    rows: list[_Row] = []
    problems: list[ImportProblem] = []
    positions: dict[str, int] | None = None
    codes: dict[str, int] = {}
    for number, cells in enumerate(import_rows(file_name, content), start=1):
        if positions is None:
            positions, header_problems = _header_map(file_name, cells, mapping)
            if header_problems:
                raise ImportFailed(header_problems)
            continue
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(
                ImportProblem(
                    file_name,
                    number,
                    None,
                    _("At most %(n)d measures per file.") % {"n": MAX_ROWS},
                )
            )
            break  # the rest of the file is not read
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in positions.items()}
        row = _Row(number=number, values=values)
        _parse_row(file_name, row, programmes, problems)
        code = values.get("code", "")
        if code in codes:
            problems.append(
                ImportProblem(
                    file_name,
                    number,
                    str(COLUMN_BY_FIELD["code"].label),
                    _("Measure %(code)s appears already in row %(row)d.")
                    % {"code": code, "row": codes[code]},
                )
            )
        codes.setdefault(code, number)
        rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            break
    if positions is None:
        problems.append(ImportProblem(file_name, None, None, _("The file is empty.")))
    elif not rows and not problems:
        problems.append(ImportProblem(file_name, None, None, _("The file has no measures.")))
    if problems:
        raise ImportFailed(problems)
    return rows


# --- saving -------------------------------------------------------------------------------------


@transaction.atomic
def plan_import(
    *,
    user: User | None,
    plan: Plan,
    file_name: str,
    content: bytes,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import every measure of the file into ``plan``, or none (raises ``ImportFailed``).

    Areas and actors are found by number and name or created. A measure whose number is already
    in the plan is updated (its description, dates, costs, actors); its status changes only
    through the status table, so a differing status in the file is reported, not applied."""
    file_name = PurePath(file_name).name or "upload"
    rows = _read(file_name, content, mapping or {})
    result = ImportResult(file=file_name)
    areas = {a.code: a for a in plan.areas.all()}
    actors: dict[str, Actor] = {a.name: a for a in plan.actors.all()}
    existing = {m.code: m for m in plan.measures.all()}

    def actor(name: str) -> Actor:
        name = " ".join(name.split())
        if name not in actors:
            actors[name] = services.actor_get_or_create(plan=plan, name=name)
            result.actors_created += 1
        return actors[name]

    for row in rows:
        values = row.values
        area = areas.get(values["area_code"])
        if area is None:
            area = services.area_create(
                user=user, plan=plan, code=values["area_code"], title=values["area"], log=False
            )
            areas[area.code] = area
            result.areas_created += 1
        lead = [actor(n) for n in row.lead]
        partners = [actor(n) for n in row.partners]
        fields: _MeasureFields = {
            "area": area,
            "code": values["code"],
            "title": values["title"],
            "objective": values.get("objective", ""),
            "start": row.start,
            "end": row.end,
            "costs": row.costs,
            "programme": row.programme,
        }
        measure = existing.get(values["code"])
        if measure is None:
            services.measure_create(
                user=user,
                plan=plan,
                lead=lead,
                partners=partners,
                status=row.status or MeasureStatus.PLANNED,
                log=False,
                **fields,
            )
            result.created += 1
        else:
            _update(measure, fields, lead, partners)
            result.updated += 1
            if row.status and row.status != measure.status:
                result.status_kept.append(measure.code)
    log_action(
        "measures.plan.imported",
        actor=user,
        obj=plan,
        data={
            "format": PurePath(file_name).suffix.lstrip(".").lower(),
            "created": result.created,
            "updated": result.updated,
            "areas_created": result.areas_created,
            "actors_created": result.actors_created,
        },
    )
    return result


def _update(
    measure: Measure, fields: _MeasureFields, lead: list[Actor], partners: list[Actor]
) -> None:
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.save()
    measure.lead_actors.set(lead)
    measure.partners.set(partners)


# --- writing ------------------------------------------------------------------------------------


def _export_rows(plan: Plan) -> Iterator[list[Any]]:
    measures = (
        plan.measures.select_related("area", "programme")
        .prefetch_related("lead_actors", "partners")
        .order_by("area__position", "area_id", "position", "id")
    )
    for m in measures:
        yield [
            m.area.code,
            m.area.title,
            m.code,
            m.title,
            m.objective,
            "; ".join(a.name for a in m.lead_actors.all()),
            "; ".join(a.name for a in m.partners.all()),
            m.start,
            m.end,
            STATUS_HEADINGS[m.status],
            m.costs,
            m.programme.name if m.programme else "",
        ]


def plan_export_xlsx(*, plan: Plan) -> bytes:
    """The plan as the spreadsheet it can be imported from again (dates and costs as values)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Maßnahmen"
    sheet_append(sheet, [c.heading for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in _export_rows(plan):
        sheet_append(sheet, values)
        row = sheet.max_row
        for column in ("H", "I"):
            sheet[f"{column}{row}"].number_format = "DD.MM.YYYY"
        sheet[f"K{row}"].number_format = "#,##0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_export_csv(*, plan: Plan) -> bytes:
    """CSV with ``;`` and German dates and decimal commas, with a byte order mark for Excel."""
    rows: list[list[Any]] = [[c.heading for c in COLUMNS]]
    for values in _export_rows(plan):
        rows.append(
            [
                v.strftime("%d.%m.%Y")
                if isinstance(v, dt.date)
                else (f"{v:.2f}".replace(".", ",") if isinstance(v, Decimal) else (v or ""))
                for v in values
            ]
        )
    return csv_bytes(rows, delimiter=";", lineterminator="\r\n")


def template(fmt: str) -> bytes:
    """An empty spreadsheet with the headings and one example row."""
    example = [
        "1",
        "Wohnen",
        "1.1",
        "Wohnungen in den Stadtteilen vermitteln",
        "Auszug aus Gemeinschaftsunterkünften",
        "Sozialamt",
        "Wohnungsgesellschaft; Migrationsberatung",
        "01.01.2027",
        "31.12.2028",
        "geplant",
        "120.000,00",
        "",
    ]
    if fmt == "csv":
        return csv_bytes(
            [[c.heading for c in COLUMNS], example], delimiter=";", lineterminator="\r\n"
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Maßnahmen"
    sheet_append(sheet, [c.heading for c in COLUMNS])
    sheet_append(sheet, example)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
