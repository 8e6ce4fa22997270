"""Reads of data protection: what an erasure would remove (counts only, for the confirmation)."""

from __future__ import annotations

from dataclasses import dataclass

from passgenau.apps.cases.models import Case
from passgenau.apps.relocation.models import Household, MatchingRun

__all__ = ["Held", "household_held"]


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
