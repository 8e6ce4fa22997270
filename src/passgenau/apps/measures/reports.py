"""The council's progress report (Sachstandsbericht) as PDF and Word, in German.

Per area: the status at a glance (a traffic light drawn as a coloured disc *and* named in words),
the indicators against their targets as bar charts (vector graphics in the PDF, a drawn image in
Word), the delayed measures with their reasons, and the money planned and spent. Everything comes
from stored data as of the report's date (``selectors.plan_progress``); the PDF carries that date
as its creation date, so that the same data give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw

from .selectors import AreaProgress, IndicatorSeries, PlanProgress

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["LIGHTS", "report_docx", "report_pdf"]

# colour (RGB) and the words that say the same without colour
LIGHTS: dict[str, tuple[tuple[int, int, int], str]] = {
    "red": ((200, 30, 30), "rot – verzögerte Maßnahmen"),
    "amber": ((230, 160, 0), "gelb – Maßnahmen noch nicht begonnen"),
    "green": ((30, 140, 60), "grün – alle Maßnahmen laufen oder sind abgeschlossen"),
    "grey": ((140, 140, 140), "grau – keine Maßnahmen"),
}
BAR_VALUE = (40, 90, 160)
BAR_TARGET = (200, 200, 200)


def _n(value: Decimal | int | float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _d(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _pdf_text(text: object) -> str:
    """The built-in PDF fonts cover Latin-1 (German included); replace what they cannot show."""
    replaced = str(text).replace("–", "-").replace("“", '"').replace("”", '"').replace("„", '"')
    return replaced.encode("latin-1", "replace").decode("latin-1")


def _indicator_line(series: IndicatorSeries) -> str:
    indicator = series.indicator
    latest = series.latest
    parts = [
        _("value %(value)s on %(date)s")
        % {"value": _n(latest.value, 2 if latest.value % 1 else 0), "date": _d(latest.on)}
        if latest
        else _("no value yet")
    ]
    if indicator.target is not None:
        parts.append(_("target %(target)s") % {"target": _n(indicator.target)})
    share = series.share_of_target
    if share is not None:
        parts.append(_("%(percent)s %% of the way") % {"percent": _n(share * 100)})
    if indicator.baseline is not None:
        parts.append(_("baseline %(baseline)s") % {"baseline": _n(indicator.baseline)})
    unit = f" ({indicator.unit})" if indicator.unit else ""
    line = f"{indicator.name}{unit}: " + ", ".join(parts)
    if indicator.computed:
        line += (
            " ("
            + _("computed: %(definition)s") % {"definition": indicator.definition_description}
            + ")"
        )
    return line


def _summary(progress: PlanProgress) -> list[tuple[str, str]]:
    plan = progress.plan
    rows = [
        (pgettext("measures", "Plan"), plan.name),
        (_("Coordinating office"), plan.coordinating_organisation.name),
        (_("Period"), f"{_d(plan.period_start)} – {_d(plan.period_end)}"),
        (_("As of"), _d(progress.as_of)),
        (_("Measures"), _n(progress.measures_count)),
        (
            _("Status"),
            ", ".join(f"{label} {count}" for _code, label, count in progress.status_counts()),
        ),
        (_("Planned costs (EUR)"), _n(progress.costs, 2)),
        (_("Spent (EUR)"), _n(progress.spent, 2)),
    ]
    if plan.adopted_on:
        rows.insert(
            3, (_("Adopted by the council"), f"{_d(plan.adopted_on)} {plan.council_decision}")
        )
    return rows


def _glance_header() -> list[str]:
    return [
        pgettext("measures", "Area"),
        _("Traffic light"),
        _("Measures"),
        _("delayed"),
        _("Spent (EUR)"),
    ]


def _glance_rows(progress: PlanProgress) -> list[list[str]]:
    """One row per area: its light in words, measures, delayed ones, money spent."""
    return [
        [
            str(a.area),
            LIGHTS[a.light][1].split(" – ")[0],
            _n(len(a.measures)),
            _n(a.counts["delayed"]),
            _n(a.spent, 2),
        ]
        for a in progress.areas
    ]


def _measure_header() -> list[str]:
    return [_("No."), _("Measure"), _("Status"), _("Responsible")]


def _measure_rows(area: AreaProgress) -> list[list[str]]:
    labels = dict(_status_labels())
    return [
        [
            m.code,
            m.title,
            str(labels.get(m.status_as_of, m.status_as_of)),
            "; ".join(a.name for a in m.lead_actors.all()),
        ]
        for m in area.measures
    ]


# --- PDF ----------------------------------------------------------------------------------------


class _Document(FPDF):
    title_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _pdf_text(f"{self.title_text} – {_('page')} {self.page_no()}"), align="C")


def _pdf_heading(pdf: FPDF, text: str, size: int) -> None:
    pdf.set_font("Helvetica", style="B", size=size)
    pdf.multi_cell(0, size * 0.5, _pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _pdf_para(pdf: FPDF, text: str, size: int = 9) -> None:
    pdf.set_font("Helvetica", size=size)
    pdf.multi_cell(0, 4.5, _pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _pdf_light(pdf: FPDF, light: str) -> None:
    colour, words = LIGHTS[light]
    y = pdf.get_y()
    pdf.set_fill_color(*colour)
    pdf.ellipse(pdf.l_margin, y, 5, 5, style="F")
    pdf.set_xy(pdf.l_margin + 7, y)
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.cell(0, 5, _pdf_text(_("Traffic light: %(words)s") % {"words": words}))
    pdf.set_xy(pdf.l_margin, y + 7)


def _pdf_chart(pdf: FPDF, series: Sequence[IndicatorSeries]) -> None:
    """One bar per indicator: the latest value (dark) against the target (light, outlined)."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for item in series:
        _pdf_para(pdf, _indicator_line(item), size=8)
        target = item.indicator.target
        value = item.latest.value if item.latest else Decimal(0)
        scale = max(target or 0, value, Decimal(1))
        if pdf.get_y() > pdf.h - 30:
            pdf.add_page()
        y = pdf.get_y() + 0.5
        if target is not None:
            pdf.set_fill_color(*BAR_TARGET)
            pdf.rect(pdf.l_margin, y, width * float(target / scale), 4, style="DF")
        pdf.set_fill_color(*BAR_VALUE)
        pdf.rect(pdf.l_margin, y + 0.8, max(width * float(value / scale), 0.3), 2.4, style="F")
        pdf.set_y(y + 6)


def _pdf_table(
    pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    pdf.set_font("Helvetica", size=8)
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=4.2, first_row_as_headings=True
    ) as table:
        table.row([_pdf_text(h) for h in header])
        for values in rows:
            table.row([_pdf_text(v) for v in values])
    pdf.ln(2)


def _delayed_rows(area: AreaProgress) -> list[list[str]]:
    return [
        [m.code, m.title, _d(update.on) if update else "–", update.note if update else "–"]
        for m, update in area.delayed
    ]


def report_pdf(progress: PlanProgress) -> bytes:
    with translation.override("de"):
        return _report_pdf(progress)


def _report_pdf(progress: PlanProgress) -> bytes:
    plan = progress.plan
    pdf = _Document(format="A4")
    pdf.title_text = _("Progress report %(plan)s") % {"plan": plan.name}
    pdf.set_title(_pdf_text(pdf.title_text))
    pdf.set_creation_date(dt.datetime.combine(progress.as_of, dt.time(12), tzinfo=dt.UTC))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    _pdf_heading(pdf, pdf.title_text, 15)
    _pdf_para(
        pdf,
        _("As of %(date)s, from the data stored on the platform.") % {"date": _d(progress.as_of)},
    )
    pdf.ln(2)
    _pdf_table(pdf, [_("Item"), _("Value")], _summary(progress), [40, 130])
    _pdf_heading(pdf, _("Status at a glance"), 12)
    _pdf_table(pdf, _glance_header(), _glance_rows(progress), [70, 25, 22, 20, 33])
    for area in progress.areas:
        pdf.add_page()
        _pdf_heading(pdf, _("Area %(area)s") % {"area": area.area}, 13)
        _pdf_light(pdf, area.light)
        _pdf_para(
            pdf,
            ", ".join(f"{label}: {count}" for _code, label, count in area.status_counts()),
        )
        _pdf_para(
            pdf,
            _("Planned costs %(costs)s EUR, spent %(spent)s EUR.")
            % {"costs": _n(area.costs, 2), "spent": _n(area.spent, 2)},
        )
        pdf.ln(2)
        if area.indicators:
            _pdf_heading(pdf, _("Indicators against their targets"), 10)
            _pdf_chart(pdf, area.indicators)
        if area.delayed:
            _pdf_heading(pdf, _("Delayed measures"), 10)
            _pdf_table(
                pdf,
                [_("No."), _("Measure"), _("since"), _("Reason")],
                _delayed_rows(area),
                [14, 66, 20, 70],
            )
        _pdf_heading(pdf, _("Measures"), 10)
        _pdf_table(pdf, _measure_header(), _measure_rows(area), [14, 86, 22, 48])
    return bytes(pdf.output())


def _status_labels() -> list[tuple[str, str]]:
    from .models import MeasureStatus

    return [(s.value, str(s.label)) for s in MeasureStatus]


# --- Word ---------------------------------------------------------------------------------------


def _chart_png(series: Sequence[IndicatorSeries]) -> bytes:
    """The indicator bars as a PNG (value dark, target light with an outline)."""
    width, bar, gap = 900, 22, 14
    height = max(1, len(series)) * (bar + gap) + gap
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for index, item in enumerate(series):
        target = item.indicator.target
        value = item.latest.value if item.latest else Decimal(0)
        scale = max(target or 0, value, Decimal(1))
        top = gap + index * (bar + gap)
        if target is not None:
            right = int((width - 2) * float(target / scale))
            draw.rectangle([0, top, right, top + bar], fill=BAR_TARGET, outline=(0, 0, 0))
        right = max(int((width - 2) * float(value / scale)), 2)
        draw.rectangle([0, top + 5, right, top + bar - 5], fill=BAR_VALUE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def report_docx(progress: PlanProgress) -> bytes:
    with translation.override("de"):
        return _report_docx(progress)


def _docx_table(
    document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def _report_docx(progress: PlanProgress) -> bytes:
    from docx import Document
    from docx.shared import Cm, RGBColor

    plan = progress.plan
    document = Document()
    title = _("Progress report %(plan)s") % {"plan": plan.name}
    document.core_properties.title = title
    document.core_properties.language = "de-DE"
    created = dt.datetime.combine(progress.as_of, dt.time(12))
    document.core_properties.created = created
    document.core_properties.modified = created
    document.add_heading(title, level=0)
    document.add_paragraph(
        _("As of %(date)s, from the data stored on the platform.") % {"date": _d(progress.as_of)}
    )
    _docx_table(document, [_("Item"), _("Value")], _summary(progress))
    document.add_heading(_("Status at a glance"), level=1)
    _docx_table(document, _glance_header(), _glance_rows(progress))
    for area in progress.areas:
        document.add_page_break()
        document.add_heading(_("Area %(area)s") % {"area": area.area}, level=1)
        colour, words = LIGHTS[area.light]
        light = document.add_paragraph()
        disc = light.add_run("● ")
        disc.font.color.rgb = RGBColor(*colour)
        light.add_run(_("Traffic light: %(words)s") % {"words": words}).bold = True
        document.add_paragraph(
            ", ".join(f"{label}: {count}" for _code, label, count in area.status_counts())
        )
        document.add_paragraph(
            _("Planned costs %(costs)s EUR, spent %(spent)s EUR.")
            % {"costs": _n(area.costs, 2), "spent": _n(area.spent, 2)}
        )
        if area.indicators:
            document.add_heading(_("Indicators against their targets"), level=2)
            for item in area.indicators:
                document.add_paragraph(_indicator_line(item), style="List Bullet")
            document.add_picture(io.BytesIO(_chart_png(area.indicators)), width=Cm(16))
            document.add_paragraph(
                _(
                    "Dark bar: latest value; light bar: target (one bar per indicator, in "
                    "the order listed)."
                )
            )
        if area.delayed:
            document.add_heading(_("Delayed measures"), level=2)
            _docx_table(
                document, [_("No."), _("Measure"), _("since"), _("Reason")], _delayed_rows(area)
            )
        document.add_heading(_("Measures"), level=2)
        _docx_table(document, _measure_header(), _measure_rows(area))
    out = io.BytesIO()
    document.save(out)
    return _dated_zip(out.getvalue(), created)


def _dated_zip(data: bytes, when: dt.datetime) -> bytes:
    """The .docx package with every part dated ``when`` (python-docx dates them by the clock), so
    that the same data give the same file, as the PDF does."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = zipfile.ZipInfo(item.filename, date_time=stamp)
            part.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(part, source.read(item.filename))
    return out.getvalue()
