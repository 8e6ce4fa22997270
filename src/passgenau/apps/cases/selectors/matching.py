"""Reads of a matching run of a case area, shared by the housing transition, mentoring and
language mediation (each passes its :class:`~..services.matching.MatchingArea`): its runs, its
requests of the user's cases, a run's proposals with the stored explanations in the reader's
language. Requests are personal data: every read is audited by their pseudonymous numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language, gettext_lazy

from passgenau.apps.audit.services import log_read
from passgenau.apps.relocation.selectors.runs import explanation_relabel

from .. import policies
from ..models import CaseConsent, EngineRun, RequestStatus
from ..services.matching import MatchingArea, criterion_labels
from ..wording import no_room_words
from .cases import cases_for_user

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

    from ..models import Case

__all__ = [
    "area_proposal_get_for_user",
    "area_requests",
    "area_requests_of_case",
    "area_run_get_for_user",
    "area_run_proposals",
    "area_runs_for_user",
    "area_waiting_for_user",
    "purposes_in_force",
    "relabelled",
    "without_special_reasons",
]


def relabelled(explanations: Iterable[dict[str, Any]], programme: str, language: str) -> None:
    """Criterion labels of ``programme``'s catalogue in ``language`` and each alternative's
    reason in words, its capacities named as the programme names them (the stored
    explanations carry English labels and the engine's dimension ids)."""
    labels = criterion_labels(programme, language)
    room = no_room_words(programme)
    for explanation in explanations:
        explanation_relabel(explanation, labels, room)


def area_runs_for_user(area: MatchingArea, *, user: Visitor) -> QuerySet[EngineRun]:
    return EngineRun.objects.filter(area.scope(user=user), programme=area.programme).order_by(
        "-number"
    )


def area_run_get_for_user(area: MatchingArea, *, user: Visitor, pk: int) -> EngineRun | None:
    return area_runs_for_user(area, user=user).filter(pk=pk).first()


def area_requests(area: MatchingArea, user: Visitor) -> QuerySet[Any]:
    """The area's requests of the cases ``user`` sees (none without the area's right)."""
    manager = area.request_model._default_manager
    if not area.may_manage(user=user):
        return manager.none()
    return manager.filter(case__in=cases_for_user(user=user)).select_related("case")


def area_waiting_for_user(
    area: MatchingArea, *, user: Visitor, related: Iterable[str] = ()
) -> list[Any]:
    """Requests waiting or with a proposal, in the area's order (audited)."""
    requests = list(
        area_requests(area, user)
        .filter(status__in=[RequestStatus.WAITING, RequestStatus.PROPOSED])
        .select_related(*related)
        .order_by(*area.waiting_order)
    )
    log_read(actor=user, objects=requests)
    return requests


def area_requests_of_case(
    area: MatchingArea, *, user: Visitor, case: Case, proposals: QuerySet[Any]
) -> list[Any]:
    """The case's requests of the area, the latest first, with ``proposals`` (audited)."""
    requests = list(
        area_requests(area, user)
        .filter(case=case)
        .prefetch_related(Prefetch("proposals", queryset=proposals))
        .order_by("-created_at", "-id")
    )
    log_read(actor=user, objects=requests)
    return requests


def _proposals(area: MatchingArea, user: Visitor) -> QuerySet[Any]:
    return area.proposal_model._default_manager.filter(
        run__in=area_runs_for_user(area, user=user), request__case__in=cases_for_user(user=user)
    ).select_related("request__case", area.place_field)


def area_proposal_get_for_user(area: MatchingArea, *, user: Visitor, pk: int) -> Any | None:
    """A proposal of the area's runs for a case ``user`` sees (not audited: only its status
    is changed from it)."""
    return _proposals(area, user).filter(pk=pk).first()


def area_run_proposals(
    area: MatchingArea, *, user: Visitor, run: EngineRun, related: Iterable[str] = ()
) -> list[Any]:
    """The run's proposals with their explanations in the reader's language, in the area's
    order of requests (audited by the requests' numbers)."""
    order = [f"request__{name}" for name in area.waiting_order]
    proposals = list(
        _proposals(area, user).filter(run=run).select_related(*related).order_by(*order)
    )
    log_read(actor=user, objects=[p.request for p in proposals])
    relabelled([p.explanation for p in proposals], area.programme, (get_language() or "en")[:2])
    if area.special_criteria:
        purposes = purposes_in_force([p.request.case_id for p in proposals])
        for proposal in proposals:
            case = proposal.request.case
            allowed = policies.may_see_health(
                user=user, case=case, active_purposes=purposes.get(case.pk, frozenset())
            )
            if not allowed:
                without_special_reasons(area, proposal.explanation)
    return proposals


def purposes_in_force(case_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The purposes with consent in force of each case (one query)."""
    found: dict[int, set[str]] = {}
    consents = CaseConsent.objects.filter(case_id__in=set(case_ids), withdrawn_at__isnull=True)
    for case_id, purpose in consents.values_list("case_id", "purpose"):
        found.setdefault(case_id, set()).add(purpose)
    return {case_id: frozenset(p) for case_id, p in found.items()}


def without_special_reasons(area: MatchingArea, explanation: dict[str, Any]) -> None:
    """The explanation as a reader who may not see the case's health data is told it: no
    contribution of a criterion that reads a special-category need, and no alternative's reason
    (one could name the need). Done to every such proposal alike, so that what is left out
    tells nothing of whether the household has a need (docs/adr/0009)."""
    special = area.special_criteria
    contributions = explanation.get("contributions", [])
    explanation["contributions"] = [c for c in contributions if c["criterion"] not in special]
    for alternative in explanation.get("alternatives", []):
        alternative["hard_criteria"] = []
        alternative["binding"] = []
        alternative["text"] = str(REASON_WITHHELD)
    explanation["withheld"] = str(REASONS_WITHHELD)


REASON_WITHHELD = gettext_lazy("reason shown to the responsible caseworker only")
REASONS_WITHHELD = gettext_lazy(
    "What the household's health data (such as a need for a barrier-free flat or for care) "
    "decided is shown only to the case's responsible caseworker with the consent for health data."
)
