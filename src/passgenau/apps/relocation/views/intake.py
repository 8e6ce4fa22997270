"""Pages of the intake: households, registration with consent, contact data, withdrawal and
the interview (interviewer); every page showing households logs the read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from .. import policies
from ..forms.intake import (
    IMPORTANCE_CHOICES,
    ConsentCorrectForm,
    ConsentWithdrawalForm,
    ContactForm,
    InterviewForm,
    MemberFormSet,
    RegistrationForm,
    member_formset_with_another_row,
    typed_values,
)
from ..forms.lists import ListFilterForm
from ..models import (
    HouseholdStatus,
    RoundAction,
)
from ..models.vocab import (
    ConsentPurpose,
    Need,
    Occupation,
    QuestionnaireLanguage,
    SpokenLanguage,
    criterion_label,
)
from ..selectors import intake as intake_selectors
from ..selectors import rounds as round_selectors
from ..selectors.corrections import consent_corrections
from ..services import intake
from .common import questionnaire_language


@require("relocation.view_households")
def household_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible_rounds = round_selectors.rounds_for_user(user=request.user)
    form = ListFilterForm(
        request.GET or None,
        statuses=HouseholdStatus.choices,
        rounds=visible_rounds,
        names_searchable=policies.household_names_searchable(request.user),
    )
    filters = form.filters()
    households = intake_selectors.households_search(
        user=request.user, round_=filters.round_, status=filters.status, query=filters.query
    )
    page = list_page(request, households)
    shown = intake_selectors.households_log_read(
        user=request.user, households=page.object_list, query=filters.query
    )
    return render(
        request,
        "relocation/household_list.html",
        {
            "form": form,
            "page": page,
            "households": shown,
            "is_coordinator": policies.coordinates_rounds(request.user),
            "open_rounds": [
                r for r in visible_rounds if policies.round_may_register(request.user, r)
            ],
        },
    )


@require("relocation.view_households")
def household_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_user(user=request.user, pk=pk)
    interview = getattr(household, "interview", None)
    places = dict(household.round.profiles.values_list("municipality_id", "municipality__name"))
    may_edit = policies.household_may_edit(request.user, household)
    context: dict[str, Any] = {
        "household": household,
        "round": household.round,
        "interview": interview,
        "members": list(household.members.all()),
        "consents": [
            (consent, [ConsentPurpose(p).label for p in consent.purposes])
            for consent in household.consents.all()
        ],
        "contact": getattr(household, "contact", None),
        "can_interview": may_edit
        and household.round.allows(RoundAction.EDIT_INTERVIEWS)
        and household.status in intake.EDITABLE_STATUSES,
        "can_edit_contact": policies.household_may_change_contact(request.user, household),
        # the sheet's page asks the same (privacy.views.household_consent_sheet)
        "can_print_consent_sheet": may_edit and bool(household.consents.all()),
        "can_withdraw": may_edit and household.status != HouseholdStatus.WITHDRAWN,
        "can_correct_consent": policies.household_may_change_contact(request.user, household),
        "consent_corrections": consent_corrections(household=household),
        "can_erase": policies.household_may_erase(request.user, household),
        "can_export": policies.household_may_export_subject_data(request.user, household),
    }
    if interview is not None:
        importance_labels = dict(IMPORTANCE_CHOICES)
        context["answers"] = {
            "languages": [SpokenLanguage(v).label for v in interview.languages],
            "occupations": [Occupation(v).label for v in interview.occupations],
            "needs": [Need(v).label for v in interview.needs],
            "ties": [places.get(pk, pk) for pk in interview.ties],
            "ranked": [places.get(pk, pk) for pk in interview.ranked_places],
            "excluded": [places.get(pk, pk) for pk in interview.excluded_places],
            "importance": [
                (criterion_label(c), importance_labels.get(str(interview.importance.get(c.id))))
                for c in intake.household_rated_criteria(household.round)
            ],
        }
    return render(request, "relocation/household_detail.html", context)


@require("relocation.register_households")
def household_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    form = RegistrationForm(
        request.POST or None,
        initial={"language": QuestionnaireLanguage.UK, "consent_explained_in": "uk"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            household = intake.household_register(
                actor=request.user,
                round_=round_,
                registration=intake.Registration(**form.cleaned_data),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Household %(reference)s was registered. Now conduct the interview.")
                % {"reference": household.reference},
            )
            return redirect("relocation:interview", pk=household.pk)
    return render(
        request,
        "relocation/household_register.html",
        {
            "form": form,
            "round": round_,
            "open": round_.allows(RoundAction.REGISTER_HOUSEHOLDS),
            "retention": settings.RETENTION_DAYS,
        },
    )


@require("relocation.register_households")
def household_contact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    if not policies.household_may_change_contact(request.user, household):
        messages.error(
            request, _("The household has withdrawn: its data can no longer be changed.")
        )
        return redirect("relocation:household_detail", pk=household.pk)
    contact = household.contact
    form = ContactForm(
        request.POST or None,
        initial={name: getattr(contact, name) for name in intake.CONTACT_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake.household_contact_update(
                actor=request.user, household=household, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The contact data were saved."))
            return redirect("relocation:household_detail", pk=household.pk)
    return render(
        request, "relocation/household_contact.html", {"household": household, "form": form}
    )


@require("relocation.register_households")
def household_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    current = household.consents.filter(withdrawn_at__isnull=True).first()
    form = ConsentWithdrawalForm(
        request.POST or None, given=list(current.purposes) if current else []
    )
    if request.method == "POST" and form.is_valid():
        try:
            intake.consent_withdraw(
                actor=request.user, household=household, purposes=form.cleaned_data["purposes"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The consent was withdrawn."))
            return redirect("relocation:household_detail", pk=household.pk)
    return render(
        request,
        "relocation/household_withdraw.html",
        {"household": household, "form": form, "consent": current},
    )


@require("relocation.register_households")
def consent_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct the date on which the consent in force was given, with a reason (kept)."""
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    current = household.consents.filter(withdrawn_at__isnull=True).first()
    form = ConsentCorrectForm(
        request.POST or None, initial={"given_on": current.given_on if current else None}
    )
    if form_saved(
        request,
        form,
        lambda data: intake.consent_correct(actor=request.user, household=household, **data),
        done=_("The date of consent is corrected."),
    ):
        return redirect("relocation:household_detail", pk=household.pk)
    return render(
        request,
        "relocation/consent_correct.html",
        {
            "household": household,
            "form": form,
            "consent": current,
            "corrections": consent_corrections(household=household),
        },
    )


def _member_initial(household: Any) -> list[dict[str, str]]:
    return [{"age_band": m.age_band, "relation": m.relation} for m in household.members.all()]


@require("relocation.register_households")
def interview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The questionnaire in the household's language (or the one chosen on the page); the page
    around it and its messages in the interviewer's own, so that no message carries the
    questionnaire's language onto the next page."""
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    language = questionnaire_language(request, household.language)
    round_ = household.round
    existing = getattr(household, "interview", None)
    editable = (
        round_.allows(RoundAction.EDIT_INTERVIEWS) and household.status in intake.EDITABLE_STATUSES
    )
    with translation.override(language):  # the answers' errors in the questionnaire's language
        form, formset, saved = _interview_submit(request, household, language, editable)
    if saved == "complete":
        messages.success(request, _("The interview is complete."))
        return redirect("relocation:household_detail", pk=household.pk)
    if saved == "save":
        messages.success(request, _("The interview was saved unfinished."))
        url = reverse("relocation:interview", kwargs={"pk": household.pk})
        return redirect(f"{url}?lang={language}")
    if not editable:  # the answers and the members' rows alike
        for each in (form, *formset.forms):
            for field in each.fields.values():
                field.disabled = True
    return render(
        request,
        "relocation/interview.html",
        {
            "household": household,
            "round": round_,
            "form": form,
            "formset": formset,
            "editable": editable,
            "language": language,
            "languages": QuestionnaireLanguage.choices,
            "importance_fields": [form[name] for name in form.importance_fields],
            "completed": bool(existing and existing.completed),
            "retention": settings.RETENTION_DAYS,
        },
    )


def _interview_submit(
    request: AuthenticatedHttpRequest, household: Any, language: str, editable: bool
) -> tuple[InterviewForm, Any, str | None]:
    """The questionnaire's forms, and how a valid submission was saved ("save" unfinished,
    "complete"; None when nothing was saved)."""
    round_ = household.round
    if request.method != "POST" or not editable:
        existing = getattr(household, "interview", None)
        form = InterviewForm(initial=InterviewForm.initial_from(existing), round_=round_)
        formset = MemberFormSet(initial=_member_initial(household), prefix="members")
        return form, formset, None
    form = InterviewForm(request.POST, round_=round_)
    if request.POST.get("action") == "add_member":  # "Add another person": shown back, not saved
        typed = InterviewForm(initial=typed_values(form), round_=round_)
        return typed, member_formset_with_another_row(request.POST), None
    formset = MemberFormSet(request.POST, prefix="members")
    complete = request.POST.get("action") == "complete"
    if not (form.is_valid() and formset.is_valid()):
        return form, formset, None
    try:
        intake.interview_save(
            actor=request.user,
            household=household,
            answers=form.answers(conducted_in=language),
            members=formset.members(),
            complete=complete,
        )
    except ValidationError as error:
        _put_interview_errors(form, formset, error)
        return form, formset, None
    return form, formset, "complete" if complete else "save"


def _put_interview_errors(form: InterviewForm, formset: Any, error: ValidationError) -> None:
    """Service messages onto the questionnaire's fields and the members' rows."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    rows = [f for f in formset.forms if f.has_changed() and not formset._should_delete_form(f)]
    for key, messages_ in error.message_dict.items():
        for message in messages_:
            if key.startswith("members."):
                _, index, field = key.split(".")
                position = int(index) - 1
                if 0 <= position < len(rows) and field in rows[position].fields:
                    rows[position].add_error(field, message)
                    continue
                formset.non_form_errors().append(message)
            elif key == "members":
                formset.non_form_errors().append(message)
            else:
                name = form.field_aliases.get(key, key).replace(".", "_")
                form.add_error(name if name in form.fields else None, message)
