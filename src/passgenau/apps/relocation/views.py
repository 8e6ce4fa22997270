"""Pages of relocation rounds: rounds (coordinator), municipality profile (municipal officer),
households, registration with consent, the interview and the import (interviewer).

Views parse input, call one selector or service and render; objects come from access functions,
which answer 404 for what the user may not see. Every page showing households logs the read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import request_has_perm, require
from passgenau.apps.accounts.roles import Role

from .forms import (
    IMPORTANCE_CHOICES,
    ContactForm,
    HouseholdFilterForm,
    ImportForm,
    InterviewForm,
    MemberFormSet,
    ProfileForm,
    RegistrationForm,
    RoundForm,
    TransitionForm,
)
from .models import (
    ROUND_TRANSITIONS,
    HouseholdStatus,
    RoundAction,
    RoundStatus,
)
from .selectors import intake as intake_selectors
from .selectors import profiles as profile_selectors
from .selectors import rounds as round_selectors
from .services import imports, intake, profiles, rounds
from .vocab import (
    QUESTIONNAIRE_LANGUAGES,
    CapacityDimension,
    ConsentPurpose,
    Need,
    Occupation,
    QuestionnaireLanguage,
    SpokenLanguage,
    criterion_label,
)

HOUSEHOLDS_PER_PAGE = 50


def _role(request: HttpRequest) -> str:
    return getattr(request.user, "role", "")


# -- rounds ------------------------------------------------------------------------------------


@require("relocation.view_rounds")
def round_list(request: HttpRequest) -> HttpResponse:
    rounds_ = round_selectors.rounds_for_user(user=request.user)
    return render(
        request,
        "relocation/round_list.html",
        {
            "rounds": rounds_,
            "can_create": request_has_perm(request, "relocation.manage_rounds"),
        },
    )


@require("relocation.view_rounds")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    role = _role(request)
    context: dict[str, Any] = {
        "round": round_,
        "is_coordinator": role == Role.COORDINATOR,
        "is_officer": role == Role.MUNICIPAL_OFFICER,
        "is_interviewer": role == Role.INTERVIEWER,
        "dimension_labels": dict(CapacityDimension.choices),
        "can_register": role == Role.INTERVIEWER and round_.allows(RoundAction.REGISTER_HOUSEHOLDS),
    }
    if request_has_perm(request, "relocation.view_profiles"):
        rows = []
        for profile in profile_selectors.profiles_for_user(user=request.user, round_=round_):
            dates = sorted(_confirmation_dates(profile.confirmed_at).values())
            rows.append(
                {
                    "profile": profile,
                    "capacities": [
                        profile.capacities.get(d, 0) for d in round_.capacity_dimensions
                    ],
                    "oldest_confirmation": dates[0] if dates else None,
                    "missing": profiles.profile_missing_figures(profile=profile),
                }
            )
        context["profile_rows"] = rows
        context["show_profiles"] = True
    if role == Role.COORDINATOR:
        counts = round_selectors.round_household_counts(round_=round_)
        context["household_counts"] = [
            (HouseholdStatus(status).label, n) for status, n in counts.items()
        ]
        context["transitions"] = [
            {
                "status": target,
                "label": RoundStatus(target).label,
                "problems": rounds.round_transition_problems(round_=round_, to_status=target),
            }
            for target in sorted(ROUND_TRANSITIONS[round_.status])
        ]
    return render(request, "relocation/round_detail.html", context)


@require("relocation.manage_rounds")
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = rounds.round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The round was created as a draft."))
            return redirect("relocation:round_detail", pk=round_.pk)
    return render(request, "relocation/round_form.html", {"form": form, "round": None})


@require("relocation.manage_rounds")
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    form = RoundForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        municipalities = data.pop("municipalities")
        try:
            rounds.round_update(
                actor=request.user, round_=round_, municipalities=municipalities, **data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("relocation:round_detail", pk=round_.pk)
    return render(request, "relocation/round_form.html", {"form": form, "round": round_})


@require("relocation.manage_rounds")
def round_transition(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    if status not in RoundStatus.values:
        raise Http404("no such status")
    problems = rounds.round_transition_problems(round_=round_, to_status=status)
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_transition(actor=request.user, round_=round_, to_status=status)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("The round is now “%(status)s”.") % {"status": RoundStatus(status).label},
            )
            return redirect("relocation:round_detail", pk=round_.pk)
    return render(
        request,
        "relocation/round_transition.html",
        {
            "round": round_,
            "target": RoundStatus(status),
            "problems": problems,
            "form": form,
        },
    )


# -- municipality profile ---------------------------------------------------------------------


@require("relocation.keep_profile")
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = profile_selectors.profile_get_for_officer(user=request.user, round_pk=pk)
    editable = profile.round.allows(RoundAction.EDIT_PROFILES)
    form = ProfileForm(request.POST or None, profile=profile)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and editable and form.is_valid():
        try:
            profiles.profile_update(
                actor=request.user,
                profile=profile,
                confirm_all=form.cleaned_data["confirm_all"],
                **form.service_values(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("relocation:profile_edit", pk=pk)
    confirmed = _confirmation_dates(profile.confirmed_at)

    def group(names: list[str], key: Any = None) -> list[dict[str, Any]]:
        return [
            {"field": form[name], "confirmed": confirmed.get(key(name) if key else name)}
            for name in names
        ]

    return render(
        request,
        "relocation/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "round": profile.round,
            "editable": editable,
            "capacity_rows": group(
                form.capacity_fields, lambda n: "capacity." + n.removeprefix("capacity_")
            ),
            "labour_rows": group(form.labour_fields),
            "community_rows": group(form.community_fields),
            "priority_rows": group(form.priority_fields),
            "confirmed": confirmed,
            "missing": profiles.profile_missing_figures(profile=profile),
        },
    )


# -- households --------------------------------------------------------------------------------


@require("relocation.view_households")
def household_list(request: HttpRequest) -> HttpResponse:
    visible_rounds = round_selectors.rounds_for_user(user=request.user)
    form = HouseholdFilterForm(request.GET or None, rounds=visible_rounds)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "round_": form.cleaned_data["round"],
            "status": form.cleaned_data["status"],
            "query": form.cleaned_data["q"],
        }
    households = intake_selectors.households_search(user=request.user, **filters)
    page = Paginator(households, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    shown = intake_selectors.households_log_read(user=request.user, households=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "relocation/household_list.html",
        {
            "form": form,
            "page": page,
            "households": shown,
            "query": query.urlencode(),
            "is_coordinator": _role(request) == Role.COORDINATOR,
            "open_rounds": [r for r in visible_rounds if r.allows(RoundAction.REGISTER_HOUSEHOLDS)]
            if _role(request) == Role.INTERVIEWER
            else [],
        },
    )


@require("relocation.view_households")
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_user(user=request.user, pk=pk)
    interview = getattr(household, "interview", None)
    places = dict(household.round.profiles.values_list("municipality_id", "municipality__name"))
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
        "can_interview": _role(request) == Role.INTERVIEWER
        and household.round.allows(RoundAction.EDIT_INTERVIEWS)
        and household.status in intake.EDITABLE_STATUSES,
        "can_edit_contact": _role(request) == Role.INTERVIEWER,
        "can_withdraw": _role(request) == Role.INTERVIEWER
        and household.status != HouseholdStatus.WITHDRAWN,
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
def household_register(request: HttpRequest, pk: int) -> HttpResponse:
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
        {"form": form, "round": round_, "open": round_.allows(RoundAction.REGISTER_HOUSEHOLDS)},
    )


@require("relocation.register_households")
def household_contact(request: HttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
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
def household_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intake.consent_withdraw(actor=request.user, household=household)
        messages.success(request, _("The consent was withdrawn."))
        return redirect("relocation:household_detail", pk=household.pk)
    return render(
        request, "relocation/household_withdraw.html", {"household": household, "form": form}
    )


def _questionnaire_language(request: HttpRequest, default: str) -> str:
    requested = request.GET.get("lang", "")
    return requested if requested in QUESTIONNAIRE_LANGUAGES else default


def _member_initial(household: Any) -> list[dict[str, str]]:
    return [{"age_band": m.age_band, "relation": m.relation} for m in household.members.all()]


@require("relocation.register_households")
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire, shown in the household's language (or the one chosen on the page)."""
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=pk)
    language = _questionnaire_language(request, household.language)
    with translation.override(language):
        return _interview(request, household, language)


def _interview(request: HttpRequest, household: Any, language: str) -> HttpResponse:
    round_ = household.round
    existing = getattr(household, "interview", None)
    editable = (
        round_.allows(RoundAction.EDIT_INTERVIEWS) and household.status in intake.EDITABLE_STATUSES
    )
    if request.method == "POST" and editable:
        form = InterviewForm(request.POST, round_=round_)
        formset = MemberFormSet(request.POST, prefix="members")
        complete = request.POST.get("action") == "complete"
        if form.is_valid() and formset.is_valid():
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
            else:
                if complete:
                    messages.success(request, _("The interview is complete."))
                    return redirect("relocation:household_detail", pk=household.pk)
                messages.success(request, _("The interview was saved unfinished."))
                url = reverse("relocation:interview", kwargs={"pk": household.pk})
                return redirect(f"{url}?lang={language}")
    else:
        form = InterviewForm(initial=InterviewForm.initial_from(existing), round_=round_)
        formset = MemberFormSet(initial=_member_initial(household), prefix="members")
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    languages = [(code, label) for code, label in QuestionnaireLanguage.choices]
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
            "languages": languages,
            "importance_fields": [form[name] for name in form.importance_fields],
            "completed": bool(existing and existing.completed),
        },
    )


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


# -- import ------------------------------------------------------------------------------------


@require("relocation.register_households")
def household_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[imports.ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.households_import(
                actor=request.user, round_=round_, file_name=upload.name, content=upload.read()
            )
        except imports.HouseholdImportError as error:
            problems = error.problems
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(n)d households were imported from %(file)s.")
                % {"n": len(result.households), "file": result.file},
            )
            url = reverse("relocation:household_list")
            return redirect(f"{url}?round={round_.pk}")
    return render(
        request,
        "relocation/household_import.html",
        {
            "form": form,
            "round": round_,
            "problems": problems,
            "columns": imports.import_columns(round_=round_),
            "required": imports.REQUIRED_COLUMNS,
            "open": round_.allows(RoundAction.REGISTER_HOUSEHOLDS),
        },
    )


@require("relocation.register_households")
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(
        imports.import_template_csv(round_=round_), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="households-round-{round_.pk}.csv"'
    return response


def _confirmation_dates(confirmed_at: dict[str, str]) -> dict[str, date]:
    """The profile's confirmation dates (stored as ISO text) as dates, which templates show in
    the reader's language ("21. November 2026") rather than as "2026-11-21"."""
    dates = {}
    for key, value in confirmed_at.items():
        try:
            dates[key] = date.fromisoformat(str(value)[:10])
        except ValueError:  # not a date: show nothing rather than fail the page
            continue
    return dates
