"""Reads of data protection: the case or mentor a user may erase or hand over (Art. 15/17
GDPR), and what an erasure would remove (counts only, for the confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from passgenau.apps.cases import policies as case_policies
from passgenau.apps.cases.models import Case, Mentor, MentorMeeting
from passgenau.apps.cases.selectors import cases as case_selectors
from passgenau.apps.cases.selectors import mentoring as mentoring_selectors
from passgenau.apps.cases.selectors.subject_access import case_parts
from passgenau.apps.cases.services.mentoring import mentor_open_pairs
from passgenau.apps.core.held import HeldPart
from passgenau.apps.relocation.models import Household, MatchingRun

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "CaseHeld",
    "Held",
    "MentorHeld",
    "case_get_for_erasure",
    "case_held",
    "household_held",
    "mentor_get_for_erasure",
    "mentor_held",
]


def case_get_for_erasure(*, user: Visitor, pk: int) -> Case:
    """A case the user may erase and hand over (``cases.policies.may_erase_case``), or Http404;
    the read is logged (the pages show its name)."""
    case = case_selectors.case_get_for_user(user=user, pk=pk)
    if case is None or not case_policies.may_erase_case(user=user, case=case):
        raise Http404("no such case")
    return case


def mentor_get_for_erasure(*, user: Visitor, pk: int) -> Mentor:
    """A mentor the user may erase and hand over (``cases.policies.may_erase_mentor``), or
    Http404; the read is logged."""
    mentor = mentoring_selectors.mentor_get_for_user(user=user, pk=pk)
    if mentor is None or not case_policies.may_erase_mentor(user=user, mentor=mentor):
        raise Http404("no such mentor")
    return mentor


@dataclass(frozen=True)
class CaseHeld:
    # (category title, rows) of what the case holds besides its own row, empty categories left
    # out
    parts: list[tuple[str, int]]
    # hours billed to a funder: the pseudonymous shell and the hours stay
    hours: int


def case_held(*, case: Case) -> CaseHeld:
    """How much case management holds about the case, category by category (the same parts as
    the data-subject export)."""
    parts: list[HeldPart] = case_parts(case=case)
    counts = {part.key: len(part.rows) for part in parts}
    return CaseHeld(
        parts=[(str(p.title), len(p.rows)) for p in parts if p.rows and p.key != "case"],
        hours=counts.get("hours", 0),
    )


@dataclass(frozen=True)
class MentorHeld:
    pairs: int
    meetings: int
    open_pairs: int


def mentor_held(*, mentor: Mentor) -> MentorHeld:
    """The mentor's pairs and their meetings (they stay, naming the mentor by its reference)."""
    return MentorHeld(
        pairs=mentor.proposals.count(),
        meetings=MentorMeeting.objects.filter(pair__mentor=mentor).count(),
        open_pairs=mentor_open_pairs(mentor),
    )


@dataclass(frozen=True)
class Held:
    members: int
    proposals: int
    surveys: int
    runs: int
    cases: int
    cases_kept_for_billing: int


def household_held(*, household: Household) -> Held:
    """How much is recorded about the household, app by app."""
    cases = Case.objects.filter(household=household)
    runs = MatchingRun.objects.filter(round_id=household.round_id)
    return Held(
        members=household.members.count(),
        proposals=household.proposals.count(),
        surveys=household.surveys.count(),
        runs=sum(1 for s in runs.values_list("snapshot", flat=True) if _names(s, household)),
        cases=cases.count(),
        cases_kept_for_billing=cases.filter(hour_entries__isnull=False).distinct().count(),
    )


def _names(snapshot: dict[str, object] | None, household: Household) -> bool:
    pks = (snapshot or {}).get("household_pks") or {}
    return isinstance(pks, dict) and household.reference in pks
