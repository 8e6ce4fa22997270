"""The data-subject export (Art. 15 GDPR): everything held about a household, as JSON (every
category, machine-readable: the fields by their names in the code, codes as stored) and as a PDF
for the person to read, in the household's language; the same for a case of case management on
its own (``case_subject_access_json``, ``case_subject_access_pdf``, in the case's language) and the
JSON for a mentor (``mentor_subject_access_json``).

Each app names what it holds (``relocation.selectors.subject_access.household_parts``; for every
case taken over from the household ``cases.selectors.subject_access.case_parts``), as the erasure
asks each app to delete its own rows; this module collects the parts and writes both documents.
Who may download them is asked before (``relocation.policies.household_may_export_subject_data``);
the download is audited with the household's reference only (``privacy.subject_access.exported``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from passgenau.apps.cases.models import Case, Mentor
from passgenau.apps.cases.selectors.subject_access import case_parts, mentor_parts
from passgenau.apps.core.held import HeldPart
from passgenau.apps.core.pdf import UnicodeDocument
from passgenau.apps.relocation.models import Household
from passgenau.apps.relocation.selectors.subject_access import household_parts

from .vocab import CASE_RETENTION, HOUSEHOLD_RETENTION, RetentionCategory

__all__ = [
    "FORMAT",
    "SubjectAccess",
    "case_subject_access_json",
    "case_subject_access_pdf",
    "export_stem",
    "mentor_subject_access_json",
    "pdf_language",
    "pdf_retention",
    "subject_access_collect",
    "subject_access_json",
    "subject_access_pdf",
]

FORMAT = "passgenau-subject-access/1"


def export_stem(reference: str) -> str:
    """The name of the files of a subject's export (``.zip``, and ``.json``/``.pdf`` in it): its
    pseudonymous reference, so that an erasure finds and deletes the exports still waiting."""
    return f"{reference}-subject-access"


@dataclass(frozen=True)
class SubjectAccess:
    household: Household
    parts: list[HeldPart]
    # (case reference, its parts) for every case taken over from the household
    cases: list[tuple[str, list[HeldPart]]]
    at: dt.datetime


def subject_access_collect(*, household: Household) -> SubjectAccess:
    """Everything held about ``household``, app by app."""
    cases = Case.objects.filter(household=household).order_by("pk")
    return SubjectAccess(
        household=household,
        parts=household_parts(household=household),
        cases=[(case.reference, case_parts(case=case)) for case in cases],
        at=timezone.now(),
    )


def _fields(part: HeldPart, model: type[models.Model]) -> list[models.Field]:
    meta = model._meta
    if part.fields:
        return [meta.get_field(name) for name in part.fields]  # type: ignore[misc]
    fields = [f for f in meta.concrete_fields if not f.primary_key and f.name not in part.skip]
    return [*fields, *(f for f in meta.many_to_many if f.name not in part.skip)]  # type: ignore[misc]


def _rows(part: HeldPart) -> Iterator[tuple[models.Model, list[models.Field]]]:
    for row in part.rows:
        yield row, _fields(part, type(row))


def _related(obj: Any) -> str:
    full_name = getattr(obj, "get_full_name", None)
    return (full_name() if callable(full_name) else "") or str(obj)


def _raw(row: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        return [_related(o) for o in getattr(row, field.name).all()]
    if field.is_relation:
        obj = getattr(row, field.name)
        return None if obj is None else _related(obj)
    return getattr(row, field.attname)


# -- JSON -----------------------------------------------------------------------------------------


def _json_part(part: HeldPart) -> list[dict[str, Any]]:
    return [{f.name: _raw(row, f) for f in fields} for row, fields in _rows(part)]


def _json_parts(parts: list[HeldPart]) -> dict[str, list[dict[str, Any]]]:
    return {part.key: _json_part(part) for part in parts}


def _json_document(
    subject: str,
    reference: str,
    parts: list[HeldPart],
    *,
    at: dt.datetime | None = None,
    **more: Any,
) -> bytes:
    """The export of one data subject (``household``, ``case``, ``mentor``: the key of its
    pseudonymous reference), every category by its key, every field by its name."""
    document = {
        "format": FORMAT,
        subject: reference,
        "generated_at": at or timezone.now(),
        "categories": _json_parts(parts),
        **more,
    }
    text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return text.encode("utf-8")


def subject_access_json(access: SubjectAccess) -> bytes:
    """The machine-readable export of a household, with the cases taken over from it."""
    cases = [
        {"case": reference, "categories": _json_parts(parts)} for reference, parts in access.cases
    ]
    return _json_document(
        "household", access.household.reference, access.parts, at=access.at, cases=cases
    )


def case_subject_access_json(*, case: Case) -> bytes:
    """The machine-readable export of a case of case management (whether or not it came from a
    household of a round: that household's own data are in the household's export)."""
    return _json_document("case", case.reference, case_parts(case=case))


def mentor_subject_access_json(*, mentor: Mentor) -> bytes:
    """The machine-readable export of a mentor: its profile, its pairs and their meetings."""
    return _json_document("mentor", mentor.reference, mentor_parts(mentor=mentor))


# -- PDF ------------------------------------------------------------------------------------------


def pdf_language(subject: Household | Case) -> str:
    """The household's (or case's) language when the application speaks it, else German."""
    spoken = {code for code, _name in settings.LANGUAGES}
    return subject.language if subject.language in spoken else settings.LANGUAGE_CODE


def _shown(value: Any, field: models.Field, labels: dict[str, Any]) -> str:
    choices = dict(field.flatchoices) if field.choices else {}
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(_code(v, labels) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_code(k, labels)}: {_code(v, {})}" for k, v in value.items())
    return str(choices.get(value, value))


def _code(value: Any, labels: dict[str, Any]) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(labels.get(str(value), value))


def _pdf_part(pdf: UnicodeDocument, part: HeldPart) -> None:
    pdf.line(str(part.title).capitalize(), size=12, height=7)
    if not part.rows:
        pdf.line(_("Nothing is held."), size=9)
    for row, fields in _rows(part):
        for field in fields:
            labels = dict(part.labels.get(field.name, {}))
            value = _shown(_raw(row, field), field, labels)
            pdf.line(f"{str(field.verbose_name).capitalize()}: {value}", size=9, height=4.8)
        pdf.ln(2)
    pdf.ln(2)


def _rights(pdf: UnicodeDocument, access: SubjectAccess) -> None:
    household = access.household
    pdf.line(
        _(
            "This document lists the data that %(organisation)s and the other parties of the "
            "relocation round hold about household %(reference)s, on %(day)s."
        )
        % {
            "organisation": household.interviewing_organisation,
            "reference": household.reference,
            "day": formats.date_format(timezone.localtime(access.at), "DATE_FORMAT"),
        }
    )
    pdf.line(
        _(
            "The data are used for the purposes to which the household consented (listed under "
            "consents). You may have wrong data corrected, have data erased, withdraw a consent "
            "at any time and complain to a data protection supervisory authority (Art. 16 to 21 "
            "and 77 GDPR). Ask the organisation that interviewed you."
        )
    )
    pdf_retention(pdf)
    pdf.ln(4)


def pdf_retention(
    pdf: UnicodeDocument,
    categories: tuple[str, ...] = HOUSEHOLD_RETENTION,
    heading: str | None = None,
) -> None:
    """How long the data are kept (settings ``RETENTION_DAYS``), one line each: by default a
    household's categories after the end of its part."""
    periods = settings.RETENTION_DAYS
    pdf.line(heading or _("How long the data are kept after the end of the household's part:"))
    for category in map(RetentionCategory, categories):
        pdf.line(
            _("%(category)s: %(days)s days")
            % {"category": category.label, "days": periods[category]},
            size=9,
        )


def _pdf_document(
    title: str,
    rights: Callable[[UnicodeDocument], None],
    parts: list[HeldPart],
    cases: list[tuple[str, list[HeldPart]]],
) -> bytes:
    pdf = UnicodeDocument()  # the languages spoken are written left to right, unshaped
    pdf.set_title(title)
    pdf.line(title, size=15, height=8)
    pdf.line(_("Information under Art. 15 GDPR"), size=11, height=6)
    pdf.ln(2)
    rights(pdf)
    for part in parts:
        _pdf_part(pdf, part)
    for reference, case_parts_ in cases:
        pdf.line(_("Case %(reference)s") % {"reference": reference}, size=14, height=8)
        for part in case_parts_:
            _pdf_part(pdf, part)
    return bytes(pdf.output())


def subject_access_pdf(access: SubjectAccess) -> bytes:
    """The readable export, in the household's language (``pdf_language``)."""
    with translation.override(pdf_language(access.household)):
        title = _("Data held about household %(reference)s") % {
            "reference": access.household.reference
        }
        return _pdf_document(title, lambda pdf: _rights(pdf, access), access.parts, access.cases)


def _case_rights(pdf: UnicodeDocument, *, case: Case, at: dt.datetime) -> None:
    pdf.line(
        _(
            "This document lists the data that %(organisation)s holds about case %(reference)s "
            "in its case management, on %(day)s."
        )
        % {
            "organisation": case.organisation,
            "reference": case.reference,
            "day": formats.date_format(timezone.localtime(at), "DATE_FORMAT"),
        }
    )
    pdf.line(
        _(
            "The data are used for the purposes to which you consented (listed under consents). "
            "You may have wrong data corrected, have data erased, withdraw a consent at any time "
            "and complain to a data protection supervisory authority (Art. 16 to 21 and 77 "
            "GDPR). Ask your caseworker."
        )
    )
    pdf_retention(pdf, CASE_RETENTION, _("How long the data are kept after the case is closed:"))
    pdf.ln(4)


def case_subject_access_pdf(*, case: Case) -> bytes:
    """The readable export of a case, in the case's language (``pdf_language``)."""
    at = timezone.now()
    with translation.override(pdf_language(case)):
        title = _("Data held about case %(reference)s") % {"reference": case.reference}
        rights = functools.partial(_case_rights, case=case, at=at)
        return _pdf_document(title, rights, case_parts(case=case), [])
