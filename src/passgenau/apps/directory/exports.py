"""PDF documents of the directory: the bilingual referral slip and the round-table report
(in DejaVu Sans, Arabic and Farsi shaped right-to-left: ``core.pdf``)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from passgenau.apps.core.pdf import RTL
from passgenau.apps.core.pdf import UnicodeDocument as _Document


def _isolated(value: str, language: str) -> str:
    """``value`` kept left to right as one piece inside a right-to-left line (Unicode's left-to-
    right isolate): otherwise the bidirectional ordering turns a phone number "05341 839-0"
    into "0-839 05341"."""
    return f"\u2066{value}\u2069" if language in RTL else value


def _slip_section(pdf: _Document, language: str, context: dict[str, Any]) -> None:
    service = context["service"]
    text = context["texts"].get(language)
    align = "R" if language in RTL else "L"
    with translation.override(language):
        pdf.language(language)
        pdf.line(_("Referral slip"), size=15, height=8, align=align)
        name = text.name if text and text.name else service.name
        pdf.line(f"{_('Offer')}: {name}", size=12, height=7, align=align)
        if language != "de" and not (text and text.name):
            pdf.line(_("(This offer is only described in German.)"), size=9, align=align)
        if service.organization:
            pdf.line(f"{_('Provider')}: {service.organization.name}", align=align)
        for location in context["locations"]:
            pdf.line(
                f"{_('Address')}: {location.street}, {location.postcode} {location.city}",
                align=align,
            )
        hours = "; ".join(
            f"{WEEKDAYS[h.weekday - 1]} {h.opens_at:%H:%M}–{h.closes_at:%H:%M}"
            for h in context["hours"]
        )
        if hours:
            pdf.line(f"{_('Opening hours')}: {hours}", align=align)
        for phone in context["phones"]:
            pdf.line(f"{_('Phone')}: {_isolated(phone, language)}", align=align)
        if service.what_to_bring:
            pdf.line(f"{_('What to bring')}: {service.what_to_bring}", align=align)
        label = _("Referral number")
        pdf.line(f"{label}: {context['referral'].pk}", size=9, align=align)
    pdf.ln(6)


def referral_slip_pdf(*, referral: Any) -> bytes:
    """The slip in German and in the person's language (one section each; no name on it)."""
    service = referral.service
    context = {
        "referral": referral,
        "service": service,
        "texts": {t.language: t for t in service.texts.all()},
        "locations": [sal.location for sal in service.at_locations.select_related("location")],
        "hours": list(service.hours.all()),
        "phones": [
            str(r.data.get("number", "")).strip('"') for r in service.records.filter(table="phones")
        ],
    }
    pdf = _Document()
    _slip_section(pdf, "de", context)
    second = referral.needs.reader_language
    if second and second != "de":
        _slip_section(pdf, second, context)
    return bytes(pdf.output())


def roundtable_pdf(*, report: Any, directory: Any) -> bytes:
    pdf = _Document()
    pdf.language("de")
    pdf.line(_("Round-table report: %(name)s") % {"name": directory.name}, size=15, height=8)
    pdf.line(report.summary)
    pdf.ln(3)
    for heading, rows in report.sections():
        if heading:
            pdf.line(heading, size=12, height=7)
        for row in rows[:60]:
            pdf.line(" · ".join(str(cell) for cell in row), size=9, height=5)
        pdf.ln(2)
    return bytes(pdf.output())
