"""What every mechanism shares: the one constructor of its :class:`Result`, scoring a placement,
notes on unmet minimum loads, and the signal that a mechanism ran out of time before it found any
placement (the dispatcher in :mod:`.` then falls back to another mechanism)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt

from ..model import Instance, Result, Status
from ..solution import placed_counts, site_load
from ._units import Units

__all__ = [
    "NoPlacementInTime",
    "assignment_score",
    "make_result",
    "make_unit_result",
    "unmet_min_load_notes",
]

FloatArray = npt.NDArray[np.float64]


class NoPlacementInTime(Exception):
    """The time limit came before the mechanism found any placement."""

    def __init__(self, started: float, notes: list[str]) -> None:
        super().__init__("time limit before any placement was found")
        self.started = started  # ``time.perf_counter()`` when the mechanism began
        self.notes = tuple(notes)


def make_result(
    instance: Instance,
    mechanism: str,
    status: Status,
    assignment: npt.NDArray[np.int32] | None,
    *,
    started: float,
    solver: str,
    solver_version: str,
    seed: int,
    objective: float | None = None,
    bound: float | None = None,
    site_duals: FloatArray | None = None,
    blocking_pairs: int | None = None,
    notes: list[str] | tuple[str, ...] = (),
) -> Result:
    """The result of placing ``assignment`` (None: nobody placed), timed from ``started``
    (``time.perf_counter()``); ``objective`` defaults to the score of the placed pairs."""
    if assignment is None:
        assignment = np.full(instance.n_households, -1, dtype=np.int32)
    households, persons = placed_counts(instance, assignment)
    return Result(
        mechanism=mechanism,
        status=status,
        assignment=assignment,
        objective=assignment_score(instance, assignment) if objective is None else objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        solver=solver,
        solver_version=solver_version,
        seed=seed,
        input_hash=instance.input_hash(),
        placed_households=households,
        placed_persons=persons,
        site_duals=site_duals,
        blocking_pairs=blocking_pairs,
        notes=tuple(notes),
    )


def make_unit_result(
    instance: Instance,
    mechanism: str,
    units: Units,
    unit_site: npt.NDArray[np.int64],
    *,
    notes: list[str],
    **details: Any,
) -> Result:
    """The feasible result of a mechanism that places units (``unit_site``: a site or -1 per
    unit): the units' households placed with them, and a note for every minimum load missed.
    ``details`` as for :func:`make_result`."""
    assignment = units.expand(unit_site)
    notes.extend(unmet_min_load_notes(instance, assignment))
    return make_result(instance, mechanism, "feasible", assignment, notes=notes, **details)


def assignment_score(instance: Instance, assignment: npt.NDArray[np.integer]) -> float:
    """Total score of the placed households (their pairs must be allowed)."""
    placed = np.flatnonzero(np.asarray(assignment) >= 0)
    if len(placed) == 0:
        return 0.0
    # The pairs are sorted by household, then site, so their keys h * S + s are sorted too.
    n_s = instance.n_sites
    keys = placed.astype(np.int64) * n_s + np.asarray(assignment)[placed]
    all_keys = instance.pair_household.astype(np.int64) * n_s + instance.pair_site
    pos = np.searchsorted(all_keys, keys)
    return float(instance.pair_score[pos].sum())


def unmet_min_load_notes(instance: Instance, assignment: npt.NDArray[np.integer]) -> list[str]:
    """One note per site and dimension whose minimum load the assignment misses."""
    assert instance.min_load is not None
    load = site_load(instance, np.asarray(assignment))
    notes = []
    for s, d in zip(*np.nonzero(load < instance.min_load), strict=True):
        notes.append(
            f"minimum load not met: site {instance.site_ids[s]} has {load[s, d]} "
            f"{instance.dimensions[d]}, minimum {instance.min_load[s, d]}"
        )
    return notes
