"""The printable consent sheet a household keeps (issue 11): what the programme is, each purpose
ticked or not, the day, how to withdraw a purpose, how long the data are kept and the signature
lines (the periods from the settings ``RETENTION_DAYS``, as in the data-subject export); in the
language the consent was explained in (German when the application does not speak
it) and then in German.

Who may print it: the household's interviewers (``relocation.selectors.intake
.household_get_for_interviewer``); the view audits it with the household's reference only.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from passgenau.apps.core.pdf import UnicodeDocument
from passgenau.apps.relocation.models import Consent, Household
from passgenau.apps.relocation.models.vocab import REQUIRED_CONSENT_PURPOSES, ConsentPurpose

from .subject_access import pdf_retention

__all__ = ["TICKED", "UNTICKED", "consent_sheet_languages", "consent_sheet_pdf"]

TICKED = "[x]"
UNTICKED = "[ ]"


def consent_sheet_languages(consent: Consent) -> list[str]:
    """The language the consent was explained in when the application speaks it, then German
    (German only once)."""
    spoken = {code for code, _name in settings.LANGUAGES}
    german = settings.LANGUAGE_CODE
    first = consent.explained_in if consent.explained_in in spoken else german
    return [first] if first == german else [first, german]


def _section(pdf: UnicodeDocument, household: Household, consent: Consent) -> None:
    pdf.line(
        _("Consent of household %(reference)s") % {"reference": household.reference},
        size=14,
        height=8,
    )
    pdf.line(
        _(
            "The relocation programme proposes to households a municipality in Germany that "
            "fits them and that has agreed to receive them. Taking part is voluntary. "
            "%(organisation)s interviewed you and is your contact for everything about your "
            "data."
        )
        % {"organisation": household.interviewing_organisation}
    )
    pdf.ln(2)
    pdf.line(
        _("Consent given on %(day)s for these purposes:")
        % {"day": formats.date_format(consent.given_on, "DATE_FORMAT")},
        size=11,
        height=6,
    )
    for purpose in ConsentPurpose:
        mark = TICKED if consent.covers(purpose) else UNTICKED
        needed = f" ({_('needed to take part')})" if purpose in REQUIRED_CONSENT_PURPOSES else ""
        pdf.line(f"{mark} {purpose.label}{needed}", size=10)
    pdf.ln(2)
    pdf.line(
        _(
            "You may withdraw your consent to each purpose at any time, without giving a reason: "
            "tell %(organisation)s. What was done before the withdrawal remains lawful."
        )
        % {"organisation": household.interviewing_organisation}
    )
    pdf_retention(pdf)
    pdf.ln(8)
    pdf.line(_("Signature of the household: ______________________________"))
    pdf.ln(6)
    pdf.line(_("Signature of the interviewer: ______________________________"))


def consent_sheet_pdf(*, household: Household, consent: Consent) -> bytes:
    """The sheet for ``consent``, one section per language (each on its own page)."""
    pdf = UnicodeDocument()  # the consent languages are written left to right, unshaped
    pdf.set_title(household.reference)
    for number, language in enumerate(consent_sheet_languages(consent)):
        if number:
            pdf.add_page()
        with translation.override(language):
            _section(pdf, household, consent)
    return bytes(pdf.output())
