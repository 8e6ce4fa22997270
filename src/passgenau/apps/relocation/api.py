"""JSON API of relocation rounds: rounds, municipality profiles, households and interviews.

The same access functions as the pages decide what a caller sees (404 for what it may not see);
the same services make the changes (422 with field errors for bad input, 409 when the round's
state does not allow it). Every household read is logged. Runs and proposals are added by their
own module to this router.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission
from passgenau.apps.accounts.models import Organisation, OrganisationKind

from .models import ROUND_TRANSITIONS, Household, MunicipalityProfile, Round
from .selectors import intake as intake_selectors
from .selectors import profiles as profile_selectors
from .selectors import rounds as round_selectors
from .services import intake, profiles, rounds

router = Router(tags=["relocation"])

VIEW_ROUNDS = ApiPermission("relocation.view_rounds")
MANAGE_ROUNDS = ApiPermission("relocation.manage_rounds")
VIEW_PROFILES = ApiPermission("relocation.view_profiles")
KEEP_PROFILE = ApiPermission("relocation.keep_profile")
VIEW_HOUSEHOLDS = ApiPermission("relocation.view_households")
REGISTER_HOUSEHOLDS = ApiPermission("relocation.register_households")


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _error(error: ValidationError) -> Status[ErrorOut]:
    status = 409 if isinstance(error, rounds.RoundStateError) else 422
    if hasattr(error, "error_dict"):
        return Status(status, ErrorOut(detail="invalid input", errors=error.message_dict))
    return Status(status, ErrorOut(detail=" ".join(error.messages)))


# -- rounds ------------------------------------------------------------------------------------


class MunicipalityRef(Schema):
    id: int
    name: str


class RoundOut(Schema):
    id: int
    name: str
    description: str
    status: str
    coordinating_organisation: str
    municipalities: list[MunicipalityRef]
    profiles_due: dt.date | None
    interviews_close: dt.date | None
    decisions_due: dt.date | None
    mechanism: str
    criteria_version: str
    capacity_dimensions: list[str]
    allowed_transitions: list[str]


class RoundIn(Schema):
    name: str = Field(..., max_length=200)
    description: str = ""
    municipality_ids: list[int] = []
    profiles_due: dt.date | None = None
    interviews_close: dt.date | None = None
    decisions_due: dt.date | None = None
    mechanism: str = "auto"
    criteria_version: str = "1"
    capacity_dimensions: list[str] = ["persons", "school", "kita"]


class RoundPatch(Schema):
    name: str | None = None
    description: str | None = None
    municipality_ids: list[int] | None = None
    profiles_due: dt.date | None = None
    interviews_close: dt.date | None = None
    decisions_due: dt.date | None = None
    mechanism: str | None = None
    criteria_version: str | None = None
    capacity_dimensions: list[str] | None = None


class TransitionIn(Schema):
    status: str


def _round_out(round_: Round) -> RoundOut:
    return RoundOut(
        id=round_.pk,
        name=round_.name,
        description=round_.description,
        status=round_.status,
        coordinating_organisation=round_.coordinating_organisation.name,
        municipalities=[
            MunicipalityRef(id=p.municipality_id, name=p.municipality.name)
            for p in round_.profiles.all()
        ],
        profiles_due=round_.profiles_due,
        interviews_close=round_.interviews_close,
        decisions_due=round_.decisions_due,
        mechanism=round_.mechanism,
        criteria_version=round_.criteria_version,
        capacity_dimensions=list(round_.capacity_dimensions),
        allowed_transitions=sorted(ROUND_TRANSITIONS[round_.status]),
    )


def _with_profiles(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch(
            "profiles",
            queryset=MunicipalityProfile.objects.select_related("municipality").order_by(
                "municipality__name"
            ),
        )
    )


def _municipalities(ids: list[int]) -> list[Organisation]:
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"municipality_ids": [f"unknown organisation ids: {missing}"]}, code="unknown"
        )
    wrong = [o.name for o in found.values() if o.kind != OrganisationKind.MUNICIPALITY]
    if wrong:
        raise ValidationError({"municipality_ids": [f"not municipalities: {wrong}"]})
    return [found[pk] for pk in ids]


@router.get("/rounds", response=list[RoundOut], auth=VIEW_ROUNDS)
def round_list(request: HttpRequest) -> list[RoundOut]:
    """The rounds the caller may see."""
    return [
        _round_out(r) for r in _with_profiles(round_selectors.rounds_for_user(user=request.user))
    ]


@router.post("/rounds", response={201: RoundOut, 409: ErrorOut, 422: ErrorOut}, auth=MANAGE_ROUNDS)
def round_create(request: HttpRequest, payload: RoundIn) -> Any:
    """Create a round in draft, coordinated by the caller's organisation."""
    data = payload.dict()
    try:
        municipalities = _municipalities(data.pop("municipality_ids"))
        round_ = rounds.round_create(actor=request.user, municipalities=municipalities, **data)
    except ValidationError as error:
        return _error(error)
    created = _with_profiles(Round.objects.select_related("coordinating_organisation"))
    return Status(201, _round_out(created.get(pk=round_.pk)))


@router.get("/rounds/{round_id}", response=RoundOut, auth=VIEW_ROUNDS)
def round_detail(request: HttpRequest, round_id: int) -> RoundOut:
    round_selectors.round_get_for_user(user=request.user, pk=round_id)
    queryset = _with_profiles(round_selectors.rounds_for_user(user=request.user))
    return _round_out(queryset.get(pk=round_id))


@router.patch(
    "/rounds/{round_id}", response={200: RoundOut, 409: ErrorOut, 422: ErrorOut}, auth=MANAGE_ROUNDS
)
def round_update(request: HttpRequest, round_id: int, payload: RoundPatch) -> Any:
    """Change the fields given; each only in the states that allow it (409 otherwise)."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    data = payload.dict(exclude_unset=True)
    try:
        ids = data.pop("municipality_ids", None)
        municipalities = _municipalities(ids) if ids is not None else None
        rounds.round_update(
            actor=request.user, round_=round_, municipalities=municipalities, **data
        )
    except ValidationError as error:
        return _error(error)
    return Status(200, round_detail(request, round_id))


@router.post(
    "/rounds/{round_id}/transition",
    response={200: RoundOut, 409: ErrorOut},
    auth=MANAGE_ROUNDS,
)
def round_transition(request: HttpRequest, round_id: int, payload: TransitionIn) -> Any:
    """Move the round to another status; 409 with the reasons when that is not possible."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    try:
        rounds.round_transition(actor=request.user, round_=round_, to_status=payload.status)
    except ValidationError as error:
        return Status(409, ErrorOut(detail=" ".join(error.messages)))
    return Status(200, round_detail(request, round_id))


# -- municipality profiles --------------------------------------------------------------------


class ProfileOut(Schema):
    round_id: int
    municipality: MunicipalityRef
    site_id: str
    ags: str
    capacities: dict[str, int]
    services: list[str]
    size_class: str
    region: str
    labour_demand: dict[str, float]
    communities: dict[str, int]
    language_course_places: int
    priorities: dict[str, float]
    priority_groups: list[str]
    confirmed_at: dict[str, str]
    notes: str


class ProfileIn(Schema):
    ags: str | None = None
    capacities: dict[str, int] | None = None
    services: list[str] | None = None
    size_class: str | None = None
    region: str | None = None
    labour_demand: dict[str, float] | None = None
    communities: dict[str, int] | None = None
    language_course_places: int | None = None
    priorities: dict[str, float] | None = None
    priority_groups: list[str] | None = None
    notes: str | None = None
    confirm_all: bool = False


def _profile_out(profile: MunicipalityProfile) -> ProfileOut:
    return ProfileOut(
        round_id=profile.round_id,
        municipality=MunicipalityRef(id=profile.municipality_id, name=profile.municipality.name),
        site_id=profile.site_id,
        ags=profile.ags,
        capacities={
            d: int(profile.capacities.get(d, 0)) for d in profile.round.capacity_dimensions
        },
        services=list(profile.services),
        size_class=profile.size_class,
        region=profile.region,
        labour_demand=dict(profile.labour_demand),
        communities=dict(profile.communities),
        language_course_places=profile.language_course_places,
        priorities=dict(profile.priorities),
        priority_groups=list(profile.priority_groups),
        confirmed_at=dict(profile.confirmed_at),
        notes=profile.notes,
    )


@router.get("/rounds/{round_id}/profiles", response=list[ProfileOut], auth=VIEW_PROFILES)
def profile_list(request: HttpRequest, round_id: int) -> list[ProfileOut]:
    """Coordinators: every profile of their round. Officers: their municipality's."""
    round_ = round_selectors.round_get_for_user(user=request.user, pk=round_id)
    return [
        _profile_out(p)
        for p in profile_selectors.profiles_for_user(user=request.user, round_=round_)
    ]


@router.put(
    "/rounds/{round_id}/profile",
    response={200: ProfileOut, 409: ErrorOut, 422: ErrorOut},
    auth=KEEP_PROFILE,
)
def profile_update(request: HttpRequest, round_id: int, payload: ProfileIn) -> Any:
    """Change the caller's municipality profile; changed figures are confirmed today."""
    profile = profile_selectors.profile_get_for_officer(user=request.user, round_pk=round_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    confirm_all = data.pop("confirm_all", False)
    try:
        profile = profiles.profile_update(
            actor=request.user, profile=profile, confirm_all=confirm_all, **data
        )
    except ValidationError as error:
        return _error(error)
    return Status(200, _profile_out(profile))


# -- households --------------------------------------------------------------------------------


class HouseholdOut(Schema):
    id: int
    reference: str
    external_reference: str
    round_id: int
    interviewing_organisation: str
    status: str
    language: str
    persons: int
    interview_completed: bool


class MemberIO(Schema):
    age_band: str
    relation: str = "other"


class ContactOut(Schema):
    contact_name: str
    member_names: str
    phone: str
    email: str
    current_location: str


class ConsentOut(Schema):
    purposes: list[str]
    given_on: dt.date
    explained_in: str
    recorded_by: str
    withdrawn_at: dt.datetime | None


class InterviewOut(Schema):
    conducted_in: str
    languages: list[str]
    german_level: str
    occupations: list[str]
    qualifications: str
    needs: list[str]
    needs_notes: str
    ties: list[int]
    importance: dict[str, int]
    ranked_places: list[int]
    excluded_places: list[int]
    preferred_size: str
    preferred_region: str
    notes: str
    completed: bool
    completed_at: dt.datetime | None


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberIO]
    contact: ContactOut | None
    consents: list[ConsentOut]
    interview: InterviewOut | None


class RegistrationIn(Schema):
    contact_name: str
    language: str = "uk"
    consent_purposes: list[str]
    consent_given_on: dt.date
    consent_explained_in: str
    member_names: str = ""
    phone: str = ""
    email: str = ""
    current_location: str = ""
    external_reference: str = ""


class InterviewIn(Schema):
    conducted_in: str = ""
    languages: list[str] = []
    german_level: str = ""
    occupations: list[str] = []
    qualifications: str = ""
    needs: list[str] = []
    needs_notes: str = ""
    ties: list[int] = []
    importance: dict[str, int] = {}
    ranked_places: list[int] = []
    excluded_places: list[int] = []
    preferred_size: str = ""
    preferred_region: str = ""
    notes: str = ""
    members: list[MemberIO] = []
    complete: bool = False


def _household_out(household: Household) -> HouseholdOut:
    interview = getattr(household, "interview", None)
    persons = getattr(household, "member_count", None)
    return HouseholdOut(
        id=household.pk,
        reference=household.reference,
        external_reference=household.external_reference,
        round_id=household.round_id,
        interviewing_organisation=household.interviewing_organisation.name,
        status=household.status,
        language=household.language,
        persons=persons if persons is not None else household.members.count(),
        interview_completed=bool(interview and interview.completed),
    )


def _household_detail_out(household: Household) -> HouseholdDetailOut:
    interview = getattr(household, "interview", None)
    contact = getattr(household, "contact", None)
    members = list(household.members.all())
    return HouseholdDetailOut(
        **_household_out(household).dict() | {"persons": len(members)},
        members=[MemberIO(age_band=m.age_band, relation=m.relation) for m in members],
        contact=ContactOut(
            contact_name=contact.contact_name,
            member_names=contact.member_names,
            phone=contact.phone,
            email=contact.email,
            current_location=contact.current_location,
        )
        if contact
        else None,
        consents=[
            ConsentOut(
                purposes=list(c.purposes),
                given_on=c.given_on,
                explained_in=c.explained_in,
                recorded_by=c.recorded_by.get_username(),
                withdrawn_at=c.withdrawn_at,
            )
            for c in household.consents.all()
        ],
        interview=InterviewOut(
            **{name: getattr(interview, name) for name in InterviewOut.model_fields}
        )
        if interview
        else None,
    )


@router.get("/households", response=list[HouseholdOut], auth=VIEW_HOUSEHOLDS)
def household_list(
    request: HttpRequest, round_id: int | None = None, status: str = "", limit: int = 500
) -> list[HouseholdOut]:
    """The caller's households (coordinators: in their rounds; interviewers: their
    organisation's), newest first; the read is logged."""
    limit = max(1, min(limit, 5000))
    households = intake_selectors.households_search(user=request.user, status=status)
    if round_id is not None:
        households = households.filter(round_id=round_id)
    shown = intake_selectors.households_log_read(user=request.user, households=households[:limit])
    return [_household_out(h) for h in shown]


@router.get("/households/{household_id}", response=HouseholdDetailOut, auth=VIEW_HOUSEHOLDS)
def household_detail(request: HttpRequest, household_id: int) -> HouseholdDetailOut:
    """One household with members, consent, contact data and interview; the read is logged."""
    household = intake_selectors.household_get_for_user(user=request.user, pk=household_id)
    return _household_detail_out(household)


@router.post(
    "/rounds/{round_id}/households",
    response={201: HouseholdDetailOut, 409: ErrorOut, 422: ErrorOut},
    auth=REGISTER_HOUSEHOLDS,
)
def household_register(request: HttpRequest, round_id: int, payload: RegistrationIn) -> Any:
    """Register a household of the caller's organisation with its consent."""
    round_ = round_selectors.round_get_for_user(user=request.user, pk=round_id)
    try:
        household = intake.household_register(
            actor=request.user,
            round_=round_,
            registration=intake.Registration(**payload.dict()),
        )
    except ValidationError as error:
        return _error(error)
    detail = intake_selectors.household_get_for_user(user=request.user, pk=household.pk, log=False)
    return Status(201, _household_detail_out(detail))


@router.put(
    "/households/{household_id}/interview",
    response={200: HouseholdDetailOut, 409: ErrorOut, 422: ErrorOut},
    auth=REGISTER_HOUSEHOLDS,
)
def interview_save(request: HttpRequest, household_id: int, payload: InterviewIn) -> Any:
    """Save the interview (``complete: false`` keeps it unfinished) with the members."""
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=household_id)
    data = payload.dict()
    members = data.pop("members")
    complete = data.pop("complete")
    if not data["conducted_in"]:
        data["conducted_in"] = household.language
    try:
        intake.interview_save(
            actor=request.user,
            household=household,
            answers=data,
            members=members,
            complete=complete,
        )
    except ValidationError as error:
        return _error(error)
    detail = intake_selectors.household_get_for_user(user=request.user, pk=household.pk, log=False)
    return Status(200, _household_detail_out(detail))


# Runs and proposals register their operations on this router.
from . import api_matching  # noqa: E402, F401
