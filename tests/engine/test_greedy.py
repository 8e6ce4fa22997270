"""The greedy mechanism: always feasible, deterministic, honours fixed pairs and links."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from strategies import brute_force, instances, objective

from passgenau.engine.matching.mechanisms import solve
from passgenau.engine.matching.mechanisms.greedy import solve_greedy
from passgenau.engine.matching.model import Instance, SolveOptions
from passgenau.engine.matching.solution import placed_counts, violations


def _without_min_load(problems: list[str]) -> list[str]:
    return [p for p in problems if "under its minimum" not in p]


@settings(max_examples=300, deadline=None)
@given(instances())
def test_greedy_output_is_feasible(inst: Instance) -> None:
    result = solve_greedy(inst)
    problems = violations(inst, result.assignment)
    if brute_force(inst).best_persons is None:
        return  # fixed pairs, links and minimum loads cannot all hold; nothing to check
    # Capacities, fixed pairs, allowed pairs and links always hold; a missed minimum is a note.
    assert _without_min_load(problems) == []
    for problem in problems:
        site = problem.split()[1]
        assert any(site in note and "minimum load not met" in note for note in result.notes)
    assert result.status == "feasible" and result.bound is None
    assert result.objective == pytest.approx(objective(inst, result.assignment), abs=1e-9)
    assert (result.placed_households, result.placed_persons) == placed_counts(
        inst, result.assignment
    )


@settings(max_examples=100, deadline=None)
@given(instances(extras=False))
def test_greedy_never_beats_brute_force_and_is_deterministic(inst: Instance) -> None:
    result = solve_greedy(inst, SolveOptions(seed=3))
    again = solve(inst, "greedy", SolveOptions(seed=3))
    assert np.array_equal(result.assignment, again.assignment)
    best = brute_force(inst)
    assert best.best_persons is not None and best.best_score_any is not None
    assert result.placed_persons <= best.best_persons
    assert result.objective <= best.best_score_any + 1e-9


def test_greedy_places_a_household_that_fits_somewhere() -> None:
    # h0 prefers s0, which only has room for h1 (higher score there); h0 goes on to s1.
    inst = Instance(
        household_ids=("h0", "h1"),
        site_ids=("s0", "s1"),
        dimensions=("persons",),
        demand=[[2], [2]],
        capacity=[[2], [2]],
        pair_household=[0, 0, 1],
        pair_site=[0, 1, 0],
        pair_score=[0.5, 0.4, 0.9],
    )
    result = solve_greedy(inst)
    assert result.assignment.tolist() == [1, 0]
    assert result.objective == 0.4 + 0.9


def test_greedy_honours_fixed_pairs_and_links() -> None:
    inst = Instance(
        household_ids=("h0", "h1", "h2"),
        site_ids=("s0", "s1"),
        dimensions=("persons",),
        demand=[[1], [1], [1]],
        capacity=[[2], [2]],
        pair_household=[0, 0, 1, 1, 2, 2],
        pair_site=[0, 1, 0, 1, 0, 1],
        pair_score=[0.9, 0.1, 0.1, 0.9, 0.9, 0.1],
        fixed_household=[2],
        fixed_site=[1],
        links=((0, 1),),
    )
    result = solve_greedy(inst)
    assert violations(inst, result.assignment) == []
    assert result.assignment[2] == 1
    assert result.assignment[0] == result.assignment[1] == 0


def test_greedy_on_a_larger_random_instance_is_feasible() -> None:
    rng = np.random.default_rng(7)
    n_h, n_s, k = 3000, 40, 8
    ph = np.repeat(np.arange(n_h), k)
    ps = rng.integers(0, n_s, n_h * k)
    keys = np.unique(ph * n_s + ps)
    demand = np.stack([rng.integers(1, 6, n_h), rng.integers(0, 3, n_h)], axis=1)
    inst = Instance(
        household_ids=tuple(f"h{i}" for i in range(n_h)),
        site_ids=tuple(f"s{i}" for i in range(n_s)),
        dimensions=("persons", "school"),
        demand=demand,
        capacity=np.stack([np.full(n_s, 200), np.full(n_s, 60)], axis=1),
        pair_household=keys // n_s,
        pair_site=keys % n_s,
        pair_score=rng.random(len(keys)),
    )
    result = solve_greedy(inst)
    assert violations(inst, result.assignment) == []
    # Capacities bind (about 9000 persons for 8000 places), so most places are used.
    assert result.placed_persons > 0.9 * 8000
