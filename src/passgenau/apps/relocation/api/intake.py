"""Households: list and detail (the read is logged), registration with consent, the interview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED
from passgenau.apps.listing import SEARCH_MAX_LENGTH

from ..models import (
    Household,
)
from ..selectors import intake as intake_selectors
from ..selectors import rounds as round_selectors
from ..services import intake

router = Router(tags=["relocation"])

VIEW_HOUSEHOLDS = ApiPermission("relocation.view_households")
REGISTER_HOUSEHOLDS = ApiPermission("relocation.register_households")


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
    request: AuthenticatedHttpRequest,
    round_id: int | None = None,
    status: str = "",
    q: str = "",
    limit: int = 500,
) -> list[HouseholdOut]:
    """The caller's households (coordinators: in their rounds; interviewers: their
    organisation's), newest first; ``q`` finds them by code, names or own reference, as the
    households page does; the read is logged."""
    limit = max(1, min(limit, 5000))
    query = q[:SEARCH_MAX_LENGTH]
    households = intake_selectors.households_search(user=request.user, status=status, query=query)
    if round_id is not None:
        households = households.filter(round_id=round_id)
    shown = intake_selectors.households_log_read(
        user=request.user, households=households[:limit], query=query
    )
    return [_household_out(h) for h in shown]


@router.get("/households/{household_id}", response=HouseholdDetailOut, auth=VIEW_HOUSEHOLDS)
def household_detail(request: AuthenticatedHttpRequest, household_id: int) -> HouseholdDetailOut:
    """One household with members, consent, contact data and interview; the read is logged."""
    household = intake_selectors.household_get_for_user(user=request.user, pk=household_id)
    return _household_detail_out(household)


@router.post(
    "/rounds/{round_id}/households",
    response={201: HouseholdDetailOut, **REFUSED},
    auth=REGISTER_HOUSEHOLDS,
)
def household_register(
    request: AuthenticatedHttpRequest, round_id: int, payload: RegistrationIn
) -> Any:
    """Register a household of the caller's organisation with its consent."""
    round_ = round_selectors.round_get_for_user(user=request.user, pk=round_id)
    household = intake.household_register(
        actor=request.user,
        round_=round_,
        registration=intake.Registration(**payload.dict()),
    )
    detail = intake_selectors.household_get_for_user(user=request.user, pk=household.pk, log=False)
    return Status(201, _household_detail_out(detail))


@router.put(
    "/households/{household_id}/interview",
    response={200: HouseholdDetailOut, **REFUSED},
    auth=REGISTER_HOUSEHOLDS,
)
def interview_save(
    request: AuthenticatedHttpRequest, household_id: int, payload: InterviewIn
) -> Any:
    """Save the interview (``complete: false`` keeps it unfinished) with the members."""
    household = intake_selectors.household_get_for_interviewer(user=request.user, pk=household_id)
    data = payload.dict()
    members = data.pop("members")
    complete = data.pop("complete")
    if not data["conducted_in"]:
        data["conducted_in"] = household.language
    intake.interview_save(
        actor=request.user,
        household=household,
        answers=data,
        members=members,
        complete=complete,
    )
    detail = intake_selectors.household_get_for_user(user=request.user, pk=household.pk, log=False)
    return Status(200, _household_detail_out(detail))
