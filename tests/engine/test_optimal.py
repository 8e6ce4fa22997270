"""The exact mechanism against brute force, a second exact solver and the other mechanisms."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import brute_force, instances, objective

from passgenau.engine.matching.mechanisms.optimal import solve_optimal
from passgenau.engine.matching.model import Instance, SolveOptions
from passgenau.engine.matching.solution import placed_counts, violations

ROOT = Path(__file__).resolve().parents[2]
HIAS = ROOT.parent / "shared" / "data" / "hias-fy17"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimal_equals_brute_force_lexicographic(instance: Instance) -> None:
    _assert_brute_force_optimum(instance)


def _assert_brute_force_optimum(instance: Instance) -> None:
    oracle = brute_force(instance)
    result = solve_optimal(instance, SolveOptions())
    if oracle.best_persons is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal", result.notes
    assert violations(instance, result.assignment) == []
    assert result.placed_persons == oracle.best_persons
    assert result.objective == pytest.approx(oracle.best_score, abs=1e-7)
    assert result.objective == pytest.approx(objective(instance, result.assignment), abs=1e-9)
    assert result.bound is not None and result.bound >= result.objective - 1e-9


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimal_equals_brute_force_score_only(instance: Instance) -> None:
    oracle = brute_force(instance)
    result = solve_optimal(instance, SolveOptions(maximise_persons_first=False))
    if oracle.best_score_any is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert violations(instance, result.assignment) == []
    assert result.objective == pytest.approx(oracle.best_score_any, abs=1e-7)


def _cpsat_optimum(instance: Instance, persons_first: bool) -> tuple[int, float]:
    """The lexicographic optimum by CP-SAT, written independently of the mechanism.

    Scores are scaled to integers (1e6); persons are weighted by more than the largest total
    score, which is exact because persons are integers.
    """
    from ortools.sat.python import cp_model

    scale = 10**6
    model = cp_model.CpModel()
    pairs = range(instance.n_pairs)
    x = [model.new_bool_var(f"x{p}") for p in pairs]
    ph, ps = instance.pair_household, instance.pair_site
    for h in range(instance.n_households):
        model.add(sum(x[p] for p in np.flatnonzero(ph == h)) <= 1)
    for s in range(instance.n_sites):
        at = np.flatnonzero(ps == s)
        for d in range(len(instance.dimensions)):
            load = sum(int(instance.demand[ph[p], d]) * x[p] for p in at)
            model.add(load <= int(instance.capacity[s, d]))
    scores = np.rint(instance.pair_score * scale).astype(int)
    persons = instance.persons
    weight = int(scores.sum()) + 1 if persons_first else 0
    model.maximize(sum((weight * int(persons[ph[p]]) + int(scores[p])) * x[p] for p in pairs))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    assert status == cp_model.OPTIMAL
    chosen = [p for p in pairs if solver.value(x[p])]
    return int(persons[ph[chosen]].sum()), float(scores[chosen].sum()) / scale


def _medium(seed: int, n_households: int = 60, n_sites: int = 6) -> Instance:
    rng = np.random.default_rng(seed)
    persons = rng.choice([1, 2, 3, 4, 5], size=n_households, p=[0.3, 0.3, 0.2, 0.15, 0.05])
    school = np.minimum(rng.binomial(persons - 1, 0.4), 3)
    demand = np.column_stack([persons, school])
    share = persons.sum() / n_sites
    capacity = np.column_stack(
        [
            rng.integers(int(0.6 * share), int(1.1 * share), n_sites),
            rng.integers(1, max(2, int(school.sum() / n_sites)), n_sites),
        ]
    )
    allowed = rng.random((n_households, n_sites)) < 0.6
    h, s = np.nonzero(allowed)
    return Instance(
        household_ids=tuple(f"h{i}" for i in range(n_households)),
        site_ids=tuple(f"s{i}" for i in range(n_sites)),
        dimensions=("persons", "school"),
        demand=demand,
        capacity=capacity,
        pair_household=h,
        pair_site=s,
        pair_score=np.round(rng.random(len(h)), 3),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("persons_first", [True, False])
def test_optimal_agrees_with_cpsat_on_medium_instances(seed: int, persons_first: bool) -> None:
    instance = _medium(seed)
    result = solve_optimal(instance, SolveOptions(maximise_persons_first=persons_first))
    assert result.status == "optimal"
    assert violations(instance, result.assignment) == []
    best_persons, best_score = _cpsat_optimum(instance, persons_first)
    if persons_first:
        assert result.placed_persons == best_persons
    assert result.objective == pytest.approx(best_score, abs=1e-6)


@pytest.mark.parametrize("seed", [4, 5])
def test_optimal_is_never_below_greedy_or_stable(seed: int) -> None:
    instance = _medium(seed, n_households=80)
    best = solve_optimal(instance, SolveOptions())
    others = []
    for name in ("greedy", "stable"):
        if importlib.util.find_spec(f"passgenau.engine.matching.mechanisms.{name}") is None:
            continue
        from passgenau.engine.matching.mechanisms import solve

        others.append(solve(instance, name, SolveOptions()))
    if not others:
        pytest.skip("neither the greedy nor the stable mechanism exists yet")
    for other in others:
        assert violations(instance, other.assignment) == []
        # lexicographic: more persons, or as many and at least the score
        assert (best.placed_persons, best.objective + 1e-9) >= (
            other.placed_persons,
            other.objective,
        )
    score_only = solve_optimal(instance, SolveOptions(maximise_persons_first=False))
    for other in others:
        assert score_only.objective >= other.objective - 1e-9


def test_site_duals_price_binding_capacities() -> None:
    instance = _medium(7)
    result = solve_optimal(instance, SolveOptions())
    assert result.site_duals is not None
    assert result.site_duals.shape == instance.capacity.shape
    assert np.all(result.site_duals >= 0)
    # a capacity with slack in the LP has no price; some capacity binds in this instance
    load = np.zeros_like(instance.capacity)
    placed = result.assignment >= 0
    np.add.at(load, result.assignment[placed], instance.demand[placed])
    assert result.site_duals.max() > 0


def test_time_limit_returns_a_feasible_placement_with_a_bound() -> None:
    from passgenau.engine.matching.mechanisms import solve

    instance = _medium(8, n_households=150, n_sites=10)
    # through the dispatcher, which owns the fallback when no placement was found in time
    result = solve(instance, "optimal", SolveOptions(time_limit=0.05))
    assert result.status in ("optimal", "time_limit")
    assert violations(instance, result.assignment) == []
    if result.bound is not None:
        assert result.bound >= result.objective - 1e-9


def _hias() -> Instance:
    if not HIAS.is_dir():
        pytest.skip(f"HIAS FY17 data not found at {HIAS} (it lives in ../shared/data)")
    from passgenau.engine.matching.hias import read_hias

    return read_hias(HIAS)


@pytest.mark.slow
def test_hias_fy17_two_exact_solvers_agree() -> None:
    instance = _hias()
    result = solve_optimal(instance, SolveOptions())
    assert result.status == "optimal"
    assert violations(instance, result.assignment) == []
    assert placed_counts(instance, result.assignment)[0] == result.placed_households
    # second solver: a plain two-phase MIP in scipy, written here independently
    from scipy.optimize import LinearConstraint, milp
    from scipy.sparse import csr_matrix, vstack

    n_p = instance.n_pairs
    cols = np.arange(n_p)
    ph, ps = instance.pair_household, instance.pair_site
    rows = [csr_matrix((np.ones(n_p), (ph, cols)), shape=(instance.n_households, n_p))]
    rows += [
        csr_matrix((instance.demand[ph, d], (ps, cols)), shape=(instance.n_sites, n_p))
        for d in range(len(instance.dimensions))
    ]
    a = vstack(rows)
    upper = np.concatenate([np.ones(instance.n_households), instance.capacity.T.ravel()])
    persons = instance.persons[ph].astype(float)
    first = milp(
        -persons, constraints=LinearConstraint(a, -np.inf, upper), integrality=1, bounds=(0, 1)
    )
    most = round(-first.fun)
    second = milp(
        -instance.pair_score,
        constraints=[
            LinearConstraint(a, -np.inf, upper),
            LinearConstraint(persons[None, :], most - 0.5, np.inf),
        ],
        integrality=1,
        bounds=(0, 1),
        options={"mip_rel_gap": 1e-9},
    )
    assert result.placed_persons == most
    assert result.objective == pytest.approx(-second.fun, abs=1e-6)


@st.composite
def _with_copies(draw: st.DrawFn) -> Instance:
    """A tiny instance whose households come in copies: same demand, same allowed sites, own
    scores (and fixed pairs or links kept on the originals), so that the persons level is solved
    over classes of several interchangeable households."""
    base = draw(instances(max_households=4, max_sites=3, max_dims=2))
    copies = [draw(st.integers(0, 1)) for _ in range(base.n_households)]  # at most 8 in all
    demand, pairs = [], []
    for h in range(base.n_households):
        lo, hi = int(base.household_pair_start[h]), int(base.household_pair_start[h + 1])
        for copy in range(1 + copies[h]):
            index = len(demand)
            demand.append(base.demand[h])
            for p in range(lo, hi):
                score = base.pair_score[p] if copy == 0 else draw(st.integers(0, 12)) / 4
                pairs.append((index, int(base.pair_site[p]), score))
    original = np.cumsum([0] + [1 + c for c in copies])[:-1]  # new index of each original
    return Instance(
        household_ids=tuple(f"h{i}" for i in range(len(demand))),
        site_ids=base.site_ids,
        dimensions=base.dimensions,
        demand=np.array(demand, dtype=np.int64),
        capacity=base.capacity,
        pair_household=np.array([p[0] for p in pairs], dtype=np.int32),
        pair_site=np.array([p[1] for p in pairs], dtype=np.int32),
        pair_score=np.array([p[2] for p in pairs], dtype=np.float64),
        min_load=base.min_load,
        fixed_household=original[base.fixed_household].astype(np.int32),
        fixed_site=base.fixed_site,
        links=tuple(tuple(int(original[h]) for h in group) for group in base.links),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_with_copies())
def test_optimal_equals_brute_force_with_interchangeable_households(instance: Instance) -> None:
    _assert_brute_force_optimum(instance)
