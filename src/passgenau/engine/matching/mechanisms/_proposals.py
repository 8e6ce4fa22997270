"""Proposal rounds over units: the greedy mechanism's procedure (described at
:func:`.greedy.solve_greedy`), also the scalable mechanism's baseline for the persons it places."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._units import Units

__all__ = ["greedy_unit_assignment"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


_MAX_RETRIES = 3


def greedy_unit_assignment(
    units: Units, capacity: npt.NDArray[np.int64], min_load: npt.NDArray[np.int64] | None = None
) -> IntArray:
    """The greedy placement of units (site per unit, -1 unplaced); see :mod:`.greedy`."""
    unit_site = np.where(units.fixed_site >= 0, units.fixed_site, -1).astype(np.int64)
    remaining = capacity.astype(np.int64).copy()
    fixed = np.flatnonzero(unit_site >= 0)
    np.subtract.at(remaining, unit_site[fixed], units.demand[fixed])

    start = units.pair_start
    pu, ps, score = units.pair_unit, units.pair_site, units.pair_score
    if min_load is not None and np.any(min_load > 0):
        _meet_min_loads(units, unit_site, remaining, capacity, min_load)

    # Sorting all pairs by preference would dominate the time for 10⁷ pairs; instead each round
    # finds every proposer's best untried pair with segment reductions over its own pairs.
    tried = np.zeros(len(pu), dtype=bool)
    untried = np.diff(start)
    retries = np.zeros(units.n_units, dtype=np.int64)
    active = np.flatnonzero((unit_site < 0) & (untried > 0))
    while len(active):
        k = _best_untried(active, start, score, tried)
        # Sites take proposals by score (measured on HIAS FY17 and synthetic instances, this
        # placed more persons and more score than score per person), then household order.
        order = np.lexsort((units.first_member[active], -score[k], ps[k]))
        u_o, s_o, k_o = active[order], ps[k[order]], k[order]
        demand = units.demand[u_o]
        new_site = np.ones(len(s_o), dtype=bool)
        new_site[1:] = s_o[1:] != s_o[:-1]
        seg = np.cumsum(new_site) - 1
        seg_first = np.flatnonzero(new_site)
        cum = np.cumsum(demand, axis=0)
        before = cum[seg_first] - demand[seg_first]
        within = cum - before[seg]
        fits = np.all(within <= remaining[s_o], axis=1)
        misfits = np.cumsum(~fits)
        misfits_before = misfits[seg_first] - (~fits[seg_first]).astype(np.int64)
        accept = (misfits - misfits_before[seg]) == 0
        acc_u, acc_s = u_o[accept], s_o[accept]
        unit_site[acc_u] = acc_s
        np.subtract.at(remaining, acc_s, units.demand[acc_u])
        rej_u, rej_s = u_o[~accept], s_o[~accept]
        retry = np.all(units.demand[rej_u] <= remaining[rej_s], axis=1)
        # A bounded number of retries per site keeps the number of rounds small on tight sites.
        retries[rej_u] += 1
        retry &= retries[rej_u] <= _MAX_RETRIES
        moving_on = rej_u[~retry]
        retries[moving_on] = 0
        tried[k_o[~accept][~retry]] = True
        untried[moving_on] -= 1
        active = np.sort(rej_u[untried[rej_u] > 0])
    return unit_site


def _best_untried(
    active: IntArray, start: IntArray, score: FloatArray, tried: npt.NDArray[np.bool_]
) -> IntArray:
    """For each active unit, its best untried pair: highest score, then lowest site."""
    lengths = start[active + 1] - start[active]
    offsets = np.zeros(len(active), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    # Indices of all pairs of the active units, unit after unit.
    index = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(
        start[active] - offsets, lengths
    )
    value = np.where(tried[index], -np.inf, score[index])
    best = np.maximum.reduceat(value, offsets)
    # The first pair reaching the best value: pairs are sorted by site within a unit.
    hit = value == np.repeat(best, lengths)
    position = np.where(hit, np.arange(len(index)), len(index))
    first = np.minimum.reduceat(position, offsets)
    return np.asarray(index[first], dtype=np.int64)


def _meet_min_loads(
    units: Units,
    unit_site: IntArray,
    remaining: IntArray,
    capacity: npt.NDArray[np.int64],
    min_load: npt.NDArray[np.int64],
) -> None:
    """Fill sites below their minimum with the best-scoring units that help and fit (in place)."""
    load = capacity - remaining
    by_site = np.argsort(units.pair_site, kind="stable")
    site_sorted = units.pair_site[by_site]
    for s in np.flatnonzero(np.any(load < min_load, axis=1)):
        lo, hi = np.searchsorted(site_sorted, [s, s + 1])
        cand = by_site[lo:hi]
        cand = cand[np.argsort(-units.pair_score[cand], kind="stable")]
        for k in cand:
            short = min_load[s] - load[s]
            if not np.any(short > 0):
                break
            u = int(units.pair_unit[k])
            dem = units.demand[u]
            if unit_site[u] >= 0 or not np.any(dem[short > 0] > 0):
                continue
            if np.all(dem <= remaining[s]):
                unit_site[u] = s
                remaining[s] -= dem
                load[s] += dem
