"""JSON API of matching runs and proposals, on the relocation router (same access rules as the
pages: coordinators run and publish; officers and interviewers see the proposals addressed to
them, pseudonymised; officers decide, interviewers record the household's answer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Schema, Status

from passgenau.apps.accounts.access import ApiPermission
from passgenau.apps.accounts.models import Organisation

from .api import ErrorOut, _error, router
from .models import MatchingRun, Mechanism, Proposal
from .selectors import decisions as decision_selectors
from .selectors import rounds as round_selectors
from .selectors import runs as run_selectors
from .services import decisions, review, runs

MANAGE_ROUNDS = ApiPermission("relocation.manage_rounds")
VIEW_PROPOSALS = ApiPermission("relocation.view_proposals")
DECIDE_PROPOSALS = ApiPermission("relocation.decide_proposals")
RECORD_CONSENT = ApiPermission("relocation.record_household_consent")


class RunOut(Schema):
    id: int
    round_id: int
    number: int
    label: str
    mechanism: str
    seed: int
    criteria_version: str
    status: str
    progress: int
    progress_message: str
    input_hash: str
    based_on: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    published_at: dt.datetime | None
    result: dict[str, Any]
    metrics: dict[str, Any]
    error: str


class RunIn(Schema):
    mechanism: Mechanism | None = None
    seed: int = Field(0, ge=0, le=2**31 - 1)
    label: str = Field("", max_length=200)


class ReviewProposalOut(Schema):
    id: int
    household_id: int
    household_reference: str
    municipality_id: int
    municipality: str
    score: float | None
    status: str
    overridden: bool
    override_reason: str
    explanation: dict[str, Any]


class OverrideIn(Schema):
    municipality_id: int
    reason: str = Field(..., max_length=2000)


class MemberOut(Schema):
    age_band: str
    relation: str


class ProfileOut(Schema):
    reference: str
    persons: int
    members: list[MemberOut]
    needs: list[str]
    languages: list[str]
    german_level: str
    occupations: list[str]
    qualifications: str


class ContactOut(Schema):
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
    profile: ProfileOut
    explanation: dict[str, Any]
    decisions: list[DecisionOut]
    contact: ContactOut | None = None


class DecisionIn(Schema):
    outcome: str = Field(..., pattern="^(accept|decline)$")
    reason: str = Field("", max_length=2000)


def _run_out(run: MatchingRun) -> RunOut:
    return RunOut(
        id=run.pk,
        round_id=run.round_id,
        number=run.number,
        label=run.label,
        mechanism=run.mechanism,
        seed=run.seed,
        criteria_version=run.criteria_version,
        status=run.status,
        progress=run.progress,
        progress_message=run.progress_message,
        input_hash=run.input_hash,
        based_on=run.based_on_id,
        created_at=run.created_at,
        finished_at=run.finished_at,
        published_at=run.published_at,
        result={k: v for k, v in run.result.items() if k != "unplaced"},
        metrics={k: v for k, v in run.metrics.items() if k not in ("load", "groups")},
        error=run.error,
    )


def _proposal_out(request: HttpRequest, proposal: Proposal) -> ProposalOut:
    profile = decision_selectors.pseudonymised_profile(proposal)
    contact = decision_selectors.proposal_contact_for_user(user=request.user, proposal=proposal)
    return ProposalOut(
        id=proposal.pk,
        round_id=proposal.run.round_id,
        municipality=proposal.municipality.name,
        status=proposal.status,
        profile=ProfileOut(**profile | {"members": [MemberOut(**m) for m in profile["members"]]}),
        explanation=proposal.explanation,
        decisions=[
            DecisionOut(side=d.side, outcome=d.outcome, reason=d.reason, decided_at=d.decided_at)
            for d in proposal.decisions.all()
        ],
        contact=None
        if contact is None
        else ContactOut(
            contact_name=contact.contact_name,
            member_names=contact.member_names,
            phone=contact.phone,
            email=contact.email,
        ),
    )


@router.get("/rounds/{round_id}/runs", response=list[RunOut], auth=MANAGE_ROUNDS, tags=["runs"])
def run_list(request: HttpRequest, round_id: int) -> list[RunOut]:
    """The matching runs of a round the caller coordinates, newest first."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    return [_run_out(r) for r in run_selectors.runs_of_round(round_=round_)]


@router.post(
    "/rounds/{round_id}/runs",
    response={201: RunOut, 409: ErrorOut, 422: ErrorOut},
    auth=MANAGE_ROUNDS,
    tags=["runs"],
)
def run_start(request: HttpRequest, round_id: int, payload: RunIn) -> Any:
    """Start a matching run (executed by the task queue; poll the run for its progress)."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    try:
        run = runs.run_start(
            actor=request.user,
            round_=round_,
            mechanism=payload.mechanism,
            seed=payload.seed,
            label=payload.label,
        )
    except ValidationError as error:
        return _error(error)
    return Status(201, _run_out(run))


@router.get("/runs/{run_id}", response=RunOut, auth=MANAGE_ROUNDS, tags=["runs"])
def run_detail(request: HttpRequest, run_id: int) -> RunOut:
    return _run_out(run_selectors.run_get_for_user(user=request.user, pk=run_id))


@router.get(
    "/runs/{run_id}/proposals",
    response=list[ReviewProposalOut],
    auth=MANAGE_ROUNDS,
    tags=["runs"],
)
def run_proposals(request: HttpRequest, run_id: int, page: int = 1) -> list[ReviewProposalOut]:
    """One page (100) of a run's proposals with their explanations; the read is logged."""
    run = run_selectors.run_get_for_user(user=request.user, pk=run_id)
    shown, _total = run_selectors.run_proposals_page(
        user=request.user, run=run, page=max(1, min(page, 10**6))
    )
    return [
        ReviewProposalOut(
            id=p.pk,
            household_id=p.household_id,
            household_reference=p.household.reference,
            municipality_id=p.municipality_id,
            municipality=p.municipality.name,
            score=p.score,
            status=p.status,
            overridden=p.overridden,
            override_reason=p.override_reason,
            explanation=p.explanation,
        )
        for p in shown
    ]


@router.post(
    "/runs/{run_id}/publish",
    response={200: RunOut, 409: ErrorOut, 422: ErrorOut},
    auth=MANAGE_ROUNDS,
    tags=["runs"],
)
def run_publish(request: HttpRequest, run_id: int) -> Any:
    run = run_selectors.run_get_for_user(user=request.user, pk=run_id)
    try:
        run = review.run_publish(actor=request.user, run=run)
    except ValidationError as error:
        return _error(error)
    return _run_out(run_selectors.run_get_for_user(user=request.user, pk=run.pk))


@router.post(
    "/proposals/{proposal_id}/override",
    response={200: ReviewProposalOut, 409: ErrorOut, 422: ErrorOut},
    auth=MANAGE_ROUNDS,
    tags=["proposals"],
)
def proposal_override(request: HttpRequest, proposal_id: int, payload: OverrideIn) -> Any:
    """Send the household to another municipality of the round; a reason is required."""
    proposal = decision_selectors.proposal_for_coordinator(user=request.user, pk=proposal_id)
    municipality = Organisation.objects.filter(pk=payload.municipality_id).first()
    if municipality is None:
        return Status(422, ErrorOut(detail="no such municipality"))
    try:
        p = review.proposal_override(
            actor=request.user, proposal=proposal, municipality=municipality, reason=payload.reason
        )
    except ValidationError as error:
        return _error(error)
    return ReviewProposalOut(
        id=p.pk,
        household_id=p.household_id,
        household_reference=p.household.reference,
        municipality_id=p.municipality_id,
        municipality=municipality.name,
        score=p.score,
        status=p.status,
        overridden=p.overridden,
        override_reason=p.override_reason,
        explanation=p.explanation,
    )


@router.get("/proposals", response=list[ProposalOut], auth=VIEW_PROPOSALS, tags=["proposals"])
def proposal_list(request: HttpRequest, status: str = "") -> list[ProposalOut]:
    """Proposals addressed to the caller's municipality (officers) or for the caller's
    organisation's households (interviewers); pseudonymised; the read is logged."""
    shown = decision_selectors.proposals_list_for_user(user=request.user, status=status[:20])
    return [_proposal_out(request, p) for p in shown]


@router.get(
    "/proposals/{proposal_id}", response=ProposalOut, auth=VIEW_PROPOSALS, tags=["proposals"]
)
def proposal_detail(request: HttpRequest, proposal_id: int) -> ProposalOut:
    """One proposal; names and contact only for the municipality once both sides accepted."""
    return _proposal_out(
        request, decision_selectors.proposal_get_for_user(user=request.user, pk=proposal_id)
    )


def _decide(request: HttpRequest, proposal_id: int, payload: DecisionIn, service: Any) -> Any:
    proposal = decision_selectors.proposal_get_for_user(user=request.user, pk=proposal_id)
    try:
        service(
            actor=request.user, proposal=proposal, outcome=payload.outcome, reason=payload.reason
        )
    except decisions.CapacityExceeded as error:
        return Status(409, ErrorOut(detail=" ".join(error.messages)))
    except ValidationError as error:
        return _error(error)
    fresh = decision_selectors.proposal_get_for_user(user=request.user, pk=proposal_id, log=False)
    return _proposal_out(request, fresh)


@router.post(
    "/proposals/{proposal_id}/decision",
    response={200: ProposalOut, 409: ErrorOut, 422: ErrorOut},
    auth=DECIDE_PROPOSALS,
    tags=["proposals"],
)
def proposal_decide(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> Any:
    """The municipality confirms (never beyond a capacity: 409) or declines with a reason."""
    return _decide(request, proposal_id, payload, decisions.proposal_decide_municipality)


@router.post(
    "/proposals/{proposal_id}/consent",
    response={200: ProposalOut, 409: ErrorOut, 422: ErrorOut},
    auth=RECORD_CONSENT,
    tags=["proposals"],
)
def proposal_consent(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> Any:
    """The household's answer to its proposal, recorded by its interviewer."""
    return _decide(request, proposal_id, payload, decisions.proposal_decide_household)
