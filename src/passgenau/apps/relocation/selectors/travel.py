"""Accepted placements on their way: travel plans for coordinators, upcoming arrivals (with what
the municipality needs to know) for municipal officers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import Member, Proposal, ProposalStatus

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


def with_travel_and_arrival(placements: QuerySet[Proposal]) -> list[Proposal]:
    """Attach ``travel_plan`` and ``arrival_record`` (or None) without a query per row."""
    from ..models import Arrival, Travel

    shown = list(placements)
    ids = [p.pk for p in shown]
    travel = {t.proposal_id: t for t in Travel.objects.filter(proposal_id__in=ids)}
    arrival = {a.proposal_id: a for a in Arrival.objects.filter(proposal_id__in=ids)}
    for p in shown:
        # attributes of these rows only, not of the model (mypy cannot know them)
        p.travel_plan = travel.get(p.pk)  # type: ignore[attr-defined]
        p.arrival_record = arrival.get(p.pk)  # type: ignore[attr-defined]
    return shown


def placements_list_for_user(*, user: Visitor, upcoming_only: bool = False) -> list[Proposal]:
    """Accepted placements with travel and arrival; ``upcoming_only``: not yet arrived. Logged."""
    placements = placements_for_user(user=user)
    if upcoming_only:
        placements = placements.filter(arrival__isnull=True)
    shown = with_travel_and_arrival(placements)
    log_read(actor=user, objects=[p.household for p in shown], data={"page": "placements"})
    return shown


def placement_get_for_user(*, user: Visitor, pk: int) -> Proposal:
    """One accepted placement the user may see, with travel and arrival; logged."""
    found = with_travel_and_arrival(placements_for_user(user=user).filter(pk=pk))
    if not found:
        raise Http404("no such placement")
    log_read(actor=user, obj=found[0].household, data={"proposal": found[0].pk})
    return found[0]
