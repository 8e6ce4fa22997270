"""Matching runs of a round (coordinator): start, follow, export, reproduce, compare."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.core.forms import ProtectedExportForm
from passgenau.apps.core.protected_exports import protected_export_url
from passgenau.apps.listing import list_page

from .. import policies
from ..forms.lists import ListFilterForm
from ..forms.runs import RunStartForm
from ..models import (
    Household,
    HouseholdStatus,
    ProposalStatus,
    RoundAction,
    RunStatus,
)
from ..models.vocab import (
    CapacityDimension,
    HouseholdTrait,
)
from ..selectors import intake as intake_selectors
from ..selectors import rounds as round_selectors
from ..selectors import runs as run_selectors
from ..services import runs
from ..services.review import REMEASURING
from .common import errors_to_messages

# The engine's household groups for metrics (engine.matching.profiles.GROUPS), in words.
GROUP_LABELS: dict[str, object] = {
    "family_with_children": HouseholdTrait.FAMILY_WITH_CHILDREN.label,
    "single_adult": HouseholdTrait.SINGLE_ADULT.label,
    "seniors": CapacityDimension.SENIORS.label,
    "adults": CapacityDimension.ADULTS.label,
}

POLL_SECONDS = 3


@require("relocation.manage_rounds")
def run_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    form = RunStartForm(
        request.POST or None, initial={"mechanism": round_.mechanism}, round_=round_
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.run_start(actor=request.user, round_=round_, **form.cleaned_data)
        except ValidationError as error:
            errors_to_messages(request, error)
        else:
            return redirect("relocation:run_detail", pk=run.pk)
    run_rows = list(run_selectors.runs_of_round(round_=round_))
    unfinished: list[Household] = []
    if form.intake_open:  # what the start would freeze, shown before the coordinator confirms
        unfinished = intake_selectors.households_log_read(
            user=request.user,
            households=intake_selectors.households_search(
                user=request.user, round_=round_, status=HouseholdStatus.REGISTERED
            ),
        )
    return render(
        request,
        "relocation/run_list.html",
        {
            "round": round_,
            "runs": run_rows,
            "form": form,
            "unfinished": unfinished,
            "can_start": round_.allows(RoundAction.START_RUN),
            "finished": [r for r in run_rows if r.status == RunStatus.SUCCEEDED],
        },
    )


@require("relocation.manage_rounds")
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_selectors.run_get_for_user(user=request.user, pk=pk)
    form = ListFilterForm(
        request.GET or None,
        statuses=ProposalStatus.choices,
        municipalities=Organisation.objects.filter(
            relocation_profiles__round_id=run.round_id
        ).order_by("name"),
        names_searchable=policies.household_names_searchable(request.user),
    )
    filters = form.filters()
    page = list_page(
        request,
        run_selectors.run_proposals_search(user=request.user, run=run, filters=filters),
        per_page=run_selectors.PROPOSALS_PER_PAGE,
    )
    proposals = run_selectors.run_proposals_log_read(
        user=request.user, run=run, proposals=page.object_list, query=filters.query
    )
    labels = run_selectors.criterion_labels((get_language() or "en")[:2])
    for proposal in proposals:
        run_selectors.explanation_relabel(proposal.explanation, labels)
    running = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    remeasuring = bool(run.result.get(REMEASURING))
    response = render(
        request,
        "relocation/run_detail.html",
        {
            "run": run,
            "round": run.round,
            "running": running,
            "remeasuring": remeasuring,
            "proposals": proposals,
            "form": form,
            "page": page,
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
            "failure": run_selectors.run_failure_lines(run=run),
        },
    )
    if running or remeasuring:
        response["Refresh"] = str(POLL_SECONDS)  # the page follows the run's progress
    return response


@require("relocation.manage_rounds")
def run_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The run's plain instance (health needs of its households included) in a zip encrypted with
    the password the coordinator chooses, on its own expiring download page (docs/adr/0008)."""
    run = run_selectors.run_get_for_user(user=request.user, pk=pk, with_snapshot=True)
    if run.status != RunStatus.SUCCEEDED:
        raise Http404("run not finished")
    form = ProtectedExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = runs.run_export_download(
                actor=request.user, run=run, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            errors_to_messages(request, error)
            return redirect("relocation:run_detail", pk=run.pk)
        return redirect(protected_export_url(export))
    return render(
        request,
        "relocation/run_export.html",
        {"run": run, "form": form, "PROTECTED_EXPORT_HOURS": settings.PROTECTED_EXPORT_HOURS},
    )


@require("relocation.manage_rounds")
@require_POST
def run_reproduce(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_selectors.run_get_for_user(user=request.user, pk=pk, with_snapshot=True)
    try:
        again = runs.run_reproduce(actor=request.user, run=run)
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect("relocation:run_detail", pk=run.pk)
    return redirect("relocation:run_detail", pk=again.pk)


@require("relocation.manage_rounds")
def run_compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
