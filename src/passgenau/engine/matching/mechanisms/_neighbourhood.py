"""Large-neighbourhood search for the scalable mechanism: small MIPs that re-place a few units.

Each step frees a few hundred units — drawn with probability proportional to how far their
current pair lies below their best option at the dual prices, plus the least committed units
(smallest regret) at the sites those want — and re-places them exactly by a MIP over each free
unit's best pairs by reduced value (and its current pair), with the capacities the other units
leave and, with persons first, at least the persons the free units had. Their current placement
is feasible for that MIP, so a step never makes the placement worse; it is kept only when it
scores more. The MIPs are solved by HiGHS with a node limit.

Two kinds of neighbourhood alternate at first — units that lose most, and every unit at a few
sites those want — and then the kind that gained more per unit of work goes on; a kind that gained
nothing is not tried again. Work is counted in HiGHS's simplex iterations, and the search ends at
a budget of them: a count, so that the result does not depend on the machine's load (a time limit
only stops the work, and the result says so).

References
----------
.. [1] P. Shaw, "Using constraint programming and local search methods to solve vehicle routing
   problems", *CP 1998*, LNCS 1520 (large-neighbourhood search).
.. [2] D. Pisinger and S. Ropke, "Large neighborhood search", in *Handbook of Metaheuristics*,
   Springer, 2010.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint
from scipy.optimize import milp as _scipy_milp

from ._highs import HIGHS, integer_program

__all__ = ["improve_by_neighbourhoods"]

milp: Any = _scipy_milp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_MAX_FAILURES = 4  # consecutive steps of a kind without improvement before that kind stops
_UNITS, _SITES = 0, 1  # the two kinds of neighbourhood
_MIN_SIZE = 40  # units per step at least
_SHARE = 16  # at most this share of the units per step
_SITE_FACTOR = 2  # a site neighbourhood holds up to this many times the units of a unit one


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
    enough: float = np.inf,
    deadline: float | None = None,
    stopped: list[str] | None = None,
    work_limit: int | None = None,
) -> IntArray:
    """Improve ``seg_pair`` (pair per segment of ``pairs``, -1 unplaced) by at most ``steps``
    MIP steps, stopping early once the total score reaches ``enough`` or the steps have used
    ``work_limit`` simplex iterations (None: no limit).

    Every limit that decides the result is a count (steps, units, pairs, HiGHS nodes and
    iterations), so the result does not depend on the machine's load. ``deadline``
    (``time.perf_counter()``; None: none) only stops the work, and then a line is appended to
    ``stopped``.

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
    size = min(size, max(_MIN_SIZE, int(movable.sum()) // _SHARE))
    # a site neighbourhood twice as large: its MIP repacks whole sites, which stays cheap where a
    # unit neighbourhood of that size is not (measured on the 10^4 family instances)
    site_size = min(_SITE_FACTOR * size, max(_MIN_SIZE, int(movable.sum()) // _SHARE))
    gained, worked = [0.0, 0.0], [0, 0]
    failures = [0, 0]
    tried = [False, False]
    for step_index in range(steps):
        if float(pairs.score[seg_pair[seg_pair >= 0]].sum()) >= enough:
            break
        if work_limit is not None and sum(worked) >= work_limit:
            break
        kind = _next_kind(step_index, gained, worked, failures, tried)
        if kind is None:
            break
        seconds = None if deadline is None else deadline - time.perf_counter()
        if seconds is not None and seconds <= 0:
            if stopped is not None:
                stopped.append(f"the neighbourhood search stopped after {step_index} steps")
            break
        current = np.where(seg_pair >= 0, r[np.maximum(seg_pair, 0)], 0.0)
        loss = np.where(movable, option - current, 0.0)
        if keep_persons:
            # with persons first, units left out weigh by their persons too: their reduced value
            # may be negative at every site, and placing them is what the persons level asks
            loss = np.where(movable & (seg_pair < 0), np.maximum(loss, 0.0) + seg_persons, loss)
        candidates = np.flatnonzero(loss > 1e-9)
        if not len(candidates):
            break
        weight = loss[candidates]
        free = np.zeros(n_seg, dtype=bool)
        at_sites = None
        if kind == _SITES:
            # a site neighbourhood: every movable unit at a few sites that the most-losing units
            # want, and those units, so that the MIP can repack those sites (capacities that
            # bind everywhere leave a unit-by-unit neighbourhood no room to move)
            site_loss = np.bincount(pairs.site[best[candidates]], weights=weight, minlength=n_s)
            placed_all = np.flatnonzero((seg_pair >= 0) & movable)
            per_site = np.bincount(pairs.site[seg_pair[placed_all]], minlength=n_s)
            at_sites = np.zeros(n_s, dtype=bool)
            total = 0
            order = rng.choice(
                np.flatnonzero(site_loss > 0),
                int((site_loss > 0).sum()),
                replace=False,
                p=site_loss[site_loss > 0] / site_loss.sum(),
            )
            for site in order:
                if total + per_site[site] > site_size and at_sites.any():
                    break
                at_sites[site] = True
                total += int(per_site[site])
            free[placed_all[at_sites[pairs.site[seg_pair[placed_all]]]]] = True
            wanting = candidates[at_sites[pairs.site[best[candidates]]]]
            room = max(site_size + site_size // 2 - int(free.sum()), 0)
            free[wanting[np.argsort(-loss[wanting], kind="stable")[:room]]] = True
        else:
            picked = rng.choice(
                candidates, min(size // 2, len(candidates)), replace=False, p=weight / weight.sum()
            )
            free[picked] = True
            wanted = np.zeros(n_s, dtype=bool)
            wanted[pairs.site[best[picked]]] = True
            placed = np.flatnonzero((seg_pair >= 0) & movable & ~free)
            there = placed[wanted[pairs.site[seg_pair[placed]]]]
            free[there[np.argsort(regret[there], kind="stable")[: size - len(picked)]]] = True
        before = float(pairs.score[seg_pair[seg_pair >= 0]].sum())
        step, work = _solve_step(
            pairs, r, seg_pair, free, seg_demand, seg_persons, capacity, keep_persons,
            pairs_per_unit, node_limit, seconds, at_sites,
        )  # fmt: skip
        tried[kind] = True
        worked[kind] += work
        failures[kind] = failures[kind] + 1 if step is None else 0
        if step is not None:
            gained[kind] += float(pairs.score[step[step >= 0]].sum()) - before
            seg_pair = step
        if free.sum() >= movable.sum():
            break  # the step covered every unit: it was the whole problem
    return seg_pair


def _next_kind(
    step_index: int, gained: list[float], worked: list[int], failures: list[int], tried: list[bool]
) -> int | None:
    """The kind of the next step: each once (units, then sites), then the one that gained more
    per simplex iteration; a kind that gained nothing in its first step, or failed
    ``_MAX_FAILURES`` times in a row, is not tried again (None: neither is left)."""
    if step_index < 2:
        return step_index
    left = [
        k
        for k in (_UNITS, _SITES)
        if failures[k] < _MAX_FAILURES and (gained[k] > 0 or not tried[k])
    ]
    if not left:
        return None
    return max(left, key=lambda k: (gained[k] / max(worked[k], 1), k))


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
    seconds: float | None,
    at_sites: npt.NDArray[np.bool_] | None = None,
) -> tuple[IntArray | None, int]:
    """One MIP over the free segments: the new assignment (None when it does not improve) and
    the simplex iterations it took."""
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
    if at_sites is not None:
        chosen |= at_sites[pairs.site[own]]
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
    started = np.zeros(n_c)
    started[cols == start[row_of]] = 1.0
    x_found, work = _warm_mip(
        pairs.score[cols], a, np.concatenate(lower), np.concatenate(upper), started,
        node_limit, seconds,
    )  # fmt: skip
    if x_found is None:
        return None, work
    x = x_found > 0.5
    before = float(pairs.score[start[start >= 0]].sum())
    after = float(pairs.score[cols[x]].sum())
    if after <= before + 1e-9:
        return None, work
    out = seg_pair.copy()
    out[segs] = -1
    out[segs[row_of[x]]] = cols[x]
    # safeguard: every capacity and the persons kept (HiGHS tolerances)
    placed = out >= 0
    load = np.zeros((n_s, n_d), dtype=np.int64)
    np.add.at(load, pairs.site[out[placed]], seg_demand[placed])
    if np.any(load > capacity) or np.bincount(row_of[x], minlength=n_k).max(initial=0) > 1:
        return None, work
    if keep_persons and float(seg_persons[placed].sum()) < float(seg_persons[seg_pair >= 0].sum()):
        return None, work
    return out, work


def _warm_mip(
    c: FloatArray,
    a: sp.csr_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    start: FloatArray,
    node_limit: int,
    seconds: float | None,
) -> tuple[FloatArray | None, int]:
    """Maximise ``c·x`` over binary ``x`` with ``row_lower <= a x <= row_upper``, started from
    the feasible ``start``: the best solution found within ``node_limit`` nodes (a count, so the
    result does not depend on the machine's load) or None, and the simplex iterations HiGHS
    spent (one thread, a fixed seed: also a count). ``seconds`` only as the caller's overall time
    limit (None: none)."""
    if HIGHS is None:  # pragma: no cover - older SciPy: no starting solution
        options: dict[str, Any] = {"node_limit": node_limit, "presolve": True}
        if seconds is not None:
            options["time_limit"] = seconds
        res = milp(
            -c,
            constraints=LinearConstraint(a, row_lower, row_upper),
            integrality=np.ones(len(c)),
            bounds=Bounds(np.zeros(len(c)), np.ones(len(c))),
            options=options,
        )
        return (None if res.x is None else np.asarray(res.x, dtype=np.float64)), 0
    options = {"threads": 1, "mip_max_nodes": int(node_limit)}
    if seconds is not None:
        options["time_limit"] = max(float(seconds), 0.01)
    n = a.shape[1]
    highs = integer_program(c, a, (np.zeros(n), np.ones(n)), (row_lower, row_upper), start, options)
    highs.run()
    info = highs.getInfo()
    work = max(int(info.simplex_iteration_count), 0)
    if info.primal_solution_status != 2:  # no feasible solution
        return None, work
    found: FloatArray = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    return np.rint(found), work
