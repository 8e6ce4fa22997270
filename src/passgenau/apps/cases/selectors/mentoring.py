"""Reads of mentoring. Mentors and runs are those of the user's organisation; mentee requests
and pairs those of its cases. Mentors' names and newcomers' requests are personal data: every
read is audited by pseudonymous ids (the mentor's reference number, request and pair numbers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from passgenau.apps.audit.services import log_read
from passgenau.apps.listing import text_matching

from .. import policies
from ..models import (
    EngineRun,
    MenteeRequest,
    Mentor,
    MentorProposal,
    ProposalStatus,
)
from ..services.mentoring import MENTORING
from . import matching as shared
from .cases import cases_for_user

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

    from ..models import Case

__all__ = [
    "mentee_requests_of_case",
    "mentor_get_for_user",
    "mentor_run_proposals",
    "mentoring_run_get_for_user",
    "mentoring_runs_for_user",
    "mentors_search",
    "pair_get_for_user",
    "pairs_for_user",
    "waiting_mentee_requests_for_user",
]

HOLDING = [ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED]


def _mentors(user: Visitor) -> QuerySet[Mentor]:
    return Mentor.objects.filter(policies.mentoring_scope(user=user))


def mentors_search(
    *, user: Visitor, query: str = "", active: bool | None = None
) -> QuerySet[Mentor]:
    """The organisation's mentors with ``taken`` (pairs and open proposals), those who take
    newcomers first: a search text matches the name (everyone who sees the pool sees the names);
    ``active``: only those who take newcomers or only those who do not. Not logged: the view logs
    the page shown."""
    mentors = (
        _mentors(user)
        .filter(text_matching(query, "name"))
        .annotate(taken=Count("proposals", filter=Q(proposals__status__in=HOLDING)))
        .select_related("district")
        .order_by("-active", "name", "id")
    )
    return mentors if active is None else mentors.filter(active=active)


def mentor_get_for_user(*, user: Visitor, pk: int) -> Mentor | None:
    mentor = _mentors(user).filter(pk=pk).first()
    if mentor is not None:
        log_read(actor=user, obj=mentor)
    return mentor


def waiting_mentee_requests_for_user(*, user: Visitor) -> list[MenteeRequest]:
    return shared.area_waiting_for_user(MENTORING, user=user)


def mentee_requests_of_case(*, user: Visitor, case: Case) -> list[MenteeRequest]:
    """The case's mentee requests, the latest first, with their proposals (audited)."""
    proposals = MentorProposal.objects.select_related("mentor").order_by("-run_id")
    return shared.area_requests_of_case(MENTORING, user=user, case=case, proposals=proposals)


def mentoring_runs_for_user(*, user: Visitor) -> QuerySet[EngineRun]:
    return shared.area_runs_for_user(MENTORING, user=user)


def mentoring_run_get_for_user(*, user: Visitor, pk: int) -> EngineRun | None:
    return shared.area_run_get_for_user(MENTORING, user=user, pk=pk)


def _pairs(user: Visitor) -> QuerySet[MentorProposal]:
    return MentorProposal.objects.filter(
        run__in=mentoring_runs_for_user(user=user), request__case__in=cases_for_user(user=user)
    ).select_related("request__case", "mentor")


def mentor_run_proposals(*, user: Visitor, run: EngineRun) -> list[MentorProposal]:
    """The run's proposals with their explanations in the reader's language (audited)."""
    return shared.area_run_proposals(MENTORING, user=user, run=run)


def pairs_for_user(*, user: Visitor) -> list[MentorProposal]:
    """Pairs both sides accepted and not ended (audited)."""
    pairs = list(_pairs(user).filter(status=ProposalStatus.ACCEPTED).order_by("mentor__name"))
    log_read(actor=user, objects=pairs)
    return pairs


def pair_get_for_user(*, user: Visitor, pk: int) -> MentorProposal | None:
    pair = _pairs(user).filter(pk=pk).prefetch_related("meetings").first()
    if pair is not None:
        log_read(actor=user, obj=pair)
    return pair
