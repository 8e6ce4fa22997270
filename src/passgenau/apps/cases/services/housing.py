"""The housing transition: districts and flats, housing requests of cases, the allocation run
through the engine (``housing-v1.yaml``), a caseworker's confirmation and the move.

A run takes every waiting request of the organisation's open cases and every available flat
without an open proposal, turns them into engine profiles (:func:`request_profile`,
:func:`flat_profile`), and proposes flats; a (request, flat) pair declined before is not proposed
again. Status changes go through ``transition`` and its tables; every change is audited with
pseudonymous ids only (request, flat and run numbers, the case's reference).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.models import Organisation, User
from passgenau.apps.audit.services import log_action
from passgenau.engine.matching.profiles import HouseholdProfile, Member, SiteProfile

from .. import policies
from ..models import (
    FLAT_PROPOSAL_TRANSITIONS,
    FLAT_TRANSITIONS,
    HOUSING_REQUEST_TRANSITIONS,
    LIVE_HOUSING_STATUSES,
    Case,
    ConsentPurpose,
    District,
    EngineRun,
    Flat,
    FlatFeature,
    FlatProposal,
    FlatStatus,
    FlatWithdrawal,
    HousingRequest,
    HousingRequestStatus,
    Programme,
    ProposalStatus,
)
from ..notification_kinds import flat_offered_notify
from . import matching as shared
from .cases import CasesError, _needs_consent, _not_in_future, _require, transition
from .matching import MatchingArea, Site

if TYPE_CHECKING:
    pass

MAX_PERSONS = 20
# The age band and role each count of a request stands for in the engine's profile.
MEMBER_OF: dict[str, tuple[str, str]] = {
    "adults": ("30-44", "adult"),
    "seniors": ("65-74", "senior"),
    "school_children": ("10-17", "child"),
    "kita_children": ("3-5", "child"),
}
NEARBY = ("school_nearby", "kita_nearby", "doctor_nearby")


def _own_district(organisation_id: int, districts: Iterable[District]) -> None:
    if any(d.organisation_id != organisation_id for d in districts):
        raise CasesError(_("Choose districts of your own organisation."))


def _features(features: Iterable[str]) -> list[str]:
    chosen = sorted(set(features))
    if set(chosen) - set(FlatFeature.values):
        raise CasesError(_("Unknown feature of a flat."))
    return chosen


# --------------------------------------------------------------------------------------------
# Districts and flats
# --------------------------------------------------------------------------------------------


@transaction.atomic
def district_create(*, actor: User, name: str, latitude: float, longitude: float) -> District:
    organisation_id = HOUSING.organisation(actor)
    name = name.strip()
    if not name:
        raise CasesError(_("Name the district."))
    if District.objects.filter(organisation_id=organisation_id, name__iexact=name).exists():
        raise CasesError(_("This district is already there."))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise CasesError(_("The centre must be a latitude and longitude in degrees."))
    district = District.objects.create(
        organisation_id=organisation_id, name=name, latitude=latitude, longitude=longitude
    )
    log_action("cases.district.created", actor=actor, obj=district)
    return district


def _flat_fields(organisation_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    district: District = fields["district"]
    _own_district(organisation_id, [district])
    if not isinstance(fields["provider"], Organisation):
        raise CasesError(_("Choose the housing provider."))
    if not 1 <= fields["rooms"] <= 12:
        raise CasesError(_("A flat has 1 to 12 rooms."))
    if not 1 <= fields["max_persons"] <= MAX_PERSONS:
        raise CasesError(_("A flat is let to 1 to 20 persons."))
    address = str(fields["address"]).strip()
    if not address:
        raise CasesError(_("Give the flat's address."))
    return {**fields, "address": address, "features": _features(fields.get("features", []))}


@transaction.atomic
def flat_create(*, actor: User, **fields: Any) -> Flat:
    """A flat offered by ``provider``: address, district, rooms, persons at most, barrier-free,
    what is nearby, features and the date from which it can be let."""
    organisation_id = HOUSING.organisation(actor)
    flat = Flat.objects.create(
        organisation_id=organisation_id, **_flat_fields(organisation_id, fields)
    )
    log_action("cases.flat.created", actor=actor, obj=flat)
    return flat


def _flat_changed(actor: User, flat: Flat, values: dict[str, Any]) -> Flat:
    """The locked ``flat`` with ``values``, unless it is proposed, allocated or let (what was
    proposed stays true)."""
    if (
        flat.status not in (FlatStatus.AVAILABLE, FlatStatus.WITHDRAWN)
        or flat.proposals.filter(status=ProposalStatus.PROPOSED).exists()
    ):
        raise CasesError(_("A flat that is proposed, allocated or let cannot be changed."))
    for name, value in values.items():
        setattr(flat, name, value)
    flat.save()
    log_action("cases.flat.updated", actor=actor, obj=flat)
    return flat


@transaction.atomic
def flat_update(*, actor: User, flat: Flat, **fields: Any) -> Flat:
    """Change a flat that is not proposed, allocated or let."""
    organisation_id = HOUSING.organisation(actor)
    flat = Flat.objects.select_for_update().get(pk=flat.pk, organisation_id=organisation_id)
    return _flat_changed(actor, flat, _flat_fields(organisation_id, fields))


def _offered_fields(actor: User, fields: dict[str, Any]) -> dict[str, Any]:
    """A housing provider's flat: its own organisation the provider, kept (allocated) by the
    organisation whose district it chose."""
    _require(policies.may_offer_flats(user=actor))
    district: District = fields["district"]
    keeper = district.organisation_id
    values = _flat_fields(keeper, {**fields, "provider": actor.organisation})
    return {**values, "organisation_id": keeper}


@transaction.atomic
def offered_flat_create(*, actor: User, **fields: Any) -> Flat:
    """A housing provider offers one of its flats for the housing transition (the fields of
    :func:`flat_create` without ``provider``); the caseworkers of the district's organisation
    allocate it, and are notified (``cases.flat_offered``)."""
    flat = Flat.objects.create(**_offered_fields(actor, fields))
    log_action("cases.flat.offered", actor=actor, obj=flat)
    flat_offered_notify(flat, actor=actor)
    return flat


@transaction.atomic
def offered_flat_update(*, actor: User, flat: Flat, **fields: Any) -> Flat:
    """A housing provider changes one of its flats that is not proposed, allocated or let."""
    values = _offered_fields(actor, fields)
    locked = Flat.objects.select_for_update().filter(pk=flat.pk, provider_id=actor.organisation_id)
    found = locked.first()
    _require(found is not None)
    assert found is not None
    return _flat_changed(actor, found, values)


@transaction.atomic
def flat_withdraw(*, actor: User, flat: Flat, reason: str) -> Flat:
    """The flat is no longer offered (``reason``: a :class:`FlatWithdrawal`); it is proposed in
    no run from now on. Refused once it is allocated or let (the household's move comes first),
    and while a run's proposal of it is open: the keeping caseworkers decide that proposal
    first, so that no household loses a flat it was just told about without their word."""
    locked = Flat.objects.select_for_update().filter(pk=flat.pk).first()
    _require(locked is not None and policies.may_withdraw_flat(user=actor, flat=locked))
    assert locked is not None
    if reason not in FlatWithdrawal.values:
        raise CasesError(_("Choose why the flat is withdrawn."))
    if locked.status == FlatStatus.WITHDRAWN:
        raise CasesError(_("The flat is already withdrawn."))
    if locked.status in (FlatStatus.ALLOCATED, FlatStatus.LET):
        raise CasesError(
            _(
                "The flat is allocated to a household or let and can no longer be withdrawn; "
                "speak to the caseworkers who allocated it."
            )
        )
    if locked.proposals.filter(status=ProposalStatus.PROPOSED).exists():
        raise CasesError(
            _(
                "The flat is proposed to a household in an allocation run: it can be withdrawn "
                "once the caseworkers have declined that proposal."
            )
        )
    transition(
        locked,
        table=FLAT_TRANSITIONS,
        to=FlatStatus.WITHDRAWN,
        actor=actor,
        action="cases.flat.status_changed",
        extra={"withdrawn_reason": reason, "withdrawn_at": timezone.now()},
    )
    by = "provider" if locked.provider_id == actor.organisation_id else "keeper"
    log_action("cases.flat.withdrawn", actor=actor, obj=locked, data={"reason": reason, "by": by})
    return locked


# --------------------------------------------------------------------------------------------
# Housing requests
# --------------------------------------------------------------------------------------------


@transaction.atomic
def housing_request_create(
    *,
    actor: User,
    case: Case,
    adults: int,
    seniors: int = 0,
    school_children: int = 0,
    kita_children: int = 0,
    barrier_free: bool = False,
    care_need: bool = False,
    wished_districts: Iterable[District] = (),
    anchor_districts: Iterable[District] = (),
    features: Iterable[str] = (),
    waiting_since: dt.date,
) -> HousingRequest:
    """The case's household waits for a flat (one live request per case). A need for a
    barrier-free flat or for care is recorded only with the consent for health data."""
    organisation_id, case = shared.area_request_case(HOUSING, actor, case)
    counts = [adults, seniors, school_children, kita_children]
    if any(n < 0 for n in counts):
        raise CasesError(_("A number of persons cannot be negative."))
    if adults + seniors < 1:
        raise CasesError(_("A household waiting for a flat has at least one adult."))
    if sum(counts) > MAX_PERSONS:
        raise CasesError(_("A household of more than 20 persons needs several flats."))
    if barrier_free or care_need:  # a disability or a need for care is health data (Art. 9)
        _needs_consent(case, ConsentPurpose.HEALTH)
    _not_in_future(waiting_since, _("The date since when the household waits"))
    wished, anchors = list(wished_districts), list(anchor_districts)
    _own_district(organisation_id, [*wished, *anchors])
    request = HousingRequest.objects.create(
        case=case,
        adults=adults,
        seniors=seniors,
        school_children=school_children,
        kita_children=kita_children,
        barrier_free=barrier_free,
        care_need=care_need,
        features=_features(features),
        waiting_since=waiting_since,
        created_by=actor,
    )
    request.wished_districts.set(wished)
    request.anchor_districts.set(anchors)
    log_action("cases.housingrequest.created", actor=actor, obj=case, data={"request": request.pk})
    return request


def _flat_to(actor: User, flat: Flat, to: str) -> None:
    transition(flat, table=FLAT_TRANSITIONS, to=to, actor=actor, action="cases.flat.status_changed")


@transaction.atomic
def housing_request_withdraw(*, actor: User, request: HousingRequest) -> HousingRequest:
    """The household no longer waits (found a flat itself, moved away); an open proposal is
    declined with it."""
    withdrawn: HousingRequest = shared.area_request_withdraw(HOUSING, actor, request)
    return withdrawn


# --------------------------------------------------------------------------------------------
# Engine profiles and the allocation run
# --------------------------------------------------------------------------------------------


def request_profile(request: HousingRequest) -> HouseholdProfile:
    """The household as the engine sees it: members by age group, its needs and wishes as the
    tags of ``housing-v1.yaml``, and the centres of the districts of work or school."""
    members = tuple(
        Member(band, role)
        for field, (band, role) in MEMBER_OF.items()
        for _n in range(getattr(request, field))
    )
    needs = {f"district:{d.pk}" for d in request.wished_districts.all()}
    needs |= {f"feature:{name}" for name in request.features}
    needs |= {name for name in ("barrier_free", "care_need") if getattr(request, name)}
    anchors = tuple(d.centre for d in sorted(request.anchor_districts.all(), key=lambda d: d.pk))
    return HouseholdProfile(
        id=f"R{request.pk}", members=members, needs=frozenset(needs), anchors=anchors
    )


def flat_profile(flat: Flat, room: int = 1) -> SiteProfile:
    """The flat as the engine sees it: ``room`` households (a flat holds one), so many persons,
    barrier-free or not; its district, features and what is nearby as services; the district's
    centre as its place."""
    services = {f"district:{flat.district_id}", *(f"feature:{name}" for name in flat.features)}
    services |= {name for name in NEARBY if getattr(flat, name)}
    return SiteProfile(
        id=f"F{flat.pk}",
        name=flat.address,
        capacity={
            "households": room,
            "persons": flat.max_persons,
            "barrier_free": int(flat.barrier_free),
        },
        services=frozenset(services),
        location=flat.district.centre,
    )


def _free_flats(organisation_id: int, _requests: list[HousingRequest]) -> list[Site]:
    """Available flats without an open proposal, one site each (it holds one household)."""
    flats = (
        Flat.objects.select_for_update(of=("self",))
        .filter(organisation_id=organisation_id, status=FlatStatus.AVAILABLE)
        .exclude(proposals__status=ProposalStatus.PROPOSED)
        .select_related("district")
        .order_by("id")
    )
    return [Site(flat, flat_profile(flat)) for flat in flats]


HOUSING = MatchingArea(
    programme=Programme.HOUSING,
    request_model=HousingRequest,
    place_model=Flat,
    proposal_model=FlatProposal,
    place_field="flat",
    request_prefix="R",
    request_transitions=HOUSING_REQUEST_TRANSITIONS,
    proposal_transitions=FLAT_PROPOSAL_TRANSITIONS,
    live_statuses=LIVE_HOUSING_STATUSES,
    may_manage=policies.may_manage_housing,
    scope=policies.housing_scope,
    request_profile=request_profile,
    sites=_free_flats,
    already_live=gettext_lazy("This case already waits for a flat or has one allocated."),
    request_related=("wished_districts", "anchor_districts"),
    waiting_order=("waiting_since", "id"),
    # a disability or a need for care is health data (Art. 9), as the request keeps it
    special_needs=frozenset({"barrier_free", "care_need"}),
    special_criteria=frozenset({"barrier_free_need", "doctor_nearby"}),
)


@transaction.atomic
def allocation_run(*, actor: User) -> EngineRun:
    """Propose flats to the waiting households: the engine's best allocation under the housing
    catalogue's hard criteria (the flat is large enough, barrier-free where needed)."""
    return shared.area_run(HOUSING, actor)


# --------------------------------------------------------------------------------------------
# Confirming, declining, moving in
# --------------------------------------------------------------------------------------------


def hard_criteria_problems(request: HousingRequest, flat: Flat) -> list[str]:
    """What the pair breaks of the housing catalogue's hard criteria, in words (none: fits)."""
    problems = []
    if request.persons > flat.max_persons:
        problems.append(_("The flat is too small for the household."))
    if request.barrier_free and not flat.barrier_free:
        problems.append(_("The household needs a barrier-free flat."))
    return problems


@transaction.atomic
def flat_proposal_confirm(*, actor: User, proposal: FlatProposal) -> FlatProposal:
    """The caseworker confirms the proposal: the flat is allocated to the household."""
    proposal = shared.area_locked_proposal(HOUSING, actor, proposal)
    flat = Flat.objects.select_for_update().get(pk=proposal.flat_id)
    _require(policies.may_keep_cases(user=actor))
    problems = hard_criteria_problems(proposal.request, flat)
    if problems:
        raise CasesError(" ".join(problems))
    request = shared.area_proposal_settle(HOUSING, actor, proposal, ProposalStatus.CONFIRMED)
    shared.area_transition(HOUSING, actor, request, HousingRequestStatus.ALLOCATED, flat=flat)
    _flat_to(actor, flat, FlatStatus.ALLOCATED)
    return proposal


@transaction.atomic
def flat_proposal_decline(*, actor: User, proposal: FlatProposal) -> FlatProposal:
    """The proposal does not suit: the household waits again (this flat is not proposed to it
    again) and the flat is free for the next run."""
    declined: FlatProposal = shared.area_proposal_decline(HOUSING, actor, proposal)
    return declined


@transaction.atomic
def move_record(*, actor: User, request: HousingRequest, moved_on: dt.date) -> HousingRequest:
    """The household moved into its allocated flat on ``moved_on`` (not in the future, not
    before the flat is available); the flat is let."""
    request = shared.area_locked_request(HOUSING, actor, request)
    if request.flat_id is None:
        raise CasesError(_("No flat is allocated to this household yet."))
    flat = Flat.objects.select_for_update().get(pk=request.flat_id)
    _not_in_future(moved_on, _("The date of the move"))
    if moved_on < flat.available_from:
        raise CasesError(
            _("The flat is available only from %(date)s.")
            % {"date": date_format(flat.available_from, "SHORT_DATE_FORMAT")}
        )
    shared.area_transition(HOUSING, actor, request, HousingRequestStatus.MOVED, moved_on=moved_on)
    _flat_to(actor, flat, FlatStatus.LET)
    return request


# --------------------------------------------------------------------------------------------
# Erasure
# --------------------------------------------------------------------------------------------


def housing_erase(*, case: Case) -> int:
    """Erase the case's housing requests with their proposals, and take their profiles out of
    the snapshots and results of the runs (``erased`` counts them there); returns how many
    requests went. The flats stay: they are no one's personal data."""
    return shared.area_erase(HOUSING, case)


__all__ = [
    "HOUSING",
    "allocation_run",
    "district_create",
    "flat_create",
    "flat_profile",
    "flat_proposal_confirm",
    "flat_proposal_decline",
    "flat_update",
    "flat_withdraw",
    "hard_criteria_problems",
    "housing_erase",
    "housing_request_create",
    "housing_request_withdraw",
    "move_record",
    "offered_flat_create",
    "offered_flat_update",
    "request_profile",
]
