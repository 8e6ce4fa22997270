"""The monthly statement of specialist hours for a funder, as CSV and PDF. Cases appear only by
their pseudonymous reference; every amount is the line's hours times the rate, to the cent, and
the total is the sum of the lines (the same figures as the page)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from passgenau.apps.core.spreadsheets import csv_bytes
from passgenau.apps.funding.exports import _new_document, _para, _pdf_text, _table
from passgenau.apps.funding.numbers import number

from .selectors import Statement

__all__ = ["statement_csv", "statement_pdf"]


def _header() -> list[str]:
    return [_("Case (pseudonym)"), _("Hours"), _("Hourly rate (EUR)"), _("Amount (EUR)")]


def statement_csv(statement: Statement) -> bytes:
    """CSV with a byte order mark; ``;`` and decimal commas in German, ``,`` otherwise."""
    german = (get_language() or "").startswith("de")

    def dec(value: Decimal) -> str:
        text = f"{value:.2f}"
        return text.replace(".", ",") if german else text

    rows = [_header()]
    for line in statement.lines:
        rows.append([line.case_reference, dec(line.hours), dec(statement.rate), dec(line.amount)])
    rows.append([_("Total"), dec(statement.hours), "", dec(statement.amount)])
    return csv_bytes(rows, delimiter=";" if german else ",", lineterminator="\r\n")


def _period(statement: Statement) -> str:
    first = formats.date_format(statement.first_day, "SHORT_DATE_FORMAT")
    last = formats.date_format(statement.last_day, "SHORT_DATE_FORMAT")
    return f"{first} – {last}"


def statement_pdf(statement: Statement) -> bytes:
    contract = statement.contract
    grant = contract.grant
    pdf = _new_document(
        _("Statement of specialist hours, made %(date)s")
        % {"date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")}
    )
    pdf.set_font("Helvetica", style="B", size=14)
    _para(pdf, 7, _pdf_text(_("Statement of specialist hours")))
    pdf.set_font("Helvetica", size=10)
    facts = [
        (_("Funder"), str(grant.programme.funder)),
        (_("Recipient"), str(grant.organisation)),
        (_("Grant"), grant.title),
        (_("Contract"), contract.name),
        (_("Period"), _period(statement)),
        (_("Hourly rate (EUR)"), number(statement.rate, 2)),
    ]
    for label, value in facts:
        _para(pdf, 5, _pdf_text(f"{label}: {value}"))
    pdf.ln(3)
    rows = [
        [line.case_reference, number(line.hours, 2), number(line.amount, 2)]
        for line in statement.lines
    ]
    rows.append([_("Total"), number(statement.hours, 2), number(statement.amount, 2)])
    _table(
        pdf,
        (70, 40, 50),
        [_("Case (pseudonym)"), _("Hours"), _("Amount (EUR)")],
        rows,
        align="LRR",
    )
    pdf.ln(3)
    _para(
        pdf,
        5,
        _pdf_text(
            _(
                "Cases are named by pseudonym only. Each amount is hours times the hourly rate, "
                "rounded to the cent; the total is the sum of the lines."
            )
        ),
    )
    return bytes(pdf.output())
