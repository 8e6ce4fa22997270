"""An exact LP bound for the placement problem, computed independently of the engine.

The LP relaxation of the model in ``docs/engine.md`` (``0 <= x[p] <= 1``, every household placed
at most once, every capacity and minimum load kept, fixed pairs used), optionally with the row
``Σ persons · x >= P`` ("at least as many persons as this placement"), solved by column
generation with HiGHS (``highspy``, dual/primal simplex, warm-started as columns are added): the
restricted master holds a few pairs per household; after each solve every allowed pair is priced
at the row duals and the pairs with a negative reduced cost enter, until none does.

Every iteration also gives a **valid** upper bound, whatever the master's accuracy: with
``λ >= 0`` the capacity prices, ``ν >= 0`` the minimum-load prices and ``μ >= 0`` the persons
price taken from the duals,

    score(x) <= Σ_h max(0, max_{p of h} c[p] + μ n[h] - Σ_d (λ - ν)[s(p), d] a[h, d])
                + λ·cap - ν·min - μ P

(fixed households have only their fixed pair, and no "unplaced" option). ``LPBound.value`` is the
least of these; at convergence it equals the LP optimum (``LPBound.lp``, the last master's value,
is a lower bound on it) to within the solver's tolerance.

``objective="persons"`` bounds the number of persons instead (every pair worth its household's
persons). Linked households are not supported (the family has none).

    python bench/lp_bound.py f-1k-20s-3d-a25-c103-mixed-unif [--persons 2700]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

__all__ = ["LPBound", "lp_bound", "persons_bound", "trivial_bound"]

_TOL = 1e-9
_START_COLUMNS = 6  # per household, by score, in the first master
_ADD_COLUMNS = 4  # per household and iteration, most negative reduced cost first (score)
_ADD_COLUMNS_PERSONS = 50  # the same for the persons LP (fewer, larger iterations pay there)


@dataclass(frozen=True)
class LPBound:
    value: float  # a valid upper bound (the least Lagrangian bound at the duals seen)
    lp: float  # the last restricted master's optimum: a lower bound on the LP
    converged: bool  # no column priced out: lp is the LP optimum (to the tolerance)
    iterations: int
    columns: int
    seconds: float
    persons_price: float  # μ of the best bound (0 without the persons row)
    capacity_prices: np.ndarray  # λ (S, D) of the best bound
    feasible: bool = True  # False: the persons row cannot be met in the LP (value is -inf)


def trivial_bound(instance) -> float:  # type: ignore[no-untyped-def]
    """The sum of each household's best score (its fixed pair's for fixed households)."""
    best = np.zeros(instance.n_households)
    np.maximum.at(best, instance.pair_household, instance.pair_score)
    fh, fs = instance.fixed_household, instance.fixed_site
    if len(fh):
        best[fh] = instance.pair_score[instance.pair_indices(fh, fs)]
    return float(best.sum())


def persons_bound(instance, time_limit: float | None = None) -> LPBound:  # type: ignore[no-untyped-def]
    """An LP bound on the number of persons any feasible placement places."""
    return lp_bound(instance, objective="persons", time_limit=time_limit)


def lp_bound(  # type: ignore[no-untyped-def]
    instance,
    persons: float | None = None,
    *,
    objective: str = "score",
    start=None,
    time_limit: float | None = None,
    max_iterations: int = 200,
    interior: bool | None = None,
) -> LPBound:
    """The LP bound (see the module docstring).

    ``persons``: the persons row's right-hand side (None: no row). ``start``: an assignment
    (household -> site index or -1) whose pairs join the first master (e.g. the placement whose
    persons are ``persons``: then the master is feasible from the start).
    """
    import highspy

    if instance.links:
        raise NotImplementedError("linked households are not supported by this bound")
    started = time.perf_counter()
    n_h, n_s = instance.n_households, instance.n_sites
    dims = instance.demand.shape[1]
    ph = instance.pair_household.astype(np.int64)
    ps = instance.pair_site.astype(np.int64)
    n_per = instance.persons.astype(np.float64)
    value = (n_per[ph] if objective == "persons" else instance.pair_score).astype(np.float64)
    fixed = np.zeros(n_h, dtype=bool)
    usable = np.ones(len(ph), dtype=bool)
    if len(instance.fixed_household):
        fixed[instance.fixed_household] = True
        usable[fixed[ph]] = False
        usable[instance.pair_indices(instance.fixed_household, instance.fixed_site)] = True
    demand = instance.demand.astype(np.float64)
    capacity = instance.capacity.astype(np.float64)
    min_load = instance.min_load.astype(np.float64)
    has_min = bool(np.any(min_load > 0))

    # rows: households (0..H-1), capacities (H + s*D + d), minimum loads, the persons row
    cap0 = n_h
    min0 = cap0 + n_s * dims
    n_rows = min0 + (n_s * dims if has_min else 0)
    row_persons = n_rows if persons is not None else -1
    n_rows += 1 if persons is not None else 0
    inf = highspy.kHighsInf
    lower = np.full(n_rows, -inf)
    upper = np.full(n_rows, inf)
    lower[:n_h] = np.where(fixed, 1.0, -inf)
    upper[:n_h] = 1.0
    upper[cap0:min0] = capacity.ravel()
    if has_min:
        lower[min0 : min0 + n_s * dims] = min_load.ravel()
    if persons is not None:
        lower[row_persons] = float(persons)

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if interior if interior is not None else objective == "persons":
        # the persons LP is highly degenerate (all pairs of a household are worth the same), where
        # the simplex method stalls; the interior point method without crossover gives duals
        # that are near-optimal, and the bound below is valid for any duals
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    h.addRows(n_rows, lower, upper, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
    in_master = np.zeros(len(ph), dtype=bool)

    def add(columns: np.ndarray) -> None:
        columns = columns[~in_master[columns]]
        if not len(columns):
            return
        in_master[columns] = True
        k = len(columns)
        hh, ss = ph[columns], ps[columns]
        dem = demand[hh]  # (k, D)
        per = 1 + dims * (2 if has_min else 1) + (1 if persons is not None else 0)
        idx = np.empty((k, per), dtype=np.int32)
        val = np.empty((k, per))
        idx[:, 0], val[:, 0] = hh, 1.0
        idx[:, 1 : 1 + dims] = cap0 + ss[:, None] * dims + np.arange(dims)[None, :]
        val[:, 1 : 1 + dims] = dem
        at = 1 + dims
        if has_min:
            idx[:, at : at + dims] = min0 + ss[:, None] * dims + np.arange(dims)[None, :]
            val[:, at : at + dims] = dem
            at += dims
        if persons is not None:
            idx[:, at], val[:, at] = row_persons, n_per[hh]
        nz = val != 0
        nz[:, 0] = True
        counts = nz.sum(axis=1)
        starts = np.zeros(k, dtype=np.int32)
        np.cumsum(counts[:-1], out=starts[1:])
        h.addCols(
            k, value[columns], np.zeros(k), np.ones(k), int(counts.sum()), starts,
            idx[nz].astype(np.int32), val[nz],
        )  # fmt: skip
        order.append(columns)

    order: list[np.ndarray] = []
    # first master: each household's best few pairs by value, plus the start placement's
    cand = np.flatnonzero(usable)
    ranked = cand[np.lexsort((-value[cand], ph[cand]))]
    first = np.r_[0, np.flatnonzero(np.diff(ph[ranked])) + 1]
    rank = np.arange(len(ranked)) - np.repeat(first, np.diff(np.r_[first, len(ranked)]))
    initial = ranked[rank < _START_COLUMNS]
    if start is not None:
        start = np.asarray(start)
        placed = np.flatnonzero(start >= 0)
        idx = instance.pair_indices(placed, start[placed])
        initial = np.r_[initial, idx[idx >= 0]]
    add(np.unique(initial))

    best = (np.inf, 0.0, np.zeros((n_s, dims)))
    last_lp = -np.inf
    converged = False
    feasible = True
    iterations = 0
    for iteration in range(1, max_iterations + 1):
        iterations = iteration
        if time_limit is not None:
            left = time_limit - (time.perf_counter() - started)
            if left <= 0:
                break
            h.setOptionValue("time_limit", float(left))
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            # the master may be infeasible only for want of columns: add all usable ones once
            if in_master[usable].all():
                feasible = False
                break
            add(np.flatnonzero(usable))
            continue
        if status != highspy.HighsModelStatus.kOptimal:
            break
        sol = h.getSolution()
        y = np.asarray(sol.row_dual)
        last_lp = float(h.getInfo().objective_function_value)
        # maximisation: duals of <= rows are >= 0 at the optimum (HiGHS's sign convention
        # for maximisation gives them as >= 0); the bound below is valid for any clipped prices
        lam = np.maximum(y[cap0:min0], 0.0).reshape(n_s, dims)
        nu = (
            np.maximum(-y[min0 : min0 + n_s * dims], 0.0).reshape(n_s, dims)
            if has_min
            else np.zeros((n_s, dims))
        )
        mu = max(-float(y[row_persons]), 0.0) if persons is not None else 0.0
        price = (lam - nu)[ps]  # (P, D) per pair
        r = value + mu * n_per[ph] - np.einsum("pd,pd->p", price, demand[ph])
        r = np.where(usable, r, -np.inf)
        top = np.full(n_h, -np.inf)
        np.maximum.at(top, ph, r)
        top = np.where(fixed, top, np.maximum(top, 0.0))
        top = np.where(np.isfinite(top), top, 0.0)
        bound = float(top.sum() + (lam * capacity).sum() - (nu * min_load).sum())
        bound -= mu * (persons or 0.0)
        if bound < best[0]:
            best = (bound, mu, lam)
        # pricing: reduced cost against the household row's dual too
        reduced = r - y[ph]
        scale = max(1.0, float(np.abs(value).max(initial=1.0)))
        enter = np.flatnonzero((reduced > _TOL * scale) & ~in_master & usable)
        if not len(enter) or best[0] - last_lp <= 1e-9 * max(1.0, abs(best[0])):
            converged = not len(enter) or best[0] - last_lp <= 1e-9 * max(1.0, abs(best[0]))
            break
        ranked = enter[np.lexsort((-reduced[enter], ph[enter]))]
        first = np.r_[0, np.flatnonzero(np.diff(ph[ranked])) + 1]
        rank = np.arange(len(ranked)) - np.repeat(first, np.diff(np.r_[first, len(ranked)]))
        add(ranked[rank < (_ADD_COLUMNS_PERSONS if objective == "persons" else _ADD_COLUMNS)])
    if not feasible:
        return LPBound(
            -np.inf, -np.inf, True, iterations, int(in_master.sum()),
            time.perf_counter() - started, 0.0, np.zeros((n_s, dims)), feasible=False,
        )  # fmt: skip
    return LPBound(
        value=float(best[0]),
        lp=last_lp,
        converged=converged,
        iterations=iterations,
        columns=int(in_master.sum()),
        seconds=time.perf_counter() - started,
        persons_price=float(best[1]),
        capacity_prices=best[2],
    )


def main(argv: list[str] | None = None) -> int:
    import family

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", help="family instance names (bench/family.py)")
    parser.add_argument("--persons", type=float, help="right-hand side of the persons row")
    parser.add_argument("--time-limit", type=float)
    args = parser.parse_args(argv)
    for name in args.names:
        instance = family.load(name)
        pb = persons_bound(instance, args.time_limit)
        sb = lp_bound(instance, args.persons, time_limit=args.time_limit)
        print(
            f"{name}: trivial {trivial_bound(instance):.4f}, persons LP {pb.value:.2f} "
            f"({pb.seconds:.1f} s), score LP bound {sb.value:.4f} (master {sb.lp:.4f}, "
            f"{'converged' if sb.converged else 'NOT converged'}, {sb.iterations} it, "
            f"{sb.columns} cols, {sb.seconds:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
