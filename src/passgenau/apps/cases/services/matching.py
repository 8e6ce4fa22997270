"""The one way case management runs the matching engine, as relocation does: the area services
build the engine profiles (the snapshot), :func:`engine_run` hands them to the engine's pipeline
(``match_profiles``) with the programme's own criteria catalogue, keeps the run with its snapshot,
input hash, result and metrics, and returns each placement with its explanation for the area to
store as proposals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.input_problems import problem_texts
from passgenau.engine.matching.criteria import SHIPPED, Catalogue, load_catalogue_version
from passgenau.engine.matching.explain import explanation_to_dict
from passgenau.engine.matching.pipeline import match_profiles
from passgenau.engine.matching.profiles import (
    HouseholdProfile,
    SiteProfile,
    household_to_dict,
    site_to_dict,
)
from passgenau.engine.problems import InputError

from ..models import EngineRun
from .cases import CasesError

ALTERNATIVES_SHOWN = 3


@dataclass(frozen=True)
class Placement:
    household_id: str
    site_id: str
    score: float
    explanation: dict[str, Any]


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
    """Run the engine on the profiles and keep the run (callers hold the transaction)."""
    organisation_id = actor.organisation_id
    assert organisation_id is not None  # the area services asked the policies
    if not households:
        raise CasesError(_("No request is waiting."), code="nothing_waiting")
    if not sites:
        raise CasesError(_("No place is free."), code="nothing_free")
    catalogue = programme_catalogue(programme)
    forbidden = sorted(set(forbidden))
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


__all__ = [
    "Placement",
    "criterion_labels",
    "engine_run",
    "profiles_erase",
    "programme_catalogue",
]
