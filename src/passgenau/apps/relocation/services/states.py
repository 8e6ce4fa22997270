"""The one way a household or a proposal changes its status: checked against the transition
table of its model (``HOUSEHOLD_TRANSITIONS``, ``PROPOSAL_TRANSITIONS``) and logged with
pseudonymous ids only. Rounds have their own (``rounds.round_transition``), which also checks
the conditions of each step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.errors import StateError

from ..models import (
    HOUSEHOLD_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    Household,
    HouseholdStatus,
    Proposal,
    ProposalStatus,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

# model → (transition table, status choices, audit action)
_MACHINES: dict[type, tuple[dict[str, frozenset[str]], Any, str]] = {
    Household: (HOUSEHOLD_TRANSITIONS, HouseholdStatus, "relocation.household.status_changed"),
    Proposal: (PROPOSAL_TRANSITIONS, ProposalStatus, "relocation.proposal.status_changed"),
}


class StatusTransitionError(StateError):
    """A household or proposal cannot move from its status to the one asked for."""

    default_code = "status_transition"


def _refusal(choices: Any, from_status: str, to_status: str) -> StatusTransitionError:
    return StatusTransitionError(
        _("The status cannot change from “%(from)s” to “%(to)s”.")
        % {"from": choices(from_status).label, "to": choices(to_status).label}
    )


def status_allowed(*, model: type, from_status: str, to_status: str) -> bool:
    """Whether the transition table of ``model`` allows the change (staying is always allowed)."""
    table, _choices, _action = _MACHINES[model]
    return from_status == to_status or to_status in table.get(from_status, frozenset())


def status_change(
    *, actor: User, obj: Household | Proposal, to_status: str, save: bool = True
) -> bool:
    """Move ``obj`` to ``to_status``; raises ``StatusTransitionError`` when the table forbids it.
    Staying in the same status changes and logs nothing. Returns whether the status changed."""
    _table, choices, action = _MACHINES[type(obj)]
    previous = obj.status
    if previous == to_status:
        return False
    if not status_allowed(model=type(obj), from_status=previous, to_status=to_status):
        raise _refusal(choices, previous, to_status)
    obj.status = to_status
    if save:
        obj.save(update_fields=["status", "updated_at"])
    log_action(action, actor=actor, obj=obj, data={"from": previous, "to": to_status})
    return True


def status_change_many(*, actor: User, queryset: QuerySet[Any], to_status: str) -> int:
    """Move every object of ``queryset`` to ``to_status`` in one update (all or none: one that
    may not move refuses the whole change); one audit entry with their ids. Returns how many."""
    model = queryset.model
    _table, choices, action = _MACHINES[model]
    rows = list(queryset.values_list("pk", "status"))
    for _pk, status in rows:
        if not status_allowed(model=model, from_status=status, to_status=to_status):
            raise _refusal(choices, status, to_status)
    moving = [pk for pk, status in rows if status != to_status]
    if moving:
        model.objects.filter(pk__in=moving).update(status=to_status, updated_at=timezone.now())
        log_action(
            action,
            actor=actor,
            data={"ids": moving, "from": sorted({s for _pk, s in rows}), "to": to_status},
        )
    return len(moving)


__all__ = ["StatusTransitionError", "status_allowed", "status_change", "status_change_many"]
