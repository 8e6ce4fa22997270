"""Decisions on proposals: the municipal officer's and the household's (via its interviewer)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, request_has_perm, require
from passgenau.apps.core.pages import form_saved

from .. import policies
from ..forms.decisions import DecisionForm
from ..models import (
    DecisionSide,
    ProposalStatus,
    RoundAction,
)
from ..selectors import decisions as decision_selectors
from ..selectors import runs as run_selectors
from ..services import decisions


@require("relocation.view_proposals")
def proposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
            "is_officer": policies.acts_for_municipality(request.user),
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
            **decision_selectors.profile_labels(),
        },
    )
