"""One call from profiles to an explained result: what ``passgenau match`` and the web app run.

:func:`match_profiles` scores the profiles (:func:`~.scoring.score_profiles`), applies the fixed
placements, forbidden pairs and linked households (:func:`constrain`), solves with the dispatcher
(:func:`~.mechanisms.solve`), explains every placement and measures the run. The web application
converts its models to :class:`~.profiles.HouseholdProfile` and :class:`~.profiles.SiteProfile`
(the run's snapshot), calls :func:`match_profiles`, and stores the :class:`MatchRun`; the command
line reads the same inputs from files. Nothing here reads or writes files.

Fixed, forbidden and linked households are given by id:

* ``fixed``: (household id, site id) placements that must stay. A fixed pair that the criteria
  rule out (a hard criterion fails) is allowed anyway, with its score (at least 0): an accepted
  placement stays.
* ``forbidden``: (household id, site id) pairs that are not allowed (a declined proposal). Pairs of
  households or sites that do not take part are ignored.
* ``links``: groups of household ids that move together (all at one site, or none placed).
  Households that do not take part are left out of their group; a group of fewer than two is
  dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..problems import InputProblem
from .criteria import Catalogue, load_catalogue
from .explain import Explanation, explain
from .mechanisms import solve
from .metrics import run_metrics
from .model import Instance, InstanceError, Result, SolveOptions
from .profiles import HouseholdProfile, SiteProfile
from .report import build_report
from .scoring import ScoreBreakdown, score_profiles

__all__ = ["MatchRun", "constrain", "match_profiles"]

Pair = tuple[str, str]
# called when a stage begins: "solving" (with the constrained instance), "explaining"
StageCallback = Callable[[str, Instance], None]


@dataclass(frozen=True, eq=False)
class MatchRun:
    """Everything a matching run on profiles produces."""

    instance: Instance
    breakdown: ScoreBreakdown
    result: Result
    explanations: list[Explanation]
    metrics: dict[str, Any]
    catalogue: Catalogue
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    language: str = "en"  # of the report's labels

    @cached_property
    def report(self) -> dict[str, Any]:
        """The whole run as one JSON-serialisable dict (:func:`~.report.build_report`), built on
        first use: the web application stores the explanations itself and never asks for it."""
        return build_report(
            self.instance,
            self.result,
            self.metrics,
            self.explanations,
            self.catalogue,
            language=self.language,
        )

    def placements(self) -> list[tuple[str, str, float]]:
        """(household id, site id, score) of every placed household, in household order."""
        return [
            (e.household_id, e.site_id, float(e.score))
            for e in self.explanations
            if e.site_id is not None and e.score is not None
        ]


def match_profiles(
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    catalogue: Catalogue | None = None,
    *,
    fixed: Iterable[Sequence[str]] = (),
    forbidden: Iterable[Sequence[str]] = (),
    links: Iterable[Sequence[str]] = (),
    mechanism: str = "auto",
    options: SolveOptions | None = None,
    top_k: int | None = None,
    alternatives: int = 3,
    language: str = "en",
    on_stage: StageCallback | None = None,
) -> MatchRun:
    """Score, constrain, solve, explain and measure: profiles in, a :class:`MatchRun` out.

    Raises :class:`~.model.InstanceError` when a fixed household or site is not among the profiles
    or the mechanism rejects the instance.
    """
    catalogue = catalogue or load_catalogue()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    scored, breakdown = score_profiles(households, sites, catalogue, top_k=top_k)
    instance = constrain(scored, breakdown, fixed=fixed, forbidden=forbidden, links=links)
    timings["scoring"] = time.perf_counter() - started
    if on_stage is not None:
        on_stage("solving", instance)
    started = time.perf_counter()
    result = solve(instance, mechanism, options or SolveOptions())
    timings["solving"] = time.perf_counter() - started
    if on_stage is not None:
        on_stage("explaining", instance)
    started = time.perf_counter()
    explanations = explain(instance, result, breakdown, top=alternatives)
    metrics = run_metrics(instance, result, households, catalogue_version=catalogue.version)
    metrics["scoring_seconds"] = timings["scoring"]
    timings["explaining"] = time.perf_counter() - started
    return MatchRun(
        instance, breakdown, result, explanations, metrics, catalogue, timings, language
    )


def constrain(
    instance: Instance,
    breakdown: ScoreBreakdown,
    *,
    fixed: Iterable[Sequence[str]] = (),
    forbidden: Iterable[Sequence[str]] = (),
    links: Iterable[Sequence[str]] = (),
) -> Instance:
    """The scored ``instance`` with fixed, forbidden and linked households applied (by id; see
    the module docstring). The same inputs always give the same instance (same input hash)."""
    fixed, forbidden, links = list(fixed), list(forbidden), list(links)
    if not (fixed or forbidden or links):
        return instance
    h_index = {hid: k for k, hid in enumerate(instance.household_ids)}
    s_index = {sid: k for k, sid in enumerate(instance.site_ids)}
    unknown = [
        InputProblem("fixed", i + 1, column, "id.not_taking_part", {"kind": kind, "id": value})
        for i, (h, s) in enumerate(fixed)
        for column, kind, value, known in (
            ("household_id", "household", h, h_index),
            ("site_id", "site", s, s_index),
        )
        if value not in known
    ]
    if unknown:
        raise InstanceError(unknown)
    ph = np.asarray(instance.pair_household, dtype=np.int64)
    ps = np.asarray(instance.pair_site, dtype=np.int64)
    sc = np.asarray(instance.pair_score, dtype=np.float64)
    n_s = max(instance.n_sites, 1)
    keys = ph * n_s + ps
    banned = [h_index[h] * n_s + s_index[s] for h, s in forbidden if h in h_index and s in s_index]
    keep = ~np.isin(keys, np.asarray(banned, dtype=np.int64))
    ph, ps, sc = ph[keep], ps[keep], sc[keep]
    fixed_h = [h_index[h] for h, _ in fixed]
    fixed_s = [s_index[s] for _, s in fixed]
    allowed = set((ph * n_s + ps).tolist())
    # an accepted placement stays even if a hard criterion would now rule it out
    extra = [(h, s) for h, s in zip(fixed_h, fixed_s, strict=True) if h * n_s + s not in allowed]
    if extra:
        extra_h = np.asarray([h for h, _ in extra], dtype=np.int64)
        extra_s = np.asarray([s for _, s in extra], dtype=np.int64)
        extra_scores = np.asarray(breakdown.scores(extra_h, extra_s), dtype=np.float64)
        ph = np.concatenate([ph, extra_h])
        ps = np.concatenate([ps, extra_s])
        sc = np.concatenate([sc, np.maximum(extra_scores, 0.0)])
    groups = (tuple(sorted(h_index[h] for h in group if h in h_index)) for group in links)
    return Instance(  # not dataclasses.replace, which would carry the cached input hash over
        household_ids=instance.household_ids,
        site_ids=instance.site_ids,
        dimensions=instance.dimensions,
        demand=instance.demand,
        capacity=instance.capacity,
        pair_household=ph.astype(np.int32),
        pair_site=ps.astype(np.int32),
        pair_score=sc,
        min_load=instance.min_load,
        fixed_household=np.asarray(fixed_h, dtype=np.int32),
        fixed_site=np.asarray(fixed_s, dtype=np.int32),
        links=tuple(g for g in groups if len(g) > 1),
        site_names=instance.site_names,
    )
