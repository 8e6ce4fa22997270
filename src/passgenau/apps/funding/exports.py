"""Downloads: a distribution as CSV, Excel and PDF (an annex for a ministry), the approval notice
of a grant as PDF, and the bar chart as inline SVG. Numbers follow the active language
("8.000.000,00" in German)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from passgenau.apps.core.spreadsheets import Formula, csv_bytes, sheet_append

from .models import Distribution, Grant, Programme, Unit
from .numbers import number
from .selectors import GrantMoney, ProgrammeReport

__all__ = [
    "bar_chart_svg",
    "distribution_csv",
    "distribution_pdf",
    "distribution_xlsx",
    "grant_notice_pdf",
    "number",
    "programme_report_pdf",
]


# The quota as the pages show it (``floatformat:"4g"``): four decimals, rounded.
QUOTA_DECIMALS = 4


def _weight_value(weight: str) -> int | float:
    """A stored weight ("634830" or "1/3") as the number a spreadsheet can sum."""
    numerator, _slash, denominator = weight.partition("/")
    return int(numerator) if not denominator else int(numerator) / int(denominator)


def _unit_label(distribution: Distribution) -> str:
    return "EUR" if distribution.unit == Unit.EUR else _("persons")


def _parameters(distribution: Distribution) -> list[tuple[str, str]]:
    amount = f"{number(distribution.amount, distribution.decimals)} {_unit_label(distribution)}"
    territories = distribution.get_level_display()
    if distribution.land_name:
        territories += f" – {distribution.land_name}"
    key = distribution.get_key_kind_display()
    if distribution.key_year:
        key += f" {distribution.key_year}"
    reference = (
        formats.date_format(distribution.reference_date, "SHORT_DATE_FORMAT")
        if distribution.reference_date
        else "–"
    )
    ties = distribution.get_ties_display()
    if distribution.seed is not None:
        ties += f" ({_('seed')} {distribution.seed})"
    rows = [
        (_("Amount"), amount),
        (_("Territories"), territories),
        (_("Key"), key),
        (_("Reference date"), reference),
        (_("Method"), distribution.get_method_display()),
        (_("Ties"), ties),
    ]
    if distribution.minimum is not None:
        rows.append(
            (_("Minimum per territory"), number(distribution.minimum, distribution.decimals))
        )
    if distribution.maximum is not None:
        rows.append(
            (_("Maximum per territory"), number(distribution.maximum, distribution.decimals))
        )
    return rows


def _header() -> list[str]:
    return [_("Official key"), _("Territory"), _("Weight"), _("Quota"), _("Allocation")]


def distribution_csv(distribution: Distribution) -> bytes:
    """CSV with a byte order mark; ``;`` and decimal commas in German, ``,`` otherwise."""
    german = (get_language() or "").startswith("de")
    rows = [_header()]
    for line in distribution.lines.all():
        rows.append(
            [
                line.territory_key,
                line.name,
                line.weight,
                formats.number_format(line.quota, decimal_pos=6, use_l10n=True),
                formats.number_format(
                    line.allocation, decimal_pos=distribution.decimals, use_l10n=True
                ),
            ]
        )
    return csv_bytes(rows, delimiter=";" if german else ",", lineterminator="\r\n")


def distribution_xlsx(distribution: Distribution) -> bytes:
    """An Excel workbook: the parameters, then the table with real numbers and a sum formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Distribution")[:31]
    sheet_append(sheet, [distribution.name])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in _parameters(distribution):
        sheet_append(sheet, [label, value])
    sheet.append([])
    sheet_append(sheet, _header())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    money_format = "#,##0.00" if distribution.decimals == 2 else "#,##0"
    first = header_row + 1
    for line in distribution.lines.all():
        sheet_append(
            sheet,
            [
                line.territory_key,
                line.name,
                _weight_value(line.weight),
                float(line.quota),
                line.allocation,
            ],
        )
        sheet.cell(row=sheet.max_row, column=4).number_format = "#,##0.000000"
        sheet.cell(row=sheet.max_row, column=5).number_format = money_format
    last = sheet.max_row
    sheet_append(sheet, [_("Total"), "", "", "", Formula(f"=SUM(E{first}:E{last})")])
    sheet.cell(row=sheet.max_row, column=5).number_format = money_format
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for column, width in zip("ABCDE", (14, 40, 18, 20, 20), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------

_PDF_REPLACEMENTS = str.maketrans(
    {
        "€": "EUR",
        "–": "-",
        "—": "-",
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "…": "...",
    }
)


def _pdf_text(text: object) -> str:
    """The built-in PDF fonts cover Latin-1 (German included); replace what they cannot show."""
    return str(text).translate(_PDF_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _pdf_text(self.footer_text), align="L")
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")


def _amount_line(pdf: FPDF, label: str, amount: Decimal) -> None:
    """One line of a table of amounts: the label, and the amount right-aligned."""
    pdf.cell(120, 5, _pdf_text(label))
    pdf.cell(40, 5, _pdf_text(number(amount, 2)), align="R")
    pdf.ln()


def _para(pdf: FPDF, height: float, text: str) -> None:
    """A paragraph across the full width; the next one starts at the left margin below."""
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(
    pdf: FPDF,
    widths: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: str,
    size: float = 9,
) -> None:
    """A table whose cells wrap instead of running into their neighbours; the header row repeats
    on every page. ``align`` holds one letter (L or R) per column."""
    pdf.set_font("Helvetica", size=size)
    with pdf.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align="LEFT",
        text_align=tuple({"L": "LEFT", "R": "RIGHT"}[a] for a in align),
        borders_layout="HORIZONTAL_LINES",
        line_height=size * 0.5,
        padding=(0.8, 1.2),
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        for cells in (header, *rows):
            row = table.row()
            for text in cells:
                row.cell(_pdf_text(text))


def _new_document(footer: str) -> _Document:
    pdf = _Document(orientation="portrait", unit="mm", format="A4")
    pdf.footer_text = footer
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    return pdf


def distribution_pdf(distribution: Distribution) -> bytes:
    """An annex: title, parameters, the table with a total line, and how it was computed."""
    created = formats.date_format(timezone.localtime(distribution.created_at), "SHORT_DATE_FORMAT")
    pdf = _new_document(
        _("passgenau · distribution no. %(id)s of %(date)s")
        % {"id": distribution.pk, "date": created}
    )
    pdf.set_font("Helvetica", style="B", size=14)
    _para(pdf, 7, _pdf_text(distribution.name))
    pdf.ln(2)
    pdf.set_font("Helvetica", size=9)
    for label, value in _parameters(distribution):
        pdf.cell(45, 5, _pdf_text(label + ":"))
        _para(pdf, 5, _pdf_text(value))
    pdf.ln(3)
    lines = list(distribution.lines.all())
    total = sum((line.allocation for line in lines), Decimal(0))
    rows = [
        [
            line.territory_key,
            line.name,
            number(line.quota, QUOTA_DECIMALS),
            number(line.allocation, distribution.decimals),
        ]
        for line in lines
    ]
    rows.append([_("Total"), "", "", number(total, distribution.decimals)])
    header = [_("Official key"), _("Territory"), _("Quota"), _("Allocation")]
    _table(pdf, (30, 74, 34, 36), header, rows, align="LLRR")
    pdf.ln(10)
    pdf.set_font("Helvetica", size=8)
    _para(
        pdf,
        4,
        _pdf_text(
            _(
                "The quota is each territory's exact proportional share; the allocations are whole "
                "cents (or persons) that add up exactly to the amount. The key and all parameters "
                "are stored with this distribution, so it can be recomputed."
            )
        ),
    )
    return bytes(pdf.output())


def grant_notice_pdf(grant: Grant, money: GrantMoney) -> bytes:
    """The approval notice (Bewilligungsbescheid) of an approved grant."""
    programme = grant.programme
    notice_date = formats.date_format(grant.notice_date, "DATE_FORMAT") if grant.notice_date else ""
    pdf = _new_document(_("Notice %(number)s") % {"number": grant.notice_number})
    pdf.set_font("Helvetica", size=10)
    _para(pdf, 5, _pdf_text(programme.funder.name))
    pdf.ln(6)
    _para(pdf, 5, _pdf_text(grant.organisation.name))
    pdf.ln(8)
    pdf.set_font("Helvetica", style="B", size=13)
    _para(pdf, 7, _pdf_text(_("Approval notice")))
    pdf.set_font("Helvetica", size=10)
    _para(
        pdf,
        5,
        _pdf_text(
            _("Notice no. %(number)s of %(date)s")
            % {"number": grant.notice_number, "date": notice_date}
        ),
    )
    pdf.ln(4)
    _para(
        pdf,
        5,
        _pdf_text(
            _(
                'On your application we grant you, within the programme "%(programme)s", '
                'for the project "%(title)s" an amount of %(amount)s EUR.'
            )
            % {"programme": programme.name, "title": grant.title, "amount": number(grant.amount, 2)}
        ),
    )
    if money.frozen:
        pdf.ln(2)
        _para(
            pdf,
            5,
            _pdf_text(
                _(
                    "Of this amount, %(frozen)s EUR are subject to a budget freeze and will be "
                    "paid only once released."
                )
                % {"frozen": number(money.frozen, 2)}
            ),
        )
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=10)
    _para(pdf, 6, _pdf_text(_("Cost and financing plan")))
    pdf.set_font("Helvetica", size=10)
    costs = Decimal(0)
    for line in grant.cost_lines.all():
        costs += line.amount
        _amount_line(pdf, line.description, line.amount)
    rows = [
        (_("Total costs"), costs),
        (_("Own funds"), grant.own_funds),
        (_("Third-party funds"), grant.third_party_funds),
        (_("Grant"), grant.amount),
    ]
    for label, value in rows:
        _amount_line(pdf, label, value)
    pdf.ln(4)
    _para(
        pdf,
        5,
        _pdf_text(
            _(
                "Period: %(start)s to %(end)s. The funds may be used only for the purpose stated. "
                "A use-of-funds report is due after the end of the period."
            )
            % {
                "start": formats.date_format(programme.period_start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(programme.period_end, "SHORT_DATE_FORMAT"),
            }
        ),
    )
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=10)
    _para(pdf, 6, _pdf_text(_("Information on legal remedies")))
    pdf.set_font("Helvetica", size=10)
    remedy = programme.legal_remedy.strip() or _(
        "An objection to this notice may be lodged within one month of its notification, in "
        "writing or for the record, with %(funder)s."
    ) % {"funder": programme.funder.name}
    _para(pdf, 5, _pdf_text(remedy))
    return bytes(pdf.output())


def programme_report_pdf(
    programme: Programme, report: ProgrammeReport, grants: Sequence[tuple[Grant, GrantMoney]]
) -> bytes:
    """The programme report: the figures that add up, and one line per grant."""
    today = formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    pdf = _new_document(_("passgenau · programme report of %(date)s") % {"date": today})
    pdf.set_font("Helvetica", style="B", size=14)
    _para(pdf, 7, _pdf_text(programme.name))
    pdf.set_font("Helvetica", size=9)
    period = (
        f"{formats.date_format(programme.period_start, 'SHORT_DATE_FORMAT')} – "
        f"{formats.date_format(programme.period_end, 'SHORT_DATE_FORMAT')}"
    )
    _para(pdf, 5, _pdf_text(f"{programme.funder} · {period}"))
    pdf.ln(3)
    rows = [
        (_("Budget"), report.budget),
        (_("Approved"), report.approved),
        (_("of which frozen"), report.frozen),
        (_("of which paid"), report.paid),
        (_("of which open (approved, not frozen, not paid)"), report.open),
        (_("Remaining (budget minus approved)"), report.remaining),
        (_("Applied for, not yet decided"), report.applied),
    ]
    for label, value in rows:
        _amount_line(pdf, label, value)
    pdf.ln(2)
    check = (
        _("The report adds up: budget = approved + remaining; approved = paid + frozen + open.")
        if report.adds_up
        else _("WARNING: the report does not add up.")
    )
    _para(pdf, 5, _pdf_text(check))
    pdf.ln(3)
    header = [_("Project"), _("Recipient"), _("Approved"), _("Frozen"), _("Paid")]
    grant_rows = [
        [
            grant.title,
            str(grant.organisation),
            number(money.approved, 2),
            number(money.frozen, 2),
            number(money.paid, 2),
        ]
        for grant, money in grants
    ]
    _table(pdf, (52, 46, 26, 24, 26), header, grant_rows, align="LLRRR", size=8)
    return bytes(pdf.output())


# --- chart -----------------------------------------------------------------------------------


def bar_chart_svg(items: Sequence[tuple[str, Decimal]], *, decimals: int, title: str) -> SafeString:
    """A horizontal bar chart as inline SVG, drawn on the server (no script, no library)."""
    row, label_width, bar_width, value_width = 18, 230, 420, 130
    width = label_width + bar_width + value_width
    height = row * len(items) + 10
    largest = max((value for _label, value in items), default=Decimal(0)) or Decimal(1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = 5 + index * row
        length = float(value / largest) * bar_width
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" font-size="11">'
            f"{escape(label[:38])}</text>"
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{row - 5}" '
            f'fill="#2f6f9f"><title>{escape(label)}: {escape(number(value, decimals))}'
            f"</title></rect>"
            f'<text x="{label_width + length + 4:.1f}" y="{y + 12}" font-size="11">'
            f"{escape(number(value, decimals))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every label and value is escaped above
