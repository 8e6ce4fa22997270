"""Reads of the housing transition. Districts, flats and runs are those of the user's
organisation; housing requests those of its cases (every read of a request is audited by its
pseudonymous number)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_read
from passgenau.apps.listing import text_matching

from .. import policies
from ..models import (
    District,
    EngineRun,
    Flat,
    FlatProposal,
    HousingRequest,
)
from ..services.housing import HOUSING
from . import matching as shared

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

    from ..models import Case

__all__ = [
    "districts_for_providers",
    "districts_for_user",
    "flat_get_for_user",
    "flats_for_user",
    "flats_search",
    "housing_request_get_for_user",
    "housing_requests_of_case",
    "housing_run_get_for_user",
    "housing_runs_for_user",
    "offered_flat_get_for_user",
    "offered_flats_for_user",
    "providers",
    "run_proposals",
    "waiting_requests_for_user",
]


def districts_for_user(*, user: Visitor) -> QuerySet[District]:
    return District.objects.filter(policies.housing_scope(user=user)).order_by("name")


def flats_for_user(*, user: Visitor) -> QuerySet[Flat]:
    return (
        Flat.objects.filter(policies.housing_scope(user=user))
        .select_related("district", "provider")
        .order_by("status", "district__name", "address", "id")
    )


def flats_search(
    *, user: Visitor, query: str = "", status: str = "", district: District | None = None
) -> QuerySet[Flat]:
    """The organisation's flats whose address or housing provider contains the search text, of
    one status and in one district unless empty. A flat names no person."""
    flats = flats_for_user(user=user).filter(text_matching(query, "address", "provider__name"))
    if status:
        flats = flats.filter(status=status)
    return flats if district is None else flats.filter(district=district)


def flat_get_for_user(*, user: Visitor, pk: int) -> Flat | None:
    return flats_for_user(user=user).filter(pk=pk).first()


def offered_flats_for_user(*, user: Visitor) -> QuerySet[Flat]:
    """The flats ``user``'s organisation offers as their housing provider (no household)."""
    return (
        Flat.objects.filter(policies.offered_flats_scope(user=user))
        .select_related("district", "organisation")
        .order_by("status", "district__name", "address", "id")
    )


def offered_flat_get_for_user(*, user: Visitor, pk: int) -> Flat | None:
    return offered_flats_for_user(user=user).filter(pk=pk).first()


def districts_for_providers() -> QuerySet[District]:
    """The districts a housing provider may offer a flat in: every organisation's that keeps
    districts for the housing transition (a district says who allocates the flat)."""
    return District.objects.select_related("organisation").order_by("organisation__name", "name")


def providers() -> QuerySet[Organisation]:
    """Organisations that can offer a flat (housing companies, the city, associations)."""
    return Organisation.objects.order_by("name")


def waiting_requests_for_user(*, user: Visitor) -> list[HousingRequest]:
    """Requests waiting for a flat or with one proposed, the longest waiting first (audited)."""
    return shared.area_waiting_for_user(HOUSING, user=user, related=("flat",))


def housing_request_get_for_user(*, user: Visitor, pk: int) -> HousingRequest | None:
    request = shared.area_requests(HOUSING, user).select_related("flat").filter(pk=pk).first()
    if request is not None:
        log_read(actor=user, obj=request)
    return request


def housing_requests_of_case(*, user: Visitor, case: Case) -> list[HousingRequest]:
    """The case's housing requests, the latest first, with their proposals (audited)."""
    proposals = FlatProposal.objects.select_related("flat__district", "run").order_by(
        "-run__number"
    )
    return shared.area_requests_of_case(HOUSING, user=user, case=case, proposals=proposals)


def housing_runs_for_user(*, user: Visitor) -> QuerySet[EngineRun]:
    return shared.area_runs_for_user(HOUSING, user=user)


def housing_run_get_for_user(*, user: Visitor, pk: int) -> EngineRun | None:
    return shared.area_run_get_for_user(HOUSING, user=user, pk=pk)


def run_proposals(*, user: Visitor, run: EngineRun) -> list[FlatProposal]:
    """The run's proposals with their explanations in the reader's language (audited by the
    requests' numbers)."""
    return shared.area_run_proposals(HOUSING, user=user, run=run, related=("flat__district",))
