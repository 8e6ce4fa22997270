"""Which rounds a user sees, and the round a view or endpoint works on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.http import Http404

from passgenau.apps.accounts.models import Organisation

from .. import policies
from ..models import Household, HouseholdStatus, Round
from .lists import ListFields, ListFilters, list_filtered

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def rounds_for_user(*, user: Visitor) -> QuerySet[Round]:
    """Coordinators: the rounds their organisation coordinates. Municipal officers: rounds their
    municipality takes part in. Interviewers: every round past its draft. Others: none."""
    rounds = policies.scoped(
        Round.objects.select_related("coordinating_organisation"), policies.rounds_scope(user)
    )
    return rounds.annotate(
        municipality_count=Count("profiles", distinct=True),
        household_count=Count(
            "households", filter=policies.round_households_counted(user), distinct=True
        ),
    ).order_by("-created_at", "-id")


ROUND_FIELDS = ListFields(
    household=None, text="name", round_=None, municipality="profiles__municipality"
)


def rounds_search(*, user: Visitor, filters: ListFilters) -> QuerySet[Round]:
    """The user's rounds, filtered: the search text looks at the round's name; the
    municipality: rounds it takes part in."""
    return list_filtered(
        rounds_for_user(user=user), user=user, filters=filters, fields=ROUND_FIELDS
    )


def round_municipalities(*, user: Visitor) -> QuerySet[Organisation]:
    """The municipalities taking part in the user's rounds (the filter's choices)."""
    return (
        Organisation.objects.filter(
            relocation_profiles__round__in=rounds_for_user(user=user).values("pk")
        )
        .distinct()
        .order_by("name")
    )


def round_get_for_user(*, user: Visitor, pk: int) -> Round:
    """A round the user may see, or Http404."""
    found = rounds_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such round")
    return found


def round_get_for_coordinator(*, user: Visitor, pk: int) -> Round:
    """A round coordinated by the user's organisation (for changes), or Http404."""
    managed = policies.scoped(rounds_for_user(user=user), policies.rounds_managed_scope(user))
    found = managed.filter(pk=pk).first()
    if found is None:
        raise Http404("no such round")
    return found


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
