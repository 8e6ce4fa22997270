"""A placement changed by hand: what a change would break, and the run measured again.

A coordinator may send a household to another site than the mechanism chose. Before the change,
:func:`placement_options` says for every site what placing the household there would break:

* the **hard criteria** the pair breaks (among them the places the household excluded);
* whether the pair is **forbidden** (declined before);
* the **capacity** dimensions the site would exceed, given where everyone else is placed.

After the change, :func:`remeasure` scores the profiles again, measures the placement as it now
stands with :func:`~.metrics.run_metrics` (load, spread, scores, preference ranks, blocking
pairs) and explains the households asked for. A pair placed although a hard criterion rules it
out (an exception the coordinator allowed) is added to the instance as a fixed placement is by
:func:`~.pipeline.constrain`: with its soft score, at least 0. The solver's own figures (status,
proven bound, solver, seconds) are those of the run as solved; the total score and the gap to the
bound follow the placement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from .criteria import Catalogue, load_catalogue
from .explain import Explanation, explain
from .metrics import run_metrics
from .model import Result, Status
from .pipeline import constrain
from .profiles import HouseholdProfile, SiteProfile
from .scoring import score_profiles
from .solution import placed_counts

__all__ = ["Excess", "PlacementCheck", "Remeasured", "SolvedAs", "placement_options", "remeasure"]

Pair = tuple[str, str]


@dataclass(frozen=True)
class Excess:
    """A capacity exceeded: the others' ``load`` + the household's ``demand`` > ``capacity``."""

    dimension: str
    load: int
    demand: int
    capacity: int


@dataclass(frozen=True)
class PlacementCheck:
    """Placing household ``household_id`` at site ``site_id``: its score and what it breaks."""

    household_id: str
    site_id: str
    site_name: str
    score: float  # the pair's soft score (whether or not it is allowed)
    hard_criteria: tuple[str, ...] = ()
    forbidden: bool = False
    over_capacity: tuple[Excess, ...] = ()

    @property
    def allowed(self) -> bool:
        """Nothing is broken: no hard criterion, not forbidden, within every capacity."""
        return not (self.hard_criteria or self.forbidden or self.over_capacity)


@dataclass(frozen=True)
class SolvedAs:
    """What the solver reported for the run as it was solved (kept when it is measured again)."""

    mechanism: str
    status: str
    bound: float | None
    solver: str
    solver_version: str
    seconds: float
    seed: int = 0


@dataclass(frozen=True)
class Remeasured:
    metrics: dict[str, object]
    scores: dict[str, float]  # household id → the score of its placement, for placed households
    explanations: dict[str, Explanation]  # for the households asked for (placed or not)


def placement_options(
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    catalogue: Catalogue | None = None,
    *,
    household_id: str,
    placements: Mapping[str, str | None],
    forbidden: Iterable[Sequence[str]] = (),
) -> list[PlacementCheck]:
    """One :class:`PlacementCheck` per site (in ``sites`` order) for placing ``household_id``
    there, given ``placements`` (household id → site id or None) of everyone else.

    Scores one household against every site and adds up the demand of the households placed
    at each site: cheap on any instance. Raises ``KeyError`` for an unknown household id.
    """
    catalogue = catalogue or load_catalogue()
    by_id = {h.id: h for h in households}
    household = by_id[household_id]
    _instance, breakdown = score_profiles([household], sites, catalogue)
    every = np.arange(len(sites))
    scores = breakdown.scores(np.zeros(len(sites), dtype=np.int64), every)
    broken = breakdown.violations(np.zeros(len(sites), dtype=np.int64), every)
    hard_ids = breakdown.hard_ids
    banned = {(str(h), str(s)) for h, s in forbidden}
    load: dict[str, dict[str, int]] = {s.id: {} for s in sites}
    for other, placed_at in placements.items():
        if other == household_id or placed_at not in load or other not in by_id:
            continue
        at = load[str(placed_at)]
        for dim, units in by_id[other].demand().items():
            at[dim] = at.get(dim, 0) + units
    demand = household.demand()
    checks = []
    for k, site in enumerate(sites):
        over = tuple(  # a dimension the site gives no capacity for is unlimited (as in scoring)
            Excess(dim, load[site.id].get(dim, 0), demand.get(dim, 0), int(capacity))
            for dim, capacity in sorted(site.capacity.items())  # stable whatever stored them
            if demand.get(dim, 0) > 0 and load[site.id].get(dim, 0) + demand[dim] > capacity
        )
        checks.append(
            PlacementCheck(
                household_id=household_id,
                site_id=site.id,
                site_name=site.name,
                score=float(scores[k]),
                hard_criteria=tuple(c for c, b in zip(hard_ids, broken[k], strict=True) if b),
                forbidden=(household_id, site.id) in banned,
                over_capacity=over,
            )
        )
    return checks


def remeasure(
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    catalogue: Catalogue | None = None,
    *,
    placements: Mapping[str, str | None],
    solved_as: SolvedAs,
    fixed: Iterable[Sequence[str]] = (),
    forbidden: Iterable[Sequence[str]] = (),
    links: Iterable[Sequence[str]] = (),
    explain_households: Iterable[str] = (),
    alternatives: int = 3,
) -> Remeasured:
    """The metrics of ``placements`` (household id → site id, or None / absent: not placed), the
    score of every placement and the explanations of ``explain_households``."""
    catalogue = catalogue or load_catalogue()
    fixed, forbidden, links = list(fixed), list(forbidden), list(links)
    scored, breakdown = score_profiles(households, sites, catalogue)
    instance = constrain(scored, breakdown, fixed=fixed, forbidden=forbidden, links=links)
    h_index = {hid: k for k, hid in enumerate(instance.household_ids)}
    s_index = {sid: k for k, sid in enumerate(instance.site_ids)}
    assignment = np.full(instance.n_households, -1, dtype=np.int64)
    for hid, sid in placements.items():
        if sid is not None and hid in h_index and sid in s_index:
            assignment[h_index[hid]] = s_index[sid]
    placed = np.flatnonzero(assignment >= 0)
    outside = placed[instance.pair_indices(placed, assignment[placed]) < 0]
    if len(outside):  # exceptions: kept as fixed placements are, with their soft score
        extra = [(instance.household_ids[h], instance.site_ids[assignment[h]]) for h in outside]
        instance = constrain(
            scored, breakdown, fixed=[*fixed, *extra], forbidden=forbidden, links=links
        )
    pairs = instance.pair_indices(placed, assignment[placed])
    pair_scores = instance.pair_score[pairs]
    placed_h, placed_p = placed_counts(instance, assignment)
    result = Result(
        mechanism=solved_as.mechanism,
        status=cast(Status, solved_as.status),
        assignment=assignment.astype(np.int32),
        objective=float(pair_scores.sum()),
        bound=solved_as.bound,
        seconds=solved_as.seconds,
        solver=solved_as.solver,
        solver_version=solved_as.solver_version,
        seed=solved_as.seed,
        input_hash=instance.input_hash(),
        placed_households=placed_h,
        placed_persons=placed_p,
        notes=("placement changed by hand",),
    )
    metrics = run_metrics(instance, result, households, catalogue_version=catalogue.version)
    wanted = [h_index[hid] for hid in explain_households if hid in h_index]
    explanations = explain(instance, result, breakdown, top=alternatives, only=wanted)
    return Remeasured(
        metrics=metrics,
        scores={
            instance.household_ids[h]: float(v) for h, v in zip(placed, pair_scores, strict=True)
        },
        explanations={e.household_id: e for e in explanations},
    )
