"""Decisions on proposals: the municipal officer's and the household's (via its interviewer);
the coordinator's overview of a round's decisions, and a decision received by phone or letter."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, request_has_perm, require
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from .. import policies
from ..forms.decisions import DecisionCorrectForm, DecisionForm, ReceivedDecisionForm
from ..forms.lists import ListFilterForm
from ..models import (
    DecisionSide,
    DecisionSource,
    ProposalStatus,
    RoundAction,
)
from ..selectors import decisions as decision_selectors
from ..selectors import rounds as round_selectors
from ..selectors import runs as run_selectors
from ..selectors.corrections import decision_corrections
from ..selectors.lists import municipalities_of
from ..services import decisions


def _statuses_sent_out() -> list[tuple[str, Any]]:
    return [c for c in ProposalStatus.choices if c[0] != ProposalStatus.DRAFT]


@require("relocation.view_proposals")
def proposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    is_officer = policies.acts_for_municipality(request.user)
    form = ListFilterForm(
        request.GET or None,
        statuses=_statuses_sent_out(),
        rounds=round_selectors.rounds_for_user(user=request.user),
        municipalities=None
        if is_officer
        else municipalities_of(decision_selectors.proposals_for_user(user=request.user)),
        names_searchable=policies.household_names_searchable(request.user),
    )
    filters = form.filters()
    proposals = decision_selectors.proposals_search(user=request.user, filters=filters)
    page = list_page(request, proposals)
    shown = decision_selectors.proposals_log_read(
        user=request.user, proposals=page.object_list, query=filters.query
    )
    rows = [
        {
            "proposal": p,
            "profile": decision_selectors.pseudonymised_profile(p),
            "municipality_decision": decision_selectors.decision_of(p, DecisionSide.MUNICIPALITY),
            "household_decision": decision_selectors.decision_of(p, DecisionSide.HOUSEHOLD),
        }
        for p in shown
    ]
    return render(
        request,
        "relocation/proposal_list.html",
        {
            "rows": rows,
            "form": form,
            "page": page,
            "is_officer": is_officer,
            **decision_selectors.profile_labels(),
        },
    )


@require("relocation.view_proposals")
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = decision_selectors.proposal_get_for_user(user=request.user, pk=pk)
    my_side = None
    if request_has_perm(request, "relocation.decide_proposals"):
        my_side = DecisionSide.MUNICIPALITY
    elif request_has_perm(request, "relocation.record_household_consent"):
        my_side = DecisionSide.HOUSEHOLD
    form = DecisionForm(request.POST or None)
    decide = (
        decisions.proposal_decide_municipality
        if my_side == DecisionSide.MUNICIPALITY
        else decisions.proposal_decide_household
    )
    decision = (
        form_saved(
            request,
            form,
            lambda data: decide(actor=request.user, proposal=proposal, **data),
            done=_("The decision is recorded."),
        )
        if my_side is not None
        else None
    )
    if decision is not None:
        return redirect("relocation:proposal_detail", pk=proposal.pk)
    labels = run_selectors.criterion_labels((get_language() or "en")[:2])
    run_selectors.explanation_relabel(proposal.explanation, labels)
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
            "is_officer": policies.acts_for_municipality(request.user),
            "can_correct": decided is not None
            and my_side == DecisionSide.MUNICIPALITY
            and policies.decision_may_correct(request.user, proposal),
            "corrections": decision_corrections(proposal=proposal),
            **decision_selectors.profile_labels(),
        },
    )


@require("relocation.record_received_decisions")
def round_decisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every decision on the round's proposals with its reason and how it came (coordinator)."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    form = ListFilterForm(
        request.GET or None,
        statuses=_statuses_sent_out(),
        municipalities=Organisation.objects.filter(
            relocation_profiles__round_id=round_.pk
        ).order_by("name"),
        names_searchable=policies.household_names_searchable(request.user),
    )
    filters = form.filters()
    proposals = decision_selectors.round_decisions_for_coordinator(
        user=request.user,
        round_id=round_.pk,
        filters=filters,
    )
    page = list_page(request, proposals)
    shown = list(page.object_list)
    decision_selectors.log_decisions_shown(user=request.user, proposals=shown, query=filters.query)
    may_record = round_.allows(RoundAction.DECIDE)
    rows = []
    for p in shown:
        by_municipality = decision_selectors.decision_of(p, DecisionSide.MUNICIPALITY)
        rows.append(
            {
                "proposal": p,
                "municipality_decision": by_municipality,
                "household_decision": decision_selectors.decision_of(p, DecisionSide.HOUSEHOLD),
                "may_record": may_record
                and by_municipality is None
                and p.status == ProposalStatus.PUBLISHED,
                "may_correct": may_record and by_municipality is not None,
            }
        )
    return render(
        request,
        "relocation/round_decisions.html",
        {
            "round": round_,
            "rows": rows,
            "page": page,
            "form": form,
        },
    )


@require("relocation.record_received_decisions")
def decision_received(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the municipality's decision that reached the coordinator by phone, letter, …"""
    proposal = decision_selectors.proposal_for_coordinator(user=request.user, pk=pk)
    if not policies.proposal_may_record_received_decision(request.user, proposal):
        raise Http404("not a proposal of a round the user coordinates")
    form = ReceivedDecisionForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda data: decisions.proposal_record_received_decision(
            actor=request.user, proposal=proposal, **data
        ),
        done=_("The municipality's decision is recorded, with how it was received."),
    ):
        return redirect("relocation:round_decisions", pk=proposal.run.round_id)
    return render(
        request,
        "relocation/decision_received.html",
        {
            "proposal": proposal,
            "profile": decision_selectors.pseudonymised_profile(proposal),
            "form": form,
            "decided": decision_selectors.decision_of(proposal, DecisionSide.MUNICIPALITY),
            "open": proposal.status == ProposalStatus.PUBLISHED
            and proposal.run.round.allows(RoundAction.DECIDE),
            **decision_selectors.profile_labels(),
        },
    )


def _decision_correct_page(
    request: AuthenticatedHttpRequest, proposal: Any, back: str
) -> HttpResponse:
    decided = decision_selectors.decision_of(proposal, DecisionSide.MUNICIPALITY)
    if decided is None or not policies.decision_may_correct(request.user, proposal):
        raise Http404("no decision of the municipality to correct")
    received = decided.source != DecisionSource.APPLICATION
    initial: dict[str, Any] = {"outcome": decided.outcome, "decline_reason": decided.reason}
    if received:
        initial.update(source=decided.source, received_on=decided.received_on)
    form = DecisionCorrectForm(request.POST or None, initial=initial, received=received)
    if form_saved(
        request,
        form,
        lambda data: decisions.decision_correct(actor=request.user, proposal=proposal, **data),
        done=_("The municipality's decision is corrected."),
    ):
        return redirect(back)
    return render(
        request,
        "relocation/decision_correct.html",
        {
            "proposal": proposal,
            "decided": decided,
            "form": form,
            "back": back,
            "corrections": decision_corrections(proposal=proposal),
        },
    )


@require("relocation.decide_proposals")
def decision_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The officer corrects the municipality's decision recorded in error, with a reason."""
    proposal = decision_selectors.proposal_get_for_user(user=request.user, pk=pk)
    back = reverse("relocation:proposal_detail", kwargs={"pk": proposal.pk})
    return _decision_correct_page(request, proposal, back)


@require("relocation.record_received_decisions")
def decision_received_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator corrects the municipality's decision recorded in error, with a reason."""
    proposal = decision_selectors.proposal_for_coordinator(user=request.user, pk=pk)
    back = reverse("relocation:round_decisions", kwargs={"pk": proposal.run.round_id})
    return _decision_correct_page(request, proposal, back)
