"""The printable consent sheet a household keeps (issue 11): what the programme is, each purpose
ticked or not, the day, how to withdraw a purpose, how long the data are kept and the signature
lines (the periods from the settings ``RETENTION_DAYS``, as in the data-subject export); in the
language the consent was explained in (German when the application does not speak
it) and then in German.

Who may print it: the household's interviewers (``relocation.selectors.intake
.household_get_for_interviewer``); the view audits it with the household's reference only.

The same sheet also comes blank, before a household is registered (``blank_consent_sheet_pdf``):
an interviewer prints it in the person's language to hand out before the interview, with the
reference, the day and the ticks left to fill in by hand. It holds no personal data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from passgenau.apps.core.pdf import UnicodeDocument
from passgenau.apps.relocation.models import Consent, Household
from passgenau.apps.relocation.models.vocab import (
    REQUIRED_CONSENT_PURPOSES,
    ConsentPurpose,
    QuestionnaireLanguage,
)

from .subject_access import pdf_retention

__all__ = [
    "BLANK_LINE",
    "TICKED",
    "UNTICKED",
    "blank_consent_sheet_pdf",
    "blank_sheet_languages",
    "consent_sheet_languages",
    "consent_sheet_pdf",
]

TICKED = "[x]"
UNTICKED = "[ ]"
BLANK_LINE = "______________"  # what the blank sheet leaves to be filled in by hand


def consent_sheet_languages(language: str) -> list[str]:
    """The sheet's languages for a consent explained in ``language``: that language when the
    application speaks it, then German (German only once)."""
    spoken = {code for code, _name in settings.LANGUAGES}
    german = settings.LANGUAGE_CODE
    first = language if language in spoken else german
    return [first] if first == german else [first, german]


def blank_sheet_languages() -> list[tuple[str, str]]:
    """The questionnaire's languages the sheet can be printed in (the application speaks them),
    each with its name in itself."""
    spoken = {code for code, _name in settings.LANGUAGES}
    return [(code, name) for code, name in QuestionnaireLanguage.choices if code in spoken]


def _section(
    pdf: UnicodeDocument,
    *,
    reference: str,
    organisation: str,
    given_on: str,
    covers: Callable[[str], bool],
) -> None:
    pdf.line(_("Consent of household %(reference)s") % {"reference": reference}, size=14, height=8)
    pdf.line(
        _(
            "The relocation programme proposes to households a municipality in Germany that "
            "fits them and that has agreed to receive them. Taking part is voluntary. "
            "%(organisation)s interviewed you and is your contact for everything about your "
            "data."
        )
        % {"organisation": organisation}
    )
    pdf.ln(2)
    pdf.line(
        _("Consent given on %(day)s for these purposes:") % {"day": given_on}, size=11, height=6
    )
    for purpose in ConsentPurpose:
        mark = TICKED if covers(purpose) else UNTICKED
        label = (
            _("%(purpose)s (needed to take part)") % {"purpose": purpose.label}
            if purpose in REQUIRED_CONSENT_PURPOSES
            else purpose.label
        )
        pdf.line(f"{mark} {label}", size=10)
    pdf.ln(2)
    pdf.line(
        _(
            "You may withdraw your consent to each purpose at any time, without giving a reason: "
            "tell %(organisation)s. What was done before the withdrawal remains lawful."
        )
        % {"organisation": organisation}
    )
    pdf_retention(pdf)
    pdf.ln(8)
    pdf.line(_("Signature of the household: ______________________________"))
    pdf.ln(6)
    pdf.line(_("Signature of the interviewer: ______________________________"))


def _sheet(title: str, language: str, write: Callable[[UnicodeDocument], None]) -> bytes:
    """One section per language of the sheet (each on its own page)."""
    pdf = UnicodeDocument()  # the consent languages are written left to right, unshaped
    pdf.set_title(title)
    for number, each in enumerate(consent_sheet_languages(language)):
        if number:
            pdf.add_page()
        with translation.override(each):
            write(pdf)
    return bytes(pdf.output())


def consent_sheet_pdf(*, household: Household, consent: Consent) -> bytes:
    """The sheet for ``consent``: its purposes ticked, its day, the household's reference."""
    return _sheet(
        household.reference,
        consent.explained_in,
        lambda pdf: _section(
            pdf,
            reference=household.reference,
            organisation=str(household.interviewing_organisation),
            given_on=formats.date_format(consent.given_on, "DATE_FORMAT"),
            covers=consent.covers,
        ),
    )


def blank_consent_sheet_pdf(*, language: str, organisation: str) -> bytes:
    """The sheet to fill in by hand, in ``language`` (then German): nothing ticked, the
    reference and the day left blank; ``organisation`` is the interviewer's."""
    return _sheet(
        _("Consent form"),
        language,
        lambda pdf: _section(
            pdf,
            reference=BLANK_LINE,
            organisation=organisation,
            given_on=BLANK_LINE,
            covers=lambda purpose: False,
        ),
    )
