"""Pages of data protection: erasing a household or one member, and downloading everything held
about a household (interviewers, their organisation's households)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.audit.services import log_action
from passgenau.apps.relocation.forms.base import form_add_service_errors
from passgenau.apps.relocation.selectors import intake as intake_selectors
from passgenau.apps.relocation.services import erasure as relocation_erasure

from . import selectors, services, subject_access
from .forms import HouseholdEraseForm, MemberEraseForm

ERASE = "relocation.erase_households"
EXPORT_SUBJECT_DATA = "relocation.export_subject_data"
SUBJECT_ACCESS_TYPES = {"json": "application/json", "pdf": "application/pdf"}


@require(ERASE)
def household_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_erasure(user=request.user, pk=pk)
    form = HouseholdEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reference = services.household_erase(
                actor=request.user, household=household, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Household %(reference)s was erased with everything recorded about it.")
                % {"reference": reference},
            )
            return redirect("relocation:household_list")
    return render(
        request,
        "privacy/household_erase.html",
        {
            "household": household,
            "form": form,
            "held": selectors.household_held(household=household),
        },
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


@require(EXPORT_SUBJECT_DATA)
def household_subject_access(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything held about the household (Art. 15 GDPR) as JSON or as a PDF in its language."""
    if fmt not in SUBJECT_ACCESS_TYPES:
        raise Http404("no such format")
    household = intake_selectors.household_get_for_subject_access(user=request.user, pk=pk)
    access = subject_access.subject_access_collect(household=household)
    if fmt == "json":
        content = subject_access.subject_access_json(access)
    else:
        content = subject_access.subject_access_pdf(access)
    log_action(
        "relocation.household.exported",
        actor=request.user,
        obj=household,
        data={"format": fmt, "subject_access": True},
    )
    response = HttpResponse(content, content_type=SUBJECT_ACCESS_TYPES[fmt])
    filename = f"{household.reference}-subject-access.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
