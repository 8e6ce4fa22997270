"""Accepted placements on their way: travel plans for coordinators, upcoming arrivals (with what
the municipality needs to know) for municipal officers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import Arrival, Member, Proposal, ProposalStatus, Travel, TravelStatus
from .lists import ListFields, ListFilters, list_filtered, log_households_shown

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def placements_for_user(*, user: Visitor) -> QuerySet[Proposal]:
    """Accepted placements: coordinators of the round, officers of the receiving municipality."""
    placements = (
        Proposal.objects.filter(status=ProposalStatus.ACCEPTED)
        .select_related("run__round", "municipality", "household__interview", "household__contact")
        .prefetch_related(
            Prefetch("household__members", queryset=Member.objects.order_by("position", "id"))
        )
        .order_by("travel__departure_on", "household__reference")
    )
    return policies.scoped(placements, policies.placements_scope(user))


def with_travel_and_arrival(placements: Iterable[Proposal]) -> list[Proposal]:
    """Attach ``travel_plan`` and ``arrival_record`` (or None) without a query per row."""
    shown = list(placements)
    ids = [p.pk for p in shown]
    travel = {t.proposal_id: t for t in Travel.objects.filter(proposal_id__in=ids)}
    arrival = {a.proposal_id: a for a in Arrival.objects.filter(proposal_id__in=ids)}
    for p in shown:
        # attributes of these rows only, not of the model (mypy cannot know them)
        p.travel_plan = travel.get(p.pk)  # type: ignore[attr-defined]
        p.arrival_record = arrival.get(p.pk)  # type: ignore[attr-defined]
    return shown


UNPLANNED = "unplanned"
EXPECTED = "expected"
RECORDED = "recorded"


def placement_states() -> list[tuple[str, Any]]:
    """The states the placement list filters by: travel not planned yet, or its status."""
    return [(UNPLANNED, _("travel not planned")), *TravelStatus.choices]


def arrival_states() -> list[tuple[str, Any]]:
    """The states the arrivals list filters by: still expected, or arrived (recorded)."""
    return [(EXPECTED, _("expected")), (RECORDED, _("arrival recorded"))]


def _state_filter(state: str) -> Q:
    if state == UNPLANNED:
        return Q(travel__isnull=True)
    if state == EXPECTED:
        return Q(arrival__isnull=True)
    if state == RECORDED:
        return Q(arrival__isnull=False)
    return Q(travel__status=state)


def placements_search(*, user: Visitor, filters: ListFilters) -> QuerySet[Proposal]:
    """The user's accepted placements, filtered (the state: :func:`placement_states` or
    :func:`arrival_states`), those still expected first. Not logged here: the page logs what it
    shows (:func:`placements_shown`)."""
    placements = list_filtered(
        placements_for_user(user=user),
        user=user,
        filters=filters,
        fields=ListFields(status=None),
    )
    if filters.status:
        placements = placements.filter(_state_filter(filters.status))
    return placements.annotate(
        has_arrived=Exists(Arrival.objects.filter(proposal=OuterRef("pk")))
    ).order_by("has_arrived", "travel__departure_on", "household__reference", "pk")


def placements_shown(
    *, user: Visitor, placements: Iterable[Proposal], query: str = ""
) -> list[Proposal]:
    """These placements with travel and arrival attached (two queries); the read is logged."""
    shown = with_travel_and_arrival(placements)
    log_households_shown(
        user=user, households=[p.household for p in shown], query=query, page="placements"
    )
    return shown


def placement_get_for_user(*, user: Visitor, pk: int) -> Proposal:
    """One accepted placement the user may see, with travel and arrival; logged."""
    found = with_travel_and_arrival(placements_for_user(user=user).filter(pk=pk))
    if not found:
        raise Http404("no such placement")
    log_read(actor=user, obj=found[0].household, data={"proposal": found[0].pk})
    return found[0]
