"""After both sides accepted: travel coordination (coordinator), arrival and registration
(municipal officer); recording the arrival schedules the follow-up surveys."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.corrections import correction_reason

from .. import notification_kinds as tell
from .. import policies
from ..models import (
    Arrival,
    FollowUpSurvey,
    FollowUpWave,
    HouseholdStatus,
    Proposal,
    ProposalReason,
    ProposalStatus,
    ReasonKind,
    RoundAction,
    SurveyStatus,
    Travel,
    TravelStatus,
)
from ..models.vocab import ConsentPurpose
from . import rounds as round_services
from . import states

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

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
def travel_save(*, actor: User, proposal: Proposal, values: dict[str, Any]) -> Travel:
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
    if Arrival.objects.filter(proposal=proposal).exists():
        raise ValidationError(
            _("The household has arrived: correct the arrival instead of the travel plan."),
            code="arrived",
        )
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
    tell.tell_travel_planned(actor=actor, travel=travel)
    return travel


def _arriving(actor: User, proposal: Proposal) -> Proposal:
    proposal = _accepted(proposal, RoundAction.TRAVEL)
    if not policies.arrival_may_record(actor, proposal):
        raise ValidationError(_("Only the receiving municipality records the arrival."))
    return proposal


@transaction.atomic
def arrival_record(
    *,
    actor: User,
    proposal: Proposal,
    arrived_on: dt.date,
    registered_on: dt.date | None = None,
    housing_ready: bool = False,
    notes: str = "",
) -> Arrival:
    """The municipality records arrival and registration; follow-up surveys at 1, 6 and 12
    months are scheduled in the household's language."""
    proposal = _arriving(actor, proposal)
    if Arrival.objects.filter(proposal=proposal).exists():
        raise ValidationError(
            _("The arrival is already recorded; correct it with a reason."), code="arrived"
        )
    _check_arrival_dates(proposal=proposal, arrived_on=arrived_on, registered_on=registered_on)
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
    asked = household.consents_to(ConsentPurpose.FOLLOW_UP)
    for wave in FollowUpWave.values if asked else ():  # no follow-up without its consent
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
    tell.tell_arrival_recorded(actor=actor, arrival=arrival)
    return arrival


ARRIVAL_FIELDS = ("arrived_on", "registered_on", "housing_ready", "notes")


@transaction.atomic
def arrival_correct(
    *,
    actor: User,
    proposal: Proposal,
    reason: str,
    arrived_on: dt.date,
    registered_on: dt.date | None = None,
    housing_ready: bool = False,
    notes: str = "",
) -> Arrival:
    """Correct a recorded arrival (the receiving municipality), with a reason kept with the
    correction (a ``ProposalReason``; the audit entry logs the old and new dates and refers
    to it); the follow-up surveys not yet held move with the arrival date."""
    proposal = _arriving(actor, proposal)
    arrival = Arrival.objects.select_for_update().filter(proposal=proposal).first()
    if arrival is None:
        raise ValidationError(_("No arrival is recorded yet."), code="not_arrived")
    reason = correction_reason(reason)
    _check_arrival_dates(proposal=proposal, arrived_on=arrived_on, registered_on=registered_on)
    values = {
        "arrived_on": arrived_on,
        "registered_on": registered_on,
        "housing_ready": housing_ready,
        "notes": notes,
    }
    changed = {k: v for k, v in values.items() if getattr(arrival, k) != v}
    if not changed:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    before = {k: _logged(getattr(arrival, k)) for k in changed}
    for name, value in changed.items():
        setattr(arrival, name, value)
    arrival.save(update_fields=list(changed))
    kept = ProposalReason.objects.create(
        proposal=proposal, kind=ReasonKind.ARRIVAL_CORRECTION, text=reason, given_by=actor
    )
    moved = 0
    if "arrived_on" in changed:
        for survey in FollowUpSurvey.objects.filter(
            household=proposal.household, status=SurveyStatus.DUE
        ):
            survey.due_on = add_months(arrived_on, survey.wave)
            survey.save(update_fields=["due_on", "updated_at"])
            moved += 1
    log_action(
        "relocation.arrival.corrected",
        actor=actor,
        obj=proposal,
        data={
            "reason_id": kept.pk,
            "from": before,
            "to": {k: _logged(v) for k, v in changed.items()},
            "surveys_rescheduled": moved,
        },
    )
    return arrival


def _logged(value: Any) -> Any:
    """A value as the audit trail keeps it (dates as ISO text; notes only as changed)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "…" if value else ""  # free text may name people: not in the audit trail
    return value


def _check_arrival_dates(
    *, proposal: Proposal, arrived_on: dt.date, registered_on: dt.date | None
) -> None:
    """An arrival lies neither in the future nor before the travel date; the registration
    neither in the future nor before the arrival."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if arrived_on > today:
        errors["arrived_on"] = _("The arrival cannot be in the future.")
    else:
        departure = (
            Travel.objects.filter(proposal=proposal).values_list("departure_on", flat=True).first()
        )
        if departure is not None and arrived_on < departure:
            errors["arrived_on"] = _(
                "The arrival cannot be before the travel date (%(date)s); if the household "
                "travelled earlier, the coordinator corrects the travel date first."
            ) % {"date": formats.date_format(departure, "SHORT_DATE_FORMAT")}
    if registered_on is not None:
        if registered_on > today:
            errors["registered_on"] = _("The registration cannot be in the future.")
        elif registered_on < arrived_on:
            errors["registered_on"] = _("Registration cannot be before arrival.")
    if errors:
        raise ValidationError(errors)


def travel_date_warning(travel: Travel) -> str | None:
    """A warning when a travel not yet under way is dated in the past (a typing error, or the
    plan is out of date), else None."""
    if (
        travel.departure_on is not None
        and travel.departure_on < timezone.localdate()
        and travel.status in (TravelStatus.PLANNED, TravelStatus.BOOKED)
    ):
        return _(
            "The travel date %(date)s lies in the past: check the date, or set the travel "
            "to “on the way”."
        ) % {"date": formats.date_format(travel.departure_on, "SHORT_DATE_FORMAT")}
    return None


__all__ = [
    "ARRIVAL_FIELDS",
    "add_months",
    "arrival_correct",
    "arrival_record",
    "travel_date_warning",
    "travel_save",
]
