"""Mentoring: mentors, a case's request for a mentor, the matching run through the engine
(``mentoring-v1.yaml``), both sides' acceptance, the pair's meetings and its end.

A run takes every waiting request of the organisation's open cases and every active mentor with
room left (its capacity less its pairs and open proposals), turns them into engine profiles
(:func:`request_profile`, :func:`mentor_profile`) and proposes mentors; a (request, mentor) pair
declined before is not proposed again. The caseworker records what each side said; the pair
exists once both accepted. Changes are audited with pseudonymous ids only (the mentor's and the
case's references, request and proposal numbers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.engine.matching.profiles import HouseholdProfile, Member, SiteProfile

from .. import policies
from ..models import (
    LIVE_MENTEE_STATUSES,
    MENTEE_REQUEST_TRANSITIONS,
    MENTOR_PROPOSAL_TRANSITIONS,
    SLOTS,
    Case,
    ContactKind,
    District,
    EngineRun,
    Interest,
    Language,
    MenteeRequest,
    MenteeRequestStatus,
    Mentor,
    MentorKind,
    MentorMeeting,
    MentorProposal,
    Programme,
    ProposalStatus,
)
from . import matching as shared
from .cases import (
    CasesError,
    TransitionError,
    _not_in_future,
)
from .matching import MatchingArea, Site

SIDES = ("mentee", "mentor")
MAX_CAPACITY = 5


def _choices(values: Iterable[str], allowed: Iterable[str], what: str) -> list[str]:
    chosen = sorted(set(values))
    if set(chosen) - set(allowed):
        raise CasesError(_("Unknown value among the %(what)s.") % {"what": what})
    return chosen


def _profile_fields(
    organisation_id: int,
    *,
    languages: Iterable[str],
    slots: Iterable[str],
    interests: Iterable[str],
    district: District | None,
) -> dict[str, Any]:
    """What a mentor and a request both give: languages, free times, interests, district."""
    fields = {
        "languages": _choices(languages, Language.values, _("languages")),
        "slots": _choices(slots, SLOTS, _("free times")),
        "interests": _choices(interests, Interest.values, _("interests")),
        "district": district,
    }
    if not fields["languages"]:
        raise CasesError(_("Choose at least one language."))
    if not fields["slots"]:
        raise CasesError(_("Choose at least one free time."))
    if district is not None and district.organisation_id != organisation_id:
        raise CasesError(_("Choose districts of your own organisation."))
    return fields


# --------------------------------------------------------------------------------------------
# Mentors and requests
# --------------------------------------------------------------------------------------------


def _mentor_fields(organisation_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    name = str(fields["name"]).strip()
    if not name:
        raise CasesError(_("Give the mentor's name."))
    if fields["kind"] not in MentorKind.values:
        raise CasesError(_("Choose the kind of mentor."))
    if not 1 <= fields["capacity"] <= MAX_CAPACITY:
        raise CasesError(_("A mentor accompanies 1 to 5 newcomers at the same time."))
    return {
        "name": name,
        "kind": fields["kind"],
        "capacity": fields["capacity"],
        "active": bool(fields.get("active", True)),
        **_profile_fields(
            organisation_id,
            languages=fields["languages"],
            slots=fields["slots"],
            interests=fields.get("interests", ()),
            district=fields.get("district"),
        ),
    }


@transaction.atomic
def mentor_create(*, actor: User, **fields: Any) -> Mentor:
    organisation_id = MENTORING.organisation(actor)
    mentor = Mentor.objects.create(
        organisation_id=organisation_id, **_mentor_fields(organisation_id, fields)
    )
    log_action("cases.mentor.created", actor=actor, obj=mentor)
    return mentor


@transaction.atomic
def mentor_update(*, actor: User, mentor: Mentor, **fields: Any) -> Mentor:
    """Change a mentor; the capacity cannot go below the pairs and open proposals it has."""
    organisation_id = MENTORING.organisation(actor)
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk, organisation_id=organisation_id)
    values = _mentor_fields(organisation_id, fields)
    if values["capacity"] < _taken(mentor):
        raise CasesError(_("The mentor already accompanies more newcomers than that."))
    for name, value in values.items():
        setattr(mentor, name, value)
    mentor.save()
    log_action("cases.mentor.updated", actor=actor, obj=mentor)
    return mentor


def _taken(mentor: Mentor) -> int:
    return mentor.proposals.filter(
        status__in=[ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED]
    ).count()


@transaction.atomic
def mentee_request_create(
    *,
    actor: User,
    case: Case,
    languages: Iterable[str],
    own_language: str,
    slots: Iterable[str],
    interests: Iterable[str] = (),
    district: District | None = None,
    wish: str = "",
) -> MenteeRequest:
    """The case's household or person asks for a mentor (one live request per case)."""
    organisation_id, case = shared.area_request_case(MENTORING, actor, case)
    if own_language not in Language.values:
        raise CasesError(_("Choose the newcomer's own language."))
    if wish and wish not in MentorKind.values:
        raise CasesError(_("Choose the kind of mentor."))
    fields = _profile_fields(
        organisation_id,
        languages=[*languages, own_language],
        slots=slots,
        interests=interests,
        district=district,
    )
    request = MenteeRequest.objects.create(
        case=case, own_language=own_language, wish=wish, created_by=actor, **fields
    )
    log_action("cases.menteerequest.created", actor=actor, obj=case, data={"request": request.pk})
    return request


@transaction.atomic
def mentee_request_withdraw(*, actor: User, request: MenteeRequest) -> MenteeRequest:
    """The newcomer no longer wants a mentor; an open proposal is declined with it."""
    withdrawn: MenteeRequest = shared.area_request_withdraw(MENTORING, actor, request)
    return withdrawn


# --------------------------------------------------------------------------------------------
# Engine profiles and the matching run
# --------------------------------------------------------------------------------------------


def _tags(languages: Iterable[str], slots: Iterable[str], interests: Iterable[str]) -> set[str]:
    return (
        {f"lang:{code}" for code in languages}
        | {f"slot:{slot}" for slot in slots}
        | {f"interest:{name}" for name in interests}
    )


def request_profile(request: MenteeRequest) -> HouseholdProfile:
    """The newcomer as the engine sees it: one unit of a mentor's capacity, with the tags of
    ``mentoring-v1.yaml`` (languages, own language, free times, interests, district, wish)."""
    needs = _tags(request.languages, request.slots, request.interests)
    needs.add(f"own:{request.own_language}")
    if request.district_id is not None:
        needs.add(f"district:{request.district_id}")
    if request.wish:
        needs.add(f"wish:{request.wish}")
    return HouseholdProfile(
        id=f"N{request.pk}", members=(Member("30-44", "adult"),), needs=frozenset(needs)
    )


def mentor_profile(mentor: Mentor, room: int) -> SiteProfile:
    """The mentor as the engine sees it: ``room`` newcomers more, and its tags (each language
    it speaks counts as the newcomer's own language too)."""
    services = _tags(mentor.languages, mentor.slots, mentor.interests)
    services |= {f"own:{code}" for code in mentor.languages}
    services.add(f"wish:{mentor.kind}")
    if mentor.district_id is not None:
        services.add(f"district:{mentor.district_id}")
    return SiteProfile(
        id=f"M{mentor.pk}",
        name=mentor.reference,
        capacity={"households": room},
        services=frozenset(services),
    )


def _mentors_with_room(organisation_id: int, _requests: list[MenteeRequest]) -> list[Site]:
    """Active mentors with room left: the capacity less the pairs and open proposals."""
    mentors = list(
        Mentor.objects.select_for_update()
        .filter(organisation_id=organisation_id, active=True)
        .order_by("id")
    )
    taken = dict(
        MentorProposal.objects.filter(
            mentor__in=mentors, status__in=[ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED]
        )
        .values("mentor")
        .annotate(n=Count("pk"))
        .values_list("mentor", "n")
    )
    room = {m.pk: m.capacity - taken.get(m.pk, 0) for m in mentors}
    return [Site(m, mentor_profile(m, room[m.pk])) for m in mentors if room[m.pk] > 0]


MENTORING = MatchingArea(
    programme=Programme.MENTORING,
    request_model=MenteeRequest,
    place_model=Mentor,
    proposal_model=MentorProposal,
    place_field="mentor",
    request_prefix="N",
    request_transitions=MENTEE_REQUEST_TRANSITIONS,
    proposal_transitions=MENTOR_PROPOSAL_TRANSITIONS,
    live_statuses=LIVE_MENTEE_STATUSES,
    may_manage=policies.may_manage_mentoring,
    scope=policies.mentoring_scope,
    request_profile=request_profile,
    sites=_mentors_with_room,
    already_live=gettext_lazy("This case already waits for a mentor or has one."),
)


@transaction.atomic
def mentoring_run(*, actor: User) -> EngineRun:
    """Propose mentors to the waiting newcomers under the mentoring catalogue's hard criteria
    (the mentor has room, a language both speak, a time both are free)."""
    return shared.area_run(MENTORING, actor)


# --------------------------------------------------------------------------------------------
# Both sides accept; the pair meets and ends
# --------------------------------------------------------------------------------------------


def _locked_proposal(actor: User, proposal: MentorProposal) -> MentorProposal:
    found: MentorProposal = shared.area_locked_proposal(MENTORING, actor, proposal)
    return found


@transaction.atomic
def mentor_proposal_accept(
    *, actor: User, proposal: MentorProposal, side: str, on: dt.date | None = None
) -> MentorProposal:
    """Record that ``side`` (``"mentee"`` or ``"mentor"``) accepted on ``on``; with both sides'
    acceptance the pair exists and the newcomer is accompanied."""
    if side not in SIDES:
        raise CasesError(_("Say who accepted: the newcomer or the mentor."))
    proposal = _locked_proposal(actor, proposal)
    on = on or timezone.localdate()
    _not_in_future(on, _("The date of the acceptance"))
    if proposal.status != ProposalStatus.PROPOSED:
        raise TransitionError(_("This proposal is no longer open."))
    field = f"{side}_accepted_on"
    if getattr(proposal, field) is not None:
        raise CasesError(_("This side has already accepted."))
    if on < proposal.run.created_at.date():
        raise CasesError(_("An acceptance cannot be before the proposal."))
    setattr(proposal, field, on)
    proposal.save(update_fields=[field])
    log_action(
        "cases.mentorproposal.accepted",
        actor=actor,
        obj=proposal,
        data={"side": side, "mentor": proposal.mentor.reference},
    )
    if proposal.paired_on is not None:
        request = shared.area_proposal_settle(MENTORING, actor, proposal, ProposalStatus.ACCEPTED)
        shared.area_transition(MENTORING, actor, request, MenteeRequestStatus.MATCHED)
    return proposal


@transaction.atomic
def mentor_proposal_decline(*, actor: User, proposal: MentorProposal) -> MentorProposal:
    """One side declined: the newcomer waits again (this mentor is not proposed again)."""
    declined: MentorProposal = shared.area_proposal_decline(MENTORING, actor, proposal)
    return declined


@transaction.atomic
def pair_end(*, actor: User, pair: MentorProposal, on: dt.date | None = None) -> MentorProposal:
    """The mentoring ends (goal reached, moved away …); the mentor has room again."""
    pair = _locked_proposal(actor, pair)
    on = on or timezone.localdate()
    _not_in_future(on, _("The end of the mentoring"))
    if pair.paired_on is not None and on < pair.paired_on:
        raise CasesError(_("The mentoring cannot end before both sides accepted."))
    shared.area_transition(MENTORING, actor, pair, ProposalStatus.ENDED, ended_on=on)
    request = MenteeRequest.objects.select_for_update().get(pk=pair.request_id)
    shared.area_transition(MENTORING, actor, request, MenteeRequestStatus.ENDED)
    return pair


@transaction.atomic
def meeting_record(
    *, actor: User, pair: MentorProposal, on: dt.date, minutes: int, kind: str
) -> MentorMeeting:
    """A meeting of the pair: not before both sides accepted, not in the future."""
    pair = _locked_proposal(actor, pair)
    if pair.status != ProposalStatus.ACCEPTED or pair.paired_on is None:
        raise CasesError(_("Meetings are recorded for pairs that both sides accepted."))
    _not_in_future(on, _("The date of the meeting"))
    if on < pair.paired_on:
        raise CasesError(_("A meeting cannot be before both sides accepted."))
    if not 5 <= minutes <= 720:
        raise CasesError(_("A meeting lasts 5 to 720 minutes."))
    if kind not in ContactKind.values:
        raise CasesError(_("Unknown kind of contact."))
    meeting = MentorMeeting.objects.create(
        pair=pair, on=on, minutes=minutes, kind=kind, recorded_by=actor
    )
    log_action("cases.mentormeeting.recorded", actor=actor, obj=pair, data={"meeting": meeting.pk})
    return meeting


def mentor_open_pairs(mentor: Mentor) -> int:
    """How many open proposals and pairs the mentor has (an erasure waits until they ended)."""
    return _taken(mentor)


def mentor_erase(*, mentor: Mentor) -> None:
    """Erase the mentor (Art. 17 GDPR), the case-management part; the privacy app decides who
    may and why, holds the mentor's row lock and calls this inside its transaction. What is left
    is a pseudonymous shell: the name becomes the reference, the languages, free times,
    interests and district go, and it takes no newcomers. Its ended pairs and their meetings
    (date, minutes, kind: no notes) stay with the newcomers' cases and name the mentor only by
    its reference, as do the profiles in the runs' snapshots (catalogue tags, no name)."""
    mentor.name = mentor.reference
    mentor.languages = []
    mentor.slots = []
    mentor.interests = []
    mentor.district = None
    mentor.active = False
    mentor.save(update_fields=["name", "languages", "slots", "interests", "district", "active"])


def mentoring_erase(*, case: Case) -> int:
    """Erase the case's mentee requests with their proposals and meetings, and take their
    profiles out of the runs; returns how many requests went. The mentors stay."""
    return shared.area_erase(MENTORING, case)


__all__ = [
    "MENTORING",
    "SIDES",
    "meeting_record",
    "mentee_request_create",
    "mentee_request_withdraw",
    "mentor_create",
    "mentor_erase",
    "mentor_open_pairs",
    "mentor_profile",
    "mentor_proposal_accept",
    "mentor_proposal_decline",
    "mentor_update",
    "mentoring_erase",
    "mentoring_run",
    "pair_end",
    "request_profile",
]
