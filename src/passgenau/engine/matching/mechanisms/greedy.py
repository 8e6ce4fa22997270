"""A fast greedy baseline: households propose down their list, sites accept by score.

Used as the benchmark baseline and as a warm start. It proves nothing (``bound`` is None).
"""

from __future__ import annotations

import time

import numpy as np

from ..model import Instance, Result, SolveOptions, package_version
from ._common import make_unit_result
from ._proposals import greedy_unit_assignment
from ._units import build_units

__all__ = ["solve_greedy"]


def solve_greedy(instance: Instance, options: SolveOptions | None = None) -> Result:
    """Place households greedily, in vectorised rounds of proposals.

    Parameters
    ----------
    instance
        The instance; never mutated.
    options
        Only ``seed`` is used (it is recorded; the greedy is deterministic).

    Returns
    -------
    Result
        Status ``"feasible"`` with ``bound=None``. Capacities, fixed pairs, forbidden pairs and
        links always hold; a minimum load the greedy could not reach is listed in ``notes``
        (and ``solution.violations`` reports it).

    Notes
    -----
    Linked households move as one unit (:mod:`._units`). Fixed units are placed first. Every
    site first gets, where it has a minimum load, the units with the highest score there until
    the minimum is met (when they fit). Then, in rounds, every unplaced unit proposes to the
    best-scoring site it has not yet given up on (ties: lower site index); each site sorts its
    proposals by score (ties: lower household index) and accepts the
    longest run that fits its remaining capacity in every dimension. A rejected unit that would
    still fit the remaining capacity on its own proposes there again in the next round (at most
    three times), the others move on to their next site. Each round every site that receives
    proposals accepts one or drops one, so the procedure ends; placements are never undone. Each
    round costs time linear in the number of proposals; the preparation sorts the allowed pairs.
    """
    options = options or SolveOptions()
    start = time.perf_counter()
    units = build_units(instance)
    notes: list[str] = []
    if units.infeasible is not None:
        unit_site = np.full(units.n_units, -1, dtype=np.int64)
        notes.append(f"fixed pairs cannot all be honoured: {units.infeasible}")
    else:
        unit_site = greedy_unit_assignment(units, instance.capacity, instance.min_load)
    return make_unit_result(
        instance,
        "greedy",
        units,
        unit_site,
        notes=notes,
        started=start,
        solver="passgenau greedy",
        solver_version=package_version(),
        seed=options.seed,
    )
