"""Language mediation: the pool of mediators, a case's request for one at an appointment, the
run through the engine (``mediation-v1.yaml``) when many requests meet few mediators, the
mediator's confirmation (the assignment) and its hours, which are specialist hours of the case
(an ``HourEntry`` of the activity "language mediation" that names the assignment; corrected only
by new entries with a reason, as every hour entry).

A mediator is one engine site per ISO week of the waiting appointments (:func:`mediator_sites`):
its capacity is the appointments it takes that week less those it holds, and one appointment at
each half-day of the week it is free at and not yet booked then (capacity dimensions
``slot:mon_am`` …, which each appointment uses one of at its time); an appointment may go only
to the sites of its own week (its ``time:`` tag). The engine so keeps both limits itself, and the
run's proposals are the best the catalogue allows within them. Changes are audited with
pseudonymous ids only (the mediator's and the case's references, request and proposal numbers);
the request's note never enters a run, the audit trail or what the mediator is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.engine.matching.profiles import HouseholdProfile, Member, SiteProfile

from .. import policies
from ..models import (
    MEDIATION_REQUEST_TRANSITIONS,
    MEDIATOR_PROPOSAL_TRANSITIONS,
    SLOTS,
    Activity,
    AppointmentArea,
    Case,
    ConsentPurpose,
    District,
    EngineRun,
    FundingContract,
    Language,
    MediationRequest,
    MediationRequestStatus,
    Mediator,
    MediatorProposal,
    Programme,
    ProposalStatus,
)
from ..models.mediation import MAX_HOURS_A_WEEK, WEEKDAYS
from ..wording import MINUTES
from . import matching as shared
from .cases import CasesError, Logged, _needs_consent, hours_log
from .matching import MatchingArea, Site

MAX_CAPACITY = 20
HOLDING = (ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED)
EARLIEST, LATEST = dt.time(6, 0), dt.time(22, 0)


def _choices(values: Iterable[str], allowed: Iterable[str], empty: str) -> list[str]:
    chosen = sorted(set(values))
    if set(chosen) - set(allowed):
        raise CasesError(_("Unknown value among the choices."))
    if not chosen and empty:
        raise CasesError(empty)
    return chosen


def _periods(periods: Iterable[tuple[dt.date, dt.date]]) -> list[list[str]]:
    out = []
    for first, last in periods:
        if last < first:
            raise CasesError(_("A date range ends on or after its first day."))
        out.append([first.isoformat(), last.isoformat()])
    return sorted(out)


def _own_districts(organisation_id: int, districts: Iterable[District]) -> list[District]:
    chosen = list(districts)
    if any(d.organisation_id != organisation_id for d in chosen):
        raise CasesError(_("Choose districts of your own organisation."))
    return chosen


# --------------------------------------------------------------------------------------------
# Mediators
# --------------------------------------------------------------------------------------------


def _mediator_fields(organisation_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    name = str(fields["name"]).strip()
    if not name:
        raise CasesError(_("Give the mediator's name."))
    if not 1 <= fields["capacity"] <= MAX_CAPACITY:
        raise CasesError(_("A mediator takes 1 to 20 appointments a week."))
    hours = fields.get("hours_a_week")
    if hours is not None and not 1 <= hours <= MAX_HOURS_A_WEEK:
        raise CasesError(_("A mediator's hours a week are 1 to 60, or none."))
    values = {
        "name": name,
        "languages": _choices(
            fields["languages"], Language.values, _("Choose at least one language.")
        ),
        "areas": _choices(
            fields["areas"], AppointmentArea.values, _("Choose at least one area of work.")
        ),
        "slots": _choices(fields.get("slots", ()), SLOTS, ""),
        "periods": _periods(fields.get("periods", ())),
        "capacity": fields["capacity"],
        "hours_a_week": hours,
        "active": bool(fields.get("active", True)),
    }
    if not values["slots"] and not values["periods"]:
        raise CasesError(_("Say when the mediator is free: weekly times or date ranges."))
    return values


@transaction.atomic
def mediator_create(*, actor: User, districts: Iterable[District] = (), **fields: Any) -> Mediator:
    """A mediator of the pool: languages, areas of work, districts, when free, capacity."""
    organisation_id = MEDIATION.organisation(actor)
    chosen = _own_districts(organisation_id, districts)
    mediator = Mediator.objects.create(
        organisation_id=organisation_id, **_mediator_fields(organisation_id, fields)
    )
    mediator.districts.set(chosen)
    log_action("cases.mediator.created", actor=actor, obj=mediator)
    return mediator


@transaction.atomic
def mediator_update(
    *, actor: User, mediator: Mediator, districts: Iterable[District] = (), **fields: Any
) -> Mediator:
    """Change a mediator; what was booked stays booked."""
    organisation_id = MEDIATION.organisation(actor)
    mediator = Mediator.objects.select_for_update().get(
        pk=mediator.pk, organisation_id=organisation_id
    )
    chosen = _own_districts(organisation_id, districts)
    for name, value in _mediator_fields(organisation_id, fields).items():
        setattr(mediator, name, value)
    mediator.save()
    mediator.districts.set(chosen)
    log_action("cases.mediator.updated", actor=actor, obj=mediator)
    return mediator


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


@transaction.atomic
def mediation_request_create(
    *,
    actor: User,
    case: Case,
    area: str,
    language: str,
    on: dt.date,
    starts_at: dt.time,
    minutes: int,
    place: str,
    district: District | None = None,
    note: str = "",
) -> MediationRequest:
    """The case needs a mediator at an appointment (as many requests as appointments). The
    note on what it is about may be health data: recorded only with the consent for it."""
    organisation_id, case = shared.area_request_case(MEDIATION, actor, case)
    if area not in AppointmentArea.values:
        raise CasesError(_("Choose the kind of appointment."))
    if language not in Language.values:
        raise CasesError(_("Choose the language needed."))
    if on < timezone.localdate():
        raise CasesError(_("The appointment cannot be in the past."))
    if not EARLIEST <= starts_at <= LATEST:
        raise CasesError(_("An appointment starts between 6:00 and 22:00."))
    if not 15 <= minutes <= 480:
        raise CasesError(_("An appointment lasts 15 to 480 minutes."))
    place = place.strip()
    if not place:
        raise CasesError(_("Say where the appointment is."))
    if district is not None:
        _own_districts(organisation_id, [district])
    note = note.strip()
    if note:  # what a doctor's or any appointment is about is special-category data (Art. 9)
        _needs_consent(case, ConsentPurpose.HEALTH)
    request = MediationRequest.objects.create(
        case=case,
        area=area,
        language=language,
        on=on,
        starts_at=starts_at,
        minutes=minutes,
        place=place,
        district=district,
        note=note,
        created_by=actor,
    )
    log_action(
        "cases.mediationrequest.created", actor=actor, obj=case, data={"request": request.pk}
    )
    return request


@transaction.atomic
def mediation_request_withdraw(*, actor: User, request: MediationRequest) -> MediationRequest:
    """The appointment is cancelled: an open proposal is declined, a booked mediator freed."""
    locked: MediationRequest = shared.area_locked_request(MEDIATION, actor, request)
    for booked in MediatorProposal.objects.select_for_update().filter(
        request=locked, status=ProposalStatus.CONFIRMED
    ):
        shared.area_transition(MEDIATION, actor, booked, ProposalStatus.ENDED)
    withdrawn: MediationRequest = shared.area_request_withdraw(MEDIATION, actor, locked)
    return withdrawn


# --------------------------------------------------------------------------------------------
# Engine profiles and the run
# --------------------------------------------------------------------------------------------


def slot_dimension(day: dt.date, part: str) -> str:
    """The capacity dimension of a half-day of the week (``slot:mon_am``): a mediator's site
    gives one of each half-day it is free at, an appointment uses the one of its time."""
    return f"slot:{WEEKDAYS[day.weekday()]}_{part}"


def request_profile(request: MediationRequest) -> HouseholdProfile:
    """The appointment as the engine sees it: one unit of a mediator's week, one of the
    half-day it falls on and its expected minutes (``week:minutes``), with the tags of
    ``mediation-v1.yaml`` (language, area, time, district, case). No note, no name."""
    needs = {
        f"lang:{request.language}",
        f"area:{request.area}",
        f"time:{request.time_tag}",
        f"case:{request.case_id}",
    }
    if request.district_id is not None:
        needs.add(f"district:{request.district_id}")
    return HouseholdProfile(
        id=f"A{request.pk}",
        members=(Member("30-44", "adult"),),
        needs=frozenset(needs),
        uses={slot_dimension(request.on, request.part): 1, MINUTES: request.minutes},
    )


def week_of(day: dt.date) -> str:
    """The ISO week of ``day`` as a site names it (``2026-W50``)."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def mediator_profile(
    mediator: Mediator,
    week: str,
    free: Iterable[tuple[dt.date, str]],
    room: int,
    cases: Iterable[int],
    minutes: int | None = None,
) -> SiteProfile:
    """The mediator in the ISO ``week`` as the engine sees it: ``room`` appointments left that
    week (``households``), one appointment at each half-day ``free`` (free and not yet booked,
    ``slot:…``; none at the others), ``minutes`` left that week where it has hours a week at
    most (``week:minutes``; no limit where None), the times as ``time:`` tags."""
    free = sorted(set(free))
    services = {f"lang:{code}" for code in mediator.languages}
    services |= {f"area:{name}" for name in mediator.areas}
    services |= {f"district:{d.pk}" for d in mediator.districts.all()}
    services |= {f"case:{case_id}" for case_id in cases}
    services |= {f"time:{day.isoformat()}_{part}" for day, part in free}
    capacity = {f"slot:{slot}": 0 for slot in SLOTS}
    capacity |= {slot_dimension(day, part): 1 for day, part in free}
    if minutes is not None:
        capacity[MINUTES] = minutes
    return SiteProfile(
        id=f"S{mediator.pk}@{week}",
        name=mediator.reference,
        capacity={"households": room, **capacity},
        services=frozenset(services),
    )


def _holding(mediators: list[Mediator]) -> list[MediatorProposal]:
    return list(
        MediatorProposal.objects.filter(mediator__in=mediators, status__in=HOLDING).select_related(
            "request"
        )
    )


def mediator_sites(organisation_id: int, requests: list[MediationRequest]) -> list[Site]:
    """One site per active mediator and ISO week of a waiting appointment in which it has room
    left (its appointments a week less those it holds, booked or proposed; and its hours a week,
    where set, less their expected minutes), with the half-days of the week's waiting
    appointments at which it is free and not yet booked or proposed."""
    times: dict[str, set[tuple[dt.date, str]]] = {}
    for r in requests:
        times.setdefault(week_of(r.on), set()).add((r.on, r.part))
    mediators = list(
        Mediator.objects.select_for_update(of=("self",))
        .filter(organisation_id=organisation_id, active=True)
        .prefetch_related("districts")
        .order_by("id")
    )
    busy: set[tuple[int, str]] = set()
    weekly: dict[tuple[int, str], int] = {}
    minutes: dict[tuple[int, str], int] = {}
    for held in _holding(mediators):
        busy.add((held.mediator_id, held.request.time_tag))
        key = (held.mediator_id, week_of(held.request.on))
        weekly[key] = weekly.get(key, 0) + 1
        minutes[key] = minutes.get(key, 0) + held.request.minutes
    worked = MediatorProposal.objects.filter(
        mediator__in=mediators, status__in=[ProposalStatus.CONFIRMED, ProposalStatus.ENDED]
    ).values_list("mediator_id", "request__case_id")
    cases: dict[int, set[int]] = {}
    for mediator_id, case_id in worked:
        cases.setdefault(mediator_id, set()).add(case_id)
    sites = []
    for mediator in mediators:
        for week in sorted(times):
            room = mediator.capacity - weekly.get((mediator.pk, week), 0)
            left = None
            if mediator.hours_a_week is not None:
                left = max(mediator.hours_a_week * 60 - minutes.get((mediator.pk, week), 0), 0)
            free = [
                (day, part)
                for day, part in times[week]
                if mediator.free_at(day, part)
                and (mediator.pk, f"{day.isoformat()}_{part}") not in busy
            ]
            if room > 0 and free and left != 0:
                worked_for = sorted(cases.get(mediator.pk, ()))
                profile = mediator_profile(mediator, week, free, room, worked_for, left)
                sites.append(Site(mediator, profile))
    return sites


MEDIATION = MatchingArea(
    programme=Programme.MEDIATION,
    request_model=MediationRequest,
    place_model=Mediator,
    proposal_model=MediatorProposal,
    place_field="mediator",
    request_prefix="A",
    request_transitions=MEDIATION_REQUEST_TRANSITIONS,
    proposal_transitions=MEDIATOR_PROPOSAL_TRANSITIONS,
    live_statuses=(),
    may_manage=policies.may_manage_mediation,
    scope=policies.mediation_scope,
    request_profile=request_profile,
    sites=mediator_sites,
    already_live=gettext_lazy("This case already has a request for this appointment."),
    waiting_order=("on", "starts_at", "id"),
)


@transaction.atomic
def mediation_run(*, actor: User) -> EngineRun:
    """Propose mediators for the waiting appointments under the mediation catalogue's hard
    criteria (one appointment at a time, the language needed, the area, free at the time)."""
    return shared.area_run(MEDIATION, actor)


# --------------------------------------------------------------------------------------------
# Confirmation, decline, hours
# --------------------------------------------------------------------------------------------


@transaction.atomic
def mediator_proposal_confirm(*, actor: User, proposal: MediatorProposal) -> MediatorProposal:
    """The mediator confirmed the appointment: it is booked (the assignment)."""
    proposal = shared.area_locked_proposal(MEDIATION, actor, proposal)
    mediator = Mediator.objects.select_for_update().get(pk=proposal.mediator_id)
    request = proposal.request
    clash = MediatorProposal.objects.filter(
        ~Q(pk=proposal.pk),
        mediator=mediator,
        status=ProposalStatus.CONFIRMED,
        request__on=request.on,
    )
    if any(other.request.part == request.part for other in clash.select_related("request")):
        raise CasesError(_("The mediator is already booked at this time."))
    locked = shared.area_proposal_settle(MEDIATION, actor, proposal, ProposalStatus.CONFIRMED)
    shared.area_transition(MEDIATION, actor, locked, MediationRequestStatus.BOOKED)
    return proposal


@transaction.atomic
def mediator_proposal_decline(*, actor: User, proposal: MediatorProposal) -> MediatorProposal:
    """The mediator cannot come: the appointment waits again (this mediator is not proposed
    for it again)."""
    declined: MediatorProposal = shared.area_proposal_decline(MEDIATION, actor, proposal)
    return declined


@transaction.atomic
def assignment_hours_log(
    *, actor: User, assignment: MediatorProposal, contract: FundingContract, hours: Decimal
) -> Logged:
    """The hours of a booked assignment, on the appointment's day, as specialist hours of the
    case (activity "language mediation"); the appointment took place. Further entries and
    corrections are hour entries as any other."""
    assignment = shared.area_locked_proposal(MEDIATION, actor, assignment)
    if assignment.status != ProposalStatus.CONFIRMED:
        raise CasesError(_("Hours are recorded for booked appointments."))
    request = MediationRequest.objects.select_for_update().get(pk=assignment.request_id)
    logged = hours_log(
        actor=actor,
        case=request.case,
        contract=contract,
        on=request.on,
        activity=Activity.MEDIATION,
        hours=hours,
        assignment=assignment,
    )
    if request.status == MediationRequestStatus.BOOKED:
        shared.area_transition(MEDIATION, actor, request, MediationRequestStatus.DONE)
    return logged


def mediation_erase(*, case: Case) -> int:
    """Erase the case's mediation requests with their proposals, and take their profiles out
    of the runs; the hour entries stay (for the statements) without the link."""
    return shared.area_erase(MEDIATION, case)


__all__ = [
    "MEDIATION",
    "assignment_hours_log",
    "mediation_erase",
    "mediation_request_create",
    "mediation_request_withdraw",
    "mediation_run",
    "mediator_create",
    "mediator_profile",
    "mediator_proposal_confirm",
    "mediator_proposal_decline",
    "mediator_sites",
    "mediator_update",
    "request_profile",
    "slot_dimension",
    "week_of",
]
