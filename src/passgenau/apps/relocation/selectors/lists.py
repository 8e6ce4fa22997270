"""What every relocation list is filtered by (a search text, a status, a round, a
municipality) and how: one function for all lists, told where each list's rows keep these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import Household, Round

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ListFilters:
    """What a list is filtered by (empty: no filter)."""

    query: str = ""
    status: str = ""
    round_: Round | None = None
    municipality: Organisation | None = None


@dataclass(frozen=True)
class ListFields:
    """Where a list's rows keep what the filters look at (``None``: the list has no such
    filter). ``household``: the path to the household a search text looks for (``""``: the
    rows are households); ``text``: a field searched instead (e.g. a round's name)."""

    household: str | None = "household__"
    text: str | None = None
    status: str | None = "status"
    round_: str | None = "run__round"
    municipality: str | None = "municipality"


HOUSEHOLD_FIELDS = ListFields(household="", round_="round", municipality=None)
PROPOSAL_FIELDS = ListFields()


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


def log_households_shown(
    *, user: Visitor, households: Iterable[Household], query: str = "", **data: Any
) -> None:
    """Log that ``user`` saw these households on a list (one entry with their ids, ``data``,
    and whether they were searched by name — never the text typed, which may be a name)."""
    if query.strip() and policies.household_names_searchable(user):
        data["name_search"] = True
    log_read(actor=user, objects=list(households), data=data)


def list_filtered(
    rows: QuerySet[M], *, user: Visitor, filters: ListFilters, fields: ListFields
) -> QuerySet[M]:
    """``rows`` narrowed by ``filters``, each where ``fields`` says the rows keep it."""
    if filters.status and fields.status is not None:
        rows = rows.filter(**{fields.status: filters.status})
    if filters.round_ is not None and fields.round_ is not None:
        rows = rows.filter(**{fields.round_: filters.round_})
    if filters.municipality is not None and fields.municipality is not None:
        rows = rows.filter(**{fields.municipality: filters.municipality})
    query = filters.query.strip()
    if query:
        match = Q(pk__in=[])
        if fields.household is not None:
            match |= households_matching(user=user, query=query, path=fields.household)
        if fields.text is not None:
            match |= Q(**{f"{fields.text}__icontains": query})
        rows = rows.filter(match)
    return rows


def municipalities_of(rows: QuerySet[Any]) -> QuerySet[Organisation]:
    """The municipalities these rows (proposals, placements) go to: the choices of a list's
    municipality filter."""
    return Organisation.objects.filter(pk__in=rows.values("municipality_id")).order_by("name")
