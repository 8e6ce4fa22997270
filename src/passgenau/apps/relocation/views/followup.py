"""Follow-up surveys (interviewer) and the evaluation of rounds."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.pages import form_saved
from passgenau.apps.core.protected_exports import protected_export_url
from passgenau.apps.listing import list_page

from .. import policies
from ..forms.base import form_add_service_errors
from ..forms.followup import EvaluationExportForm, SurveyCorrectForm, SurveyForm
from ..forms.lists import ListFilterForm
from ..models import QuestionnaireLanguage, Round, SurveyStatus
from ..selectors import followup as followup_selectors
from ..selectors import rounds as round_selectors
from ..selectors.corrections import survey_corrections
from ..services import followup
from .common import questionnaire_language


@require("relocation.record_followup")
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ListFilterForm(
        request.GET or None,
        statuses=followup_selectors.survey_states(),
        rounds=round_selectors.rounds_for_user(user=request.user),
        municipalities=followup_selectors.survey_municipalities(user=request.user),
        names_searchable=policies.household_names_searchable(request.user),
    )
    filters = form.filters()
    page = list_page(
        request,
        followup_selectors.surveys_search(user=request.user, filters=filters, today=today),
    )
    surveys = followup_selectors.surveys_log_read(
        user=request.user, surveys=page.object_list, query=filters.query
    )
    rows = [(s, s.state_on(today)) for s in surveys]
    return render(
        request, "relocation/survey_list.html", {"rows": rows, "form": form, "page": page}
    )


@require("relocation.record_followup")
def survey_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The questions in the household's language or the one chosen on the page (the
    interviewer reads them out); the page around them and its messages in the interviewer's."""
    survey = followup_selectors.survey_get_for_user(user=request.user, pk=pk)
    if survey.status != SurveyStatus.DUE:
        return redirect("relocation:survey_correct", pk=survey.pk)
    language = questionnaire_language(request, survey.language)
    is_open = survey.is_open_on(timezone.localdate())
    recorded = False
    with translation.override(language):
        form = SurveyForm(request.POST or None)
        if is_open and request.method == "POST" and form.is_valid():
            try:
                followup.survey_record(actor=request.user, survey=survey, values=form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                recorded = True
    if recorded:
        messages.success(request, _("The survey is recorded."))
        return redirect("relocation:survey_list")
    return render(
        request,
        "relocation/survey_form.html",
        {
            "survey": survey,
            "form": form,
            "language": language,
            "languages": QuestionnaireLanguage.choices,
            "not_open": None if is_open else followup.survey_not_open_message(survey),
            "retention": settings.RETENTION_DAYS,
        },
    )


@require("relocation.record_followup")
def survey_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a recorded survey with a reason (kept with the values before and after)."""
    survey = followup_selectors.survey_get_for_user(user=request.user, pk=pk)
    if survey.status == SurveyStatus.DUE:
        return redirect("relocation:survey_record", pk=survey.pk)
    if not policies.survey_may_record(request.user, survey):
        raise PermissionDenied
    initial = {name: getattr(survey, name) for name in ("status", *followup.YES_NO)}
    initial.update({name: str(getattr(survey, name) or "") for name in followup.RATINGS})
    initial.update(completed_on=survey.completed_on, comment=survey.answers.get("comment", ""))
    form = SurveyCorrectForm(request.POST or None, initial=initial)
    if form_saved(
        request,
        form,
        lambda data: followup.survey_correct(
            actor=request.user,
            survey=survey,
            reason=data.pop("reason"),
            completed_on=data.pop("completed_on"),
            values=data,
        ),
        done=_("The survey is corrected."),
    ):
        return redirect("relocation:survey_list")
    return render(
        request,
        "relocation/survey_correct.html",
        {
            "survey": survey,
            "form": form,
            "corrections": survey_corrections(
                survey=survey,
                labels={name: field.label for name, field in form.fields.items()},
            ),
        },
    )


def _evaluation_rounds(request: AuthenticatedHttpRequest) -> Any:
    return round_selectors.rounds_for_user(user=request.user)


@require("relocation.view_evaluation")
def evaluation(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds_ = _evaluation_rounds(request)
    round_id = request.GET.get("round", "")
    selected: Round | None = None
    if round_id.isdigit():
        selected = round_selectors.round_get_for_user(user=request.user, pk=int(round_id))
    table = followup_selectors.rounds_evaluation(
        rounds=rounds_.filter(pk=selected.pk) if selected else rounds_
    )
    return render(
        request,
        "relocation/evaluation.html",
        {"table": table, "selected": selected, "rounds": rounds_},
    )


@require("relocation.view_evaluation")
def evaluation_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The researchers' export (rounds and format chosen on the page) in a zip encrypted with the
    password the user chooses, on its own expiring download page (docs/adr/0008)."""
    rounds_ = _evaluation_rounds(request)
    round_id = request.GET.get("round", "")
    initial = {"round": int(round_id)} if round_id.isdigit() else {}
    form = EvaluationExportForm(request.POST or None, rounds=rounds_, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["round"]
        try:
            export = followup.evaluation_export(
                actor=request.user,
                rounds=rounds_.filter(pk=chosen.pk) if chosen else rounds_,
                fmt=form.cleaned_data["format"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect(protected_export_url(export))
    return render(
        request,
        "relocation/evaluation_export.html",
        {"form": form, "PROTECTED_EXPORT_HOURS": settings.PROTECTED_EXPORT_HOURS},
    )
