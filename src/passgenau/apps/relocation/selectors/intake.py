"""Households: who may see which (access functions) and the reads, each logged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.http import Http404

from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import Household, Round
from .lists import HOUSEHOLD_FIELDS, ListFilters, list_filtered, log_households_shown

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def households_for_user(*, user: Visitor) -> QuerySet[Household]:
    """Coordinators: households in the rounds their organisation coordinates. Interviewers: their
    own organisation's households. Everyone else: none (municipal officers see proposals)."""
    households = Household.objects.select_related("round", "interviewing_organisation", "interview")
    return policies.scoped(households, policies.households_scope(user))


def households_search(
    *,
    user: Visitor,
    round_: Round | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[Household]:
    """The user's households, filtered, with the number of members (no query per row)."""
    households = list_filtered(
        households_for_user(user=user),
        user=user,
        filters=ListFilters(query=query, status=status, round_=round_),
        fields=HOUSEHOLD_FIELDS,
    )
    return households.annotate(member_count=Count("members")).order_by("-created_at", "-id")


def household_get_for_user(*, user: Visitor, pk: int, log: bool = True) -> Household:
    """A household the user may see, with members and consents loaded; the read is logged."""
    household = (
        households_for_user(user=user)
        .select_related("contact", "interviewer")
        .prefetch_related("members", "consents__recorded_by")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404("no such household")
    if log:
        log_read(actor=user, obj=household)
    return household


def household_get_for_interviewer(*, user: Visitor, pk: int) -> Household:
    """A household of the interviewer's own organisation (for changes), or Http404; logged."""
    if policies.households_interviewed_scope(user) is None:
        raise Http404("no such household")
    household = household_get_for_user(user=user, pk=pk)
    if not policies.household_may_edit(user, household):
        raise Http404("no such household")
    return household


def household_get_for_erasure(*, user: Visitor, pk: int) -> Household:
    """A household the user may erase (or one of whose members), or Http404; the read is
    logged (the erasure pages show its members and their names)."""
    household = household_get_for_user(user=user, pk=pk)
    if not policies.household_may_erase(user, household):
        raise Http404("no such household")
    return household


def household_get_for_subject_access(*, user: Visitor, pk: int) -> Household:
    """A household whose data the user may hand over (Art. 15 GDPR), or Http404; logged."""
    household = household_get_for_user(user=user, pk=pk)
    if not policies.household_may_export_subject_data(user, household):
        raise Http404("no such household")
    return household


def households_log_read(
    *, user: Visitor, households: Iterable[Household], query: str = ""
) -> list[Household]:
    """Log that ``user`` saw this list of households (one entry with their ids, and whether
    they were searched by name)."""
    shown = list(households)
    log_households_shown(user=user, households=shown, query=query)
    return shown
