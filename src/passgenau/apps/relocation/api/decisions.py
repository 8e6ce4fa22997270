"""Proposals and the decisions on them (municipal officer; the household via its interviewer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED
from passgenau.apps.listing import SEARCH_MAX_LENGTH

from ..models import (
    Proposal,
)
from ..selectors import decisions as decision_selectors
from ..services import decisions

router = Router(tags=["proposals"])

VIEW_PROPOSALS = ApiPermission("relocation.view_proposals")
DECIDE_PROPOSALS = ApiPermission("relocation.decide_proposals")
RECORD_CONSENT = ApiPermission("relocation.record_household_consent")


class MemberOut(Schema):
    age_band: str
    relation: str


class HouseholdProfileOut(Schema):
    """The pseudonymised household profile shown with a proposal."""

    reference: str
    persons: int
    members: list[MemberOut]
    needs: list[str]
    languages: list[str]
    german_level: str
    occupations: list[str]
    qualifications: str


class ProposalContactOut(Schema):
    """The household's contact, for the municipality once both sides accepted."""

    contact_name: str
    member_names: str
    phone: str
    email: str


class DecisionOut(Schema):
    side: str
    outcome: str
    reason: str
    decided_at: dt.datetime


class ProposalOut(Schema):
    id: int
    round_id: int
    municipality: str
    status: str
    profile: HouseholdProfileOut
    explanation: dict[str, Any]
    decisions: list[DecisionOut]
    contact: ProposalContactOut | None = None


class DecisionIn(Schema):
    outcome: str = Field(..., pattern="^(accept|decline)$")
    reason: str = Field("", max_length=2000)


def _proposal_out(request: AuthenticatedHttpRequest, proposal: Proposal) -> ProposalOut:
    profile = decision_selectors.pseudonymised_profile(proposal)
    contact = decision_selectors.proposal_contact_for_user(user=request.user, proposal=proposal)
    return ProposalOut(
        id=proposal.pk,
        round_id=proposal.run.round_id,
        municipality=proposal.municipality.name,
        status=proposal.status,
        profile=HouseholdProfileOut(
            **profile | {"members": [MemberOut(**m) for m in profile["members"]]}
        ),
        explanation=proposal.explanation,
        decisions=[
            DecisionOut(side=d.side, outcome=d.outcome, reason=d.reason, decided_at=d.decided_at)
            for d in proposal.decisions.all()
        ],
        contact=None
        if contact is None
        else ProposalContactOut(
            contact_name=contact.contact_name,
            member_names=contact.member_names,
            phone=contact.phone,
            email=contact.email,
        ),
    )


@router.get("/proposals", response=list[ProposalOut], auth=VIEW_PROPOSALS)
def proposal_list(
    request: AuthenticatedHttpRequest, status: str = "", round_id: int | None = None, q: str = ""
) -> list[ProposalOut]:
    """Proposals addressed to the caller's municipality (officers) or for the caller's
    organisation's households (interviewers); pseudonymised; ``q`` finds them by the
    household's code (and, for interviewers, its names), as the proposals page does; the read
    is logged."""
    shown = decision_selectors.proposals_list_for_user(
        user=request.user, status=status[:20], round_id=round_id, query=q[:SEARCH_MAX_LENGTH]
    )
    return [_proposal_out(request, p) for p in shown]


@router.get("/proposals/{proposal_id}", response=ProposalOut, auth=VIEW_PROPOSALS)
def proposal_detail(request: AuthenticatedHttpRequest, proposal_id: int) -> ProposalOut:
    """One proposal; names and contact only for the municipality once both sides accepted."""
    return _proposal_out(
        request, decision_selectors.proposal_get_for_user(user=request.user, pk=proposal_id)
    )


def _decide(
    request: AuthenticatedHttpRequest, proposal_id: int, payload: DecisionIn, service: Any
) -> Any:
    proposal = decision_selectors.proposal_get_for_user(user=request.user, pk=proposal_id)
    service(actor=request.user, proposal=proposal, outcome=payload.outcome, reason=payload.reason)
    fresh = decision_selectors.proposal_get_for_user(user=request.user, pk=proposal_id, log=False)
    return _proposal_out(request, fresh)


@router.post(
    "/proposals/{proposal_id}/decision",
    response={200: ProposalOut, **REFUSED},
    auth=DECIDE_PROPOSALS,
)
def proposal_decide(
    request: AuthenticatedHttpRequest, proposal_id: int, payload: DecisionIn
) -> Any:
    """The municipality confirms (never beyond a capacity: 409) or declines with a reason."""
    return _decide(request, proposal_id, payload, decisions.proposal_decide_municipality)


@router.post(
    "/proposals/{proposal_id}/consent",
    response={200: ProposalOut, **REFUSED},
    auth=RECORD_CONSENT,
)
def proposal_consent(
    request: AuthenticatedHttpRequest, proposal_id: int, payload: DecisionIn
) -> Any:
    """The household's answer to its proposal, recorded by its interviewer."""
    return _decide(request, proposal_id, payload, decisions.proposal_decide_household)
