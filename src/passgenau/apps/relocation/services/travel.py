"""After both sides accepted: travel coordination (coordinator), arrival and registration
(municipal officer); recording the arrival schedules the follow-up surveys."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action

from .. import policies
from ..models import (
    Arrival,
    FollowUpSurvey,
    FollowUpWave,
    HouseholdStatus,
    Proposal,
    ProposalStatus,
    RoundAction,
    Travel,
    TravelStatus,
)
from . import rounds as round_services
from . import states

TRAVEL_FIELDS = (
    "departure_on",
    "route",
    "contact_at_arrival",
    "contact_phone",
    "meeting_point",
    "information_for_municipality",
    "status",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _accepted(proposal: Proposal, action: str) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("run__round", "household")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ValidationError(
            _("Only placements accepted by both sides can be prepared."), code="proposal_state"
        )
    round_services.round_require(round_=proposal.run.round, action=action)
    return proposal


@transaction.atomic
def travel_save(*, actor: Any, proposal: Proposal, values: dict[str, Any]) -> Travel:
    """Create or change the travel plan of an accepted placement (coordinators)."""
    proposal = _accepted(proposal, RoundAction.TRAVEL)
    if not policies.travel_may_plan(actor, proposal):
        raise ValidationError(_("Only the round's coordinators plan travel."))
    status = values.get("status") or TravelStatus.PLANNED
    if status not in TravelStatus.values:
        raise ValidationError({"status": _("Unknown travel status.")})
    if status == TravelStatus.ARRIVED:
        raise ValidationError({"status": _("The municipality records the arrival.")})
    if status in (TravelStatus.BOOKED, TravelStatus.UNDERWAY) and not values.get("departure_on"):
        raise ValidationError({"departure_on": _("Give the travel date.")})
    travel = Travel.objects.filter(proposal=proposal).first() or Travel(proposal=proposal)
    for name in TRAVEL_FIELDS:
        if name in values:
            setattr(travel, name, values[name] if values[name] is not None else "")
    travel.status = status
    travel.updated_by = actor
    if travel.departure_on == "":
        travel.departure_on = None
    travel.save()
    household = proposal.household
    if status in (TravelStatus.BOOKED, TravelStatus.UNDERWAY):
        states.status_change(actor=actor, obj=household, to_status=HouseholdStatus.TRAVELLING)
    elif status in (TravelStatus.PLANNED, TravelStatus.CANCELLED):
        states.status_change(actor=actor, obj=household, to_status=HouseholdStatus.PLACED)
    log_action(
        "relocation.travel.saved",
        actor=actor,
        obj=proposal,
        data={"status": status, "departure_on": str(travel.departure_on or "")},
    )
    return travel


@transaction.atomic
def arrival_record(
    *,
    actor: Any,
    proposal: Proposal,
    arrived_on: dt.date,
    registered_on: dt.date | None = None,
    housing_ready: bool = False,
    notes: str = "",
) -> Arrival:
    """The municipality records arrival and registration; follow-up surveys at 1, 6 and 12
    months are scheduled in the household's language."""
    proposal = _accepted(proposal, RoundAction.TRAVEL)
    if not policies.arrival_may_record(actor, proposal):
        raise ValidationError(_("Only the receiving municipality records the arrival."))
    if registered_on is not None and registered_on < arrived_on:
        raise ValidationError({"registered_on": _("Registration cannot be before arrival.")})
    if Arrival.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("The arrival is already recorded."), code="arrived")
    arrival = Arrival.objects.create(
        proposal=proposal,
        arrived_on=arrived_on,
        registered_on=registered_on,
        housing_ready=housing_ready,
        notes=notes,
        recorded_by=actor,
    )
    Travel.objects.filter(proposal=proposal).update(status=TravelStatus.ARRIVED)
    household = proposal.household
    states.status_change(actor=actor, obj=household, to_status=HouseholdStatus.ARRIVED)
    for wave in FollowUpWave.values:
        FollowUpSurvey.objects.get_or_create(
            household=household,
            wave=wave,
            defaults={"due_on": add_months(arrived_on, wave), "language": household.language},
        )
    log_action(
        "relocation.arrival.recorded",
        actor=actor,
        obj=proposal,
        data={"arrived_on": arrived_on.isoformat(), "registered": registered_on is not None},
    )
    return arrival


__all__ = ["add_months", "arrival_record", "travel_save"]
