"""Pages of the second half of a round: matching runs and their review (coordinator), decisions
on proposals (municipal officer, and the household's consent via its interviewer), travel and
arrival, follow-up surveys and the evaluation.

Views parse input, call one selector or service and render; objects come from access functions
(404 for what the user may not see); every page that shows households logs the read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from passgenau.apps.accounts.access import request_has_perm, require
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.accounts.roles import Role

from .forms import form_add_service_errors
from .models import (
    DecisionOutcome,
    DecisionSide,
    Mechanism,
    ProposalStatus,
    Round,
    RoundAction,
    RunStatus,
    SurveyStatus,
    TravelStatus,
    YesNo,
)
from .selectors import decisions as decision_selectors
from .selectors import evaluation as evaluation_selectors
from .selectors import rounds as round_selectors
from .selectors import runs as run_selectors
from .selectors import travel as travel_selectors
from .services import decisions, followup, review, runs, travel
from .vocab import CapacityDimension, HouseholdTrait, Need, Occupation, SpokenLanguage

# The engine's household groups for metrics (engine.matching.profiles.GROUPS), in words.
GROUP_LABELS: dict[str, object] = {
    "family_with_children": HouseholdTrait.FAMILY_WITH_CHILDREN.label,
    "single_adult": HouseholdTrait.SINGLE_ADULT.label,
    "seniors": CapacityDimension.SENIORS.label,
    "adults": CapacityDimension.ADULTS.label,
}

POLL_SECONDS = 3


def _relabel(explanation: dict[str, Any], labels: dict[str, str]) -> None:
    """Criterion labels in the reader's language (the stored explanation has English ones)."""
    for item in explanation.get("contributions", []):
        item["label"] = labels.get(item["criterion"], item["label"])
    for alternative in explanation.get("alternatives", []):
        for item in alternative.get("hard_criteria", []):
            item["label"] = labels.get(item["id"], item["label"])


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# -- forms ---------------------------------------------------------------------------------------


class RunStartForm(forms.Form):
    mechanism = forms.ChoiceField(label=gettext_lazy("Mechanism"), choices=Mechanism.choices)
    seed = forms.IntegerField(label=gettext_lazy("Seed"), min_value=0, initial=0)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=200, required=False)


class OverrideForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), widget=forms.Textarea)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (DecisionOutcome.ACCEPT, gettext_lazy("accept")),
            (DecisionOutcome.DECLINE, gettext_lazy("decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required when declining)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class TravelForm(forms.Form):
    departure_on = forms.DateField(
        label=gettext_lazy("Travel date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    route = forms.CharField(
        label=gettext_lazy("Route"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_at_arrival = forms.CharField(
        label=gettext_lazy("Contact person at arrival"), required=False, max_length=200
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Phone of the contact person"), required=False, max_length=50
    )
    meeting_point = forms.CharField(
        label=gettext_lazy("Meeting point"), required=False, max_length=200
    )
    information_for_municipality = forms.CharField(
        label=gettext_lazy("Information for the municipality before arrival"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[c for c in TravelStatus.choices if c[0] != TravelStatus.ARRIVED],
    )


class ArrivalForm(forms.Form):
    arrived_on = forms.DateField(
        label=gettext_lazy("Arrived on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    registered_on = forms.DateField(
        label=gettext_lazy("Registered on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    housing_ready = forms.BooleanField(label=gettext_lazy("Housing ready"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Survey"),
        choices=[c for c in SurveyStatus.choices if c[0] != SurveyStatus.DUE],
        initial=SurveyStatus.COMPLETED,
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with your new place? (1 = not at all, 5 = very)"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    good_decision = forms.ChoiceField(
        label=gettext_lazy("Taking part was a good decision (1 = not at all, 5 = completely)"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    place_fits = forms.ChoiceField(
        label=gettext_lazy("The place still fits us (1 = not at all, 5 = completely)"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    working = forms.ChoiceField(
        label=gettext_lazy("Is anyone in the household in work?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    children_in_school = forms.ChoiceField(
        label=gettext_lazy("Do the children go to school or kita?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    language_course = forms.ChoiceField(
        label=gettext_lazy("Is anyone attending a German course?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything else you would like to tell us?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# -- runs and review (coordinator) -----------------------------------------------------------


@require("relocation.manage_rounds")
def run_list(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    form = RunStartForm(request.POST or None, initial={"mechanism": round_.mechanism})
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.run_start(actor=request.user, round_=round_, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            return redirect("relocation:run_detail", pk=run.pk)
    run_rows = list(run_selectors.runs_of_round(round_=round_))
    return render(
        request,
        "relocation/run_list.html",
        {
            "round": round_,
            "runs": run_rows,
            "form": form,
            "can_start": round_.allows(RoundAction.START_RUN),
            "finished": [r for r in run_rows if r.status == RunStatus.SUCCEEDED],
        },
    )


@require("relocation.manage_rounds")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_selectors.run_get_for_user(user=request.user, pk=pk)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    proposals, total = run_selectors.run_proposals_page(user=request.user, run=run, page=page)
    per_page = run_selectors.PROPOSALS_PER_PAGE
    labels = run_selectors.criterion_labels((get_language() or "en")[:2])
    for proposal in proposals:
        _relabel(proposal.explanation, labels)
    running = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    response = render(
        request,
        "relocation/run_detail.html",
        {
            "run": run,
            "round": run.round,
            "running": running,
            "proposals": proposals,
            "total": total,
            "page": page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page * per_page < total else None,
            "load_rows": run_selectors.run_load_chart(run=run),
            "spread": sorted(run.metrics.get("spread", {}).items()),
            "groups": [
                (GROUP_LABELS.get(name, name), values)
                for name, values in sorted(run.metrics.get("groups", {}).items())
            ],
            "dimension_labels": dict(CapacityDimension.choices),
            "can_review": run.round.allows(RoundAction.REVIEW_PROPOSALS)
            and run.status == RunStatus.SUCCEEDED
            and run.published_at is None,
            "counts": run_selectors.run_decision_counts(run=run),
        },
    )
    if running:
        response["Refresh"] = str(POLL_SECONDS)  # the page follows the run's progress
    return response


@require("relocation.manage_rounds")
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_selectors.run_get_for_user(user=request.user, pk=pk, with_snapshot=True)
    if run.status != RunStatus.SUCCEEDED:
        raise Http404("run not finished")
    try:
        content = runs.run_export_zip(run=run)
    except ValidationError as error:
        _errors_to_messages(request, error)
        return redirect("relocation:run_detail", pk=run.pk)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="round-{run.round_id}-run-{run.number}-instance.zip"'
    )
    return response


@require("relocation.manage_rounds")
@require_http_methods(["GET", "POST"])
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing would send out, and a confirmation; POST: publish (cannot be undone:
    the municipalities see their proposals at once)."""
    run = run_selectors.run_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            review.run_publish(actor=request.user, run=run)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("The proposals are published."))
        return redirect("relocation:run_detail", pk=run.pk)
    reason = review.run_publish_problem(run=run)
    return render(
        request,
        "relocation/run_publish.html",
        {
            "run": run,
            "round": run.round,
            "reason": reason,
            "summary": run_selectors.run_publish_summary(run=run),
        },
    )


@require("relocation.manage_rounds")
@require_POST
def run_reproduce(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_selectors.run_get_for_user(user=request.user, pk=pk, with_snapshot=True)
    try:
        again = runs.run_reproduce(actor=request.user, run=run)
    except ValidationError as error:
        _errors_to_messages(request, error)
        return redirect("relocation:run_detail", pk=run.pk)
    return redirect("relocation:run_detail", pk=again.pk)


@require("relocation.manage_rounds")
def run_compare(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    try:
        first = run_selectors.run_get_for_user(user=request.user, pk=int(request.GET["a"]))
        second = run_selectors.run_get_for_user(user=request.user, pk=int(request.GET["b"]))
    except (KeyError, ValueError):
        raise Http404("choose two runs") from None
    if first.round_id != round_.pk or second.round_id != round_.pk:
        raise Http404("runs of another round")
    return render(
        request,
        "relocation/run_compare.html",
        {
            "round": round_,
            "first": first,
            "second": second,
            "rows": run_selectors.runs_compare(first=first, second=second),
        },
    )


@require("relocation.manage_rounds")
def proposal_override(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = decision_selectors.proposal_for_coordinator(user=request.user, pk=pk)
    form = OverrideForm(request.POST or None)
    form.fields["municipality"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
        relocation_profiles__round_id=proposal.run.round_id
    ).order_by("name")
    if request.method == "POST" and form.is_valid():
        try:
            review.proposal_override(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The proposal was changed."))
            return redirect("relocation:run_detail", pk=proposal.run_id)
    return render(
        request, "relocation/proposal_override.html", {"proposal": proposal, "form": form}
    )


# -- decisions (municipal officer; household consent via interviewer) ------------------------


@require("relocation.view_proposals")
def proposal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    proposals = decision_selectors.proposals_list_for_user(user=request.user, status=status)
    rows = [
        {
            "proposal": p,
            "profile": decision_selectors.pseudonymised_profile(p),
            "municipality_decision": decision_selectors.decision_of(p, DecisionSide.MUNICIPALITY),
            "household_decision": decision_selectors.decision_of(p, DecisionSide.HOUSEHOLD),
        }
        for p in proposals
    ]
    return render(
        request,
        "relocation/proposal_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": [c for c in ProposalStatus.choices if c[0] != ProposalStatus.DRAFT],
            "is_officer": request.user.role == Role.MUNICIPAL_OFFICER,
            "need_labels": dict(Need.choices),
            "language_labels": dict(SpokenLanguage.choices),
            "occupation_labels": dict(Occupation.choices),
        },
    )


@require("relocation.view_proposals")
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = decision_selectors.proposal_get_for_user(user=request.user, pk=pk)
    role = request.user.role
    my_side = None
    if request_has_perm(request, "relocation.decide_proposals"):
        my_side = DecisionSide.MUNICIPALITY
    elif request_has_perm(request, "relocation.record_household_consent"):
        my_side = DecisionSide.HOUSEHOLD
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and my_side is not None and form.is_valid():
        service = (
            decisions.proposal_decide_municipality
            if my_side == DecisionSide.MUNICIPALITY
            else decisions.proposal_decide_household
        )
        try:
            service(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("relocation:proposal_detail", pk=proposal.pk)
    labels = run_selectors.criterion_labels((get_language() or "en")[:2])
    _relabel(proposal.explanation, labels)
    decided = decision_selectors.decision_of(proposal, my_side) if my_side else None
    return render(
        request,
        "relocation/proposal_detail.html",
        {
            "proposal": proposal,
            "profile": decision_selectors.pseudonymised_profile(proposal),
            "contact": decision_selectors.proposal_contact_for_user(
                user=request.user, proposal=proposal
            ),
            "decisions": list(proposal.decisions.all()),
            "form": form,
            "can_decide": my_side is not None
            and decided is None
            and proposal.status == ProposalStatus.PUBLISHED
            and proposal.run.round.allows(RoundAction.DECIDE),
            "is_officer": role == Role.MUNICIPAL_OFFICER,
            "need_labels": dict(Need.choices),
            "language_labels": dict(SpokenLanguage.choices),
            "occupation_labels": dict(Occupation.choices),
        },
    )


# -- travel and arrival ------------------------------------------------------------------------


@require("relocation.manage_rounds")
def placement_list(request: HttpRequest) -> HttpResponse:
    placements = travel_selectors.placements_list_for_user(user=request.user)
    return render(request, "relocation/placement_list.html", {"placements": placements})


@require("relocation.manage_rounds")
def travel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = travel_selectors.placement_get_for_user(user=request.user, pk=pk)
    current = getattr(proposal, "travel_plan", None)
    initial = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in travel.TRAVEL_FIELDS}
    form = TravelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            travel.travel_save(actor=request.user, proposal=proposal, values=form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The travel plan is saved."))
            return redirect("relocation:placement_list")
    return render(request, "relocation/travel_form.html", {"proposal": proposal, "form": form})


@require("relocation.record_arrival")
def arrival_list(request: HttpRequest) -> HttpResponse:
    placements = travel_selectors.placements_list_for_user(user=request.user)
    upcoming = [p for p in placements if p.arrival_record is None]  # type: ignore[attr-defined]
    arrived = [p for p in placements if p.arrival_record is not None]  # type: ignore[attr-defined]
    return render(
        request,
        "relocation/arrival_list.html",
        {
            "upcoming": [
                {"proposal": p, "profile": decision_selectors.pseudonymised_profile(p)}
                for p in upcoming
            ],
            "arrived": arrived,
            "need_labels": dict(Need.choices),
            "language_labels": dict(SpokenLanguage.choices),
            "occupation_labels": dict(Occupation.choices),
        },
    )


@require("relocation.record_arrival")
def arrival_record(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = travel_selectors.placement_get_for_user(user=request.user, pk=pk)
    form = ArrivalForm(request.POST or None, initial={"arrived_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            travel.arrival_record(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The arrival is recorded."))
            return redirect("relocation:arrival_list")
    return render(request, "relocation/arrival_form.html", {"proposal": proposal, "form": form})


# -- follow-up surveys and evaluation ---------------------------------------------------------


@require("relocation.record_followup")
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = list(evaluation_selectors.surveys_for_user(user=request.user))
    return render(request, "relocation/survey_list.html", {"surveys": surveys})


@require("relocation.record_followup")
def survey_record(request: HttpRequest, pk: int) -> HttpResponse:
    survey = evaluation_selectors.survey_get_for_user(user=request.user, pk=pk)
    # The questions are shown in the household's language (the interviewer reads them out).
    recorded = False
    with translation.override(survey.language):
        form = SurveyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                followup.survey_record(actor=request.user, survey=survey, values=form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                recorded = True
        if not recorded:
            return render(request, "relocation/survey_form.html", {"survey": survey, "form": form})
    messages.success(request, _("The survey is recorded."))
    return redirect("relocation:survey_list")


def _evaluation_rounds(request: HttpRequest) -> Any:
    return round_selectors.rounds_for_user(user=request.user)


@require("relocation.view_evaluation")
def evaluation(request: HttpRequest) -> HttpResponse:
    rounds_ = _evaluation_rounds(request)
    round_id = request.GET.get("round", "")
    selected: Round | None = None
    if round_id.isdigit():
        selected = round_selectors.round_get_for_user(user=request.user, pk=int(round_id))
    table = evaluation_selectors.rounds_evaluation(
        rounds=rounds_.filter(pk=selected.pk) if selected else rounds_
    )
    return render(
        request,
        "relocation/evaluation.html",
        {"table": table, "selected": selected, "rounds": rounds_},
    )


@require("relocation.view_evaluation")
def evaluation_export(request: HttpRequest, fmt: str) -> HttpResponse:
    rounds_ = _evaluation_rounds(request)
    round_id = request.GET.get("round", "")
    if round_id.isdigit():
        rounds_ = rounds_.filter(pk=int(round_id))
    rows = evaluation_selectors.evaluation_rows(user=request.user, rounds=rounds_)
    if fmt == "csv":
        response = HttpResponse(
            evaluation_selectors.evaluation_csv(rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            evaluation_selectors.evaluation_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("unknown format")
    response["Content-Disposition"] = f'attachment; filename="follow-up-surveys.{fmt}"'
    return response


__all__ = [
    "arrival_list",
    "arrival_record",
    "evaluation",
    "evaluation_export",
    "placement_list",
    "proposal_detail",
    "proposal_list",
    "proposal_override",
    "run_compare",
    "run_detail",
    "run_export",
    "run_list",
    "run_publish",
    "run_reproduce",
    "survey_list",
    "survey_record",
    "travel_edit",
]
