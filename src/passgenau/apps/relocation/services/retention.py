"""Retention (Art. 5(1)(e) GDPR), the relocation part: what of a household is removed when a
period after the end of its part in the round has passed. The periods, the daily job and its
report are the privacy app's (``passgenau.apps.privacy.services.retention``).

Each function takes the households whose period has passed (``selectors.retention``), removes
the category's data from those that still hold some, and returns how many households that was;
with ``apply=False`` it only counts (the job's dry run). The household itself stays, with its
reference, status and members (age bands), for the rounds' statistics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ..models import (
    Arrival,
    Correction,
    Decision,
    FollowUpSurvey,
    Household,
    HouseholdContact,
    Interview,
    Proposal,
    ProposalReason,
    Travel,
)
from .runs import runs_forget

__all__ = [
    "contact_data_remove",
    "health_needs_remove",
    "interview_answers_remove",
    "surveys_remove",
]

RETENTION_COUNTER = "removed_by_retention"  # in run snapshots: profiles taken out
REMOVED_REASON = "—"  # stands for a decision's or change's reason once removed
BATCH = 500

# The answers of an interview as they are when none was given.
BLANK_ANSWERS: dict[str, Any] = {
    "languages": [],
    "german_level": "",
    "occupations": [],
    "qualifications": "",
    "needs": [],
    "needs_notes": "",
    "ties": [],
    "importance": {},
    "ranked_places": [],
    "excluded_places": [],
    "preferred_size": "",
    "preferred_region": "",
    "notes": "",
}
TRAVEL_CONTACT = ("route", "contact_at_arrival", "contact_phone", "meeting_point")


def _batches(households: Sequence[Household]) -> list[list[int]]:
    pks = [h.pk for h in households]
    return [pks[i : i + BATCH] for i in range(0, len(pks), BATCH)]


def _holding(households: QuerySet[Household], held: Q) -> list[Household]:
    return list(households.filter(held).only("pk", "round_id", "reference").order_by("pk"))


def _exists(queryset: QuerySet[Any]) -> Q:
    return Q(Exists(queryset))


def _travel(**condition: Any) -> Q:
    return _exists(Travel.objects.filter(proposal__household=OuterRef("pk"), **condition))


def _apply(households: list[Household], apply: bool, remove: Callable[[list[int]], Any]) -> int:
    if apply:
        for pks in _batches(households):
            remove(pks)
    return len(households)


def contact_data_remove(*, households: QuerySet[Household], apply: bool) -> int:
    """Names and contact data (the contact row), the organisation's own reference, and the travel
    plan's contact person, phone, meeting point and route."""
    held = _exists(HouseholdContact.objects.filter(household=OuterRef("pk")))
    held |= ~Q(external_reference="")
    for name in TRAVEL_CONTACT:
        held |= _travel(**{f"{name}__gt": ""})
    due = _holding(households, held)

    def remove(pks: list[int]) -> None:
        HouseholdContact.objects.filter(household_id__in=pks).delete()
        Household.objects.filter(pk__in=pks).update(external_reference="")
        Travel.objects.filter(proposal__household_id__in=pks).update(
            **dict.fromkeys(TRAVEL_CONTACT, "")
        )

    return _apply(due, apply, remove)


def _forget_in_runs_and_proposals(households: list[Household], pks: list[int]) -> None:
    chosen = set(pks)
    runs_forget(households=[h for h in households if h.pk in chosen], counter=RETENTION_COUNTER)
    Proposal.objects.filter(household_id__in=pks).exclude(explanation={}).update(explanation={})
    Travel.objects.filter(proposal__household_id__in=pks).update(information_for_municipality="")


def health_needs_remove(*, households: QuerySet[Household], apply: bool) -> int:
    """Needs (health among them) and the notes on them, the information for the municipality
    before arrival, the proposals' explanations (they name needs met) and the household's profile
    in the run snapshots."""
    needs = Interview.objects.filter(household=OuterRef("pk")).exclude(needs=[], needs_notes="")
    held = _exists(needs) | _travel(information_for_municipality__gt="")
    due = _holding(households, held)

    def remove(pks: list[int]) -> None:
        Interview.objects.filter(household_id__in=pks).update(needs=[], needs_notes="")
        _forget_in_runs_and_proposals(due, pks)

    return _apply(due, apply, remove)


def interview_answers_remove(*, households: QuerySet[Household], apply: bool) -> int:
    """Every interview answer and note, the reasons given for decisions on its proposals, for
    changes of them and for corrections of the arrival, a decision, a survey or the consent,
    the arrival's notes, and what ``health_needs_remove`` removes."""
    answered = Interview.objects.filter(household=OuterRef("pk")).exclude(**BLANK_ANSWERS)
    reasons = Decision.objects.filter(proposal__household=OuterRef("pk")).exclude(
        reason__in=("", REMOVED_REASON)
    )
    overrides = Proposal.objects.filter(household=OuterRef("pk")).exclude(
        override_reason__in=("", REMOVED_REASON)
    )
    given = ProposalReason.objects.filter(proposal__household=OuterRef("pk")).exclude(
        text=REMOVED_REASON
    )
    corrected = Correction.objects.of_households(OuterRef("pk")).exclude(reason=REMOVED_REASON)
    notes = Arrival.objects.filter(proposal__household=OuterRef("pk")).exclude(notes="")
    held = _exists(answered) | _exists(reasons) | _exists(overrides) | _exists(notes)
    held |= _exists(given) | _exists(corrected)
    held |= _travel(information_for_municipality__gt="")
    due = _holding(households, held)

    def remove(pks: list[int]) -> None:
        Interview.objects.filter(household_id__in=pks).update(**BLANK_ANSWERS)
        Decision.objects.filter(proposal__household_id__in=pks).exclude(reason="").update(
            reason=REMOVED_REASON
        )
        Proposal.objects.filter(household_id__in=pks).exclude(override_reason="").update(
            override_reason=REMOVED_REASON
        )
        ProposalReason.objects.filter(proposal__household_id__in=pks).update(text=REMOVED_REASON)
        Correction.objects.of_households(pks).update(reason=REMOVED_REASON)
        Arrival.objects.filter(proposal__household_id__in=pks).update(notes="")
        _forget_in_runs_and_proposals(due, pks)

    return _apply(due, apply, remove)


def surveys_remove(*, before: dt.date, apply: bool) -> int:
    """Follow-up surveys held (or, never held, due) before ``before``: deleted."""
    old = FollowUpSurvey.objects.filter(
        Q(completed_on__lt=before) | Q(completed_on__isnull=True, due_on__lt=before)
    )
    count = old.count()
    if apply and count:
        old.delete()
    return count
