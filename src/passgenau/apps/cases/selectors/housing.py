"""Reads of the housing transition. Districts, flats and runs are those of the user's
organisation; housing requests those of its cases (every read of a request is audited by its
pseudonymous number)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import (
    District,
    EngineRun,
    Flat,
    FlatProposal,
    HousingRequest,
    HousingRequestStatus,
    Programme,
)
from .cases import cases_for_user
from .matching import relabelled

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

    from ..models import Case

__all__ = [
    "districts_for_user",
    "flat_get_for_user",
    "flats_for_user",
    "housing_request_get_for_user",
    "housing_requests_of_case",
    "housing_run_get_for_user",
    "housing_runs_for_user",
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


def flat_get_for_user(*, user: Visitor, pk: int) -> Flat | None:
    return flats_for_user(user=user).filter(pk=pk).first()


def providers() -> QuerySet[Organisation]:
    """Organisations that can offer a flat (housing companies, the city, associations)."""
    return Organisation.objects.order_by("name")


def _requests_for_user(user: Visitor) -> QuerySet[HousingRequest]:
    if not policies.may_manage_housing(user=user):
        return HousingRequest.objects.none()
    return HousingRequest.objects.filter(case__in=cases_for_user(user=user)).select_related(
        "case", "flat"
    )


def waiting_requests_for_user(*, user: Visitor) -> list[HousingRequest]:
    """Requests waiting for a flat or with one proposed, the longest waiting first (audited)."""
    requests = list(
        _requests_for_user(user)
        .filter(status__in=[HousingRequestStatus.WAITING, HousingRequestStatus.PROPOSED])
        .order_by("waiting_since", "id")
    )
    log_read(actor=user, objects=requests)
    return requests


def housing_request_get_for_user(*, user: Visitor, pk: int) -> HousingRequest | None:
    request = _requests_for_user(user).filter(pk=pk).first()
    if request is not None:
        log_read(actor=user, obj=request)
    return request


def housing_requests_of_case(*, user: Visitor, case: Case) -> list[HousingRequest]:
    """The case's housing requests, the latest first, with their proposals (audited)."""
    requests = list(
        _requests_for_user(user)
        .filter(case=case)
        .prefetch_related(
            Prefetch(
                "proposals",
                queryset=FlatProposal.objects.select_related("flat__district", "run").order_by(
                    "-run__number"
                ),
            )
        )
        .order_by("-created_at", "-id")
    )
    log_read(actor=user, objects=requests)
    return requests


def housing_runs_for_user(*, user: Visitor) -> QuerySet[EngineRun]:
    return EngineRun.objects.filter(
        policies.housing_scope(user=user), programme=Programme.HOUSING
    ).order_by("-number")


def housing_run_get_for_user(*, user: Visitor, pk: int) -> EngineRun | None:
    return housing_runs_for_user(user=user).filter(pk=pk).first()


def run_proposals(*, user: Visitor, run: EngineRun) -> list[FlatProposal]:
    """The run's proposals with their explanations in the reader's language (audited by the
    requests' numbers)."""
    proposals = list(
        FlatProposal.objects.filter(run=run)
        .select_related("request__case", "flat__district")
        .order_by("request__waiting_since", "request_id")
    )
    log_read(actor=user, objects=[p.request for p in proposals])
    relabelled([p.explanation for p in proposals], Programme.HOUSING, (get_language() or "en")[:2])
    return proposals
