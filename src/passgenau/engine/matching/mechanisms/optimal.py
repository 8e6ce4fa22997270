"""The exact mechanism: a MIP with an LP bound, an LP-rounded start and reduced-cost fixing.

Model (one binary ``x[p]`` per allowed pair ``p = (u, s)`` of a placement unit ``u`` — a household,
or a group of linked households, see :mod:`._units` — and a site ``s``)::

    maximise    sum_p c[p] x[p]
    subject to  sum_{p of u} x[p]             <= 1               every unit is placed at most once
                sum_{p at s} a[u(p), d] x[p]  <= capacity[s, d]   no site is over capacity
                sum_{p at s} a[u(p), d] x[p]  >= min_load[s, d]   every site gets its minimum
                x[p] = 1 for fixed pairs

The lexicographic goal is solved exactly in two phases: phase 1 maximises placed persons, phase 2
maximises the total score subject to ``sum_p persons[p] x[p] >= P*`` with ``P*`` the proven
phase-1 optimum.

Phase 1 works on *classes* of units that are interchangeable for it (same demand, persons,
allowed sites and fixed status; :func:`_classes`), with one integer count per class and site; it
lowers a target from the floored LP bound until a MIP restricted by reduced-cost fixing to the
solutions reaching the target has one (:func:`_most_persons`), then hands the counts to
households by score (:func:`_disaggregate`), which is phase 2's start.

Phase 2 (and the score-only goal) runs this procedure (:func:`_solve_phase`):

1. solve the LP relaxation with the dual simplex method and turn its row duals ``y >= 0`` into a
   bound that is valid whatever the LP solver's accuracy: for any ``y >= 0``,
   ``c.x <= sum_p max(r[p] lb[p], r[p] ub[p]) + y.b`` with reduced costs ``r = c - A^T y``;
2. build an incumbent: the given start, the LP itself when integral, or an LP rounding;
3. if the incumbent meets the bound, stop; otherwise solve the MIP over the pairs whose reduced
   cost is within 0.01 % of the bound: its optimum is the global one when it lies that close;
4. otherwise fix every variable whose reduced cost shows that flipping it cannot beat the
   incumbent (reduced-cost fixing), and solve the remaining MIP with HiGHS branch-and-cut.

All LPs and MIPs are solved with HiGHS through SciPy (``scipy.optimize.linprog``/``milp``), which
unlike ``highspy`` can share a process with OR-Tools.

References
----------
.. [1] G. L. Nemhauser and L. A. Wolsey, *Integer and Combinatorial Optimization*, Wiley, 1988
   (LP bounds and reduced-cost fixing, ch. II.5).
.. [2] N. Ahani, T. Andersson, A. Martinello, A. Teytelboym and A. C. Trapp, "Placement
   optimization in refugee resettlement", *Operations Research* 69(5), 2021 (the multidimensional
   knapsack-constrained assignment model of Annie MOORE).
.. [3] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
   *Mathematical Programming Computation* 10, 2018 (HiGHS).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment
from scipy.optimize import linprog as _scipy_linprog
from scipy.optimize import milp as _scipy_milp

from ..model import Instance, Result, SolveOptions, Status
from ._common import NoPlacementInTime, make_result
from ._highs import HIGHS, integer_program
from ._units import Units, build_units

__all__ = ["solve_optimal"]

# SciPy's stubs type these narrowly; the calls below pass sparse matrices and option dicts.
linprog: Any = _scipy_linprog
milp: Any = _scipy_milp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_INT_TOL = 1e-6  # an LP value this close to 0 or 1 counts as integral
# relative widths of the narrow bands tried before the full proof (see _solve_phase); measured on
# the pilot cohort, whose optimum lies within 0.002 % of its LP bound, and on HIAS FY17 (0.13 %)
_NARROW_BANDS = (1e-4,)


@dataclass
class _Model:
    """The MIP in ``A x <= b``, ``lb <= x <= ub`` form over unit pairs (rows: see module doc)."""

    a: sp.csr_matrix
    b: FloatArray
    lb: FloatArray
    ub: FloatArray
    cap_rows: IntArray  # (S, D) row index of each capacity row


@dataclass
class _Phase:
    """Outcome of one phase: best x found (or None), its value, a proven bound, LP duals."""

    status: Status
    x: FloatArray | None
    value: float
    bound: float
    duals: FloatArray | None
    notes: tuple[str, ...] = ()


class _Clock:
    def __init__(self, limit: float | None) -> None:
        self.start = time.perf_counter()
        self.limit = limit

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(0.0, self.limit - (time.perf_counter() - self.start))

    def options(self, **extra: float | bool) -> dict[str, float | bool]:
        left = self.remaining()
        if left is not None:
            extra["time_limit"] = max(left, 0.01)
        return extra


def _build_model(units: Units, capacity: IntArray, min_load: IntArray) -> _Model:
    ones = np.ones(units.n_units, dtype=np.int64)
    return _assemble(
        units.pair_unit, units.pair_site, units.demand, units.pair_fixed, ones, capacity, min_load
    )


def _assemble(
    pair_unit: IntArray,
    pair_site: IntArray,
    demand: IntArray,
    pair_fixed: npt.NDArray[np.bool_],
    count: IntArray,
    capacity: IntArray,
    min_load: IntArray,
) -> _Model:
    """The model over pairs of units (or of classes of ``count`` interchangeable units each)."""
    n_u, n_p = len(count), len(pair_unit)
    n_s, n_d = capacity.shape
    cols = np.arange(n_p, dtype=np.int64)
    rows: list[IntArray] = []
    columns: list[IntArray] = []
    values: list[FloatArray] = []
    rhs: list[FloatArray] = []
    # every unit is placed at most once (a class: at most ``count`` of its units)
    rows.append(pair_unit)
    columns.append(cols)
    values.append(np.ones(n_p))
    rhs.append(count.astype(np.float64))
    # no site is over capacity in any dimension: row n_u + s * n_d + d
    cap_rows = (n_u + np.arange(n_s * n_d, dtype=np.int64)).reshape(n_s, n_d)
    for d in range(n_d):
        coef = demand[pair_unit, d].astype(np.float64)
        nz = coef != 0
        rows.append(cap_rows[pair_site[nz], d])
        columns.append(cols[nz])
        values.append(coef[nz])
    rhs.append(capacity.astype(np.float64).ravel())
    # every site receives at least its minimum load (written as -load <= -min)
    need = np.argwhere(min_load > 0)
    next_row = n_u + n_s * n_d
    if len(need):
        min_row = np.full((n_s, n_d), -1, dtype=np.int64)
        min_row[need[:, 0], need[:, 1]] = next_row + np.arange(len(need))
        for d in range(n_d):
            coef = demand[pair_unit, d].astype(np.float64)
            target = min_row[pair_site, d]
            nz = (coef != 0) & (target >= 0)
            rows.append(target[nz])
            columns.append(cols[nz])
            values.append(-coef[nz])
        rhs.append(-min_load[need[:, 0], need[:, 1]].astype(np.float64))
        next_row += len(need)
    a = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=(next_row, n_p),
    )
    ub = count[pair_unit].astype(np.float64)
    lb = np.where(pair_fixed, ub, 0.0)  # fixed pairs must be used
    return _Model(a=a, b=np.concatenate(rhs), lb=lb, ub=ub, cap_rows=cap_rows)


def _with_row(model: _Model, coef: FloatArray, rhs: float) -> _Model:
    """The model with one more row ``coef . x <= rhs``."""
    a = sp.vstack([model.a, sp.csr_matrix(coef[None, :])], format="csr")
    return _Model(a, np.append(model.b, rhs), model.lb, model.ub, model.cap_rows)


def _dual_bound(c: FloatArray, model: _Model, y: FloatArray) -> tuple[float, FloatArray]:
    """Bound ``max_{lb<=x<=ub} (c - A^T y) x + y b`` (valid for any ``y >= 0``), reduced costs."""
    reduced = c - model.a.T @ y
    best = np.where(reduced > 0, reduced * model.ub, reduced * model.lb)
    return float(best.sum() + y @ model.b), reduced


def _is_feasible(model: _Model, x: FloatArray) -> bool:
    return bool(np.all(model.a @ x <= model.b + 1e-6) and np.all(x >= model.lb - 1e-9))


def _as_float(array: Any) -> FloatArray:
    return np.asarray(array, dtype=np.float64)


@dataclass
class _MipOutcome:
    status: str  # "optimal", "infeasible", "limit"
    x: FloatArray | None
    dual_bound: float  # proven upper bound on the maximum (inf when unknown)


@dataclass(frozen=True)
class _Mip:
    """Maximise ``c . x`` over the model with bounds ``lb <= x <= ub``, x integer, within the
    clock's time and the relative gap."""

    c: FloatArray
    model: _Model
    lb: FloatArray
    ub: FloatArray
    clock: _Clock
    gap: float


def _mip(problem: _Mip, start: FloatArray | None = None, presolve: bool = True) -> _MipOutcome:
    """Solve ``problem``: with SciPy's bundled HiGHS object where it exists (to pass a starting
    solution and to switch presolve off, which measured faster once a near-optimal start is
    known), else with the public ``scipy.optimize.milp``."""
    if HIGHS is None:
        return _mip_public(problem, presolve)
    outcome = _mip_core(problem, start, presolve)
    if outcome is None and presolve:
        # HiGHS 1.12 presolve reports a solve error on some tiny infeasible models: retry without
        outcome = _mip_core(problem, start, False)
    if outcome is None:
        return _mip_public(problem, False)
    return outcome


def _mip_public(problem: _Mip, presolve: bool) -> _MipOutcome:
    res = milp(
        -problem.c,
        constraints=LinearConstraint(problem.model.a, -np.inf, problem.model.b),
        integrality=np.ones(len(problem.c)),
        bounds=Bounds(problem.lb, problem.ub),
        options=problem.clock.options(mip_rel_gap=problem.gap, presolve=presolve),
    )
    status = {0: "optimal", 2: "infeasible"}.get(res.status, "limit")
    dual = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else np.inf
    x = None if res.x is None else _as_float(np.round(res.x))
    return _MipOutcome(status, x, dual if status != "optimal" else -float(res.fun))


def _mip_core(problem: _Mip, start: FloatArray | None, presolve: bool) -> _MipOutcome | None:
    core = HIGHS
    assert core is not None
    options: dict[str, Any] = {"mip_rel_gap": problem.gap, "presolve": "on" if presolve else "off"}
    left = problem.clock.remaining()
    if left is not None:
        options["time_limit"] = max(left, 0.01)
    lb, ub, model = problem.lb, problem.ub, problem.model
    usable = start is not None and bool(np.all(start >= lb)) and bool(np.all(start <= ub))
    highs = integer_program(
        problem.c,
        model.a,
        (lb, ub),
        (np.full(model.a.shape[0], -np.inf), model.b),
        start if usable else None,
        options,
    )
    highs.run()
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    x = None
    if info.primal_solution_status == 2:  # feasible
        x = _as_float(np.round(np.asarray(highs.getSolution().col_value)))
    if model_status == core.HighsModelStatus.kOptimal:
        return _MipOutcome("optimal", x, -float(info.objective_function_value))
    if model_status == core.HighsModelStatus.kInfeasible:
        return _MipOutcome("infeasible", None, -np.inf)
    limits = (
        core.HighsModelStatus.kTimeLimit,
        core.HighsModelStatus.kIterationLimit,
        core.HighsModelStatus.kSolutionLimit,
        core.HighsModelStatus.kInterrupt,
    )
    if model_status in limits:
        return _MipOutcome("limit", x, -float(info.mip_dual_bound))
    return None


def _round(c: FloatArray, model: _Model, units: Units, x_lp: FloatArray) -> FloatArray | None:
    """LP rounding: keep what the LP places integrally, then place the other units greedily.

    Units go in order of their largest fractional LP value, each to its best-scoring pair that
    still fits. Returns None when the result misses a minimum load (or the persons row).
    """
    x = (x_lp >= 1 - _INT_TOL).astype(np.float64)
    x[model.lb > 0] = 1.0
    settled = np.zeros(units.n_units, dtype=bool)
    settled[units.pair_unit[x > 0]] = True
    residual = model.b - model.a @ x
    cols = model.a.tocsc()
    start = units.pair_start
    open_units = np.flatnonzero(~settled & (np.diff(start) > 0))
    best_frac = np.zeros(units.n_units)
    np.maximum.at(best_frac, units.pair_unit, x_lp)
    for u in open_units[np.argsort(-best_frac[open_units], kind="stable")]:
        pairs = np.arange(start[u], start[u + 1])
        for p in pairs[np.lexsort((-c[pairs], -x_lp[pairs]))]:
            lo, hi = cols.indptr[p], cols.indptr[p + 1]
            rows, coef = cols.indices[lo:hi], cols.data[lo:hi]
            if np.all(coef <= residual[rows] + 1e-9):
                residual[rows] -= coef
                x[p] = 1.0
                break
    return x if _is_feasible(model, x) else None


def _lp(
    c: FloatArray, model: _Model, clock: _Clock
) -> tuple[FloatArray, FloatArray, float, FloatArray] | str | None:
    """LP relaxation: (x, duals, bound, reduced costs); None: infeasible; str: no answer."""
    # dual simplex returns a vertex, hence few fractional values
    lp = linprog(
        -c,
        A_ub=model.a,
        b_ub=model.b,
        bounds=np.column_stack([model.lb, model.ub]),
        method="highs-ds",
        options=clock.options(),
    )
    if lp.status == 2:
        return None
    if lp.status != 0 or lp.x is None:
        return "no LP solution in time"
    y = np.maximum(-np.asarray(lp.ineqlin.marginals, dtype=np.float64), 0.0)
    bound, reduced = _dual_bound(c, model, y)
    return np.asarray(lp.x, dtype=np.float64), y, bound, reduced


def _solve_phase(
    c: FloatArray,
    model: _Model,
    units: Units,
    clock: _Clock,
    gap: float,
    start: FloatArray | None = None,
) -> _Phase:
    """Maximise ``c . x`` (the score) over the model exactly (see the module docstring).

    ``start`` is a known feasible solution (phase 1's placement in phase 2), used as incumbent.
    """
    lp = _lp(c, model, clock)
    if lp is None:
        return _Phase("infeasible", None, 0.0, 0.0, None, ("the LP relaxation is infeasible",))
    if isinstance(lp, str):
        return _Phase("time_limit", start, -np.inf, float(np.inf), None, (lp,))
    x_lp, y, bound, reduced = lp
    tol = max(1e-6, gap * abs(bound))
    step = tol  # a better solution is worth at least value + step

    # incumbent: the given start, the LP if it is integral, an LP rounding
    candidates = [start]
    if np.all(np.abs(x_lp - np.round(x_lp)) <= _INT_TOL):
        candidates.append(np.round(x_lp))
    candidates.append(_round(c, model, units, x_lp))
    x_best: FloatArray | None = None
    value = -np.inf
    for x in candidates:
        if x is not None and _is_feasible(model, x) and float(c @ x) > value:
            x_best, value = x, float(c @ x)

    if x_best is not None and bound - value < step:
        return _Phase("optimal", x_best, value, max(bound, value), y)

    # Narrow bands first: the solutions within a small share of the LP bound use only pairs of
    # small reduced cost, a MIP over those is small, and its optimum is the global one when it
    # lies in the band; otherwise no solution reaches the band, and the bound falls to its edge.
    ceiling = bound
    for share in _NARROW_BANDS:
        if x_best is None:
            break
        width = share * abs(bound)
        if width >= bound - value - step:
            break
        lb, ub = _band(model, reduced, width)
        narrow = _mip(_Mip(c, model, lb, ub, clock, gap))
        if narrow.x is not None and _is_feasible(model, narrow.x) and float(c @ narrow.x) > value:
            x_best, value = narrow.x, float(c @ narrow.x)
        if narrow.status == "limit":
            notes = (f"time limit reached in branch and bound over {int((ub > lb).sum())} pairs",)
            return _Phase("time_limit", x_best, value, ceiling, y, notes)
        if value >= bound - width - tol:  # the band's optimum is the global one
            return _Phase("optimal", x_best, value, value, y)
        ceiling = bound - width

    # Proof: every solution better than the incumbent uses only pairs whose reduced cost is within
    # the gap (reduced-cost fixing); branch and cut over those, starting from the incumbent.
    width = bound - value - step if x_best is not None else np.inf
    lb, ub = _band(model, reduced, width)
    # with a start, presolve off measured faster (FY17 phase 2: 2.7 s CPU against 3.9 s)
    proof = _mip(_Mip(c, model, lb, ub, clock, gap), start=x_best, presolve=x_best is None)
    if proof.x is not None and _is_feasible(model, proof.x) and float(c @ proof.x) > value:
        x_best, value = proof.x, float(c @ proof.x)
    if proof.status in ("optimal", "infeasible"):
        if x_best is None:
            return _Phase("infeasible", None, 0.0, 0.0, y, ("no placement meets every constraint",))
        return _Phase("optimal", x_best, value, value, y)
    proven = min(ceiling, max(value, proof.dual_bound))
    notes = (f"time limit reached in branch and bound over {int((ub > lb).sum())} free pairs",)
    return _Phase("time_limit", x_best, value, proven, y, notes)


def _band(model: _Model, reduced: FloatArray, width: float) -> tuple[FloatArray, FloatArray]:
    """Bounds on ``x`` for every solution within ``width`` of the dual bound (reduced-cost fixing).

    The bound of :func:`_dual_bound` puts each variable at ``lb`` (reduced cost < 0) or ``ub``;
    moving it by ``t`` costs ``|reduced| * t`` of the bound, so no variable moves further than
    ``width / |reduced|`` in such a solution. For binaries this fixes the variable at its bound.
    """
    lb, ub = model.lb.copy(), model.ub.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.floor(width / np.abs(reduced) + 1e-9)
    below = reduced < 0
    ub[below] = np.minimum(ub[below], lb[below] + room[below])
    above = reduced > 0
    lb[above] = np.maximum(lb[above], ub[above] - room[above])
    return lb, ub


@dataclass
class _Classes:
    """Units that are interchangeable for the persons level, grouped into classes.

    Units with the same demand, persons, allowed sites and fixed status differ only in their
    scores, so the most persons that can be placed is a problem over counts ``y[k, s]`` (units
    of class ``k`` at site ``s``). It has far fewer variables and none of the symmetry that makes
    branch and bound over identical households slow (HIAS FY17: 329 households, 136 classes).
    """

    members: list[IntArray]  # (K,) units of each class
    pair_class: IntArray  # (Q,) class pairs, sorted by class, then site
    pair_site: IntArray  # (Q,)
    pair_fixed: npt.NDArray[np.bool_]  # (Q,)
    pair_start: IntArray  # (K + 1,) class pairs of class k: pair_start[k]:pair_start[k+1]
    demand: IntArray  # (K, D)
    persons: IntArray  # (K,)
    count: IntArray  # (K,)


def _classes(units: Units) -> _Classes:
    start = units.pair_start
    fixed_unit = np.zeros(units.n_units, dtype=bool)
    fixed_unit[units.pair_unit[units.pair_fixed]] = True
    index: dict[tuple[bytes, int, bytes, bool], int] = {}
    of_unit = np.full(units.n_units, -1, dtype=np.int64)
    for u in range(units.n_units):
        lo, hi = int(start[u]), int(start[u + 1])
        if lo < hi:
            key = (
                units.demand[u].tobytes(),
                int(units.persons[u]),
                units.pair_site[lo:hi].tobytes(),
                bool(fixed_unit[u]),
            )
            of_unit[u] = index.setdefault(key, len(index))
    placed = of_unit >= 0
    order = np.argsort(of_unit[placed], kind="stable")
    grouped = np.flatnonzero(placed)[order]
    count = np.bincount(of_unit[placed], minlength=len(index)).astype(np.int64)
    members = np.split(grouped, np.cumsum(count)[:-1]) if len(index) else []
    first = np.array([m[0] for m in members], dtype=np.int64)
    n_pairs = (start[first + 1] - start[first]) if len(first) else np.zeros(0, dtype=np.int64)
    pair_start = np.zeros(len(first) + 1, dtype=np.int64)
    np.cumsum(n_pairs, out=pair_start[1:])
    # the class pairs are the pairs of each class's first member
    take: IntArray = np.zeros(0, dtype=np.int64)
    if len(first):
        take = np.concatenate([np.arange(start[u], start[u + 1]) for u in first])
    return _Classes(
        members=members,
        pair_class=np.repeat(np.arange(len(first), dtype=np.int64), n_pairs),
        pair_site=units.pair_site[take],
        pair_fixed=units.pair_fixed[take],
        pair_start=pair_start,
        demand=units.demand[first] if len(first) else units.demand[:0],
        persons=units.persons[first] if len(first) else units.persons[:0],
        count=count,
    )


def _most_persons(
    units: Units,
    capacity: IntArray,
    min_load: IntArray,
    clock: _Clock,
    gap: float,
) -> _Phase:
    """Phase 1 over class counts: the most persons that can be placed, proven, and a placement.

    The persons objective is integral. With ``B`` the LP bound, a target ``t`` starts at
    ``floor(B) - 1``; a MIP restricted by reduced-cost fixing to the solutions worth at least ``t``
    (:func:`_band`) is solved, which proves that no solution reaches ``t`` when its optimum
    stays below ``t``. The best solution found is optimal once it is worth ``t`` or ``t - 1``;
    otherwise the target falls (by 1, 2, 4, … but not below the best found + 1) and the band
    widens. The counts are then turned into households by :func:`_disaggregate`.
    """
    classes = _classes(units)
    model = _assemble(
        classes.pair_class,
        classes.pair_site,
        classes.demand,
        classes.pair_fixed,
        classes.count,
        capacity,
        min_load,
    )
    c = classes.persons[classes.pair_class].astype(np.float64)
    lp = _lp(c, model, clock)
    if lp is None:
        return _Phase("infeasible", None, 0.0, 0.0, None, ("no placement is feasible",))
    if isinstance(lp, str):
        return _Phase("time_limit", None, 0.0, np.inf, None, (lp,))
    _, _, bound, reduced = lp
    # one below the LP bound: that band also holds every solution worth floor(B), and a solution
    # worth t - 1 = floor(B) - 2 found in it is proven optimal too (FY17: 832.2, optimum 830)
    target = max(0, int(np.floor(bound + 1e-6)) - 1)
    step = 1
    best: FloatArray | None = None
    value = -np.inf
    while True:
        lb, ub = _band(model, reduced, bound - target + 1e-6)
        found = _mip(_Mip(c, model, lb, ub, clock, gap))
        if found.x is not None and float(c @ found.x) > value:
            best, value = found.x, float(c @ found.x)
        if found.status == "limit":
            x = None if best is None else _disaggregate(units, classes, best)
            notes = ("time limit: the number of placed persons is not proven maximal",)
            return _Phase("time_limit", x, value, np.inf, None, notes)
        # no solution reaches the target: the best found is optimal when it is one below
        if best is not None and value >= target - 1 - 1e-6:
            x = _disaggregate(units, classes, best)
            return _Phase("optimal", x, _persons_of(units, x), value, None)
        if target == 0:
            return _Phase("infeasible", None, 0.0, 0.0, None, ("no placement is feasible",))
        floor = 0 if best is None else round(value) + 1
        target, step = max(floor, target - step), 2 * step


def _persons_of(units: Units, x: FloatArray) -> float:
    """Persons placed by the pair vector ``x``."""
    return float(units.persons[units.pair_unit] @ x)


def _disaggregate(units: Units, classes: _Classes, counts: FloatArray) -> FloatArray:
    """A unit placement with the given class counts, best by score within each class.

    The members of a class share their sorted list of allowed sites, so member ``u``'s pair at
    the class's ``j``-th site is ``start[u] + j``; which member takes which of the class's places
    is an assignment problem (Hungarian method, :func:`scipy.optimize.linear_sum_assignment`).
    """
    x = np.zeros(units.n_pairs)
    start = units.pair_start
    places = np.round(counts).astype(np.int64)
    for k, members in enumerate(classes.members):
        lo, hi = classes.pair_start[k], classes.pair_start[k + 1]
        offsets = np.repeat(np.arange(hi - lo), places[lo:hi])
        if not len(offsets):
            continue
        pairs = start[members][:, None] + offsets[None, :]  # (members, places)
        if pairs.size <= 4_000_000:
            rows, cols = linear_sum_assignment(units.pair_score[pairs], maximize=True)
        else:  # a huge class: any member may take any place
            rows = cols = np.arange(len(offsets))
        x[pairs[rows, cols]] = 1.0
    return x


def solve_optimal(instance: Instance, options: SolveOptions) -> Result:
    """Place households so that the lexicographic goal is met exactly (or report the gap).

    Parameters
    ----------
    instance
        The plain instance; never mutated.
    options
        ``time_limit`` bounds the whole run; ``mip_gap`` is the relative gap at which a phase is
        called optimal; ``maximise_persons_first`` selects the lexicographic goal.

    Returns
    -------
    Result
        ``status`` is ``optimal`` (proven), ``time_limit`` (best found, ``bound`` a proven upper
        bound on the score of any placement placing at least as many persons) or ``infeasible``.
        ``site_duals[s, d]`` is the shadow price of capacity ``(s, d)`` in the LP relaxation of the
        last phase: how much the LP bound on the total score (with the phase-1 number of persons
        held) rises per extra unit of that capacity. It is zero for capacities that do not bind.

    Notes
    -----
    See the module docstring for the model and the procedure.
    """
    clock = _Clock(options.time_limit)
    if options.time_limit is not None and options.time_limit <= 0:
        # No time at all: no exact attempt, whatever the machine's speed (deterministic).
        raise NoPlacementInTime(clock.start, ["no time for the exact mechanism"])
    gap = max(float(options.mip_gap), 1e-9)
    assert instance.min_load is not None
    units = build_units(instance).fixed_pairs_only()
    notes: list[str] = []

    def finish(phase: _Phase, model: _Model | None = None) -> Result:
        notes.extend(phase.notes)
        if phase.status == "time_limit" and phase.x is None:
            raise NoPlacementInTime(clock.start, notes)  # the dispatcher falls back
        duals = None
        if model is not None and phase.duals is not None:
            duals = phase.duals[model.cap_rows]
        return _result(
            instance, units, phase.x, phase.status, phase.bound, duals, clock, notes, options.seed
        )

    if units.infeasible is not None:
        return finish(_Phase("infeasible", None, 0.0, 0.0, None, (units.infeasible,)))
    if units.n_pairs == 0:  # nobody can be placed: feasible unless a site needs a minimum
        if np.any(instance.min_load > 0):
            return finish(
                _Phase("infeasible", None, 0.0, 0.0, None, ("no minimum load can be met",))
            )
        return finish(_Phase("optimal", np.zeros(0), 0.0, 0.0, None))
    model = _build_model(units, instance.capacity, instance.min_load)
    score = units.pair_score
    if not options.maximise_persons_first:
        return finish(_solve_phase(score, model, units, clock, gap), model)

    persons = units.persons[units.pair_unit].astype(np.float64)
    first = _most_persons(units, instance.capacity, instance.min_load, clock, gap)
    if first.status == "infeasible" or first.x is None:
        return finish(first)
    if first.status != "optimal":
        return finish(_Phase("time_limit", first.x, 0.0, np.inf, None, first.notes))
    most_persons = round(first.value)
    keep_persons = _with_row(model, -persons, -most_persons + 0.5)
    second = _solve_phase(score, keep_persons, units, clock, gap, start=first.x)
    if second.x is not None:
        notes.append(f"no placement places more than {most_persons} persons (proven)")
    return finish(second, keep_persons)


def _result(
    instance: Instance,
    units: Units,
    x: FloatArray | None,
    status: Status,
    bound: float,
    duals: FloatArray | None,
    clock: _Clock,
    notes: list[str],
    seed: int,
) -> Result:
    unit_site = np.full(units.n_units, -1, dtype=np.int64)
    if x is not None:
        chosen = np.flatnonzero(x > 0.5)
        unit_site[units.pair_unit[chosen]] = units.pair_site[chosen]
    assignment = (
        units.expand(unit_site)
        if x is not None
        else np.full(instance.n_households, -1, dtype=np.int32)
    )
    objective = float(units.pair_score[np.flatnonzero(x > 0.5)].sum()) if x is not None else 0.0
    reported_bound: float | None = None
    if x is not None and status != "infeasible" and np.isfinite(bound):
        reported_bound = bound
    if status == "optimal":
        reported_bound = max(objective, bound)
    return make_result(
        instance,
        "optimal",
        status,
        assignment,
        started=clock.start,
        solver="HiGHS (scipy.optimize)",
        solver_version=f"scipy {scipy.__version__}",
        seed=seed,
        objective=objective,
        bound=reported_bound,
        site_duals=duals,
        notes=notes,
    )
