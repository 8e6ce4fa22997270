"""Households: who may see which (access functions) and the reads, each logged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import Household, Round

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
    households = households_for_user(user=user)
    if round_ is not None:
        households = households.filter(round=round_)
    if status:
        households = households.filter(status=status)
    if query:
        households = households.filter(households_matching(user=user, query=query))
    return households.annotate(member_count=Count("members")).order_by("-created_at", "-id")


def households_matching(*, user: Visitor, query: str, path: str = "") -> Q:
    """Households (reached by ``path``, e.g. ``"household__"`` from a proposal) matching a
    search text: by their pseudonymous code for everyone; by the names of the contact person and
    the members, and by the interviewing organisation's own reference, only for users who may
    search names (:func:`policies.household_names_searchable`), and only among the households
    they see — a name typed by anyone else matches nothing."""
    query = query.strip()
    match = Q(**{f"{path}reference__icontains": query})
    scope = policies.households_scope(user)
    if query and scope is not None and policies.household_names_searchable(user):
        named = Household.objects.filter(
            scope,
            Q(external_reference__icontains=query)
            | Q(contact__contact_name__icontains=query)
            | Q(contact__member_names__icontains=query),
        )
        match |= Q(**{f"{path}pk__in": named.values("pk")})
    return match


def search_log_data(*, user: Visitor, query: str) -> dict[str, bool]:
    """What a list's read entry says about its search: whether names were searched (never the
    text typed, which may be a name)."""
    if query.strip() and policies.household_names_searchable(user):
        return {"name_search": True}
    return {}


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
    log_read(actor=user, objects=shown, data=search_log_data(user=user, query=query))
    return shown
