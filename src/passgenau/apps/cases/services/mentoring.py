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
    CaseStatus,
    ConsentPurpose,
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
from .cases import (
    CasesError,
    TransitionError,
    _needs_consent,
    _not_in_future,
    _require,
    transition,
)
from .matching import engine_run, profiles_erase

SIDES = ("mentee", "mentor")
MAX_CAPACITY = 5


def _mentoring(actor: User) -> int:
    _require(policies.may_manage_mentoring(user=actor))
    assert actor.organisation_id is not None
    return actor.organisation_id


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
    organisation_id = _mentoring(actor)
    mentor = Mentor.objects.create(
        organisation_id=organisation_id, **_mentor_fields(organisation_id, fields)
    )
    log_action("cases.mentor.created", actor=actor, obj=mentor)
    return mentor


@transaction.atomic
def mentor_update(*, actor: User, mentor: Mentor, **fields: Any) -> Mentor:
    """Change a mentor; the capacity cannot go below the pairs and open proposals it has."""
    organisation_id = _mentoring(actor)
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
    organisation_id = _mentoring(actor)
    _require(case.organisation_id == organisation_id and policies.may_keep_cases(user=actor))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise CasesError(_("The case is closed."))
    _needs_consent(case, ConsentPurpose.CASE_MANAGEMENT)
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
    if MenteeRequest.objects.filter(case=case, status__in=LIVE_MENTEE_STATUSES).exists():
        raise CasesError(_("This case already waits for a mentor or has one."))
    request = MenteeRequest.objects.create(
        case=case, own_language=own_language, wish=wish, created_by=actor, **fields
    )
    log_action("cases.menteerequest.created", actor=actor, obj=case, data={"request": request.pk})
    return request


def _request_to(actor: User, request: MenteeRequest, to: str) -> None:
    transition(
        request,
        table=MENTEE_REQUEST_TRANSITIONS,
        to=to,
        actor=actor,
        action="cases.menteerequest.status_changed",
    )


def _proposal_to(actor: User, proposal: MentorProposal, to: str, **extra: Any) -> None:
    transition(
        proposal,
        table=MENTOR_PROPOSAL_TRANSITIONS,
        to=to,
        actor=actor,
        action="cases.mentorproposal.status_changed",
        extra=extra,
    )


@transaction.atomic
def mentee_request_withdraw(*, actor: User, request: MenteeRequest) -> MenteeRequest:
    """The newcomer no longer wants a mentor; an open proposal is declined with it."""
    organisation_id = _mentoring(actor)
    request = MenteeRequest.objects.select_for_update().get(
        pk=request.pk, case__organisation_id=organisation_id
    )
    for proposal in MentorProposal.objects.select_for_update().filter(
        request=request, status=ProposalStatus.PROPOSED
    ):
        _proposal_to(actor, proposal, ProposalStatus.DECLINED, decided_at=timezone.now())
    _request_to(actor, request, MenteeRequestStatus.WITHDRAWN)
    return request


# --------------------------------------------------------------------------------------------
# Engine profiles and the matching run
# --------------------------------------------------------------------------------------------


def request_id(request: MenteeRequest) -> str:
    return f"N{request.pk}"


def mentor_id(mentor: Mentor) -> str:
    return f"M{mentor.pk}"


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
        id=request_id(request), members=(Member("30-44", "adult"),), needs=frozenset(needs)
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
        id=mentor_id(mentor),
        name=mentor.reference,
        capacity={"households": room},
        services=frozenset(services),
    )


@transaction.atomic
def mentoring_run(*, actor: User) -> EngineRun:
    """Propose mentors to the waiting newcomers under the mentoring catalogue's hard criteria
    (the mentor has room, a language both speak, a time both are free)."""
    organisation_id = _mentoring(actor)
    requests = list(
        MenteeRequest.objects.select_for_update(of=("self",))
        .filter(case__organisation_id=organisation_id, status=MenteeRequestStatus.WAITING)
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by("id")
    )
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
    mentors = [m for m in mentors if room[m.pk] > 0]
    declined = MentorProposal.objects.filter(
        request__in=requests, mentor__in=mentors, status=ProposalStatus.DECLINED
    ).values_list("request_id", "mentor_id")
    run, placements = engine_run(
        actor=actor,
        programme=Programme.MENTORING,
        households=[request_profile(r) for r in requests],
        sites=[mentor_profile(m, room[m.pk]) for m in mentors],
        forbidden=[(f"N{r}", f"M{m}") for r, m in declined],
    )
    request_of = {request_id(r): r for r in requests}
    mentor_of = {mentor_id(m): m for m in mentors}
    for placement in placements:
        request = request_of[placement.household_id]
        MentorProposal.objects.create(
            run=run,
            request=request,
            mentor=mentor_of[placement.site_id],
            score=placement.score,
            explanation=placement.explanation,
        )
        _request_to(actor, request, MenteeRequestStatus.PROPOSED)
    return run


# --------------------------------------------------------------------------------------------
# Both sides accept; the pair meets and ends
# --------------------------------------------------------------------------------------------


def _locked_proposal(actor: User, proposal: MentorProposal) -> MentorProposal:
    organisation_id = _mentoring(actor)
    found = (
        MentorProposal.objects.select_for_update(of=("self",))
        .select_related("request", "mentor")
        .filter(pk=proposal.pk, run__organisation_id=organisation_id)
        .first()
    )
    if found is None:
        raise CasesError(_("You may not do this."))
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
        _proposal_to(actor, proposal, ProposalStatus.ACCEPTED, decided_at=timezone.now())
        request = MenteeRequest.objects.select_for_update().get(pk=proposal.request_id)
        _request_to(actor, request, MenteeRequestStatus.MATCHED)
    return proposal


@transaction.atomic
def mentor_proposal_decline(*, actor: User, proposal: MentorProposal) -> MentorProposal:
    """One side declined: the newcomer waits again (this mentor is not proposed again)."""
    proposal = _locked_proposal(actor, proposal)
    request = MenteeRequest.objects.select_for_update().get(pk=proposal.request_id)
    _proposal_to(actor, proposal, ProposalStatus.DECLINED, decided_at=timezone.now())
    _request_to(actor, request, MenteeRequestStatus.WAITING)
    return proposal


@transaction.atomic
def pair_end(*, actor: User, pair: MentorProposal, on: dt.date | None = None) -> MentorProposal:
    """The mentoring ends (goal reached, moved away …); the mentor has room again."""
    pair = _locked_proposal(actor, pair)
    on = on or timezone.localdate()
    _not_in_future(on, _("The end of the mentoring"))
    if pair.paired_on is not None and on < pair.paired_on:
        raise CasesError(_("The mentoring cannot end before both sides accepted."))
    _proposal_to(actor, pair, ProposalStatus.ENDED, ended_on=on)
    request = MenteeRequest.objects.select_for_update().get(pk=pair.request_id)
    _request_to(actor, request, MenteeRequestStatus.ENDED)
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


def mentoring_erase(*, case: Case) -> int:
    """Erase the case's mentee requests with their proposals and meetings, and take their
    profiles out of the runs; returns how many requests went. The mentors stay."""
    requests = list(MenteeRequest.objects.filter(case=case))
    if not requests:
        return 0
    profiles_erase(
        programme=Programme.MENTORING,
        ids={request_id(r) for r in requests},
        since=min(r.created_at for r in requests),
    )
    MentorProposal.objects.filter(request__in=requests).delete()  # with their meetings
    MenteeRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
    return len(requests)


__all__ = [
    "SIDES",
    "meeting_record",
    "mentee_request_create",
    "mentee_request_withdraw",
    "mentor_create",
    "mentor_profile",
    "mentor_proposal_accept",
    "mentor_proposal_decline",
    "mentor_update",
    "mentoring_erase",
    "mentoring_run",
    "pair_end",
    "request_profile",
]
