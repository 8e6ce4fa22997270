"""Review before the proposals go out (coordinator): publish a run, change a proposal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission
from passgenau.apps.accounts.models import Organisation

from ..selectors import decisions as decision_selectors
from ..selectors import runs as run_selectors
from ..services import review
from .common import ErrorOut, service_error
from .runs import ReviewProposalOut, RunOut, review_proposal_out, run_out

router = Router()

MANAGE_ROUNDS = ApiPermission("relocation.manage_rounds")


class OverrideIn(Schema):
    municipality_id: int
    reason: str = Field(..., max_length=2000)


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
        return service_error(error)
    return run_out(run_selectors.run_get_for_user(user=request.user, pk=run.pk))


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
        return service_error(error)
    return review_proposal_out(p)
