"""Which rounds a user sees, and the round a view or endpoint works on."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from passgenau.apps.accounts.access import user_role
from passgenau.apps.accounts.roles import Role

from ..models import Household, HouseholdStatus, Round, RoundStatus


def _organisation_id(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if user_role(user) != "public" else None


def rounds_for_user(*, user: Any) -> QuerySet[Round]:
    """Coordinators: the rounds their organisation coordinates. Municipal officers: rounds their
    municipality takes part in. Interviewers: every round past its draft. Others: none."""
    role = user_role(user)
    organisation_id = _organisation_id(user)
    rounds = Round.objects.select_related("coordinating_organisation")
    if organisation_id is None:
        return rounds.none()
    if role == Role.COORDINATOR:
        rounds = rounds.filter(coordinating_organisation_id=organisation_id)
        own_households = Q()
    elif role == Role.MUNICIPAL_OFFICER:
        rounds = rounds.filter(profiles__municipality_id=organisation_id)
        own_households = Q(pk__in=[])  # officers see proposals, not the household register
    elif role == Role.INTERVIEWER:
        rounds = rounds.exclude(status=RoundStatus.DRAFT)
        own_households = Q(households__interviewing_organisation_id=organisation_id)
    else:
        return rounds.none()
    return rounds.annotate(
        municipality_count=Count("profiles", distinct=True),
        household_count=Count("households", filter=own_households, distinct=True),
    ).order_by("-created_at", "-id")


def round_get_for_user(*, user: Any, pk: int) -> Round:
    """A round the user may see, or Http404."""
    found = rounds_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such round")
    return found


def round_get_for_coordinator(*, user: Any, pk: int) -> Round:
    """A round coordinated by the user's organisation (for changes), or Http404."""
    if user_role(user) != Role.COORDINATOR:
        raise Http404("no such round")
    return round_get_for_user(user=user, pk=pk)


def round_household_counts(*, round_: Round) -> dict[str, int]:
    """Households of the round per status (all statuses present, zeros included)."""
    counts = dict.fromkeys(HouseholdStatus.values, 0)
    rows = (
        Household.objects.filter(round=round_)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for status, n in rows:
        counts[status] = n
    return counts
