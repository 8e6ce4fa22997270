"""Matching runs of a round and their proposals (coordinator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED
from passgenau.apps.core.input_problems import ProblemOut, problem_out, stored_problems

from ..models import (
    MatchingRun,
    Mechanism,
    Proposal,
)
from ..selectors import rounds as round_selectors
from ..selectors import runs as run_selectors
from ..services import runs

router = Router(tags=["runs"])

MANAGE_ROUNDS = ApiPermission("relocation.manage_rounds")


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
    error: str  # technical, for the log
    problems: list[ProblemOut]  # why the run failed, in the caller's language


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


def review_proposal_out(p: Proposal) -> ReviewProposalOut:
    return ReviewProposalOut(
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


def run_out(run: MatchingRun) -> RunOut:
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
        problems=[problem_out(p) for p in stored_problems(run.error_problems)],
    )


@router.get("/rounds/{round_id}/runs", response=list[RunOut], auth=MANAGE_ROUNDS)
def run_list(request: AuthenticatedHttpRequest, round_id: int) -> list[RunOut]:
    """The matching runs of a round the caller coordinates, newest first."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    return [run_out(r) for r in run_selectors.runs_of_round(round_=round_)]


@router.post(
    "/rounds/{round_id}/runs",
    response={201: RunOut, **REFUSED},
    auth=MANAGE_ROUNDS,
)
def run_start(request: AuthenticatedHttpRequest, round_id: int, payload: RunIn) -> Any:
    """Start a matching run (executed by the task queue; poll the run for its progress)."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    run = runs.run_start(
        actor=request.user,
        round_=round_,
        mechanism=payload.mechanism,
        seed=payload.seed,
        label=payload.label,
    )
    return Status(201, run_out(run))


@router.get("/runs/{run_id}", response=RunOut, auth=MANAGE_ROUNDS)
def run_detail(request: AuthenticatedHttpRequest, run_id: int) -> RunOut:
    return run_out(run_selectors.run_get_for_user(user=request.user, pk=run_id))


@router.get(
    "/runs/{run_id}/proposals",
    response=list[ReviewProposalOut],
    auth=MANAGE_ROUNDS,
)
def run_proposals(
    request: AuthenticatedHttpRequest, run_id: int, page: int = 1
) -> list[ReviewProposalOut]:
    """One page (100) of a run's proposals with their explanations; the read is logged."""
    run = run_selectors.run_get_for_user(user=request.user, pk=run_id)
    shown, _total = run_selectors.run_proposals_page(
        user=request.user, run=run, page=max(1, min(page, 10**6))
    )
    return [review_proposal_out(p) for p in shown]
