"""The stable mechanism: household-proposing deferred acceptance with multidimensional capacities.

Definitions
-----------
Households rank their allowed sites by pair score (higher first; ties: lower site index); being
unplaced is worst. A site ranks the households allowed there by its *priority*: the rank from an
optional ``priorities.csv`` (lower first; households it does not rank come after those it ranks),
then by pair score (higher first), then by household order in the instance. Linked households act
as one *unit* (:mod:`._units`): demand and scores summed, allowed only where every member is, the
best (lowest) rank of its members. Fixed units stay where they are, count first at their site and
are never displaced.

A pair ``(u, s)`` of a unit ``u`` that is not fixed and an allowed site ``s`` *blocks* a placement
``μ`` when

1. ``u`` strictly prefers ``s`` to ``μ(u)`` (every allowed site is better than none), and
2. ``u`` fits at ``s`` next to the households that ``s`` would keep: its fixed households and the
   households placed there that it ranks above ``u``; i.e. for every dimension ``d``,
   ``fixed_load[s, d] + Σ_{v at s, v ≻_s u} demand[v, d] + demand[u, d] ≤ capacity[s, d]``.

Condition 2 covers both a site with room to spare (non-wastefulness) and a site that could drop
households it ranks lower to make room (no justified envy); it is the pairwise stability notion
for sites that choose greedily by priority under knapsack constraints, as in Delacrétaz, Kominers
and Teytelboym [1]_, [2]_. A placement without blocking pairs is *stable*.

The mechanism
-------------
1. **Deferred acceptance with a knapsack choice rule** (the KDA-style rule of [1]_): units propose
   down their lists; a site holding some units and receiving a proposal goes through all of them
   in priority order and keeps each one that still fits its remaining capacity in every dimension,
   rejecting the others; a rejected unit proposes to its next site.
2. **Stabilisation**: with several dimensions that choice rule is not substitutable, so the
   outcome of step 1 can have blocking pairs (a unit rejected earlier may fit later, after the site
   replaced a large unit by a smaller one of higher priority). Each unit that is part of a
   blocking pair proposes again to the best site it blocks with, and deferred acceptance resumes;
   this repeats until no pair blocks, a placement repeats (a cycle) or a round limit is reached.
3. **Exact search**: if blocking pairs remain, an integer program (HiGHS via SciPy) looks for a
   stable placement that meets capacities and minimum loads and places the most persons, then the
   highest score; its size is linear in the allowed pairs (prefix loads per site and dimension).
   When it proves that no stable placement exists, or runs out of time, the placement of step 2 is
   returned and ``notes`` say so.

Guarantee: the result honours capacities, fixed and forbidden pairs and links; it has no blocking
pair whenever a stable placement exists and the exact search finishes within the time limit.
Minimum loads are not part of deferred acceptance; unmet ones are listed in ``notes``. With a
single dimension and unit demands, step 1 is the classical Gale–Shapley algorithm [3]_ and already
stable.

References
----------
.. [1] D. Delacrétaz, S. D. Kominers and A. Teytelboym, "Matching Mechanisms for Refugee
   Resettlement", working paper, 2020 (first version 2016 as "Refugee Resettlement"); published in
   *American Economic Review* 113(10), 2023, pp. 2689–2717.
.. [2] D. Delacrétaz, S. D. Kominers and A. Teytelboym, "Refugee Resettlement", working paper,
   University of Oxford, 2016.
.. [3] D. Gale and L. S. Shapley, "College Admissions and the Stability of Marriage", *American
   Mathematical Monthly* 69(1), 1962, pp. 9–15.
"""

from __future__ import annotations

import bisect
import time
from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from ..model import Instance, Result, SolveOptions, package_version
from ._common import make_unit_result
from ._units import Units, build_units

__all__ = [
    "blocking_pairs",
    "list_blocking_pairs",
    "solve_stable",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Limits of the stabilisation loop and of the exact search.
_MAX_STABILISATION_ROUNDS = 200
_EXACT_MAX_PAIRS = 200_000
_EXACT_DEFAULT_SECONDS = 30.0


@dataclass(frozen=True, eq=False)
class _Market:
    """Units with both sides' orders, precomputed once."""

    units: Units
    capacity: IntArray
    fixed_load: IntArray  # (S, D) load of the fixed units
    pref: IntArray  # pair indices, by unit, in the unit's order of preference
    pref_pos: IntArray  # position of each pair within its unit's preference list
    site_order: IntArray  # pair indices by site, then the site's priority
    priority: IntArray  # rank of each pair in site_order (lower: higher priority)

    @property
    def n_sites(self) -> int:
        return int(self.capacity.shape[0])


def _market(
    instance: Instance, priorities: IntArray | None, *, preferences: bool = True
) -> _Market:
    """Both sides' orders; ``preferences=False`` skips the households' lists (not needed to
    count blocking pairs, and a full sort of every pair on large instances)."""
    units = build_units(instance)
    pu, ps, score = units.pair_unit, units.pair_site, units.pair_score
    # Stable sorts from the last key to the first; the pairs come sorted by unit, then site.
    by_score = np.argsort(-score, kind="stable")
    if preferences:
        # Preference: score descending, then site ascending.
        pref = by_score[np.argsort(pu[by_score], kind="stable")]
        start = units.pair_start
        pref_pos = np.empty(len(pref), dtype=np.int64)
        pref_pos[pref] = np.arange(len(pref)) - start[pu[pref]]
    else:
        pref = pref_pos = np.zeros(0, dtype=np.int64)
    # Priority: by site, then rank, then score descending, then household order (= unit order).
    site_order = by_score
    if priorities is not None:
        rank = _unit_ranks(instance, units, priorities)
        site_order = site_order[np.argsort(rank[site_order], kind="stable")]
    site_order = site_order[np.argsort(ps[site_order], kind="stable")]
    priority = np.empty(len(site_order), dtype=np.int64)
    priority[site_order] = np.arange(len(site_order))
    fixed_load = np.zeros_like(instance.capacity)
    fixed = np.flatnonzero(units.fixed_site >= 0)
    np.add.at(fixed_load, units.fixed_site[fixed], units.demand[fixed])
    return _Market(
        units=units,
        capacity=np.asarray(instance.capacity, dtype=np.int64),
        fixed_load=fixed_load,
        pref=pref,
        pref_pos=pref_pos,
        site_order=site_order,
        priority=priority,
    )


def _unit_ranks(instance: Instance, units: Units, priorities: IntArray) -> IntArray:
    """Per unit pair: the best rank any member has at that site."""
    n_s = instance.n_sites
    h_keys = units.unit_of[instance.pair_household.astype(np.int64)] * n_s + instance.pair_site
    best: dict[int, int] = {}
    if not instance.links:
        return np.asarray(priorities, dtype=np.int64)
    for key, r in zip(h_keys.tolist(), np.asarray(priorities).tolist(), strict=True):
        if key not in best or r < best[key]:
            best[key] = r
    u_keys = units.pair_unit * n_s + units.pair_site
    return np.array([best[k] for k in u_keys.tolist()], dtype=np.int64)


# -- blocking pairs -------------------------------------------------------------------------------
def _unit_assignment(units: Units, assignment: npt.NDArray[np.integer]) -> IntArray:
    """The site of each unit (-1 when its members are unplaced or not together)."""
    a = np.asarray(assignment, dtype=np.int64)
    n_u = units.n_units
    unit_site = np.full(n_u, -1, dtype=np.int64)
    # A unit is placed at s when all its members are; mixed placements count as unplaced.
    lo = np.full(n_u, np.iinfo(np.int64).max)
    hi = np.full(n_u, np.iinfo(np.int64).min)
    np.minimum.at(lo, units.unit_of, a)
    np.maximum.at(hi, units.unit_of, a)
    same = lo == hi
    unit_site[same] = lo[same]
    return unit_site


def _blocking_mask(market: _Market, unit_site: IntArray) -> BoolArray:
    """Which unit pairs block the unit placement (see the module docstring).

    Linear in the allowed pairs with no ``(pairs × dimensions)`` temporaries: loads are only
    computed for the pairs whose unit prefers the site, from prefix sums over the placed units.
    """
    units = market.units
    pu, ps, score = units.pair_unit, units.pair_site, units.pair_score
    n_p, n_s = len(pu), market.n_sites
    if n_p == 0:
        return np.zeros(0, dtype=bool)
    movable = units.fixed_site < 0
    # Preference: strictly better than the current site (unplaced is worst).
    placed_units = np.flatnonzero(unit_site >= 0)
    keys = pu * n_s + ps  # sorted: pairs come by unit, then site
    current_pair = np.searchsorted(keys, placed_units * n_s + unit_site[placed_units])
    current_score = np.full(units.n_units, -np.inf)
    current_score[placed_units] = score[np.minimum(current_pair, n_p - 1)]
    current = unit_site[pu]
    their_score = current_score[pu]
    better = (score > their_score) | ((score == their_score) & (ps < current))
    candidates = np.flatnonzero(better & (ps != current) & movable[pu])
    if len(candidates) == 0:
        return np.zeros(n_p, dtype=bool)
    # Load that each site keeps ahead of a candidate: the movable units placed there that the
    # site ranks higher (prefix sums in the site's priority order), plus its fixed units.
    held_pairs = np.flatnonzero((current == ps) & movable[pu])
    held_positions = np.sort(market.priority[held_pairs])
    held_demand = units.demand[pu[market.site_order[held_positions]]]
    prefix = np.zeros((len(held_positions) + 1, held_demand.shape[1]), dtype=np.int64)
    np.cumsum(held_demand, axis=0, out=prefix[1:])
    site_start = np.searchsorted(ps[market.site_order], np.arange(n_s))
    c_site = ps[candidates]
    before_candidate = np.searchsorted(held_positions, market.priority[candidates])
    before_site = np.searchsorted(held_positions, site_start[c_site])
    higher = prefix[before_candidate] - prefix[before_site]
    need = units.demand[pu[candidates]]
    fits = np.all(market.fixed_load[c_site] + higher + need <= market.capacity[c_site], axis=1)
    mask = np.zeros(n_p, dtype=bool)
    mask[candidates[fits]] = True
    return mask


def list_blocking_pairs(
    instance: Instance,
    assignment: npt.NDArray[np.integer],
    priorities: IntArray | None = None,
) -> list[tuple[int, int]]:
    """Every blocking pair of ``assignment`` as ``(household, site)`` indices.

    For a linked group the household is its first member. ``priorities`` are the sites' ranks per
    allowed pair (see :func:`..instance.read_priorities`); the definition is in the module
    docstring.
    """
    market = _market(instance, priorities, preferences=False)
    units = market.units
    mask = _blocking_mask(market, _unit_assignment(units, assignment))
    k = np.flatnonzero(mask)
    return [
        (int(units.first_member[u]), int(s))
        for u, s in zip(units.pair_unit[k].tolist(), units.pair_site[k].tolist(), strict=True)
    ]


def blocking_pairs(
    instance: Instance,
    assignment: npt.NDArray[np.integer],
    priorities: IntArray | None = None,
) -> int:
    """The number of blocking pairs of ``assignment`` (see :func:`list_blocking_pairs`)."""
    market = _market(instance, priorities, preferences=False)
    return int(_blocking_mask(market, _unit_assignment(market.units, assignment)).sum())


# -- deferred acceptance --------------------------------------------------------------------------
class _DeferredAcceptance:
    """Unit-proposing deferred acceptance with the knapsack choice rule; resumable.

    Each site keeps its held pairs sorted by priority with their total load, so that the common
    cases cost little: a proposal that fits the spare room is simply added (everyone still fits),
    one ranked below every holder that does not fit is rejected; only otherwise is the choice
    recomputed, with the longest prefix that fits taken at once.
    """

    def __init__(self, market: _Market) -> None:
        self.m = market
        units = market.units
        self.start = units.pair_start
        self.pointer = self.start[:-1].copy()  # next position in the unit's preference list
        self.unit_site = np.where(units.fixed_site >= 0, units.fixed_site, -1).astype(np.int64)
        n_s = market.n_sites
        self.holders: list[list[int]] = [[] for _ in range(n_s)]  # pair indices by priority
        self.ranks: list[list[int]] = [[] for _ in range(n_s)]  # their priority ranks
        self.room = market.capacity - market.fixed_load  # (S, D) spare room left by holders
        self.demand = units.demand[units.pair_unit]  # (P, D) demand of each pair's unit
        self.proposals = 0

    def run(self, free: list[int]) -> None:
        m, units = self.m, self.m.units
        queue = deque(free)
        end = self.start[1:]
        while queue:
            u = queue.popleft()
            if self.unit_site[u] >= 0 or self.pointer[u] >= end[u]:
                continue
            p = int(m.pref[self.pointer[u]])
            s = int(units.pair_site[p])
            rank = int(m.priority[p])
            need = self.demand[p]
            self.proposals += 1
            holders, ranks = self.holders[s], self.ranks[s]
            if np.all(need <= self.room[s]):
                at = bisect.bisect(ranks, rank)
                holders.insert(at, p)
                ranks.insert(at, rank)
                self.room[s] -= need
                self.unit_site[u] = s
                continue
            if not holders or rank > ranks[-1]:
                self.pointer[u] += 1  # ranked below everyone held and does not fit
                queue.append(u)
                continue
            at = bisect.bisect(ranks, rank)
            candidates = [*holders[:at], p, *holders[at:]]
            kept, rejected = self._choose(s, candidates)
            self.holders[s] = kept
            self.ranks[s] = [int(m.priority[q]) for q in kept]
            for q in kept:
                self.unit_site[int(units.pair_unit[q])] = s
            for q in rejected:
                v = int(units.pair_unit[q])
                self.unit_site[v] = -1
                self.pointer[v] += 1
                queue.append(v)

    def _choose(self, s: int, candidates: list[int]) -> tuple[list[int], list[int]]:
        """The knapsack choice over candidates in priority order; sets the site's room."""
        base = self.m.capacity[s] - self.m.fixed_load[s]
        demand = self.demand[candidates]
        cum = np.cumsum(demand, axis=0)
        fits = np.all(cum <= base, axis=1)
        first_misfit = len(candidates) if fits.all() else int(np.argmin(fits))
        kept = candidates[:first_misfit]
        rejected: list[int] = []
        room = base - (cum[first_misfit - 1] if first_misfit else 0)
        for i in range(first_misfit, len(candidates)):
            if np.all(demand[i] <= room):
                room = room - demand[i]
                kept.append(candidates[i])
            else:
                rejected.append(candidates[i])
        self.room[s] = room
        return kept, rejected

    def leave(self, u: int) -> None:
        s = int(self.unit_site[u])
        if s >= 0:
            keep = [i for i, q in enumerate(self.holders[s]) if int(self.m.units.pair_unit[q]) != u]
            gone = [q for q in self.holders[s] if int(self.m.units.pair_unit[q]) == u]
            self.holders[s] = [self.holders[s][i] for i in keep]
            self.ranks[s] = [self.ranks[s][i] for i in keep]
            for q in gone:
                self.room[s] += self.demand[q]
            self.unit_site[u] = -1


def _stabilise(da: _DeferredAcceptance, notes: list[str]) -> None:
    m = da.m
    units = m.units
    seen: set[bytes] = set()
    for _ in range(_MAX_STABILISATION_ROUNDS):
        mask = _blocking_mask(m, da.unit_site)
        if not mask.any():
            return
        key = da.unit_site.tobytes()
        if key in seen:
            notes.append("stabilisation cycled; blocking pairs remain after deferred acceptance")
            return
        seen.add(key)
        blocking = np.flatnonzero(mask)
        # Each unit goes back to the best site it blocks with.
        best: dict[int, int] = {}
        for p in blocking.tolist():
            u = int(units.pair_unit[p])
            if u not in best or m.pref_pos[p] < m.pref_pos[best[u]]:
                best[u] = p
        movers = sorted(best)
        for u in movers:
            da.leave(u)
            da.pointer[u] = da.start[u] + m.pref_pos[best[u]]
        da.run(movers)
    notes.append(f"stabilisation stopped after {_MAX_STABILISATION_ROUNDS} rounds")


# -- exact search ---------------------------------------------------------------------------------
def _exact_stable(
    market: _Market, min_load: IntArray, time_limit: float
) -> tuple[IntArray | None, str]:
    """A stable unit placement by integer programming, or None with the reason."""
    units = market.units
    pu, ps, score = units.pair_unit, units.pair_site, units.pair_score
    n_p, n_d = len(pu), units.demand.shape[1]
    fixed_unit = units.fixed_site >= 0
    # -- variables: x[p] per pair, then prefix loads L[k, d] per (site-order position, dim), then
    # z[p, d] "dimension d is full for p at its site".
    order = market.site_order
    o_u, o_s = pu[order], ps[order]
    # Fixed units are counted in fixed_load, so they are left out of the prefix loads.
    demand_o = units.demand[o_u].astype(np.float64) * (~fixed_unit[o_u])[:, None]
    has_pairs = np.zeros(market.n_sites, dtype=bool)
    has_pairs[ps] = True
    if np.any(~has_pairs[:, None] & (min_load > market.fixed_load)):
        return None, "no stable placement meets the capacities and minimum loads"
    if n_p == 0:
        return np.full(units.n_units, -1, dtype=np.int64), "nobody can be placed"
    n_l = n_p * n_d
    blockers: list[tuple[int, int, float]] = []  # (pair, dim, threshold)
    candidate = np.zeros(n_p, dtype=bool)
    for k in range(n_p):
        p = int(order[k])
        u, s = int(pu[p]), int(ps[p])
        if fixed_unit[u]:
            continue
        need = units.demand[u]
        if np.any(market.fixed_load[s] + need > market.capacity[s]):
            continue  # u can never fit at s: the pair never blocks
        candidate[p] = True
        # Only a dimension u uses can be full for u (loads never exceed the capacity).
        for d in np.flatnonzero(need > 0).tolist():
            threshold = float(market.capacity[s, d] - need[d] + 1 - market.fixed_load[s, d])
            blockers.append((k, d, threshold))
    n_z = len(blockers)
    n_var = n_p + n_l + n_z

    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    lower: list[float] = []
    upper: list[float] = []
    n_row = 0

    def add(c: list[int], v: list[float], lo: float, hi: float) -> None:
        nonlocal n_row
        rows.append(np.full(len(c), n_row, dtype=np.int64))
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.asarray(v, dtype=np.float64))
        lower.append(lo)
        upper.append(hi)
        n_row += 1

    start = units.pair_start
    # each unit is placed at most once
    for u in range(units.n_units):
        lo_, hi_ = int(start[u]), int(start[u + 1])
        if hi_ > lo_:
            add(list(range(lo_, hi_)), [1.0] * (hi_ - lo_), -np.inf, 1.0)
    # prefix loads: L[k, d] = L[k-1, d] (same site) + demand[k, d] x[order[k]]
    new_site = np.ones(n_p, dtype=bool)
    new_site[1:] = o_s[1:] != o_s[:-1]
    for k in range(n_p):
        for d in range(n_d):
            c = [n_p + k * n_d + d, int(order[k])]
            v = [1.0, -float(demand_o[k, d])]
            if not new_site[k]:
                c.append(n_p + (k - 1) * n_d + d)
                v.append(-1.0)
            add(c, v, 0.0, 0.0)
    # no site is over capacity, and every site gets its minimum (the last prefix load of a site)
    last_of_site = np.flatnonzero(np.append(new_site[1:], True))
    for k in last_of_site.tolist():
        s = int(o_s[k])
        for d in range(n_d):
            add(
                [n_p + k * n_d + d],
                [1.0],
                float(min_load[s, d] - market.fixed_load[s, d]),
                float(market.capacity[s, d] - market.fixed_load[s, d]),
            )
    # z[k, d] = 1 only if the households the site ranks above p fill dimension d for p
    for j, (k, d, threshold) in enumerate(blockers):
        if new_site[k]:
            add([n_p + n_l + j], [-threshold], 0.0, np.inf)  # nobody above: z must be 0
        else:
            add([n_p + (k - 1) * n_d + d, n_p + n_l + j], [1.0, -threshold], 0.0, np.inf)
    # no blocking pair: p's unit is at p's site or a better one, or some dimension is full
    by_pair: dict[int, list[int]] = {}
    for j, (k, _d, _t) in enumerate(blockers):
        by_pair.setdefault(int(order[k]), []).append(n_p + n_l + j)
    for p in np.flatnonzero(candidate).tolist():
        u = int(pu[p])
        lo_ = int(start[u])
        prefs = market.pref[lo_ : lo_ + int(market.pref_pos[p]) + 1].tolist()
        zs = by_pair.get(p, [])
        add(prefs + zs, [1.0] * (len(prefs) + len(zs)), 1.0, np.inf)

    matrix = sp.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_row, n_var),
    )
    # Objective: most persons, then highest score (persons weighted above any score total).
    weight = 1.0 + float(np.sum(np.abs(score)))
    objective = np.zeros(n_var)
    objective[:n_p] = -(units.persons[pu] * weight + score)
    lb = np.zeros(n_var)
    ub = np.ones(n_var)
    ub[n_p : n_p + n_l] = np.inf
    fixed_pairs = np.flatnonzero(units.pair_fixed)
    lb[fixed_pairs] = 1.0  # fixed units stay
    ub[np.flatnonzero(fixed_unit[pu] & ~units.pair_fixed)] = 0.0
    integrality = np.ones(n_var)
    integrality[n_p : n_p + n_l] = 0
    result = milp(
        objective,
        integrality=integrality,
        bounds=Bounds(lb, ub),
        constraints=LinearConstraint(matrix, np.array(lower), np.array(upper)),
        options={"time_limit": max(time_limit, 0.1), "disp": False},
    )
    if result.x is None:
        if result.status == 2:
            return None, "no stable placement meets the capacities and minimum loads"
        return None, f"the exact search for a stable placement stopped: {result.message}"
    x = np.round(result.x[:n_p]).astype(bool)
    unit_site = np.full(units.n_units, -1, dtype=np.int64)
    unit_site[pu[x]] = ps[x]
    return unit_site, "a stable placement was found by integer programming"


# -- entry point ----------------------------------------------------------------------------------
def solve_stable(
    instance: Instance,
    options: SolveOptions | None = None,
    priorities: IntArray | None = None,
) -> Result:
    """Place households with the stable mechanism (see the module docstring).

    Parameters
    ----------
    instance
        The instance; never mutated.
    options
        ``time_limit`` bounds the exact search (default 30 s); ``seed`` is recorded (the mechanism
        is deterministic).
    priorities
        The sites' priority ranks per allowed pair (lower first), as returned by
        :func:`passgenau.engine.matching.instance.read_priorities`; None: by score.

    Returns
    -------
    Result
        Status ``"feasible"``, ``bound=None``, ``blocking_pairs`` set; ``notes`` describe which
        steps ran and any minimum load that is not met.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    market = _market(instance, priorities)
    units = market.units
    notes: list[str] = []
    if units.infeasible is not None:
        unit_site = np.full(units.n_units, -1, dtype=np.int64)
        notes.append(f"fixed pairs cannot all be honoured: {units.infeasible}")
        solver = "passgenau deferred acceptance"
    else:
        da = _DeferredAcceptance(market)
        da.run([u for u in range(units.n_units) if units.fixed_site[u] < 0])
        notes.append(f"deferred acceptance: {da.proposals} proposals")
        _stabilise(da, notes)
        unit_site = da.unit_site
        solver = "passgenau deferred acceptance"
        remaining = int(_blocking_mask(market, unit_site).sum())
        if remaining:
            if units.n_pairs > _EXACT_MAX_PAIRS:
                notes.append(f"{remaining} blocking pairs remain; too large for the exact search")
            else:
                limit = options.time_limit or _EXACT_DEFAULT_SECONDS
                limit = max(0.1, limit - (time.perf_counter() - started))
                assert instance.min_load is not None
                exact, why = _exact_stable(market, np.asarray(instance.min_load), limit)
                notes.append(why)
                if exact is not None and not _blocking_mask(market, exact).any():
                    unit_site = exact
                    solver = "passgenau deferred acceptance + HiGHS (scipy.optimize.milp)"
                elif exact is not None:
                    notes.append("the integer program's placement was not stable; not used")
    return make_unit_result(
        instance,
        "stable",
        units,
        unit_site,
        notes=notes,
        started=started,
        solver=solver,
        solver_version=f"passgenau {package_version()}, scipy {scipy.__version__}",
        seed=options.seed,
        blocking_pairs=int(_blocking_mask(market, unit_site).sum()),
    )
