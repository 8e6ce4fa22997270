"""Review before the proposals go out (coordinator): publish a run, change a proposal."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.core.errors import REFUSED, ServiceError

from ..selectors import decisions as decision_selectors
from ..selectors import runs as run_selectors
from ..services import review
from .runs import ReviewProposalOut, RunOut, review_proposal_out, run_out

router = Router()

MANAGE_ROUNDS = ApiPermission("relocation.manage_rounds")


class OverrideIn(Schema):
    municipality_id: int
    reason: str = Field(..., max_length=2000)
    # place the household there although it breaks a hard criterion or a capacity (logged)
    exception: bool = False


@router.post(
    "/runs/{run_id}/publish",
    response={200: RunOut, **REFUSED},
    auth=MANAGE_ROUNDS,
    tags=["runs"],
)
def run_publish(request: AuthenticatedHttpRequest, run_id: int) -> Any:
    run = run_selectors.run_get_for_user(user=request.user, pk=run_id)
    run = review.run_publish(actor=request.user, run=run)
    return run_out(run_selectors.run_get_for_user(user=request.user, pk=run.pk))


@router.post(
    "/proposals/{proposal_id}/override",
    response={200: ReviewProposalOut, **REFUSED},
    auth=MANAGE_ROUNDS,
    tags=["proposals"],
)
def proposal_override(
    request: AuthenticatedHttpRequest, proposal_id: int, payload: OverrideIn
) -> Any:
    """Send the household to another municipality of the round; a reason is required."""
    proposal = decision_selectors.proposal_for_coordinator(user=request.user, pk=proposal_id)
    municipality = Organisation.objects.filter(pk=payload.municipality_id).first()
    if municipality is None:
        raise ServiceError(
            {"municipality_id": [_("No such municipality.")]}, code="unknown_municipality"
        )
    p = review.proposal_override(
        actor=request.user,
        proposal=proposal,
        municipality=municipality,
        reason=payload.reason,
        exception=payload.exception,
    )
    return review_proposal_out(p)
