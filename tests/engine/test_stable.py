"""The stable mechanism and the blocking-pair count."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import brute_force, instances

from passgenau.engine.matching.mechanisms import stable as stable_module
from passgenau.engine.matching.mechanisms.stable import (
    blocking_pairs,
    list_blocking_pairs,
    solve_stable,
)
from passgenau.engine.matching.model import Instance
from passgenau.engine.matching.solution import violations


def naive_blocking_pairs(inst: Instance, a: np.ndarray, ranks: np.ndarray | None = None) -> int:
    """The definition of the module docstring, written out pair by pair (no links)."""
    score = {}
    rank = {}
    for k, (h, s, x) in enumerate(
        zip(inst.pair_household.tolist(), inst.pair_site.tolist(), inst.pair_score.tolist())
    ):
        score[h, s] = x
        rank[h, s] = 0 if ranks is None else int(ranks[k])
    fixed = set(inst.fixed_household.tolist())

    def site_ranks_higher(s: int, g: int, h: int) -> bool:
        return (rank[g, s], -score[g, s], g) < (rank[h, s], -score[h, s], h)

    count = 0
    for (h, s), x in score.items():
        if h in fixed or a[h] == s:
            continue
        if a[h] >= 0:
            current = score[h, int(a[h])]
            if not (x > current or (x == current and s < a[h])):
                continue
        load = np.zeros(len(inst.dimensions), dtype=np.int64)
        for g in range(inst.n_households):
            if a[g] == s and (g in fixed or site_ranks_higher(s, g, h)):
                load += inst.demand[g]
        if np.all(load + inst.demand[h] <= inst.capacity[s]):
            count += 1
    return count


@settings(max_examples=300, deadline=None)
@given(instances())
def test_stable_is_feasible_and_stable_whenever_a_stable_placement_exists(inst: Instance) -> None:
    result = solve_stable(inst)
    assert result.blocking_pairs == blocking_pairs(inst, result.assignment)
    problems = [p for p in violations(inst, result.assignment) if "under its minimum" not in p]
    oracle = brute_force(inst)
    if oracle.best_persons is None:
        return  # nothing is feasible
    assert problems == []
    if result.blocking_pairs:
        stable_exists = any(blocking_pairs(inst, a) == 0 for a in oracle.feasible)
        assert not stable_exists, "a stable placement exists, but the mechanism missed it"


@settings(max_examples=150, deadline=None)
@given(instances(), st.data())
def test_blocking_pairs_match_the_definition(inst: Instance, data: st.DataObject) -> None:
    if inst.links:
        return  # the naive version knows no links
    ranks = None
    if data.draw(st.booleans()):
        ranks = np.array(
            data.draw(st.lists(st.integers(1, 3), min_size=inst.n_pairs, max_size=inst.n_pairs)),
            dtype=np.int64,
        )
    for a in brute_force(inst).feasible[:40]:
        assert blocking_pairs(inst, a, ranks) == naive_blocking_pairs(inst, a, ranks)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_exact_search_finds_a_stable_placement_exactly_when_one_exists(inst: Instance) -> None:
    market = stable_module._market(inst, None)
    if market.units.infeasible is not None:
        return
    assert inst.min_load is not None
    unit_site, why = stable_module._exact_stable(market, np.asarray(inst.min_load), 20.0)
    stable_exists = any(blocking_pairs(inst, a) == 0 for a in brute_force(inst).feasible)
    if unit_site is None:
        assert not stable_exists, why
    else:
        assignment = market.units.expand(unit_site)
        assert violations(inst, assignment) == []
        assert blocking_pairs(inst, assignment) == 0


def test_one_dimension_unit_demand_is_gale_shapley() -> None:
    # Three households, two sites with one place each; scores give both sides' orders.
    # h0: s0 > s1, h1: s0 > s1, h2: s1 only. s0 ranks h1 > h0; s1 ranks h0 > h2.
    inst = Instance(
        household_ids=("h0", "h1", "h2"),
        site_ids=("s0", "s1"),
        dimensions=("persons",),
        demand=[[1], [1], [1]],
        capacity=[[1], [1]],
        pair_household=[0, 0, 1, 1, 2],
        pair_site=[0, 1, 0, 1, 1],
        pair_score=[0.5, 0.4, 0.6, 0.1, 0.3],
    )
    result = solve_stable(inst)
    # h1 takes s0 (s0 prefers it), h0 falls to s1 and displaces h2 (0.4 > 0.3 at s1).
    assert result.assignment.tolist() == [1, 0, -1]
    assert result.blocking_pairs == 0


def test_stabilisation_repairs_what_the_knapsack_choice_leaves() -> None:
    # Dimensions (persons, school). s0 holds (2, 2), s1 holds (1, 1).
    # A = h0 (2, 0) only s0; h = h1 (1, 1) only s0; B = h2 (1, 1) prefers s1; C = h3 (1, 1) only s1.
    # Deferred acceptance: s0 keeps A and rejects h; C displaces B at s1; B displaces A at s0.
    # Then s0 = {B} has room for h, which was rejected earlier: the pair (h, s0) blocks.
    inst = Instance(
        household_ids=("A", "h", "B", "C"),
        site_ids=("s0", "s1"),
        dimensions=("persons", "school"),
        demand=[[2, 0], [1, 1], [1, 1], [1, 1]],
        capacity=[[2, 2], [1, 1]],
        pair_household=[0, 1, 2, 2, 3],
        pair_site=[0, 0, 0, 1, 1],
        pair_score=[0.7, 0.6, 0.8, 0.9, 1.0],
    )
    after_deferred_acceptance = np.array([-1, -1, 0, 1])
    assert list_blocking_pairs(inst, after_deferred_acceptance) == [(1, 0)]
    result = solve_stable(inst)
    assert result.assignment.tolist() == [-1, 0, 0, 1]
    assert result.blocking_pairs == 0


def test_site_priorities_decide_who_gets_the_last_place() -> None:
    inst = Instance(
        household_ids=("h0", "h1"),
        site_ids=("s0",),
        dimensions=("persons",),
        demand=[[1], [1]],
        capacity=[[1]],
        pair_household=[0, 1],
        pair_site=[0, 0],
        pair_score=[0.9, 0.1],
    )
    assert solve_stable(inst).assignment.tolist() == [0, -1]
    ranks = np.array([2, 1])  # the site ranks h1 first, whatever the scores
    assert solve_stable(inst, priorities=ranks).assignment.tolist() == [-1, 0]
    assert blocking_pairs(inst, np.array([0, -1]), ranks) == 1


def test_fixed_households_are_never_displaced() -> None:
    inst = Instance(
        household_ids=("h0", "h1"),
        site_ids=("s0",),
        dimensions=("persons",),
        demand=[[1], [1]],
        capacity=[[1]],
        pair_household=[0, 1],
        pair_site=[0, 0],
        pair_score=[0.1, 0.9],
        fixed_household=[0],
        fixed_site=[0],
    )
    result = solve_stable(inst)
    assert result.assignment.tolist() == [0, -1]
    assert result.blocking_pairs == 0  # h1 does not fit next to the fixed household
