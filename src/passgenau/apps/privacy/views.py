"""Pages of data protection: erasing a household or one member, and downloading everything held
about a household (interviewers, their organisation's households); the same for a case of case
management and for a mentor (caseworkers, their organisation's)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.audit.services import log_action
from passgenau.apps.core import protected_exports
from passgenau.apps.core.forms import ProtectedExportForm
from passgenau.apps.relocation.forms.base import form_add_service_errors
from passgenau.apps.relocation.selectors import intake as intake_selectors
from passgenau.apps.relocation.services import erasure as relocation_erasure

from . import consent_sheet, selectors, services, subject_access
from .forms import BlankConsentSheetForm, EraseForm, HouseholdEraseForm, MemberEraseForm

ERASE = "relocation.erase_households"
EXPORT_SUBJECT_DATA = "relocation.export_subject_data"
INTERVIEW = "relocation.register_households"
OWN_ACCOUNT = "accounts.view_own_account"
# a case and a mentor: the right to keep them; the policy then asks for the organisation
KEEP_CASES = "cases.manage_cases"
KEEP_MENTORS = "cases.manage_mentoring"


def _erase_page(
    request: AuthenticatedHttpRequest,
    form: Form,
    *,
    erase: Callable[[str], str],
    done: str,
    target: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """An erasure page: on a valid POST ``erase`` with the reason code (it returns the
    pseudonymous reference, put into ``done``) and go to ``target``; a refusal is shown on the
    form."""
    if request.method == "POST" and form.is_valid():
        try:
            reference = erase(form.cleaned_data["reason"])
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, done % {"reference": reference})
            return redirect(target)
    return render(request, template, {**context, "form": form})


@require(ERASE)
def household_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_erasure(user=request.user, pk=pk)
    return _erase_page(
        request,
        HouseholdEraseForm(request.POST or None),
        erase=lambda reason: services.household_erase(
            actor=request.user, household=household, reason=reason
        ),
        done=_("Household %(reference)s was erased with everything recorded about it."),
        target="relocation:household_list",
        template="privacy/household_erase.html",
        context={"household": household, "held": selectors.household_held(household=household)},
    )


@require(KEEP_CASES)
def case_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Erase a case of case management (Art. 17 GDPR): the confirmation says what goes and
    what stays (billed hours, under the pseudonymous reference)."""
    case = selectors.case_get_for_erasure(user=request.user, pk=pk)
    return _erase_page(
        request,
        EraseForm(request.POST or None),
        erase=lambda reason: services.case_erase(actor=request.user, case=case, reason=reason),
        done=_("Case %(reference)s was erased with everything recorded in it."),
        target="cases:caseload",
        template="privacy/case_erase.html",
        context={"case": case, "held": selectors.case_held(case=case)},
    )


@require(KEEP_MENTORS)
def mentor_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Erase a mentor's personal data (Art. 17 GDPR); its ended pairs stay under its reference."""
    mentor = selectors.mentor_get_for_erasure(user=request.user, pk=pk)
    return _erase_page(
        request,
        EraseForm(request.POST or None),
        erase=lambda reason: services.mentor_erase(
            actor=request.user, mentor=mentor, reason=reason
        ),
        done=_("The personal data of mentor %(reference)s were erased."),
        target="cases:mentoring",
        template="privacy/mentor_erase.html",
        context={"mentor": mentor, "held": selectors.mentor_held(mentor=mentor)},
    )


@require(ERASE)
def member_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_erasure(user=request.user, pk=pk)
    form = MemberEraseForm(
        request.POST or None,
        household=household,
        name_lines=relocation_erasure.member_name_lines(household),
    )
    if request.method == "POST" and form.is_valid():
        member = household.members.filter(pk=form.cleaned_data["member"]).first()
        try:
            if member is None:
                raise ValidationError(
                    {"member": _("This person is not a member of the household.")}
                )
            services.member_erase(
                actor=request.user,
                household=household,
                member=member,
                name_line=form.cleaned_data["name_line"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The member was erased."))
            return redirect("relocation:household_detail", pk=household.pk)
    return render(request, "privacy/member_erase.html", {"household": household, "form": form})


def _subject_access_page(
    request: AuthenticatedHttpRequest,
    *,
    subject: models.Model,
    action: str,
    stem: str,
    files: Callable[[], dict[str, bytes]],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A data-subject export page (Art. 15 GDPR): on a valid POST the ``files`` (named after
    ``stem``) in a zip encrypted with the password the user chooses, for download by that user
    only (docs/adr/0008); ``action`` is audited with the subject's pseudonymous reference."""
    form = ProtectedExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export = protected_exports.protected_export_create(
            owner=request.user,
            filename=f"{stem}.zip",
            files=files(),
            password=form.cleaned_data["password"],
        )
        log_action(
            action,
            actor=request.user,
            obj=subject,
            data={"format": "zip", "subject_access": True, "export": export.pk},
        )
        return redirect(protected_exports.protected_export_url(export))
    return render(
        request,
        template,
        {**context, "form": form, "PROTECTED_EXPORT_HOURS": settings.PROTECTED_EXPORT_HOURS},
    )


@require(EXPORT_SUBJECT_DATA)
def household_subject_access(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything held about the household (Art. 15 GDPR): the JSON and the PDF in its language."""
    household = intake_selectors.household_get_for_subject_access(user=request.user, pk=pk)
    stem = subject_access.export_stem(household.reference)

    def files() -> dict[str, bytes]:
        access = subject_access.subject_access_collect(household=household)
        return {
            f"{stem}.json": subject_access.subject_access_json(access),
            f"{stem}.pdf": subject_access.subject_access_pdf(access),
        }

    return _subject_access_page(
        request,
        subject=household,
        action="relocation.household.exported",
        stem=stem,
        files=files,
        template="privacy/household_subject_access.html",
        context={"household": household},
    )


@require(KEEP_CASES)
def case_subject_access(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything case management holds about a case (Art. 15 GDPR), as JSON and as a PDF in
    the case's language, for the caseworker who may erase it to hand over."""
    case = selectors.case_get_for_erasure(user=request.user, pk=pk)
    stem = subject_access.export_stem(case.reference)
    ref = {"ref": case.reference}
    return _subject_access_page(
        request,
        subject=case,
        action="cases.case.exported",
        stem=stem,
        files=lambda: {
            f"{stem}.json": subject_access.case_subject_access_json(case=case),
            f"{stem}.pdf": subject_access.case_subject_access_pdf(case=case),
        },
        template="privacy/held_subject_access.html",
        context={
            "title": _("Everything held about the case"),
            "heading": _("Everything held about case %(ref)s") % ref,
            "contents": _(
                "Everything case management holds about the person or household of the case "
                "(Art. 15 GDPR): the case, its consents and history, health data, the "
                "integration plan, referrals, contact notes, specialist hours and the housing, "
                "mentoring and language mediation requests, every field by its name, as JSON and "
                "as a PDF in the case's language."
            ),
            "back": case.get_absolute_url(),
            "back_label": _("Case %(ref)s") % ref,
        },
    )


@require(KEEP_MENTORS)
def mentor_subject_access(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything case management holds about a mentor (Art. 15 GDPR), as JSON."""
    mentor = selectors.mentor_get_for_erasure(user=request.user, pk=pk)
    stem = subject_access.export_stem(mentor.reference)
    ref = {"ref": mentor.reference}
    return _subject_access_page(
        request,
        subject=mentor,
        action="cases.mentor.exported",
        stem=stem,
        files=lambda: {f"{stem}.json": subject_access.mentor_subject_access_json(mentor=mentor)},
        template="privacy/held_subject_access.html",
        context={
            "title": _("Everything held about the mentor"),
            "heading": _("Everything held about mentor %(ref)s") % ref,
            "contents": _(
                "Everything case management holds about the mentor (Art. 15 GDPR): the name, "
                "kind, capacity, languages, free times, interests and district, the proposals "
                "and pairs (the newcomers named only by pseudonymous codes) and their meetings, "
                "every field by its name, as JSON."
            ),
            "back": mentor.get_absolute_url(),
            "back_label": _("Mentor %(ref)s") % ref,
        },
    )


@require(INTERVIEW)
def household_consent_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The printable consent sheet of the household's current consent (the latest when all were
    withdrawn), for its interviewers; the read is logged, and the print with the reference."""
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    consent = (
        household.consents.filter(withdrawn_at__isnull=True).first() or household.consents.first()
    )
    if consent is None:
        raise Http404("no consent recorded")
    data = consent_sheet.consent_sheet_pdf(household=household, consent=consent)
    log_action(
        "relocation.household.exported",
        actor=request.user,
        obj=household,
        data={"format": "pdf", "consent_sheet": True, "consent": consent.pk},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{household.reference}-consent.pdf"'
    return response


@require(INTERVIEW)
def blank_consent_sheet(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The information sheet and consent form to hand out before the interview, blank, in the
    language chosen (``?language=uk``) and German, with the interviewer's organisation; without
    a language (or with one the sheet is not printed in) the page to choose it. It holds no
    personal data, so nothing is audited."""
    form = BlankConsentSheetForm(request.GET or None)
    if not form.is_valid():
        return render(
            request,
            "privacy/blank_consent_sheet.html",
            {"form": form},
            status=400 if form.is_bound else 200,
        )
    language = form.cleaned_data["language"]
    organisation = request.user.organisation
    data = consent_sheet.blank_consent_sheet_pdf(
        language=language,
        organisation=str(organisation) if organisation else consent_sheet.BLANK_LINE,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-form-{language}.pdf"'
    return response


@require(OWN_ACCOUNT)  # any logged-in user; the export itself is its owner's only
def protected_export(request: AuthenticatedHttpRequest, token: uuid.UUID) -> HttpResponse:
    """The download page of one's own protected export: its name and expiry."""
    export = protected_exports.protected_export_get(user=request.user, token=token)
    expired = protected_exports.protected_export_expired(export)
    return render(
        request,
        "privacy/protected_export.html",
        {"export": export, "expired": expired},
        status=410 if expired else 200,
    )


@require(OWN_ACCOUNT)  # any logged-in user; the export itself is its owner's only
def protected_export_download(request: AuthenticatedHttpRequest, token: uuid.UUID) -> HttpResponse:
    """The encrypted zip, to its owner only and before its expiry; every download is audited."""
    export = protected_exports.protected_export_get(user=request.user, token=token)
    if protected_exports.protected_export_expired(export):
        return render(
            request,
            "privacy/protected_export.html",
            {"export": export, "expired": True},
            status=410,
        )
    log_action("core.protectedexport.downloaded", actor=request.user, obj=export)
    response = HttpResponse(bytes(export.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response
