"""Reads of language mediation. Mediators and runs are those of the user's organisation;
mediation requests and assignments those of its cases. Mediators' names and the requests are
personal data: every read is audited by pseudonymous ids (the mediator's reference, request and
proposal numbers). The note on what an appointment is about is left out unless the policy lets
the reader see it (:func:`..policies.may_see_appointment_note`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from passgenau.apps.audit.services import log_read
from passgenau.apps.listing import text_matching

from .. import policies
from ..models import EngineRun, MediationRequest, Mediator, MediatorProposal, ProposalStatus
from ..services.cases import active_purposes
from ..services.mediation import MEDIATION
from . import matching as shared
from .cases import cases_for_user

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

    from ..models import Case

__all__ = [
    "assignment_get_for_user",
    "assignments_for_user",
    "mediation_requests_of_case",
    "mediation_run_get_for_user",
    "mediation_runs_for_user",
    "mediator_get_for_user",
    "mediators_search",
    "waiting_mediation_requests_for_user",
    "without_notes",
]


def _mediators(user: Visitor) -> QuerySet[Mediator]:
    return Mediator.objects.filter(policies.mediation_scope(user=user))


def mediators_search(
    *, user: Visitor, query: str = "", active: bool | None = None
) -> QuerySet[Mediator]:
    """The pool with ``booked`` (assignments and open proposals), those who take appointments
    first: a search text matches the name (everyone who sees the pool sees the names);
    ``active``: only those who take appointments or only those who do not. Not logged: the view
    logs the page shown."""
    holding = [ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED]
    mediators = (
        _mediators(user)
        .filter(text_matching(query, "name"))
        .annotate(booked=Count("proposals", filter=Q(proposals__status__in=holding)))
        .prefetch_related("districts")
        .order_by("-active", "name", "id")
    )
    return mediators if active is None else mediators.filter(active=active)


def mediator_get_for_user(*, user: Visitor, pk: int) -> Mediator | None:
    mediator = _mediators(user).filter(pk=pk).prefetch_related("districts").first()
    if mediator is not None:
        log_read(actor=user, obj=mediator)
    return mediator


def without_notes(user: Visitor, requests: list[MediationRequest]) -> list[MediationRequest]:
    """``requests`` with the note blanked where ``user`` may not see it (it stays stored)."""
    purposes: dict[int, frozenset[str]] = {}
    for request in requests:
        if request.case_id not in purposes:
            purposes[request.case_id] = active_purposes(request.case)
        allowed = policies.may_see_appointment_note(
            user=user, request=request, active_purposes=purposes[request.case_id]
        )
        if not allowed:
            request.note = ""
    return requests


def waiting_mediation_requests_for_user(*, user: Visitor) -> list[MediationRequest]:
    return without_notes(
        user, shared.area_waiting_for_user(MEDIATION, user=user, related=("district",))
    )


def mediation_requests_of_case(*, user: Visitor, case: Case) -> list[MediationRequest]:
    """The case's mediation requests, the latest first, with their proposals (audited)."""
    proposals = MediatorProposal.objects.select_related("mediator").order_by("-run_id")
    found = shared.area_requests_of_case(MEDIATION, user=user, case=case, proposals=proposals)
    return without_notes(user, found)


def mediation_runs_for_user(*, user: Visitor) -> QuerySet[EngineRun]:
    return shared.area_runs_for_user(MEDIATION, user=user)


def mediation_run_get_for_user(*, user: Visitor, pk: int) -> EngineRun | None:
    return shared.area_run_get_for_user(MEDIATION, user=user, pk=pk)


def _assignments(user: Visitor) -> QuerySet[MediatorProposal]:
    return MediatorProposal.objects.filter(
        run__in=mediation_runs_for_user(user=user), request__case__in=cases_for_user(user=user)
    ).select_related("request__case", "request__district", "mediator")


def assignments_for_user(*, user: Visitor) -> list[MediatorProposal]:
    """Booked appointments, the next first (audited)."""
    found = list(
        _assignments(user)
        .filter(status=ProposalStatus.CONFIRMED)
        .order_by("request__on", "request__starts_at", "id")
    )
    log_read(actor=user, objects=found)
    return found


def assignment_get_for_user(*, user: Visitor, pk: int) -> Any | None:
    """A proposal or assignment with its hour entries (audited)."""
    found = _assignments(user).filter(pk=pk).prefetch_related("hour_entries").first()
    if found is not None:
        log_read(actor=user, obj=found)
        without_notes(user, [found.request])
    return found
