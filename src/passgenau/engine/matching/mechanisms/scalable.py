"""The scalable mechanism: a Lagrangian dual bound and a dual-guided primal for 10⁵–10⁶ households.

The capacities (and, for the lexicographic goal, the persons level) are moved into the objective
with prices ``λ[s, d] >= 0`` and ``μ >= 0``. For fixed prices the problem splits by placement unit
(:mod:`._units`): each unit takes its pair of highest *reduced value*
``r[p] = c[p] + μ n[u] - Σ_d λ[s, d] a[u, d]``, or stays unplaced (value 0; fixed units have only
their fixed pair). Hence, for every placement ``x`` that respects the capacities and places at
least ``P`` persons,

    score(x) <= L(λ, μ; P) = Σ_u max(0, max_{p of u} r[p]) + Σ_{s,d} λ[s, d] cap[s, d] - μ P.

**What is bounded.** The reported ``bound`` is ``min L(λ, μ; P)`` over the prices tried, with
``P`` the number of persons our placement places: an upper bound on the total score of every
placement that places at least as many persons as ours — in particular on the lexicographic
optimum's score, since that optimum places at least as many persons. Minimum loads are left out
of the relaxation (dropping constraints keeps the bound valid). With ``maximise_persons_first``
off, ``μ = 0`` and the bound is on the total score of every feasible placement.

**Dual.** ``L`` is convex and piecewise linear; it is minimised through its entropic smoothing
``L_τ`` (each ``max`` replaced by ``τ log Σ exp(·/τ)``, which is at most ``τ log(k + 1)`` above it)
with L-BFGS-B, first on a random sample of units with proportionally scaled capacities (a cheap
warm start: prices are per unit of capacity, so they carry over), then on all units. Every
evaluation also gives the exact ``L``, and the best one is kept. One evaluation is a handful of
vectorised passes over the allowed pairs in CSR order (``np.maximum.reduceat`` over the pairs of
each unit); prices enter through a table over (site, demand type), so there is no dense H × S
array: memory is linear in the number of allowed pairs. Above a million allowed pairs each round
runs over the pairs near each unit's best at the round's starting prices (about eight per unit,
the dropped ones carry no weight in ``L_τ`` at such temperatures); only the exact ``L`` over all
pairs after each round enters the bound, and two finer rounds follow. The dual aims at the
persons level of the polished greedy placement; when the returned placement places clearly more
persons, it is minimised once more at that level, where the persons row may bind and ``L`` be
lower.

**Primal.** At the prices of the last round, every unit takes its pair of highest reduced
value; sites over capacity shed the units that lose least by leaving (smallest regret, the gap
to their next option); shed units are re-inserted greedily (those with most to lose first) at
their best pair that fits, or (without persons first) through short ejection chains
(:func:`_eject`); then units move to a better pair where capacity is left. Units still left
out — mostly large households, for whom no single unit makes enough room — take a site from
which several units move to other pairs of theirs that fit (:func:`_make_room`), and the moves
to better pairs run once more. Where the greedy mechanism's placement, polished the same way,
places more persons, it is returned instead (persons come first). Last, a few small MIPs
re-place a few hundred units each, keeping the persons (:mod:`._neighbourhood`). Minimum loads
are met on a best-effort basis (units are pulled from sites that keep their own minimum); a note
says where that fails.

References
----------
.. [1] M. L. Fisher, "The Lagrangian relaxation method for solving integer programming problems",
   *Management Science* 27(1), 1981.
.. [2] A. M. Geoffrion, "Lagrangean relaxation for integer programming", *Mathematical
   Programming Study* 2, 1974 (the Lagrangian bound equals the LP bound when the subproblem has
   the integrality property, as this assignment subproblem has).
.. [3] Y. Nesterov, "Smooth minimization of non-smooth functions", *Mathematical Programming*
   103, 2005 (entropic smoothing of a max).
.. [4] D. C. Liu and J. Nocedal, "On the limited memory BFGS method for large scale
   optimization", *Mathematical Programming* 45, 1989.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy
from scipy.optimize import minimize as _scipy_minimize

from ..model import Instance, Result, SolveOptions
from ._common import make_result
from ._neighbourhood import _Pairs, improve_by_neighbourhoods
from ._proposals import greedy_unit_assignment
from ._units import Units, build_units

__all__ = ["solve_scalable"]

minimize: Any = _scipy_minimize  # SciPy's stubs type the callback narrowly

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# ejection chains: sites tried per unit, displaced units tried per site, attempts per left-out unit
_EJECT_SITES = 12
_EJECT_TRIES = 20
_EJECT_BUDGET = 600
_EJECT_TOTAL = 20_000
# multi-unit ejection, in passes of growing effort over the units still left out: (best sites
# tried per unit, units considered for moving out per site). Measured on 10^5 x 400 x 5, where the
# ejection chains leave 2,370 persons out: (8, 40) places 1,494 of them, (30, 100) all but 6.
_ROOM_EFFORT = ((30, 100), (100, 400))
_SAMPLE_UNITS = 10_000  # units in the warm-start sample (when there are many more)
# (temperature relative to the mean score, L-BFGS evaluations) of each round; the primal runs
# at the prices of the last round (measured on 10^5 x 400 x 5: at the third round's prices it
# scored 74,970, at the fifth's 75,053, with the same persons within 6)
_ROUNDS = ((0.01, 40), (0.003, 40), (0.001, 60), (0.0003, 60), (0.0001, 60))
# up to this many allowed pairs the primal runs after every round and the best placement is kept
# (cheap there, and on small instances the rounds' placements differ more than their prices)
_PRIMAL_EVERY_ROUND_PAIRS = 100_000
# above this many allowed pairs each round minimises the dual over the pairs near each unit's
# best (about this many per unit, chosen anew at the start of each round)
_RESTRICT_MIN_PAIRS = 1_000_000
_RESTRICT_PAIRS_PER_UNIT = 8
# Rounds are cheap there, and two finer rounds pay (measured on 10^5 x 400 x 5: gap 0.15 % ->
# 0.09 %, 17 s -> 21 s CPU; 4 pairs per unit instead of 8: 0.24 %, 12: 0.145 %). On 10^4 x 400
# (no restriction: every evaluation is exact and its L counts) they did not help.
_FINE_ROUNDS = ((0.00003, 60), (0.00001, 60))
# the dual is minimised once more at the returned placement's persons when these exceed the level
# it aimed at by more than this share
_REAIM_SHARE = 1e-3
# up to this many allowed pairs the LP relaxation itself is solved once at the end (HiGHS dual
# simplex, well under a second there) and its duals enter the bound as one more set of prices:
# L at the LP duals is the LP bound, where the smoothed dual can stop 0.5 % above it (measured on
# a 1,000 x 50 x 6 family instance with a heavy tail of large families)
_LP_PRICES_PAIRS = 100_000
# large-neighbourhood search after the primal: steps, units freed per step, best pairs per unit,
# HiGHS node limit per step, and the work budget of all steps in simplex iterations (see
# :mod:`._neighbourhood`). Many small steps pay better than a few large ones: on the 10^4 family
# instances a unit step over 600 units with 200 nodes cost 20-30 s of CPU and mostly found
# nothing; over 300 units (sites 600) with 20 nodes a step costs 0.1-3 s, and the budget ends
# the search after 45-51 s of CPU on two shared cores (the large steps: 110-210 s) at a score
# within 0.1 % of theirs, once above
_LNS_STEPS = 60
_LNS_UNITS = 300
_LNS_PAIRS_PER_UNIT = 4
# steps end at their optimum or the node limit, and the search at the work budget: counts, no
# time limit, since one that binds makes the result depend on the machine's load (three runs of
# the same instance gave three placements); only SolveOptions.time_limit stops the search, and
# the result says so
_LNS_NODES = 20
_LNS_WORK = 100_000


@dataclass
class _Dual:
    """Problem data of the Lagrangian dual and the prices and bounds seen so far."""

    pairs: _Pairs
    types: IntArray  # (T, D) distinct demand vectors
    type_persons: FloatArray  # (T,)
    capacity: FloatArray  # (S, D)
    persons_target: float
    lexicographic: bool
    tau: float
    # (sum of unit maxima + λ·cap, μ) of every exact evaluation: L(P) = first - μ P, and λ
    history: list[tuple[float, float]] = field(default_factory=list)
    prices_seen: list[FloatArray] = field(default_factory=list)

    @property
    def n_sites(self) -> int:
        return int(self.capacity.shape[0])

    def split(self, x: FloatArray) -> tuple[FloatArray, float]:
        n = self.capacity.size
        lam = x[:n].reshape(self.capacity.shape)
        mu = float(x[n]) if self.lexicographic else 0.0
        return lam, mu

    def reduced(self, lam: FloatArray, mu: float) -> FloatArray:
        """Reduced value of every pair: score + μ persons - λ·demand."""
        table = lam @ self.types.T - mu * self.type_persons[None, :]  # (S, T)
        out = table.ravel()[self.pairs.key]
        return np.subtract(self.pairs.score, out, out=out)

    def unit_max(self, r: FloatArray) -> FloatArray:
        """Per segment: the best reduced value, or 0 (unplaced) when that is better and allowed."""
        best = np.maximum.reduceat(r, self.pairs.starts)
        return np.where(self.pairs.seg_fixed, best, np.maximum(best, 0.0))

    def smoothed(self, x: FloatArray) -> tuple[float, FloatArray]:
        """``L_τ`` and its gradient; records the exact ``L`` of the same prices."""
        lam, mu = self.split(x)
        pairs = self.pairs
        r = self.reduced(lam, mu)
        top = self.unit_max(r)
        priced = float(lam.ravel() @ self.capacity.ravel())
        self.history.append((float(top.sum()) + priced, mu))
        self.prices_seen.append(lam.copy())
        # in place over r (not needed further): these arrays are as long as the pairs
        z = np.subtract(r, np.repeat(top, pairs.counts), out=r)
        z /= self.tau
        np.exp(z, out=z)
        total = np.add.reduceat(z, pairs.starts)
        # the unplaced option, worth 0 (top >= 0 there); fixed units do not have it
        total += np.where(
            pairs.seg_fixed, 0.0, np.exp(-np.where(pairs.seg_fixed, 0.0, top) / self.tau)
        )
        value = float((top + self.tau * np.log(total)).sum()) + priced - mu * self.persons_target
        z /= np.repeat(total, pairs.counts)  # probability of each pair
        by_key = np.bincount(pairs.key, weights=z, minlength=self.n_sites * len(self.types))
        by_key = by_key.reshape(self.n_sites, len(self.types))
        grad_lam = self.capacity - by_key @ self.types
        grad = grad_lam.ravel()
        if self.lexicographic:
            grad = np.append(grad, by_key.sum(axis=0) @ self.type_persons - self.persons_target)
        return value, grad

    def record(self, r: FloatArray, lam: FloatArray, mu: float) -> None:
        """Record the exact ``L`` at these prices (``r``: their reduced values)."""
        top = float(self.unit_max(r).sum())
        self.history.append((top + float(lam.ravel() @ self.capacity.ravel()), mu))
        self.prices_seen.append(np.array(lam, dtype=np.float64, copy=True))

    def _best(self, persons: float) -> int:
        values = [first - mu * persons for first, mu in self.history]
        return int(np.argmin(values))

    def bound(self, persons: float) -> float:
        """The best exact bound seen, for placements that place at least ``persons`` persons."""
        first, mu = self.history[self._best(persons)]
        return first - mu * persons

    def prices(self, persons: float) -> FloatArray:
        """The capacity prices ``λ`` of :meth:`bound` (those its explanations may quote)."""
        return self.prices_seen[self._best(persons)].copy()


def _pairs_of(prep: Units, unit_type: IntArray, n_types: int, keep: BoolArray | None) -> _Pairs:
    unit, site, score = prep.pair_unit, prep.pair_site, prep.pair_score
    if keep is not None:
        mask = keep[unit]
        unit, site, score = unit[mask], site[mask], score[mask]
    key = site * n_types + unit_type[unit]
    if key.size and key.max() < 2**31:
        key = key.astype(np.int32)
    first = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]]) if len(unit) else np.zeros(0, int)
    starts = first.astype(np.int64)
    counts = np.diff(np.r_[starts, len(unit)]).astype(np.int64)
    seg_unit = unit[starts]
    fixed_unit = np.zeros(prep.n_units, dtype=bool)
    fixed_unit[prep.pair_unit[prep.pair_fixed]] = True
    return _Pairs(unit, site, score, key, starts, counts, seg_unit, fixed_unit[seg_unit])


def _near_pairs(dual: _Dual, r: FloatArray, rng: np.random.Generator) -> _Pairs:
    """Each unit's pairs whose reduced value is within a margin of its best option (at least its
    best pair), the margin chosen so that about ``_RESTRICT_PAIRS_PER_UNIT`` pairs per unit stay."""
    pairs = dual.pairs
    top = np.maximum.reduceat(r, pairs.starts)
    level = np.repeat(np.where(pairs.seg_fixed, top, np.maximum(top, 0.0)), pairs.counts)
    below = level - r
    share = min(1.0, _RESTRICT_PAIRS_PER_UNIT * len(pairs.starts) / max(len(r), 1))
    probe = below[rng.integers(0, len(r), min(len(r), 200_000))]
    margin = float(np.quantile(probe, share))
    keep = (below <= margin) | (r >= np.repeat(top, pairs.counts))
    counts = np.add.reduceat(keep.astype(np.int64), pairs.starts)
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return _Pairs(
        pairs.unit[keep],
        pairs.site[keep],
        pairs.score[keep],
        pairs.key[keep],
        starts,
        counts,
        pairs.seg_unit,
        pairs.seg_fixed,
    )


def _minimise(dual: _Dual, x0: FloatArray, max_evaluations: int) -> FloatArray:
    n = dual.capacity.size
    upper_mu = 4.0 * float(np.abs(dual.pairs.score).max(initial=1.0)) + 1.0
    bounds = [(0.0, None)] * n + ([(0.0, upper_mu)] if dual.lexicographic else [])
    res = minimize(
        dual.smoothed,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxfun": max_evaluations, "maxiter": max_evaluations, "ftol": 1e-12},
    )
    return np.asarray(res.x, dtype=np.float64)


def _best_pairs(dual: _Dual, r: FloatArray) -> tuple[IntArray, FloatArray, FloatArray]:
    """Per segment: index of the best pair, its reduced value, and the next best option's."""
    pairs = dual.pairs
    top = np.maximum.reduceat(r, pairs.starts)
    hit = np.flatnonzero(r >= np.repeat(top, pairs.counts))
    first = hit[np.r_[True, pairs.unit[hit][1:] != pairs.unit[hit][:-1]]]
    masked = r.copy()
    masked[first] = -np.inf
    second = np.maximum.reduceat(masked, pairs.starts)
    second = np.where(pairs.seg_fixed, second, np.maximum(second, 0.0))
    return first, top, second


def _primal(
    prep: Units,
    dual: _Dual,
    r: FloatArray,
    capacity: IntArray,
    min_load: IntArray,
    score_first: bool = False,
) -> tuple[IntArray, list[str]]:
    """A feasible unit assignment guided by the reduced values ``r`` (see the module docstring).

    ``score_first`` (persons first only): start as without persons first (units whose best
    reduced value is negative stay out, ejection chains), and only then place the units left
    out by multi-unit ejection."""
    pairs = dual.pairs
    lex = dual.lexicographic and not score_first
    demand = prep.demand
    n_s = capacity.shape[0]
    notes: list[str] = []
    unit_pair = np.full(prep.n_units, -1, dtype=np.int64)
    best, top, second = _best_pairs(dual, r)
    wants = pairs.seg_fixed | (top > 0) | (lex & (top > -np.inf))
    if not lex:
        wants = pairs.seg_fixed | (top > 0) | ((top == 0) & (pairs.score[best] > 0))
    unit_pair[pairs.seg_unit[wants]] = best[wants]
    regret = np.full(prep.n_units, np.inf)
    regret[pairs.seg_unit] = np.where(pairs.seg_fixed, np.inf, top - second)
    fixed_unit = np.zeros(prep.n_units, dtype=bool)
    fixed_unit[pairs.seg_unit[pairs.seg_fixed]] = True

    def load_of(assigned: IntArray) -> IntArray:
        placed = np.flatnonzero(assigned >= 0)
        load = np.zeros(capacity.shape, dtype=np.int64)
        sites = pairs.site[assigned[placed]]
        for d in range(capacity.shape[1]):
            load[:, d] = np.bincount(sites, weights=demand[placed, d], minlength=n_s).astype(
                np.int64
            )
        return load

    load = load_of(unit_pair)
    # 1. sites over capacity shed the units that lose least by leaving (smallest regret per unit
    # of the excess they remove); shed units then take their best pair that still fits
    seg_of_unit = np.full(prep.n_units, -1, dtype=np.int64)
    seg_of_unit[pairs.seg_unit] = np.arange(len(pairs.seg_unit))
    placed = np.flatnonzero((unit_pair >= 0) & ~fixed_unit)
    site_of = pairs.site[unit_pair[placed]]
    shed: list[int] = []
    for s in np.flatnonzero(np.any(load > capacity, axis=1)):
        here = placed[site_of == s]
        while True:
            excess = np.maximum(load[s] - capacity[s], 0)
            if not excess.any() or not len(here):
                break
            relief = (np.minimum(demand[here], excess) / np.maximum(excess, 1)).sum(axis=1)
            useful = relief > 0
            if not useful.any():
                break
            cost = np.where(useful, regret[here] / np.maximum(relief, 1e-12), np.inf)
            k = int(np.argmin(cost))
            u = int(here[k])
            load[s] -= demand[u]
            unit_pair[u] = -1
            shed.append(u)
            here = np.delete(here, k)
    residual = capacity - load
    if np.any(residual < 0):
        notes.append("fixed households alone exceed a capacity")
    order = np.asarray(shed, dtype=np.int64)
    order = order[np.argsort(-regret[order], kind="stable")]
    state = _Repair(pairs, demand, r, unit_pair, residual, fixed_unit, seg_of_unit)
    for u in order:
        _insert(state, int(u), lex)
    # 2. units that fit nowhere take the place of a unit that can move elsewhere (ejection); with
    # persons first the multi-unit ejection (2c) does this instead (measured: as many persons or
    # more on HIAS FY17, 10^4 and 10^5, 1.5 s less on 10^5; 0.06 % less score on the pilot)
    left_out = [int(u) for u in order if unit_pair[u] < 0]
    if left_out and not lex:
        _eject(state, left_out, regret)
    # 3. moves to a better pair where capacity is left
    gain_units = np.flatnonzero(unit_pair >= 0)
    gain_units = gain_units[~fixed_unit[gain_units]]
    current = r[unit_pair[gain_units]]
    lost = top[seg_of_unit[gain_units]] - current
    for u in gain_units[np.argsort(-lost, kind="stable")][: int((lost > 1e-12).sum())]:
        _improve(state, int(u))
    wanted = pairs.seg_unit[wants | (dual.lexicographic & (top > -np.inf))]
    # 2c. units still left out take a site where several placed units make room together, each
    # moving to another of its pairs that fits
    left_out = [int(u) for u in wanted[unit_pair[wanted] < 0]]
    if left_out and dual.lexicographic:
        for sites, candidates in _ROOM_EFFORT:
            left_out = [u for u in left_out if unit_pair[u] < 0]
            if left_out:
                _make_room(state, left_out, sites, candidates)
        # the moves may have left room elsewhere: moves to better pairs once more
        gain_units = np.flatnonzero(unit_pair >= 0)
        gain_units = gain_units[~fixed_unit[gain_units]]
        lost = top[seg_of_unit[gain_units]] - r[unit_pair[gain_units]]
        for u in gain_units[np.argsort(-lost, kind="stable")][: int((lost > 1e-12).sum())]:
            _improve(state, int(u))
    # 4. minimum loads, best effort
    if np.any(min_load > 0):
        notes.extend(_meet_minimum(prep, pairs, unit_pair, capacity, min_load, fixed_unit, r))
    unit_site = np.where(unit_pair >= 0, pairs.site[np.maximum(unit_pair, 0)], -1)
    return unit_site.astype(np.int64), notes


@dataclass
class _Repair:
    """The state the primal's repair steps share: each unit's pair (or -1), the capacity left,
    and the reduced values that rank a unit's pairs."""

    pairs: _Pairs
    demand: IntArray
    r: FloatArray
    unit_pair: IntArray
    residual: IntArray
    fixed_unit: BoolArray
    seg_of_unit: IntArray

    def own(self, u: int) -> IntArray:
        """The indices of unit ``u``'s allowed pairs, in CSR order."""
        lo = int(self.pairs.starts[self.seg_of_unit[u]])
        return np.arange(lo, lo + int(self.pairs.counts[self.seg_of_unit[u]]))

    def by_value(self, u: int) -> IntArray:
        """Unit ``u``'s pairs, highest reduced value first."""
        own = self.own(u)
        return own[np.argsort(-self.r[own], kind="stable")]

    def fitting(self, u: int, candidates: IntArray) -> IntArray:
        """The pairs among ``candidates`` whose site has room for unit ``u`` as things stand."""
        return candidates[
            np.all(self.residual[self.pairs.site[candidates]] >= self.demand[u], axis=1)
        ]

    def units_at_sites(self) -> dict[int, list[int]]:
        placed = np.flatnonzero(self.unit_pair >= 0)
        at_site: dict[int, list[int]] = {}
        sites = self.pairs.site[self.unit_pair[placed]].tolist()
        for v, site in zip(placed.tolist(), sites, strict=True):
            at_site.setdefault(site, []).append(v)
        return at_site

    def move(self, u: int, p: int) -> None:
        """Unit ``u`` takes pair ``p`` (leaving its current pair, if any)."""
        if self.unit_pair[u] >= 0:
            self.residual[self.pairs.site[self.unit_pair[u]]] += self.demand[u]
        self.unit_pair[u] = p
        self.residual[self.pairs.site[p]] -= self.demand[u]


def _insert(state: _Repair, u: int, any_pair: bool) -> None:
    candidates = state.own(u)
    if not any_pair:
        candidates = candidates[state.pairs.score[candidates] > 0]
    candidates = state.fitting(u, candidates)
    if len(candidates):
        state.move(u, int(candidates[np.argmax(state.r[candidates])]))


def _eject(state: _Repair, left_out: list[int], regret: FloatArray) -> None:
    """Place left-out units through short ejection chains (depth 2, bounded effort).

    A left-out unit ``u`` takes a site where it fits; failing that, it takes the place of a unit
    ``v`` at one of its sites (``v`` frees enough in every dimension), and ``v`` is placed the
    same way one level down (it may in turn displace one unit, which must then fit directly).
    Sites are tried in order of reduced value, displaced units in order of regret; a failed
    branch is undone. Each left-out unit gets a fixed budget of attempts.
    """
    pairs, demand, unit_pair, residual = state.pairs, state.demand, state.unit_pair, state.residual
    at_site = state.units_at_sites()
    moving: set[int] = set()
    budget = [0]

    def put(u: int, p: int) -> None:
        state.move(u, p)
        at_site.setdefault(int(pairs.site[p]), []).append(u)

    def take(u: int) -> None:
        s = int(pairs.site[unit_pair[u]])
        residual[s] += demand[u]
        at_site[s].remove(u)
        unit_pair[u] = -1

    def place(u: int, depth: int) -> bool:
        own = state.by_value(u)
        fits = state.fitting(u, own)
        if len(fits):
            put(u, int(fits[0]))
            return True
        if depth == 0:
            return False
        moving.add(u)
        for p in own[:_EJECT_SITES]:
            s = int(pairs.site[p])
            need = demand[u] - residual[s]
            candidates = np.asarray(at_site.get(s, []), dtype=np.int64)
            if not len(candidates):
                continue
            candidates = candidates[~state.fixed_unit[candidates]]
            candidates = candidates[np.all(demand[candidates] >= need, axis=1)]
            for v in candidates[np.argsort(regret[candidates], kind="stable")][:_EJECT_TRIES]:
                v = int(v)
                if v in moving or budget[0] <= 0:
                    continue
                budget[0] -= 1
                back = int(unit_pair[v])
                take(v)
                put(u, int(p))
                if place(v, depth - 1):
                    moving.discard(u)
                    return True
                take(u)
                put(v, back)
        moving.discard(u)
        return False

    total = _EJECT_TOTAL  # bounds the work on very large instances (deterministically)
    for u in left_out:
        budget[0] = min(_EJECT_BUDGET, total)
        if budget[0] <= 0:
            break
        place(int(u), 2)
        total -= _EJECT_BUDGET - budget[0]


def _make_room(state: _Repair, left_out: list[int], sites: int, candidates: int) -> None:
    """Place left-out units by moving several units out of one site (multi-unit ejection).

    A large household rarely fits where one other unit leaves (what :func:`_eject` tries): at
    each of its best sites, units that help cover what is missing and that fit at another of
    their own pairs as things stand move there, cheapest move (loss of reduced value) first,
    until the left-out unit fits. Largest units first; placed units never become unplaced.
    """
    pairs, demand, unit_pair = state.pairs, state.demand, state.unit_pair
    at_site = state.units_at_sites()
    persons_like = demand.sum(axis=1)
    # each placed unit's best move as things stand (see _movers), kept up to date after moves
    best_move: dict[int, int] = {}
    for u in sorted(left_out, key=lambda k: -int(persons_like[k])):
        for p in state.by_value(u)[:sites].tolist():
            s = int(pairs.site[p])
            need = np.maximum(demand[u] - state.residual[s], 0)
            if not need.any():
                moves: list[tuple[int, int]] = []
            else:
                found = _movers(state, s, need, at_site, candidates, best_move)
                if found is None:
                    continue
                moves = found
            changed = {s}
            for v, q in moves:
                changed.add(int(pairs.site[unit_pair[v]]))
                changed.add(int(pairs.site[q]))
                at_site[int(pairs.site[unit_pair[v]])].remove(v)
                at_site.setdefault(int(pairs.site[q]), []).append(v)
                state.move(v, q)
            state.move(u, p)
            at_site.setdefault(s, []).append(u)
            _forget_moves(state, best_move, changed, {u, *(v for v, _ in moves)})
            break


def _forget_moves(
    state: _Repair, best_move: dict[int, int], changed: set[int], moved: set[int]
) -> None:
    """Drop the cached best moves that the capacity left at the ``changed`` sites (or a move of
    the unit itself) may have changed: a unit's best move stays where its cached pair still fits
    (or lies elsewhere) and no pair of the unit at a changed site now fits and beats it (higher
    reduced value, or the same and first in CSR order)."""
    if not best_move:
        return
    pairs, r = state.pairs, state.r
    units = np.fromiter(best_move.keys(), dtype=np.int64, count=len(best_move))
    best = np.fromiter(best_move.values(), dtype=np.int64, count=len(best_move))
    drop = np.isin(units, np.fromiter(moved, dtype=np.int64, count=len(moved)))
    segs = state.seg_of_unit[units]
    lo = pairs.starts[segs]
    hi = lo + pairs.counts[segs]
    current = pairs.site[state.unit_pair[units]]
    best_site = np.where(best >= 0, pairs.site[np.maximum(best, 0)], -1)
    best_r = np.where(best >= 0, r[np.maximum(best, 0)], -np.inf)
    demand = state.demand[units]
    last = len(pairs.site) - 1
    for c in sorted(changed):
        at = lo + _segment_search(pairs.site, lo, hi, np.full(len(units), c, dtype=np.int64))
        has = (at < hi) & (pairs.site[np.minimum(at, last)] == c) & (current != c)
        fits = has & np.all(state.residual[c] >= demand, axis=1)
        drop |= (best_site == c) & ~fits
        at_r = r[np.minimum(at, last)]
        beats = (best < 0) | (at_r > best_r) | ((at_r == best_r) & (at < best))
        drop |= fits & (best_site != c) & beats
    for v in units[drop].tolist():
        del best_move[v]


def _fitting_moves(state: _Repair, s: int, units: IntArray) -> tuple[IntArray, IntArray]:
    """Of ``units`` (placed at site ``s``), those with another pair that fits as things stand,
    and each one's best such pair (highest reduced value, the first in CSR order on ties): the
    positions in ``units`` and the pairs, vectorised over the units' pairs."""
    pairs, residual = state.pairs, state.residual
    segs = state.seg_of_unit[units]
    lo, width = pairs.starts[segs], pairs.counts[segs]
    offsets = np.zeros(len(units), dtype=np.int64)
    np.cumsum(width[:-1], out=offsets[1:])
    own = np.arange(int(width.sum()), dtype=np.int64) + np.repeat(lo - offsets, width)
    owner = np.repeat(np.arange(len(units)), width)
    own_site = pairs.site[own]
    # whether each distinct demand among the units fits at each site: one small table instead
    # of comparing a row of residual capacity for every pair
    kinds, kind_of = np.unique(state.demand[units], axis=0, return_inverse=True)
    room = np.ones((len(kinds), residual.shape[0]), dtype=bool)
    for d in range(residual.shape[1]):
        room &= residual[None, :, d] >= kinds[:, d, None]
    fits = (own_site != s) & room[kind_of.reshape(-1)[owner], own_site]
    value = np.where(fits, state.r[own], -np.inf)
    top = np.maximum.reduceat(value, offsets)
    hit = np.flatnonzero(fits & (value >= top[owner]))
    first = hit[np.r_[True, owner[hit][1:] != owner[hit][:-1]]] if len(hit) else hit
    return owner[first], own[first]


def _movers(
    state: _Repair,
    s: int,
    need: IntArray,
    at_site: dict[int, list[int]],
    candidates: int,
    best_move: dict[int, int],
) -> list[tuple[int, int]] | None:
    """Units at site ``s`` that together free ``need`` by moving to pairs that fit, or None.

    ``best_move`` caches each unit's best move (:func:`_fitting_moves`; -1: none): it depends
    only on the capacity left, so the caller drops what a move changes (:func:`_forget_moves`)."""
    pairs, demand, unit_pair, residual, r = (
        state.pairs,
        state.demand,
        state.unit_pair,
        state.residual,
        state.r,
    )
    here = np.asarray(at_site.get(s, []), dtype=np.int64)
    if not len(here):
        return None
    here = here[~state.fixed_unit[here]]
    short = need > 0
    here = here[np.any(demand[here][:, short] > 0, axis=1)]
    if not len(here):
        return None
    # candidates: the units whose current pair has the lowest reduced value (least to lose)
    here = here[np.argsort(-r[unit_pair[here]], kind="stable")[::-1]][:candidates]
    here_demand = demand[here]
    if np.any(here_demand.sum(axis=0) < need):
        return None  # even all candidates together would not free enough (demands are >= 0)
    units = here.tolist()
    missing = [k for k, v in enumerate(units) if v not in best_move]
    if missing:
        unknown = here[missing]
        found = np.full(len(missing), -1, dtype=np.int64)
        at, moves = _fitting_moves(state, s, unknown)
        found[at] = moves
        best_move.update(zip(unknown.tolist(), found.tolist(), strict=True))
    move_of = np.asarray([best_move[v] for v in units], dtype=np.int64)
    movable = np.flatnonzero(move_of >= 0)
    if np.any(here_demand[movable].sum(axis=0) < need):
        return None  # even all movable units together would not free enough
    moves = move_of[movable]
    options = sorted(
        zip(
            (r[unit_pair[here[movable]]] - r[moves]).tolist(),
            here[movable].tolist(),
            moves.tolist(),
            strict=True,
        )
    )
    # the greedy choice in plain integers (a handful of dimensions): cheapest move first, each
    # where the capacity left after the moves chosen so far still takes it
    need_of = need.tolist()
    n_d = len(need_of)
    extra: dict[int, list[int]] = {}
    freed = [0] * n_d
    chosen: list[tuple[int, int]] = []
    for _, v, q in options:
        t = int(pairs.site[q])
        used = extra.get(t) or [0] * n_d
        left = residual[t].tolist()
        wanted = demand[v].tolist()
        if any(left[k] - used[k] < wanted[k] for k in range(n_d)):
            continue
        extra[t] = [used[k] + wanted[k] for k in range(n_d)]
        chosen.append((v, q))
        freed = [freed[k] + wanted[k] for k in range(n_d)]
        if all(freed[k] >= need_of[k] for k in range(n_d)):
            return chosen
    return None


def _improve(state: _Repair, u: int) -> None:
    """Unit ``u`` moves to its best-scoring pair that scores more than its own and fits."""
    now = int(state.unit_pair[u])
    candidates = state.own(u)
    better = candidates[state.pairs.score[candidates] > state.pairs.score[now] + 1e-12]
    better = state.fitting(u, better)
    if len(better):
        state.move(u, int(better[np.argmax(state.pairs.score[better])]))


def _meet_minimum(
    prep: Units,
    pairs: _Pairs,
    unit_pair: IntArray,
    capacity: IntArray,
    min_load: IntArray,
    fixed_unit: BoolArray,
    r: FloatArray,
) -> list[str]:
    """Pull units to sites under their minimum, from unplaced units or sites above theirs."""
    demand = prep.demand
    n_s = capacity.shape[0]
    placed = unit_pair >= 0
    load = np.zeros(capacity.shape, dtype=np.int64)
    np.add.at(load, pairs.site[unit_pair[placed]], demand[placed])
    notes = []
    for s in np.flatnonzero(np.any(load < min_load, axis=1)):
        candidates = np.flatnonzero(pairs.site == s)
        candidates = candidates[np.argsort(-r[candidates], kind="stable")]
        for p in candidates:
            short = load[s] < min_load[s]
            if not short.any():
                break
            u = int(pairs.unit[p])
            if fixed_unit[u] or unit_pair[u] == p or not np.any(demand[u, short] > 0):
                continue
            if np.any(load[s] + demand[u] > capacity[s]):
                continue
            if unit_pair[u] >= 0:
                donor = int(pairs.site[unit_pair[u]])
                if np.any((load[donor] - demand[u] < min_load[donor]) & (demand[u] > 0)):
                    continue
                load[donor] -= demand[u]
            load[s] += demand[u]
            unit_pair[u] = p
        if np.any(load[s] < min_load[s]):
            notes.append(
                f"minimum load of site index {s} not met by the heuristic "
                f"(load {load[s].tolist()}, minimum {min_load[s].tolist()})"
            )
    del n_s
    return notes


def solve_scalable(instance: Instance, options: SolveOptions) -> Result:
    """Place households with a proven Lagrangian bound, for very large instances.

    Parameters
    ----------
    instance
        The instance; never mutated. Memory use is linear in its allowed pairs.
    options
        ``target_gap`` (relative) ends the refinement early, ``time_limit`` bounds it,
        ``seed`` picks the warm-start sample, ``maximise_persons_first`` the goal.

    Returns
    -------
    Result
        Status ``feasible`` (``optimal`` when the gap is below ``mip_gap`` and every minimum load
        is met, ``infeasible`` when the fixed pairs alone break a capacity or a link), with the
        bound described in the module docstring and ``site_duals`` = the capacity prices ``λ``
        of the best bound.

    Notes
    -----
    See the module docstring for the bound, the dual method and the primal heuristic.
    """
    started = time.perf_counter()
    prep = build_units(instance).fixed_pairs_only()
    assert instance.min_load is not None
    capacity = np.asarray(instance.capacity, dtype=np.int64)
    min_load = np.asarray(instance.min_load, dtype=np.int64)
    n_s, n_d = capacity.shape

    def finish(
        unit_site: IntArray | None, status: str, bound: float | None, duals: Any, notes: list[str]
    ) -> Result:
        return make_result(
            instance,
            "scalable",
            status,  # type: ignore[arg-type]
            None if unit_site is None else prep.expand(unit_site),
            started=started,
            solver="Lagrangian dual (L-BFGS-B on the smoothed dual) + dual-guided repair",
            solver_version=f"numpy {np.__version__}, scipy {scipy.__version__}",
            seed=options.seed,
            bound=bound,
            site_duals=duals,
            notes=notes,
        )

    if prep.infeasible is not None:
        return finish(None, "infeasible", None, None, [prep.infeasible])
    fixed_pairs = np.flatnonzero(prep.pair_fixed)
    fixed_load = np.zeros((n_s, n_d), dtype=np.int64)
    np.add.at(fixed_load, prep.pair_site[fixed_pairs], prep.demand[prep.pair_unit[fixed_pairs]])
    if np.any(fixed_load > capacity):
        s, d = (int(v) for v in np.argwhere(fixed_load > capacity)[0])
        reason = (
            f"the fixed households alone exceed the capacity of site {instance.site_ids[s]} in "
            f"{instance.dimensions[d]}"
        )
        return finish(None, "infeasible", None, None, [reason])
    if prep.n_pairs == 0:
        status = "infeasible" if np.any(min_load > 0) else "optimal"
        return finish(None, status, 0.0, np.zeros((n_s, n_d)), ["no household has an allowed site"])

    # demand types: units with the same demand and persons share one price entry per site
    typed = np.column_stack([prep.demand, prep.persons])
    kinds, unit_type = np.unique(typed, axis=0, return_inverse=True)
    unit_type = unit_type.ravel().astype(np.int64)
    types = np.ascontiguousarray(kinds[:, :n_d], dtype=np.int64)
    type_persons = kinds[:, n_d].astype(np.float64)
    pairs = _pairs_of(prep, unit_type, len(types), None)
    lexicographic = options.maximise_persons_first
    placeable = float(prep.persons[pairs.seg_unit].sum())
    # Persons come first: the polished greedy placement (sites accept by score, so it packs
    # tightly) is computed first; the persons it places are the level the dual aims at, since the
    # returned placement places at least as many and the bound is taken at that level.
    greedy: IntArray | None = None
    target = placeable
    if lexicographic and not np.any(min_load > 0):
        greedy = _greedy_units(prep, capacity)
        if greedy is not None:
            target = float(prep.persons[greedy >= 0].sum())
    scale = float(np.mean(np.abs(pairs.score))) or 1.0
    x = np.zeros(capacity.size + (1 if lexicographic else 0))

    # warm start on a sample of units, capacities scaled to the sample's share of persons
    rng = np.random.default_rng(options.seed)
    if len(pairs.seg_unit) > 4 * _SAMPLE_UNITS:
        keep = np.zeros(prep.n_units, dtype=bool)
        keep[rng.choice(pairs.seg_unit, _SAMPLE_UNITS, replace=False)] = True
        fixed_units = pairs.seg_unit[pairs.seg_fixed]
        keep[fixed_units] = False  # fixed units are not a random sample; leave them out
        sample = _pairs_of(prep, unit_type, len(types), keep)
        share = float(prep.persons[sample.seg_unit].sum()) / max(placeable, 1.0)
        scaled = capacity.astype(np.float64) * share
        warm = _Dual(
            sample, types, type_persons, scaled, target * share, lexicographic, 0.02 * scale
        )
        x = _minimise(warm, x, 100)

    dual = _Dual(
        pairs, types, type_persons, capacity.astype(np.float64), target, lexicographic, 1.0
    )
    notes: list[str] = []
    notes_best: list[str] = []
    stopped: list[str] = []  # work left undone for the time limit
    best: tuple[float, IntArray] | None = None
    # the prices 0 give the trivial bound (each unit's best score): the bound is never above it
    dual.record(pairs.score, np.zeros_like(dual.capacity), 0.0)
    restrict = prep.n_pairs > _RESTRICT_MIN_PAIRS
    rounds = _ROUNDS + (_FINE_ROUNDS if restrict else ())
    # Rounds of L-BFGS-B on the smoothed dual over all pairs, each with a smaller temperature;
    # the primal heuristic runs at the prices reached (after the last round, or when time is up).
    for index, (tau, evaluations) in enumerate(rounds):
        if restrict:
            # the round runs over each unit's pairs near its best at the current prices; only
            # the exact L over all pairs, after the round, counts for the bound
            if index == 0:  # later rounds start where the last one ended: its r is at hand
                lam, mu = dual.split(x)
                r = dual.reduced(lam, mu)
            near = _near_pairs(dual, r, rng)
            sub = _Dual(near, types, type_persons, dual.capacity, target, lexicographic, 1.0)
            sub.tau = tau * scale
            x = _minimise(sub, x, evaluations)
        else:
            dual.tau = tau * scale
            x = _minimise(dual, x, evaluations)
        lam, mu = dual.split(x)
        r = dual.reduced(lam, mu)
        dual.record(r, lam, mu)
        elapsed = time.perf_counter() - started
        # the only place where the clock decides anything: a time limit stops work (and says so)
        out_of_time = options.time_limit is not None and elapsed > options.time_limit / 2
        if out_of_time and index < len(rounds) - 1:
            stopped.append(f"the dual rounds stopped after {index + 1} of {len(rounds)}")
        every_round = prep.n_pairs <= _PRIMAL_EVERY_ROUND_PAIRS
        if index < len(rounds) - 1 and not out_of_time and not every_round:
            continue
        # with persons first, two primals: one that places every unit from the start, one that
        # starts as for the score alone and places the units left out afterwards (measured on the
        # family: each wins on some instances); the better by (persons, score) is kept
        for score_first in (False, True) if lexicographic else (False,):
            unit_site, primal_notes = _primal(prep, dual, r, capacity, min_load, score_first)
            value = _objective_units(prep, unit_site)
            if best is None or _better(prep, unit_site, value, best):
                best = (value, unit_site)
                notes_best = primal_notes
        assert best is not None
        persons = float(prep.persons[best[1] >= 0].sum())
        bound = dual.bound(persons if lexicographic else 0.0)
        if (bound - best[0]) / max(abs(bound), 1e-9) <= options.target_gap or out_of_time:
            break
    assert best is not None
    notes = notes_best
    if lexicographic and not np.any(min_load > 0):
        # Persons come first: where the greedy baseline (sites accept by score, so it packs
        # tightly) places more persons, its placement, polished by moves to better pairs, wins.
        other = greedy
        if other is not None and prep.persons[other >= 0].sum() >= prep.persons[best[1] >= 0].sum():
            # polished only where it can win (moves keep the persons)
            other = _polished_greedy(prep, pairs, capacity, other)
        if other is not None and _better(prep, other, _objective_units(prep, other), best):
            best = (_objective_units(prep, other), other)
            notes = ["the polished greedy placement placed more persons than the dual-guided one"]
    left = (
        None if options.time_limit is None else options.time_limit - (time.perf_counter() - started)
    )
    if left is not None and left <= 0 and not np.any(min_load > 0) and _LNS_STEPS > 0:
        stopped.append("the neighbourhood search did not run")
    elif not np.any(min_load > 0) and _LNS_STEPS > 0:
        # small MIPs re-place a few hundred units at a time (never worse, persons kept)
        seg_pair = _seg_pairs(pairs, best[1])
        bound = dual.bound(float(prep.persons[best[1] >= 0].sum()) if lexicographic else 0.0)
        seg_pair = improve_by_neighbourhoods(
            pairs, r, seg_pair, prep.demand, prep.persons, capacity, lexicographic, rng,
            _LNS_STEPS, _LNS_UNITS, _LNS_PAIRS_PER_UNIT, _LNS_NODES,
            enough=bound - options.target_gap * abs(bound),
            deadline=None if left is None else time.perf_counter() + left,
            stopped=stopped,
            work_limit=_LNS_WORK,
        )  # fmt: skip
        unit_site = np.full(prep.n_units, -1, dtype=np.int64)
        placed_segs = seg_pair >= 0
        unit_site[pairs.seg_unit[placed_segs]] = pairs.site[seg_pair[placed_segs]]
        best = (_objective_units(prep, unit_site), unit_site)
    persons = float(prep.persons[best[1] >= 0].sum())
    if lexicographic and persons > target * (1.0 + _REAIM_SHARE):
        # the placement places clearly more persons than the level the dual aimed at: aim again
        # at its level, where the persons row may bind and the bound be lower
        dual.persons_target = persons
        if restrict:
            # as the rounds: over the near pairs at the last round's temperature (over all pairs
            # the dual's own temperature, 1, smooths every score away: 8 s of CPU on 20,000 x 400
            # for an L far above the bound); only the exact L after it counts
            sub = _Dual(
                _near_pairs(dual, r, rng), types, type_persons, dual.capacity, persons,
                lexicographic, rounds[-1][0] * scale,
            )  # fmt: skip
            x = _minimise(sub, x, rounds[-1][1])
        else:
            x = _minimise(dual, x, _ROUNDS[-1][1])
        lam, mu = dual.split(x)
        dual.record(dual.reduced(lam, mu), lam, mu)
    limit = options.time_limit
    if prep.n_pairs <= _LP_PRICES_PAIRS and (
        limit is None or time.perf_counter() - started < limit
    ):
        prices = _lp_prices(dual, prep.demand, persons if lexicographic else None)
        if prices is not None:
            dual.record(dual.reduced(*prices), *prices)
    bound = dual.bound(persons if lexicographic else 0.0)
    if lexicographic and persons < placeable:
        notes.append(
            f"{int(placeable - persons)} persons with an allowed site are not placed; the bound "
            "holds for placements that place at least as many persons as this one"
        )
    # the capacity prices of the bound that is reported, for the explanations
    lam = dual.prices(persons if lexicographic else 0.0)
    gap = (bound - best[0]) / max(abs(bound), 1e-9)
    status = "optimal" if gap <= options.mip_gap else "feasible"
    if _misses_minimum(prep, best[1], min_load):
        # the bound ignores the minimum loads the heuristic missed: the placement is no optimum
        status = "feasible"
    if stopped:
        notes.append("time limit reached: " + "; ".join(stopped))
        status = "time_limit" if status != "optimal" else status
    return finish(best[1], status, max(bound, best[0]), lam, notes)


def _misses_minimum(prep: Units, unit_site: IntArray, min_load: IntArray) -> bool:
    """Whether the units' placement leaves a site under one of its minimum loads."""
    load = np.zeros(min_load.shape, dtype=np.int64)
    placed = unit_site >= 0
    np.add.at(load, unit_site[placed], prep.demand[placed])
    return bool(np.any(load < min_load))


def _lp_prices(
    dual: _Dual, demand: IntArray, persons: float | None
) -> tuple[FloatArray, float] | None:
    """The capacity and persons prices of the LP relaxation (with the row "at least ``persons``
    persons" when given), or None when HiGHS does not solve it. Any prices ``>= 0`` give a valid
    bound; these give the LP bound itself."""
    import scipy.sparse as sp
    from scipy.optimize import linprog as _linprog

    linprog: Any = _linprog  # SciPy's stubs do not take sparse matrices
    pairs = dual.pairs
    n_s, n_d = dual.capacity.shape
    n_p, n_k = len(pairs.unit), len(pairs.starts)
    seg = np.repeat(np.arange(n_k), pairs.counts)
    cols = np.arange(n_p)
    dem = demand[pairs.unit].astype(np.float64)
    blocks = [sp.csr_matrix((np.ones(n_p), (seg, cols)), shape=(n_k, n_p))]
    rows = (pairs.site[:, None] * n_d + np.arange(n_d)[None, :]).ravel()
    blocks.append(
        sp.csr_matrix((dem.ravel(), (rows, np.repeat(cols, n_d))), shape=(n_s * n_d, n_p))
    )
    rhs = [np.ones(n_k), dual.capacity.ravel()]
    n_persons = dual.type_persons[pairs.key % len(dual.types)]
    if persons is not None:
        blocks.append(sp.csr_matrix(-n_persons[None, :]))
        rhs.append(np.array([-persons]))
    lower = np.zeros(n_p)
    lower[pairs.starts[pairs.seg_fixed]] = 1.0  # a fixed unit has only its fixed pair
    res = linprog(
        -pairs.score,
        A_ub=sp.vstack(blocks, format="csr"),
        b_ub=np.concatenate(rhs),
        bounds=np.column_stack([lower, np.ones(n_p)]),
        method="highs-ds",
    )
    if res.status != 0 or res.ineqlin is None:
        return None
    marginals = np.asarray(res.ineqlin.marginals, dtype=np.float64)
    lam = np.maximum(-marginals[n_k : n_k + n_s * n_d], 0.0).reshape(n_s, n_d)
    mu = max(-float(marginals[-1]), 0.0) if persons is not None else 0.0
    return lam, mu


def _seg_pairs(pairs: _Pairs, unit_site: IntArray) -> IntArray:
    """The pair (index into ``pairs``) of each segment's unit in ``unit_site``, or -1."""
    site = unit_site[pairs.seg_unit]
    placed = site >= 0
    out = np.full(len(pairs.starts), -1, dtype=np.int64)
    lo = pairs.starts[placed]
    out[placed] = lo + _segment_search(pairs.site, lo, lo + pairs.counts[placed], site[placed])
    return out


def _greedy_units(prep: Units, capacity: IntArray) -> IntArray | None:
    """The greedy mechanism's unit placement, or None where it does not fit the prepared pairs."""
    unit_site = np.asarray(greedy_unit_assignment(prep, capacity), dtype=np.int64)
    if _pairs_used(prep, unit_site) is None:
        return None  # not a placement over the allowed (and fixed) pairs: leave it
    return None if np.any(_load(prep, unit_site, capacity.shape) > capacity) else unit_site


def _pairs_used(prep: Units, unit_site: IntArray) -> IntArray | None:
    """The pair each placed unit uses (placed units in index order), or None when a placed
    unit's site is not among its allowed (and fixed) pairs."""
    placed = np.flatnonzero(unit_site >= 0)
    start = prep.pair_start
    lo, hi = start[placed], start[placed + 1]
    offset = _segment_search(prep.pair_site, lo, hi, unit_site[placed])
    index = lo + offset
    if np.any(offset >= hi - lo) or np.any(
        prep.pair_site[np.minimum(index, len(prep.pair_site) - 1)] != unit_site[placed]
    ):
        return None
    return index


def _load(prep: Units, unit_site: IntArray, shape: tuple[int, ...]) -> IntArray:
    """Load per site and dimension of a unit placement."""
    placed = np.flatnonzero(unit_site >= 0)
    load = np.zeros(shape, dtype=np.int64)
    np.add.at(load, unit_site[placed], prep.demand[placed])
    return load


def _polished_greedy(
    prep: Units, pairs: _Pairs, capacity: IntArray, unit_site: IntArray
) -> IntArray | None:
    """The greedy placement ``unit_site``, then moves to better-scoring pairs that fit."""
    unit_pair = np.full(prep.n_units, -1, dtype=np.int64)
    placed = np.flatnonzero(unit_site >= 0)
    index = _pairs_used(prep, unit_site)
    if index is None:
        return None  # not a placement over the allowed (and fixed) pairs: leave it
    unit_pair[placed] = index
    residual = capacity - _load(prep, unit_site, capacity.shape)
    if np.any(residual < 0):
        return None
    seg_of_unit = np.full(prep.n_units, -1, dtype=np.int64)
    seg_of_unit[pairs.seg_unit] = np.arange(len(pairs.seg_unit))
    fixed_unit = np.zeros(prep.n_units, dtype=bool)
    fixed_unit[prep.pair_unit[prep.pair_fixed]] = True
    best_score = np.maximum.reduceat(pairs.score, pairs.starts)
    state = _Repair(pairs, prep.demand, pairs.score, unit_pair, residual, fixed_unit, seg_of_unit)
    movable = placed[~fixed_unit[placed]]
    lost = best_score[seg_of_unit[movable]] - pairs.score[unit_pair[movable]]
    for u in movable[np.argsort(-lost, kind="stable")][: int((lost > 1e-12).sum())]:
        _improve(state, int(u))
    return np.where(unit_pair >= 0, pairs.site[np.maximum(unit_pair, 0)], -1).astype(np.int64)


def _objective_units(prep: Units, unit_site: IntArray) -> float:
    placed = np.flatnonzero(unit_site >= 0)
    start = prep.pair_start
    total = 0.0
    # the pair of each placed unit: search its site among the unit's sorted pairs
    lo = start[placed]
    hi = start[placed + 1]
    idx = lo + _segment_search(prep.pair_site, lo, hi, unit_site[placed])
    total = float(prep.pair_score[idx].sum())
    return total


def _segment_search(sites: IntArray, lo: IntArray, hi: IntArray, target: IntArray) -> IntArray:
    """Offset of ``target`` within each sorted segment ``sites[lo:hi]`` (vectorised)."""
    width = hi - lo
    left = np.zeros_like(lo)
    right = width.copy()
    while True:
        active = left < right
        if not active.any():
            return left
        mid = (left + right) // 2
        go_right = active & (sites[np.minimum(lo + mid, len(sites) - 1)] < target)
        left = np.where(go_right, mid + 1, left)
        right = np.where(active & ~go_right, mid, right)


def _better(prep: Units, unit_site: IntArray, value: float, best: tuple[float, IntArray]) -> bool:
    persons = int(prep.persons[unit_site >= 0].sum())
    best_persons = int(prep.persons[best[1] >= 0].sum())
    return (persons, value) > (best_persons, best[0])
