"""A municipality's own relocation work as a table to keep or pass on: the proposals addressed
to it and the placements coming to it. Pseudonymous codes, figures and dates only — no names,
contact data or needs (the pages show those to whom they may)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_read

from ..models import DecisionSide, Proposal
from .decisions import decision_of, proposals_for_user
from .travel import placements_for_user, with_travel_and_arrival

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def _log(user: Visitor, proposals: list[Proposal], what: str, fmt: str) -> None:
    log_read(
        actor=user, objects=[p.household for p in proposals], data={"export": what, "format": fmt}
    )


def proposal_table(*, user: Visitor, fmt: str) -> list[list[Any]]:
    """The user's proposals (as the proposals page scopes them), a header row first; logged."""
    proposals = list(proposals_for_user(user=user))
    rows: list[list[Any]] = [
        [
            _("Household"),
            _("Round"),
            _("Status"),
            _("Decisions due"),
            _("Persons"),
            _("Municipality's decision"),
            _("Decided on"),
        ]
    ]
    for proposal in proposals:
        ours = decision_of(proposal, DecisionSide.MUNICIPALITY)
        rows.append(
            [
                proposal.household.reference,
                proposal.run.round.name,
                proposal.get_status_display(),
                proposal.run.round.decisions_due or "",
                len(proposal.household.members.all()),
                ours.get_outcome_display() if ours else "",
                timezone.localdate(ours.decided_at) if ours else "",
            ]
        )
    _log(user, proposals, "proposals", fmt)
    return rows


def arrival_table(*, user: Visitor, fmt: str) -> list[list[Any]]:
    """The user's accepted placements with travel and arrival, a header row first; logged."""
    placements = with_travel_and_arrival(placements_for_user(user=user))
    rows: list[list[Any]] = [
        [
            _("Household"),
            _("Round"),
            _("Persons"),
            _("Travel date"),
            _("Travel status"),
            _("Arrived on"),
            _("Registered on"),
            _("Housing ready"),
        ]
    ]
    for placement in placements:
        # travel_plan, arrival_record: attached by with_travel_and_arrival
        travel = placement.travel_plan  # type: ignore[attr-defined]
        arrival = placement.arrival_record  # type: ignore[attr-defined]
        rows.append(
            [
                placement.household.reference,
                placement.run.round.name,
                len(placement.household.members.all()),
                (travel.departure_on or "") if travel else "",
                travel.get_status_display() if travel else "",
                arrival.arrived_on if arrival else "",
                (arrival.registered_on or "") if arrival else "",
                (_("yes") if arrival.housing_ready else _("no")) if arrival else "",
            ]
        )
    _log(user, placements, "arrivals", fmt)
    return rows
