"""Who may do what in relocation rounds: every "may this user do X to this object" and "which
objects does this user see" answer, built on the permission table
(``apps/accounts/permissions.py``). Services, selectors, views, forms and the API ask here; none
of them compares a role by name.

A user stands in one of three relations to a round, each given by a right of the table:

* coordinating (``relocation.manage_rounds``): the user's organisation coordinates the round;
* for a municipality (``relocation.keep_profile``): the user's organisation is a municipality
  taking part in the round;
* interviewing (``relocation.register_households``): the user's organisation interviews the
  households it registered.

Scopes (``*_scope``) are ``Q`` objects over the model they name, or ``None`` when the user sees
nothing; with several relations a user would see the union.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet

from passgenau.apps.accounts.access import user_has_perm, user_role
from passgenau.apps.accounts.roles import PUBLIC

from .models import (
    FollowUpSurvey,
    Household,
    HouseholdStatus,
    MunicipalityProfile,
    Proposal,
    Round,
    RoundAction,
    RoundStatus,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

M = TypeVar("M", bound=Model)

MANAGE_ROUNDS = "relocation.manage_rounds"
KEEP_PROFILE = "relocation.keep_profile"
REGISTER_HOUSEHOLDS = "relocation.register_households"
DECIDE_PROPOSALS = "relocation.decide_proposals"
RECORD_HOUSEHOLD_CONSENT = "relocation.record_household_consent"
RECORD_RECEIVED_DECISIONS = "relocation.record_received_decisions"
RECORD_ARRIVAL = "relocation.record_arrival"
RECORD_FOLLOWUP = "relocation.record_followup"
ERASE_HOUSEHOLDS = "relocation.erase_households"
EXPORT_SUBJECT_DATA = "relocation.export_subject_data"


def _organisation_id(user: Visitor) -> int | None:
    """The organisation the user acts for (None for visitors and users without one)."""
    if user_role(user) == PUBLIC:
        return None
    organisation_id: int | None = getattr(user, "organisation_id", None)
    return organisation_id


def _holds(user: Visitor, code: str) -> bool:
    return _organisation_id(user) is not None and user_has_perm(user, code)


def _union(parts: list[Q]) -> Q | None:
    return reduce(or_, parts) if parts else None


def scoped(queryset: QuerySet[M], scope: Q | None) -> QuerySet[M]:
    """``queryset`` narrowed to a scope of this module (nothing for ``None``)."""
    return queryset.none() if scope is None else queryset.filter(scope)


# -- relations ------------------------------------------------------------------------------------


def coordinates_rounds(user: Visitor) -> bool:
    """The user's organisation coordinates rounds (it may create and manage them)."""
    return _holds(user, MANAGE_ROUNDS)


def acts_for_municipality(user: Visitor) -> bool:
    """The user acts for a municipality taking part in rounds."""
    return _holds(user, KEEP_PROFILE)


def interviews_households(user: Visitor) -> bool:
    """The user registers and interviews its organisation's households."""
    return _holds(user, REGISTER_HOUSEHOLDS)


def round_is_coordinated_by(user: Visitor, round_: Round) -> bool:
    """The user is a coordinator of the organisation that coordinates ``round_``."""
    return coordinates_rounds(user) and round_.coordinating_organisation_id == _organisation_id(
        user
    )


# -- rounds and profiles -----------------------------------------------------------------------


def rounds_scope(user: Visitor) -> Q | None:
    """Rounds the user sees: coordinators their organisation's, municipalities those they take
    part in, interviewers every round past its draft."""
    organisation_id = _organisation_id(user)
    parts = []
    if coordinates_rounds(user):
        parts.append(Q(coordinating_organisation_id=organisation_id))
    if acts_for_municipality(user):
        parts.append(Q(profiles__municipality_id=organisation_id))
    if interviews_households(user):
        parts.append(~Q(status=RoundStatus.DRAFT))
    return _union(parts)


def round_households_counted(user: Visitor) -> Q:
    """Which households of a round (``households__…``) count as the user's in round lists:
    all for its coordinators, their own for interviewers, none for municipalities (which see
    proposals, not the household register)."""
    if coordinates_rounds(user):
        return Q()
    if interviews_households(user):
        return Q(households__interviewing_organisation_id=_organisation_id(user))
    return Q(pk__in=[])


def rounds_managed_scope(user: Visitor) -> Q | None:
    """Rounds the user may change (its organisation coordinates them)."""
    if not coordinates_rounds(user):
        return None
    return Q(coordinating_organisation_id=_organisation_id(user))


def round_may_register(user: Visitor, round_: Round) -> bool:
    """Whether the user may register households in ``round_`` now."""
    return interviews_households(user) and round_.allows(RoundAction.REGISTER_HOUSEHOLDS)


def profiles_scope(user: Visitor, round_: Round) -> Q | None:
    """Profiles of ``round_`` the user sees: all for its coordinators, one's own for officers."""
    if round_is_coordinated_by(user, round_):
        return Q()
    if acts_for_municipality(user):
        return Q(municipality_id=_organisation_id(user))
    return None


def profile_kept_scope(user: Visitor) -> Q | None:
    """Profiles the user keeps (those of its own municipality)."""
    if not acts_for_municipality(user):
        return None
    return Q(municipality_id=_organisation_id(user))


def profile_may_keep(user: Visitor, profile: MunicipalityProfile) -> bool:
    return acts_for_municipality(user) and profile.municipality_id == _organisation_id(user)


# -- households ----------------------------------------------------------------------------------


def households_scope(user: Visitor) -> Q | None:
    """Households the user sees: in the rounds its organisation coordinates, or those its
    organisation interviews (municipalities see proposals, not households)."""
    organisation_id = _organisation_id(user)
    parts = []
    if coordinates_rounds(user):
        parts.append(Q(round__coordinating_organisation_id=organisation_id))
    if interviews_households(user):
        parts.append(Q(interviewing_organisation_id=organisation_id))
    return _union(parts)


def household_names_searchable(user: Visitor) -> bool:
    """Whether lists may search households by the names of their members and contact person
    (and by the interviewing organisation's own reference): only for those who see them on the
    household's page, coordinators and interviewers (matches are kept within
    :func:`households_scope`). Everyone else searches by the pseudonymous code only."""
    return coordinates_rounds(user) or interviews_households(user)


def households_interviewed_scope(user: Visitor) -> Q | None:
    """Households the user may change: those its organisation interviews."""
    if not interviews_households(user):
        return None
    return Q(interviewing_organisation_id=_organisation_id(user))


def household_may_edit(user: Visitor, household: Household) -> bool:
    """Whether the user may change the household's contact, interview and consent."""
    return interviews_households(
        user
    ) and household.interviewing_organisation_id == _organisation_id(user)


def household_may_change_contact(user: Visitor, household: Household) -> bool:
    """Whether the user may change the household's names and contact data: its organisation's
    interviewers, until the household withdraws (then its data stay as they were, read-only,
    until they are erased)."""
    return household_may_edit(user, household) and household.status != HouseholdStatus.WITHDRAWN


def household_may_erase(user: Visitor, household: Household) -> bool:
    """Whether the user may erase the household or one of its members: its organisation
    registered the household and recorded its consent."""
    return _holds(
        user, ERASE_HOUSEHOLDS
    ) and household.interviewing_organisation_id == _organisation_id(user)


def household_may_export_subject_data(user: Visitor, household: Household) -> bool:
    """Whether the user may download everything held about the household (Art. 15 GDPR) to hand
    it over: its organisation registered the household and is the one the household knows."""
    return _holds(
        user, EXPORT_SUBJECT_DATA
    ) and household.interviewing_organisation_id == _organisation_id(user)


# -- runs, proposals, decisions --------------------------------------------------------------------


def runs_scope(user: Visitor) -> Q | None:
    """Runs the user sees (``MatchingRun``): those of the rounds its organisation coordinates."""
    if not coordinates_rounds(user):
        return None
    return Q(round__coordinating_organisation_id=_organisation_id(user))


def proposals_scope(user: Visitor) -> Q | None:
    """Proposals the user sees: addressed to its municipality, for its organisation's
    households, or in the rounds its organisation coordinates."""
    organisation_id = _organisation_id(user)
    parts = []
    if acts_for_municipality(user):
        parts.append(Q(municipality_id=organisation_id))
    if interviews_households(user):
        parts.append(Q(household__interviewing_organisation_id=organisation_id))
    if coordinates_rounds(user):
        parts.append(Q(run__round__coordinating_organisation_id=organisation_id))
    return _union(parts)


def proposals_reviewed_scope(user: Visitor) -> Q | None:
    """Proposals the user may review and change (any state): in rounds it coordinates."""
    if not coordinates_rounds(user):
        return None
    return Q(run__round__coordinating_organisation_id=_organisation_id(user))


def proposals_to_decide_scope(user: Visitor) -> Q | None:
    """Proposals the user decides on for its municipality (those addressed to it)."""
    if not _holds(user, DECIDE_PROPOSALS):
        return None
    return Q(municipality_id=_organisation_id(user))


def proposals_household_answer_scope(user: Visitor) -> Q | None:
    """Proposals whose household's answer the user records (its organisation's households)."""
    if not _holds(user, RECORD_HOUSEHOLD_CONSENT):
        return None
    return Q(household__interviewing_organisation_id=_organisation_id(user))


def proposal_may_decide_for_municipality(user: Visitor, proposal: Proposal) -> bool:
    return _holds(user, DECIDE_PROPOSALS) and proposal.municipality_id == _organisation_id(user)


def proposal_may_record_received_decision(user: Visitor, proposal: Proposal) -> bool:
    """The coordinator of the proposal's round records a municipality's decision that reached
    it by phone, letter, e-mail or in person."""
    return _holds(user, RECORD_RECEIVED_DECISIONS) and round_is_coordinated_by(
        user, proposal.run.round
    )


def decision_may_correct(user: Visitor, proposal: Proposal) -> bool:
    """Whether the user corrects the municipality's decision on the proposal: one who may
    record it (its officer, or the round's coordinator)."""
    return proposal_may_decide_for_municipality(
        user, proposal
    ) or proposal_may_record_received_decision(user, proposal)


def proposal_may_record_household_answer(user: Visitor, proposal: Proposal) -> bool:
    return _holds(
        user, RECORD_HOUSEHOLD_CONSENT
    ) and proposal.household.interviewing_organisation_id == _organisation_id(user)


def proposal_contact_may_see(user: Visitor, proposal: Proposal) -> bool:
    """Whether the user is of the receiving municipality (names and contact data are shown to
    it, and only once both sides accepted; the caller checks the latter)."""
    return acts_for_municipality(user) and proposal.municipality_id == _organisation_id(user)


# -- travel, arrival, follow-up ------------------------------------------------------------------


def placements_scope(user: Visitor) -> Q | None:
    """Accepted placements the user sees: in rounds its organisation coordinates, or those
    arriving in its municipality."""
    organisation_id = _organisation_id(user)
    parts = []
    if coordinates_rounds(user):
        parts.append(Q(run__round__coordinating_organisation_id=organisation_id))
    if _holds(user, RECORD_ARRIVAL):
        parts.append(Q(municipality_id=organisation_id))
    return _union(parts)


def travel_planned_scope(user: Visitor) -> Q | None:
    """Placements whose travel the user plans: in the rounds its organisation coordinates."""
    return proposals_reviewed_scope(user)


def arrivals_scope(user: Visitor) -> Q | None:
    """Placements whose arrival the user records: those arriving in its municipality."""
    if not _holds(user, RECORD_ARRIVAL):
        return None
    return Q(municipality_id=_organisation_id(user))


def travel_may_plan(user: Visitor, proposal: Proposal) -> bool:
    return round_is_coordinated_by(user, proposal.run.round)


def arrival_may_record(user: Visitor, proposal: Proposal) -> bool:
    return _holds(user, RECORD_ARRIVAL) and proposal.municipality_id == _organisation_id(user)


def surveys_scope(user: Visitor) -> Q | None:
    """Follow-up surveys the user records: of its organisation's households (interviewers) or
    in the rounds its organisation coordinates."""
    if not _holds(user, RECORD_FOLLOWUP):
        return None
    organisation_id = _organisation_id(user)
    parts = []
    if interviews_households(user):
        parts.append(Q(household__interviewing_organisation_id=organisation_id))
    if coordinates_rounds(user):
        parts.append(Q(household__round__coordinating_organisation_id=organisation_id))
    return _union(parts)


def survey_may_record(user: Visitor, survey: FollowUpSurvey) -> bool:
    if not _holds(user, RECORD_FOLLOWUP):
        return False
    household = survey.household
    organisation_id = _organisation_id(user)
    if interviews_households(user) and household.interviewing_organisation_id == organisation_id:
        return True
    return coordinates_rounds(user) and household.round.coordinating_organisation_id == (
        organisation_id
    )
