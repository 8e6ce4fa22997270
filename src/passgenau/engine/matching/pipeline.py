"""One call from profiles to an explained result: what ``passgenau match`` and the web app run.

The web application converts its models to :class:`~.profiles.HouseholdProfile` and
:class:`~.profiles.SiteProfile`, calls :func:`match_profiles`, and stores the :class:`MatchRun`
(placements, explanations, metrics, report). Nothing here reads or writes files.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .criteria import Catalogue, load_catalogue
from .explain import Explanation, explain
from .mechanisms import solve
from .metrics import run_metrics
from .model import Instance, Result, SolveOptions
from .profiles import HouseholdProfile, SiteProfile
from .report import build_report
from .scoring import ScoreBreakdown, score_profiles

__all__ = ["MatchRun", "match_profiles"]


@dataclass(frozen=True, eq=False)
class MatchRun:
    """Everything a matching run on profiles produces."""

    instance: Instance
    breakdown: ScoreBreakdown
    result: Result
    explanations: list[Explanation]
    metrics: dict[str, Any]
    report: dict[str, Any]
    catalogue: Catalogue

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
    mechanism: str = "auto",
    options: SolveOptions | None = None,
    top_k: int | None = None,
    alternatives: int = 3,
    language: str = "en",
) -> MatchRun:
    """Score, solve, explain and measure: profiles in, a :class:`MatchRun` out.

    Raises :class:`~.model.InstanceError` when the mechanism rejects the instance.
    """
    catalogue = catalogue or load_catalogue()
    started = time.perf_counter()
    instance, breakdown = score_profiles(households, sites, catalogue, top_k=top_k)
    scoring_seconds = time.perf_counter() - started
    result = solve(instance, mechanism, options or SolveOptions())
    explanations = explain(instance, result, breakdown, top=alternatives)
    metrics = run_metrics(instance, result, households, catalogue_version=catalogue.version)
    metrics["scoring_seconds"] = scoring_seconds
    report = build_report(instance, result, metrics, explanations, catalogue, language=language)
    return MatchRun(instance, breakdown, result, explanations, metrics, report, catalogue)
