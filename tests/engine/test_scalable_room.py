"""Scalable mechanism: the multi-unit ejection, and its bound with every kind of side constraint."""

from __future__ import annotations

import numpy as np
import pytest
from test_scalable import _hard_violations, _synthetic

from passgenau.engine.matching.mechanisms._units import build_units
from passgenau.engine.matching.mechanisms.optimal import solve_optimal
from passgenau.engine.matching.mechanisms.scalable import (
    _make_room,
    _pairs_of,
    _Repair,
    solve_scalable,
)
from passgenau.engine.matching.model import Instance, SolveOptions


def test_make_room_moves_several_units_for_a_large_household() -> None:
    # site A holds 4 persons, site B 2; the family of 3 may only go to A, where three single
    # persons sit; two of them may also go to B. No single move makes room for the family.
    instance = Instance(
        household_ids=("family", "s1", "s2", "s3"),
        site_ids=("A", "B"),
        dimensions=("persons",),
        demand=[[3], [1], [1], [1]],
        capacity=[[4], [2]],
        pair_household=[0, 1, 1, 2, 2, 3],
        pair_site=[0, 0, 1, 0, 1, 0],
        pair_score=[0.9, 0.8, 0.1, 0.7, 0.2, 0.6],
    )
    prep = build_units(instance).fixed_pairs_only()
    pairs = _pairs_of(prep, np.zeros(prep.n_units, dtype=np.int64), 1, None)
    seg_of_unit = np.arange(prep.n_units, dtype=np.int64)
    # the singles at A (pairs 1, 3, 5), the family left out
    unit_pair = np.array([-1, 1, 3, 5], dtype=np.int64)
    residual = np.array([[1], [2]], dtype=np.int64)
    fixed = np.zeros(prep.n_units, dtype=bool)
    state = _Repair(pairs, prep.demand, pairs.score, unit_pair, residual, fixed, seg_of_unit)
    _make_room(state, [0], 2, 10)
    assert unit_pair.tolist() == [0, 2, 4, 5]  # family at A, s1 and s2 moved to B, s3 stays
    assert residual.tolist() == [[0], [0]]
    # with room for only one of them at B, nothing changes (nobody is left unplaced)
    unit_pair = np.array([-1, 1, 3, 5], dtype=np.int64)
    residual = np.array([[1], [1]], dtype=np.int64)
    state = _Repair(pairs, prep.demand, pairs.score, unit_pair, residual, fixed, seg_of_unit)
    _make_room(state, [0], 2, 10)
    assert unit_pair.tolist() == [-1, 1, 3, 5]
    assert residual.tolist() == [[1], [1]]


def _with_side_constraints(seed: int) -> Instance:
    """A medium instance with forbidden pairs (dropped), fixed pairs, links and a minimum load."""
    base = _synthetic(seed, 150, 8)
    rng = np.random.default_rng(seed)
    keep = rng.random(base.n_pairs) >= 0.1  # 10 % of the pairs forbidden
    h = base.pair_household[keep]
    s = base.pair_site[keep]
    score = base.pair_score[keep]
    sites_of = {int(k): set(s[h == k].tolist()) for k in range(20, 40)}
    links = []
    for a in range(20, 40, 2):
        if sites_of[a] & sites_of[a + 1]:
            links.append((a, a + 1))
    fixed_h = np.array([int(h[0]), int(h[np.searchsorted(h, 10)])])
    fixed_s = np.array([int(s[0]), int(s[np.searchsorted(h, 10)])])
    min_load = np.zeros_like(base.capacity)
    min_load[1, 0] = min(3, int(base.capacity[1, 0]))
    return Instance(
        household_ids=base.household_ids,
        site_ids=base.site_ids,
        dimensions=base.dimensions,
        demand=base.demand,
        capacity=base.capacity,
        pair_household=h,
        pair_site=s,
        pair_score=score,
        min_load=min_load,
        fixed_household=fixed_h,
        fixed_site=fixed_s,
        links=tuple(links),
    )


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_bound_covers_the_exact_optimum_with_side_constraints(seed: int) -> None:
    """objective <= optimum <= bound, with the optimum from the exact mechanism (HiGHS)."""
    instance = _with_side_constraints(seed)
    options = SolveOptions()
    approx = solve_scalable(instance, options)
    exact = solve_optimal(instance, options)
    assert exact.status == "optimal"
    assert _hard_violations(instance, approx.assignment) == []
    assert approx.bound is not None
    assert approx.placed_persons <= exact.placed_persons
    if approx.placed_persons == exact.placed_persons:
        assert approx.objective <= exact.objective + 1e-9
    # the exact optimum places at least as many persons as ours, so the bound covers it
    assert exact.objective <= approx.bound + 1e-6


@pytest.mark.parametrize("seed", [51, 52])
def test_bound_holds_when_the_rounds_run_over_near_pairs(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the rounds restricted to each unit's near pairs (as on instances above a million
    pairs), only exact evaluations over all pairs enter the bound: it still covers the optimum."""
    from passgenau.engine.matching.mechanisms import scalable

    monkeypatch.setattr(scalable, "_RESTRICT_MIN_PAIRS", 0)
    monkeypatch.setattr(scalable, "_RESTRICT_PAIRS_PER_UNIT", 2)
    instance = _synthetic(seed, 150, 8)
    approx = scalable.solve_scalable(instance, SolveOptions())
    exact = solve_optimal(instance, SolveOptions())
    assert exact.status == "optimal"
    assert _hard_violations(instance, approx.assignment) == []
    assert approx.bound is not None
    assert approx.placed_persons <= exact.placed_persons
    assert exact.objective <= approx.bound + 1e-6
    if approx.placed_persons == exact.placed_persons:
        assert approx.objective <= exact.objective + 1e-9


@pytest.mark.parametrize("keep_persons", [True, False])
def test_neighbourhood_steps_never_make_a_placement_worse(keep_persons: bool) -> None:
    """From the greedy placement, the MIP steps keep every capacity and (with persons first) the
    persons, and raise the score; without persons first it stays within the exact optimum."""
    from passgenau.engine.matching.mechanisms._neighbourhood import improve_by_neighbourhoods
    from passgenau.engine.matching.mechanisms._proposals import greedy_unit_assignment
    from passgenau.engine.matching.mechanisms.scalable import _seg_pairs

    instance = _synthetic(61, 400, 10)
    prep = build_units(instance).fixed_pairs_only()
    pairs = _pairs_of(prep, np.zeros(prep.n_units, dtype=np.int64), 1, None)
    capacity = np.asarray(instance.capacity, dtype=np.int64)
    start = _seg_pairs(pairs, greedy_unit_assignment(prep, capacity))
    rng = np.random.default_rng(0)
    out = improve_by_neighbourhoods(
        pairs, pairs.score, start, prep.demand, prep.persons, capacity, keep_persons, rng,
        steps=4, size=80, pairs_per_unit=3, node_limit=200,
    )  # fmt: skip
    placed = out >= 0
    load = np.zeros_like(capacity)
    np.add.at(load, pairs.site[out[placed]], prep.demand[pairs.seg_unit[placed]])
    assert np.all(load <= capacity)
    assert np.all(pairs.unit[out[placed]] == pairs.seg_unit[placed])  # each its own pair
    before = float(pairs.score[start[start >= 0]].sum())
    after = float(pairs.score[out[placed]].sum())
    assert after > before
    if keep_persons:
        persons = prep.persons[pairs.seg_unit]
        assert persons[placed].sum() >= persons[start >= 0].sum()
    else:  # a feasible placement: its score is within the exact score-only optimum
        exact = solve_optimal(instance, SolveOptions(maximise_persons_first=False))
        assert after <= exact.objective + 1e-9


def _neighbourhood_case(seed: int = 61):
    from passgenau.engine.matching.mechanisms._proposals import greedy_unit_assignment
    from passgenau.engine.matching.mechanisms.scalable import _seg_pairs

    instance = _synthetic(seed, 400, 10)
    prep = build_units(instance).fixed_pairs_only()
    pairs = _pairs_of(prep, np.zeros(prep.n_units, dtype=np.int64), 1, None)
    capacity = np.asarray(instance.capacity, dtype=np.int64)
    start = _seg_pairs(pairs, greedy_unit_assignment(prep, capacity))
    return pairs, start, prep, capacity


def test_the_work_budget_is_a_count_that_ends_the_search() -> None:
    """The budget in simplex iterations ends the search after the step that spends it, the same
    way on every run: a budget of one iteration gives what a single step gives."""
    from passgenau.engine.matching.mechanisms import _neighbourhood

    pairs, start, prep, capacity = _neighbourhood_case()
    spent: list[int] = []
    real = _neighbourhood._warm_mip

    def counted(*args, **kwargs):
        found, work = real(*args, **kwargs)
        spent.append(work)
        return found, work

    def improve(steps: int, work_limit: int | None):
        return _neighbourhood.improve_by_neighbourhoods(
            pairs, pairs.score, start, prep.demand, prep.persons, capacity, True,
            np.random.default_rng(0), steps=steps, size=80, pairs_per_unit=3, node_limit=200,
            work_limit=work_limit,
        )  # fmt: skip

    one_step = improve(1, None)
    _neighbourhood._warm_mip = counted
    try:
        budgeted = improve(8, 1)
    finally:
        _neighbourhood._warm_mip = real
    assert len(spent) == 1 and spent[0] > 0
    assert np.array_equal(budgeted, one_step)
    assert np.array_equal(improve(8, None), improve(8, None))  # the same input, the same result


def test_the_kind_that_pays_more_per_iteration_goes_on() -> None:
    from passgenau.engine.matching.mechanisms._neighbourhood import (
        _MAX_FAILURES,
        _SITES,
        _UNITS,
        _next_kind,
    )

    none = [False, False]
    assert _next_kind(0, [0.0, 0.0], [0, 0], [0, 0], none) == _UNITS
    assert _next_kind(1, [0.0, 0.0], [0, 0], [1, 0], [True, False]) == _SITES
    both = [True, True]
    # units gained 10 in 4,000 iterations, sites 1 in 500: units pay more per iteration
    assert _next_kind(2, [10.0, 1.0], [4000, 500], [0, 0], both) == _UNITS
    assert _next_kind(2, [2.0, 1.0], [4000, 500], [0, 0], both) == _SITES
    # a kind that gained nothing in its first step is not tried again
    assert _next_kind(2, [0.0, 1.0], [4000, 500], [1, 0], both) == _SITES
    # one that failed too often in a row stops; when neither is left the search ends
    assert _next_kind(5, [6.0, 1.0], [4000, 500], [_MAX_FAILURES, 0], both) == _SITES
    assert _next_kind(5, [6.0, 0.0], [4000, 500], [_MAX_FAILURES, 1], both) is None
