"""Large-neighbourhood search for the scalable mechanism: small MIPs that re-place a few units.

Each step frees a few hundred units — drawn with probability proportional to how far their
current pair lies below their best option at the dual prices, plus the least committed units
(smallest regret) at the sites those want — and re-places them exactly by a MIP over each free
unit's best pairs by reduced value (and its current pair), with the capacities the other units
leave and, with persons first, at least the persons the free units had. Their current placement
is feasible for that MIP, so a step never makes the placement worse; it is kept only when it
scores more. The MIPs are solved by HiGHS through ``scipy.optimize.milp`` with a node limit
(deterministic) and a time limit as a safeguard.

References
----------
.. [1] P. Shaw, "Using constraint programming and local search methods to solve vehicle routing
   problems", *CP 1998*, LNCS 1520 (large-neighbourhood search).
.. [2] D. Pisinger and S. Ropke, "Large neighborhood search", in *Handbook of Metaheuristics*,
   Springer, 2010.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint
from scipy.optimize import milp as _scipy_milp

__all__ = ["improve_by_neighbourhoods"]

milp: Any = _scipy_milp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_MAX_FAILURES = 2  # consecutive steps without improvement before the search stops
_MIN_SIZE = 40  # units per step at least


@dataclass
class _Pairs:
    """The allowed pairs of the units that have any, in CSR order, and their price keys."""

    unit: IntArray  # (P,) unit of each pair (sorted)
    site: IntArray  # (P,)
    score: FloatArray  # (P,)
    key: npt.NDArray[np.int32] | IntArray  # (P,) site * T + demand type of the unit
    starts: IntArray  # (K,) first pair of each unit that has pairs
    counts: IntArray  # (K,)
    seg_unit: IntArray  # (K,) the unit of each segment
    seg_fixed: BoolArray  # (K,) the unit is fixed (must be placed)


def improve_by_neighbourhoods(
    pairs: _Pairs,
    r: FloatArray,
    seg_pair: IntArray,
    demand: IntArray,
    persons: IntArray,
    capacity: IntArray,
    keep_persons: bool,
    rng: np.random.Generator,
    steps: int,
    size: int,
    pairs_per_unit: int,
    node_limit: int,
    seconds: float,
    enough: float = np.inf,
) -> IntArray:
    """Improve ``seg_pair`` (pair per segment of ``pairs``, -1 unplaced) by ``steps`` MIP steps,
    stopping early once the total score reaches ``enough``.

    Fixed segments never move. Returns the improved assignment (a new array).
    """
    seg_pair = seg_pair.copy()
    n_seg = len(pairs.starts)
    n_s = capacity.shape[0]
    seg_demand = demand[pairs.seg_unit]
    seg_persons = persons[pairs.seg_unit].astype(np.float64)
    top = np.maximum.reduceat(r, pairs.starts)
    best = _first_best(pairs, r, top)
    masked = r.copy()
    masked[best] = -np.inf
    second = np.maximum.reduceat(masked, pairs.starts)
    option = np.where(pairs.seg_fixed, top, np.maximum(top, 0.0))
    regret = option - np.where(pairs.seg_fixed, second, np.maximum(second, 0.0))
    movable = ~pairs.seg_fixed
    # at most a sixteenth of the units per step: on small instances a step over all of them is the
    # whole problem, and its MIP is what the exact mechanism is for
    size = min(size, max(_MIN_SIZE, int(movable.sum()) // 16))
    failures = 0
    for _ in range(steps):
        if float(pairs.score[seg_pair[seg_pair >= 0]].sum()) >= enough:
            break
        current = np.where(seg_pair >= 0, r[np.maximum(seg_pair, 0)], 0.0)
        loss = np.where(movable, option - current, 0.0)
        candidates = np.flatnonzero(loss > 1e-9)
        if not len(candidates):
            break
        weight = loss[candidates]
        picked = rng.choice(
            candidates, min(size // 2, len(candidates)), replace=False, p=weight / weight.sum()
        )
        free = np.zeros(n_seg, dtype=bool)
        free[picked] = True
        wanted = np.zeros(n_s, dtype=bool)
        wanted[pairs.site[best[picked]]] = True
        placed = np.flatnonzero((seg_pair >= 0) & movable & ~free)
        there = placed[wanted[pairs.site[seg_pair[placed]]]]
        free[there[np.argsort(regret[there], kind="stable")[: size - len(picked)]]] = True
        step = _solve_step(
            pairs, r, seg_pair, free, seg_demand, seg_persons, capacity, keep_persons,
            pairs_per_unit, node_limit, seconds,
        )  # fmt: skip
        failures = failures + 1 if step is None else 0
        if step is not None:
            seg_pair = step
        if free.sum() >= movable.sum() or failures >= _MAX_FAILURES:
            break  # the step covered every unit, or the neighbourhoods stopped paying
    return seg_pair


def _first_best(pairs: _Pairs, r: FloatArray, top: FloatArray) -> IntArray:
    hit = np.flatnonzero(r >= np.repeat(top, pairs.counts))
    return hit[np.r_[True, pairs.unit[hit][1:] != pairs.unit[hit][:-1]]]


def _solve_step(
    pairs: _Pairs,
    r: FloatArray,
    seg_pair: IntArray,
    free: npt.NDArray[np.bool_],
    seg_demand: IntArray,
    seg_persons: FloatArray,
    capacity: IntArray,
    keep_persons: bool,
    pairs_per_unit: int,
    node_limit: int,
    seconds: float,
) -> IntArray | None:
    """One MIP over the free segments; the new assignment, or None when it does not improve."""
    n_s, n_d = capacity.shape
    segs = np.flatnonzero(free)
    keep = (seg_pair >= 0) & ~free
    load = np.zeros((n_s, n_d), dtype=np.int64)
    np.add.at(load, pairs.site[seg_pair[keep]], seg_demand[keep])
    residual = capacity - load
    # the free segments' pairs, their best few by reduced value and their current one
    lo, width = pairs.starts[segs], pairs.counts[segs]
    offsets = np.zeros(len(segs), dtype=np.int64)
    np.cumsum(width[:-1], out=offsets[1:])
    own = np.arange(int(width.sum()), dtype=np.int64) + np.repeat(lo - offsets, width)
    owner = np.repeat(np.arange(len(segs)), width)
    order = np.lexsort((-r[own], owner))
    rank = np.arange(len(own)) - offsets[owner[order]]
    chosen = np.zeros(len(own), dtype=bool)
    chosen[order[rank < pairs_per_unit]] = True
    chosen |= own == seg_pair[segs][owner]
    cols, row_of = own[chosen], owner[chosen]
    n_c, n_k = len(cols), len(segs)
    rows = [row_of]
    columns = [np.arange(n_c)]
    values = [np.ones(n_c)]
    for d in range(n_d):
        coef = seg_demand[segs[row_of], d].astype(np.float64)
        nz = coef > 0
        rows.append(n_k + pairs.site[cols[nz]] * n_d + d)
        columns.append(np.flatnonzero(nz))
        values.append(coef[nz])
    lower = [np.zeros(n_k), np.full(n_s * n_d, -np.inf)]
    upper = [np.ones(n_k), residual.ravel().astype(np.float64)]
    n_rows = n_k + n_s * n_d
    start = seg_pair[segs]
    had_persons = float(seg_persons[segs][start >= 0].sum())
    if keep_persons:
        rows.append(np.full(n_c, n_rows))
        columns.append(np.arange(n_c))
        values.append(seg_persons[segs[row_of]])
        lower.append(np.array([had_persons - 0.5]))
        upper.append(np.array([np.inf]))
        n_rows += 1
    a = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=(n_rows, n_c),
    )
    res = milp(
        -pairs.score[cols],
        constraints=LinearConstraint(a, np.concatenate(lower), np.concatenate(upper)),
        integrality=np.ones(n_c),
        bounds=Bounds(np.zeros(n_c), np.ones(n_c)),
        options={"node_limit": node_limit, "time_limit": seconds, "presolve": True},
    )
    if res.x is None:
        return None
    x = np.asarray(res.x) > 0.5
    before = float(pairs.score[start[start >= 0]].sum())
    after = float(pairs.score[cols[x]].sum())
    if after <= before + 1e-9:
        return None
    out = seg_pair.copy()
    out[segs] = -1
    out[segs[row_of[x]]] = cols[x]
    # safeguard: every capacity and the persons kept (HiGHS tolerances)
    placed = out >= 0
    load = np.zeros((n_s, n_d), dtype=np.int64)
    np.add.at(load, pairs.site[out[placed]], seg_demand[placed])
    if np.any(load > capacity) or np.bincount(row_of[x], minlength=n_k).max(initial=0) > 1:
        return None
    if keep_persons and float(seg_persons[placed].sum()) < float(seg_persons[seg_pair >= 0].sum()):
        return None
    return out
