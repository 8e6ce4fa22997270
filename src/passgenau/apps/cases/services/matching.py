"""The one way case management runs the matching engine, as relocation does, and the one "matching
run of a case area" that the housing transition, mentoring and language mediation share.

An area declares what differs in a :class:`MatchingArea`: its programme (the criteria catalogue
``<programme>-v1.yaml``), its request model (the demand side, one per case), its place model (the
supply side: flats, mentors, mediators) and proposal model, how a request and a place become
engine profiles, and which places are free with how much room. Everything else is here, once:
:func:`area_run` takes the organisation's waiting requests and free places, leaves out the pairs
declined before, hands the profiles to :func:`engine_run` (the engine's ``match_profiles``), keeps
the run with its snapshot, input hash, result and metrics and stores each placement as a proposal
with its explanation; :func:`area_request_case`, :func:`area_request_withdraw`,
:func:`area_proposal_decline`, :func:`area_erase` and the locks are the shared request and
proposal steps. Every status change goes through ``transition`` with the area's tables."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.input_problems import problem_texts
from passgenau.apps.core.models import ProtectedExport
from passgenau.apps.core.protected_exports import protected_export_create
from passgenau.engine.matching.criteria import SHIPPED, Catalogue, load_catalogue_version
from passgenau.engine.matching.explain import explanation_to_dict
from passgenau.engine.matching.instance import write_instance
from passgenau.engine.matching.pipeline import MatchRun, match_profiles
from passgenau.engine.matching.profiles import (
    HouseholdProfile,
    SiteProfile,
    household_to_dict,
    profiles_from_dicts,
    site_to_dict,
)
from passgenau.engine.problems import InputError

from .. import policies
from ..models import Case, CaseStatus, ConsentPurpose, EngineRun, ProposalStatus, RequestStatus
from .cases import CasesError, _needs_consent, _require, active_purposes, transition

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

ALTERNATIVES_SHOWN = 3

RUN_INPUT_REFUSED = gettext_lazy(
    "The engine's inputs of this run include health data (such as the need for a barrier-free "
    "flat or for care) of cases for which you are not the responsible caseworker with the "
    "consent for health data, so only their responsible caseworkers may download them."
)


@dataclass(frozen=True)
class Placement:
    household_id: str
    site_id: str
    score: float
    explanation: dict[str, Any]


def _matched(
    catalogue: Catalogue,
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    forbidden: list[tuple[str, str]],
) -> tuple[MatchRun, list[Placement]]:
    try:
        matched = match_profiles(
            households,
            sites,
            catalogue,
            forbidden=forbidden,
            alternatives=ALTERNATIVES_SHOWN,
        )
    except InputError as exc:  # the profiles are built here: a bug, said plainly
        problems = " ".join(problem_texts(exc.problems))
        raise CasesError(
            _("The engine refused the inputs: %(error)s") % {"error": problems}
        ) from exc
    labels = {c.id: c.label("en") for c in catalogue.criteria}
    placements = [
        Placement(e.household_id, e.site_id, float(e.score), explanation_to_dict(e, labels))
        for e in matched.explanations
        if e.site_id is not None and e.score is not None
    ]
    return matched, placements


def programme_catalogue(programme: str) -> Catalogue:
    """The programme's current criteria catalogue (``housing-v1.yaml`` …)."""
    return load_catalogue_version(SHIPPED[programme][-1], programme)


def criterion_labels(programme: str, language: str) -> dict[str, str]:
    return {c.id: c.label(language) for c in programme_catalogue(programme).criteria}


def engine_run(
    *,
    actor: User,
    programme: str,
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    forbidden: Iterable[tuple[str, str]] = (),
) -> tuple[EngineRun, list[Placement]]:
    """Run the engine on the profiles and keep the run (callers hold the transaction). The
    run keeps the forbidden pairs in its snapshot, so that it is reproduced with them."""
    organisation_id = actor.organisation_id
    assert organisation_id is not None  # the area services asked the policies
    if not households:
        raise CasesError(_("No request is waiting."), code="nothing_waiting")
    if not sites:
        raise CasesError(_("No place is free."), code="nothing_free")
    catalogue = programme_catalogue(programme)
    forbidden = sorted(set(forbidden))
    matched, placements = _matched(catalogue, households, sites, forbidden)
    unplaced = [
        {"id": e.household_id, "reason": e.unplaced_reason}
        for e in matched.explanations
        if e.site_id is None
    ]
    previous = EngineRun.objects.filter(organisation_id=organisation_id, programme=programme)
    run = EngineRun.objects.create(
        organisation_id=organisation_id,
        programme=programme,
        number=(previous.aggregate(n=Max("number"))["n"] or 0) + 1,
        criteria_version=catalogue.version,
        snapshot={
            "households": [household_to_dict(h) for h in households],
            "sites": [site_to_dict(s) for s in sites],
            "forbidden": [list(pair) for pair in forbidden],
        },
        input_hash=matched.instance.input_hash(),
        result={
            "mechanism": matched.result.mechanism,
            "status": matched.result.status,
            "objective": float(matched.result.objective),
            "requests": len(households),
            "places": len(sites),
            "proposals": len(placements),
            "unplaced": unplaced,
        },
        metrics=matched.metrics,
        started_by=actor,
    )
    log_action(
        "cases.enginerun.started",
        actor=actor,
        obj=run,
        data={"programme": programme, "requests": len(households), "places": len(sites)},
    )
    return run, placements


def engine_rerun(run: EngineRun) -> MatchRun:
    """The engine once more on the run's snapshot (its profiles, its forbidden pairs, the
    catalogue version it recorded): the same inputs give the same instance (input hash) and
    the same placements. Raises :class:`CasesError` when the snapshot cannot be read."""
    snapshot = run.snapshot
    households, sites, problems = profiles_from_dicts(snapshot["households"], snapshot["sites"])
    if problems:
        raise CasesError(" ".join(problem_texts(problems)), code="snapshot")
    try:
        catalogue = load_catalogue_version(run.criteria_version, run.programme)
    except InputError as exc:
        raise CasesError(" ".join(problem_texts(exc.problems)), code="catalogue_version") from exc
    return match_profiles(
        households,
        sites,
        catalogue,
        forbidden=snapshot.get("forbidden", []),
        alternatives=ALTERNATIVES_SHOWN,
    )


def _stored_placements(area: MatchingArea, run: EngineRun) -> list[tuple[str, str, float]]:
    """What the run proposed, as (request id, site id, score), from the stored explanations."""
    proposals: list[Any] = list(area.proposal_model._default_manager.filter(run=run))
    return sorted(
        (p.explanation["household_id"], p.explanation["site_id"], float(p.score)) for p in proposals
    )


def area_run_reproduce(area: MatchingArea, actor: User, run: EngineRun) -> bool:
    """Whether the engine, run again on ``run``'s snapshot (:func:`engine_rerun`), proposes
    exactly what the run proposed, with the same input hash (audited). A run that lost
    requests to an erasure since is compared on the requests that are left."""
    area.organisation(actor)
    again = engine_rerun(run)
    found = sorted((h, s, round(score, 9)) for h, s, score in again.placements())
    stored = [(h, s, round(score, 9)) for h, s, score in _stored_placements(area, run)]
    same = found == stored
    if not run.snapshot.get("erased"):
        same = same and again.instance.input_hash() == run.input_hash
    log_action(
        "cases.enginerun.reproduced", actor=actor, obj=run, data={"same": same, "run": run.number}
    )
    return same


def run_special_cases(area: MatchingArea, run: EngineRun) -> list[tuple[Case, frozenset[str]]]:
    """The cases (with their consents in force) whose profiles in ``run``'s snapshot carry one of
    the area's special-category needs (``area.special_needs``), for
    :func:`~..policies.may_read_run_input`."""
    if not area.special_needs:
        return []
    prefix = area.request_prefix
    ids = [
        int(h["id"].removeprefix(prefix))
        for h in run.snapshot.get("households", [])
        if area.special_needs.intersection(h.get("needs", ())) and h["id"].startswith(prefix)
    ]
    if not ids:
        return []
    requests: list[Any] = list(
        area.request_model._default_manager.filter(pk__in=ids).select_related("case")
    )
    cases = {r.case_id: r.case for r in requests}
    return [(case, active_purposes(case)) for case in cases.values()]


def may_read_run_input(area: MatchingArea, user: Visitor, run: EngineRun) -> bool:
    """Whether ``user``, who keeps ``run``, may read its input (the export): the policy on the
    cases whose special-category needs it carries."""
    return policies.may_read_run_input(user=user, cases=run_special_cases(area, run))


def area_run_export(
    area: MatchingArea, actor: User, run: EngineRun, *, password: str
) -> ProtectedExport:
    """The run as a zip encrypted with ``password`` for ``actor`` only (docs/adr/0008): the
    engine instance (``instance/``, read by ``passgenau match`` and ``read_instance``; with the
    run's forbidden pairs applied), the profiles, the placements and ``run.json``. The profiles
    are personal data of the requests: the export is audited with the requests' ids. Where they
    carry special-category needs, only for a user who may see them all (docs/adr/0009)."""
    area.organisation(actor)
    if not may_read_run_input(area, actor, run):
        raise CasesError(str(RUN_INPUT_REFUSED), code="special_categories")
    again = engine_rerun(run)
    if not run.snapshot.get("erased") and again.instance.input_hash() != run.input_hash:
        raise CasesError(_("The rebuilt instance differs from the run's input hash."))
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "instance"
        write_instance(again.instance, directory)
        for path in sorted(directory.iterdir()):
            files[f"instance/{path.name}"] = path.read_bytes()
    for name in ("households", "sites"):
        lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in run.snapshot[name])
        files[f"profiles/{name}.jsonl"] = "".join(lines).encode()
    rows = ["household_id,site_id,score"]
    rows += [f"{h},{s},{score}" for h, s, score in _stored_placements(area, run)]
    files["placements.csv"] = ("\n".join(rows) + "\n").encode()
    settings = {
        "programme": run.programme,
        "run": run.number,
        "criteria_version": run.criteria_version,
        "input_hash": run.input_hash,
        "forbidden": run.snapshot.get("forbidden", []),
        "erased_requests": int(run.snapshot.get("erased", 0)),
        "result": {k: v for k, v in run.result.items() if k != "unplaced"},
    }
    files["run.json"] = json.dumps(settings, indent=1).encode()
    export = protected_export_create(
        owner=actor,
        filename=f"{run.programme}-run-{run.number}.zip",
        files=files,
        password=password,
    )
    ids = [h["id"] for h in run.snapshot["households"]]
    log_action(
        "cases.enginerun.downloaded",
        actor=actor,
        obj=run,
        data={"requests": len(ids), "ids": ids, "export": export.pk},
    )
    return export


def profiles_erase(*, programme: str, ids: set[str], since: dt.datetime) -> None:
    """Take the profiles ``ids`` out of the snapshots and results of ``programme``'s runs
    (``erased`` counts them in a snapshot). Every run since ``since`` could hold one (a case
    may have moved between organisations); runs are few, one per allocation or matching."""
    runs = EngineRun.objects.select_for_update().filter(programme=programme, created_at__gte=since)
    for run in runs:
        snapshot = run.snapshot
        households = snapshot.get("households", [])
        kept = [h for h in households if h["id"] not in ids]
        if len(kept) == len(households):
            continue
        run.snapshot = {
            **snapshot,
            "households": kept,
            "forbidden": [p for p in snapshot.get("forbidden", []) if p[0] not in ids],
            "erased": int(snapshot.get("erased", 0)) + len(households) - len(kept),
        }
        run.result = {
            **run.result,
            "unplaced": [u for u in run.result.get("unplaced", []) if u["id"] not in ids],
        }
        run.save(update_fields=["snapshot", "result"])


@dataclass(frozen=True)
class Site:
    """A free place as one site of a run: the row a proposal names, and its engine profile (a
    flat or a mentor is one site; a mediator is one site per week with room left)."""

    place: Any
    profile: SiteProfile


@dataclass(frozen=True)
class MatchingArea:
    """What one case area declares for its matching run; the rest is shared (module docstring).

    ``request_model`` has ``case``, ``status`` (:class:`~..models.RequestStatus` values among its
    own) and ``created_at``; ``proposal_model`` is an :class:`~..models.EngineProposal` with
    ``request`` and a foreign key ``place_field`` to ``place_model``. Engine ids are the
    prefix and the primary key (``R12``, ``F3``)."""

    programme: str
    request_model: type[Model]
    place_model: type[Model]
    proposal_model: type[Model]
    place_field: str
    request_prefix: str
    request_transitions: dict[str, frozenset[str]]
    proposal_transitions: dict[str, frozenset[str]]
    live_statuses: tuple[str, ...]
    may_manage: Callable[..., bool]
    scope: Callable[..., Any]
    # the request as the engine sees it
    request_profile: Callable[[Any], HouseholdProfile]
    # the organisation's free places (locked) as engine sites, given the waiting requests
    sites: Callable[[int, list[Any]], list[Site]]
    already_live: Promise  # the refusal of a second live request
    request_related: tuple[str, ...] = ()  # prefetched for the profiles
    waiting_order: tuple[str, ...] = ("created_at", "id")
    # the profile tags that are special-category data of the request (Art. 9: housing's
    # barrier_free, care_need), and the criteria that read them: a run whose input carries one
    # is read only as policies.may_read_run_input allows (docs/adr/0009)
    special_needs: frozenset[str] = frozenset()
    special_criteria: frozenset[str] = frozenset()

    @property
    def request_action(self) -> str:
        return f"cases.{self.request_model._meta.model_name}.status_changed"

    @property
    def proposal_action(self) -> str:
        return f"cases.{self.proposal_model._meta.model_name}.status_changed"

    def request_id(self, request: Model) -> str:
        return f"{self.request_prefix}{request.pk}"

    def organisation(self, actor: Visitor) -> int:
        """The actor's organisation, when it may manage the area (refused otherwise)."""
        _require(self.may_manage(user=actor))
        organisation_id: int | None = getattr(actor, "organisation_id", None)
        assert organisation_id is not None
        return organisation_id


def area_transition(area: MatchingArea, actor: User, obj: Any, to: str, **extra: Any) -> None:
    """A request's or a proposal's status change along the area's table (audited)."""
    is_request = isinstance(obj, area.request_model)
    transition(
        obj,
        table=area.request_transitions if is_request else area.proposal_transitions,
        to=to,
        actor=actor,
        action=area.request_action if is_request else area.proposal_action,
        extra=extra,
    )


def area_request_case(area: MatchingArea, actor: User, case: Case) -> tuple[int, Case]:
    """The organisation and the locked ``case`` a new request is made for: a case of the actor's
    organisation, open, with the consent for case management and no live request of the area."""
    organisation_id = area.organisation(actor)
    _require(case.organisation_id == organisation_id and policies.may_keep_cases(user=actor))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise CasesError(_("The case is closed."))
    _needs_consent(case, ConsentPurpose.CASE_MANAGEMENT)
    live = area.request_model._default_manager.filter(case=case, status__in=area.live_statuses)
    if area.live_statuses and live.exists():
        raise CasesError(str(area.already_live))
    return organisation_id, case


def area_locked_request(area: MatchingArea, actor: User, request: Any) -> Any:
    organisation_id = area.organisation(actor)
    found = (
        area.request_model._default_manager.select_for_update()
        .filter(pk=request.pk, case__organisation_id=organisation_id)
        .first()
    )
    if found is None:
        raise CasesError(_("You may not do this."))
    return found


def area_locked_proposal(area: MatchingArea, actor: User, proposal: Any) -> Any:
    organisation_id = area.organisation(actor)
    found = (
        area.proposal_model._default_manager.select_for_update(of=("self",))
        .select_related("request", "run", area.place_field)
        .filter(pk=proposal.pk, run__organisation_id=organisation_id)
        .first()
    )
    if found is None:
        raise CasesError(_("You may not do this."))
    return found


def _locked_request_of(area: MatchingArea, proposal: Any) -> Any:
    return area.request_model._default_manager.select_for_update().get(pk=proposal.request_id)


def area_request_withdraw(area: MatchingArea, actor: User, request: Any) -> Any:
    """The request is no longer wanted; an open proposal is declined with it (callers hold the
    transaction)."""
    request = area_locked_request(area, actor, request)
    for proposal in area.proposal_model._default_manager.select_for_update().filter(
        request=request, status=ProposalStatus.PROPOSED
    ):
        area_transition(area, actor, proposal, ProposalStatus.DECLINED, decided_at=timezone.now())
    area_transition(area, actor, request, RequestStatus.WITHDRAWN)
    return request


def area_proposal_decline(area: MatchingArea, actor: User, proposal: Any) -> Any:
    """The proposal does not suit: the request waits again, and this place is not proposed to
    it again (callers hold the transaction)."""
    proposal = area_locked_proposal(area, actor, proposal)
    request = _locked_request_of(area, proposal)
    area_transition(area, actor, proposal, ProposalStatus.DECLINED, decided_at=timezone.now())
    area_transition(area, actor, request, RequestStatus.WAITING)
    return proposal


def area_proposal_settle(area: MatchingArea, actor: User, proposal: Any, to: str) -> Any:
    """The open ``proposal`` (locked) becomes ``to`` (confirmed, accepted), and its request
    the area's next status after the proposal; returns the locked request."""
    request = _locked_request_of(area, proposal)
    area_transition(area, actor, proposal, to, decided_at=timezone.now())
    return request


def _waiting_requests(area: MatchingArea, organisation_id: int) -> list[Any]:
    return list(
        area.request_model._default_manager.select_for_update(of=("self",))
        .filter(case__organisation_id=organisation_id, status=RequestStatus.WAITING)
        .exclude(case__status=CaseStatus.CLOSED)
        .prefetch_related(*area.request_related)
        .order_by("id")
    )


def area_run(area: MatchingArea, actor: User) -> EngineRun:
    """Propose places to the area's waiting requests under its catalogue's hard criteria; a
    (request, place) pair declined before is not proposed again (callers hold the
    transaction)."""
    organisation_id = area.organisation(actor)
    requests = _waiting_requests(area, organisation_id)
    sites = area.sites(organisation_id, requests)
    site_of = {site.profile.id: site for site in sites}
    sites_of_place: dict[Any, list[str]] = {}
    for site in sites:
        sites_of_place.setdefault(site.place.pk, []).append(site.profile.id)
    declined = area.proposal_model._default_manager.filter(
        request__in=requests,
        **{f"{area.place_field}__in": [site.place for site in sites]},
        status=ProposalStatus.DECLINED,
    ).values_list("request_id", f"{area.place_field}_id")
    run, placements = engine_run(
        actor=actor,
        programme=area.programme,
        households=[area.request_profile(r) for r in requests],
        sites=[site.profile for site in sites],
        forbidden=[
            (f"{area.request_prefix}{r}", site_id)
            for r, p in declined
            for site_id in sites_of_place.get(p, [])
        ],
    )
    request_of = {area.request_id(r): r for r in requests}
    for placement in placements:
        request = request_of[placement.household_id]
        area.proposal_model._default_manager.create(
            run=run,
            request=request,
            **{area.place_field: site_of[placement.site_id].place},
            score=placement.score,
            explanation=placement.explanation,
        )
        area_transition(area, actor, request, RequestStatus.PROPOSED)
    return run


def area_erase(area: MatchingArea, case: Case) -> int:
    """Erase the case's requests of the area with their proposals (and what hangs on them), and
    take their profiles out of the runs' snapshots and results; returns how many requests
    went. The places stay. Called by the case's erasure inside its transaction."""
    requests: list[Any] = list(area.request_model._default_manager.filter(case=case))
    if not requests:
        return 0
    profiles_erase(
        programme=area.programme,
        ids={area.request_id(r) for r in requests},
        since=min(r.created_at for r in requests),
    )
    area.proposal_model._default_manager.filter(request__in=requests).delete()
    area.request_model._default_manager.filter(pk__in=[r.pk for r in requests]).delete()
    return len(requests)


__all__ = [
    "RUN_INPUT_REFUSED",
    "MatchingArea",
    "Placement",
    "Site",
    "area_erase",
    "area_locked_proposal",
    "area_locked_request",
    "area_proposal_decline",
    "area_proposal_settle",
    "area_request_case",
    "area_request_withdraw",
    "area_run",
    "area_run_export",
    "area_run_reproduce",
    "area_transition",
    "criterion_labels",
    "engine_rerun",
    "engine_run",
    "may_read_run_input",
    "profiles_erase",
    "programme_catalogue",
    "run_special_cases",
]
