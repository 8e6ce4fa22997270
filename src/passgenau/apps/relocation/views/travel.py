"""Travel (coordinator) and arrival (municipal officer) of placed households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from .. import policies
from ..forms.lists import ListFilterForm
from ..forms.travel import ArrivalCorrectForm, ArrivalForm, TravelForm
from ..models import Proposal
from ..selectors import decisions as decision_selectors
from ..selectors import rounds as round_selectors
from ..selectors import travel as travel_selectors
from ..selectors.lists import municipalities_of
from ..services import travel


def _placements_page(
    request: AuthenticatedHttpRequest, *, statuses: list[tuple[str, Any]], by_municipality: bool
) -> tuple[ListFilterForm, Page, list[Proposal]]:
    """The filter bar, the page and its placements (travel and arrival attached, logged)."""
    form = ListFilterForm(
        request.GET or None,
        statuses=statuses,
        rounds=round_selectors.rounds_for_user(user=request.user),
        municipalities=municipalities_of(travel_selectors.placements_for_user(user=request.user))
        if by_municipality
        else None,
        names_searchable=policies.household_names_searchable(request.user),
    )
    filters = form.filters()
    page = list_page(
        request, travel_selectors.placements_search(user=request.user, filters=filters)
    )
    shown = travel_selectors.placements_shown(
        user=request.user, placements=page.object_list, query=filters.query
    )
    return form, page, shown


@require("relocation.manage_rounds")
def placement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, page, placements = _placements_page(
        request, statuses=travel_selectors.placement_states(), by_municipality=True
    )
    return render(
        request,
        "relocation/placement_list.html",
        {"form": form, "page": page, "placements": placements},
    )


@require("relocation.manage_rounds")
def travel_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = travel_selectors.placement_get_for_user(user=request.user, pk=pk)
    current = getattr(proposal, "travel_plan", None)
    initial = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in travel.TRAVEL_FIELDS}
    form = TravelForm(request.POST or None, initial=initial)
    saved = form_saved(
        request,
        form,
        lambda data: travel.travel_save(actor=request.user, proposal=proposal, values=data),
        done=_("The travel plan is saved."),
    )
    if saved is not None:
        warning = travel.travel_date_warning(saved)
        if warning:
            messages.warning(request, warning)
        return redirect("relocation:placement_list")
    return render(request, "relocation/travel_form.html", {"proposal": proposal, "form": form})


@require("relocation.record_arrival")
def arrival_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, page, placements = _placements_page(
        request, statuses=travel_selectors.arrival_states(), by_municipality=False
    )
    # arrival_record: attached by the selector to these rows, not a field of the model
    upcoming = [p for p in placements if p.arrival_record is None]  # type: ignore[attr-defined]
    arrived = [p for p in placements if p.arrival_record is not None]  # type: ignore[attr-defined]
    contacts = decision_selectors.contacts_for_user(
        user=request.user, proposals=upcoming, data={"page": "arrivals"}
    )
    return render(
        request,
        "relocation/arrival_list.html",
        {
            "upcoming": [
                {
                    "proposal": p,
                    "profile": decision_selectors.pseudonymised_profile(p),
                    "contact": contacts.get(p.pk),
                }
                for p in upcoming
            ],
            "arrived": arrived,
            "form": form,
            "page": page,
            **decision_selectors.profile_labels(),
        },
    )


@require("relocation.record_arrival")
def arrival_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = travel_selectors.placement_get_for_user(user=request.user, pk=pk)
    # arrival_record: attached by the selector to these rows, not a field of the model
    if proposal.arrival_record is not None:  # type: ignore[attr-defined]
        return redirect("relocation:arrival_correct", pk=proposal.pk)
    form = ArrivalForm(request.POST or None, initial={"arrived_on": dt.date.today()})
    if form_saved(
        request,
        form,
        lambda data: travel.arrival_record(actor=request.user, proposal=proposal, **data),
        done=_("The arrival is recorded."),
    ):
        return redirect("relocation:arrival_list")
    return render(request, "relocation/arrival_form.html", {"proposal": proposal, "form": form})


@require("relocation.record_arrival")
def arrival_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a recorded arrival with a reason (logged; the surveys move with the date)."""
    proposal = travel_selectors.placement_get_for_user(user=request.user, pk=pk)
    # arrival_record: attached by the selector to these rows, not a field of the model
    recorded = proposal.arrival_record  # type: ignore[attr-defined]
    if recorded is None:
        return redirect("relocation:arrival_record", pk=proposal.pk)
    initial = {name: getattr(recorded, name) for name in travel.ARRIVAL_FIELDS}
    form = ArrivalCorrectForm(request.POST or None, initial=initial)
    if form_saved(
        request,
        form,
        lambda data: travel.arrival_correct(actor=request.user, proposal=proposal, **data),
        done=_("The arrival is corrected."),
    ):
        return redirect("relocation:arrival_list")
    return render(
        request,
        "relocation/arrival_form.html",
        {"proposal": proposal, "form": form, "correcting": True, "recorded": recorded},
    )
