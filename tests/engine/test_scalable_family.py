"""The scalable mechanism on instances of the benchmark family, against independent oracles.

The LP bound comes from ``bench/lp_bound.py`` (column generation with highspy, tested against
the full LP and brute force in ``tests/bench``); greedy is the persons baseline.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import family  # noqa: E402
import lp_bound  # noqa: E402
from passgenau.engine.matching.mechanisms import _neighbourhood, scalable  # noqa: E402
from passgenau.engine.matching.mechanisms.greedy import solve_greedy  # noqa: E402
from passgenau.engine.matching.mechanisms.scalable import solve_scalable  # noqa: E402
from passgenau.engine.matching.model import SolveOptions  # noqa: E402
from passgenau.engine.matching.scoring import score_profiles  # noqa: E402
from passgenau.engine.matching.synthetic import generate_profiles  # noqa: E402

SPECS = [
    family.Spec(400, 12, 3, 50, 103, "mixed", "unif"),
    family.Spec(400, 12, 3, 100, 90, "heavy", "reg"),
    family.Spec(300, 20, 6, 25, 100, "heavy", "corr"),
    family.Spec(500, 30, 2, 10, 130, "single", "skew"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
@pytest.mark.parametrize("persons_first", [True, False])
def test_bound_is_valid_never_above_trivial_and_persons_at_least_greedy(
    spec: family.Spec, persons_first: bool
) -> None:
    instance = family.build(spec)
    options = SolveOptions(seed=0, maximise_persons_first=persons_first)
    result = solve_scalable(instance, options)
    assert result.bound is not None
    trivial = lp_bound.trivial_bound(instance)
    assert result.bound <= trivial + 1e-6
    level = result.placed_persons if persons_first else None
    lp = lp_bound.lp_bound(instance, level, start=result.assignment)
    assert lp.converged
    # a proven bound: never below the LP optimum (the LP bounds the integer placements too)
    assert result.bound >= lp.lp - 1e-6
    assert result.objective <= lp.value + 1e-6
    if persons_first:
        assert result.placed_persons >= solve_greedy(instance, options).placed_persons


def test_bound_on_a_profile_instance_is_below_the_trivial_bound() -> None:
    households, sites = generate_profiles(300, 25, seed=7)
    instance, _ = score_profiles(households, sites)
    result = solve_scalable(instance, SolveOptions(seed=0))
    assert result.bound is not None
    assert result.bound <= lp_bound.trivial_bound(instance) + 1e-6
    lp = lp_bound.lp_bound(instance, result.placed_persons, start=result.assignment)
    assert result.bound >= lp.lp - 1e-6


class _RacingClock:
    """A clock that runs fast: every reading is an hour after the last (a very loaded machine)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 3600.0
        return self.now


def test_the_clock_decides_nothing_without_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # big enough that the neighbourhood search runs its MIP steps
    instance = family.build(family.Spec(1500, 30, 3, 50, 100, "heavy", "reg"))
    first = solve_scalable(instance, SolveOptions(seed=3))
    monkeypatch.setattr(scalable.time, "perf_counter", _RacingClock())
    monkeypatch.setattr(_neighbourhood.time, "perf_counter", _RacingClock())
    second = solve_scalable(instance, SolveOptions(seed=3))
    assert np.array_equal(first.assignment, second.assignment)
    assert first.objective == second.objective
    assert first.bound == second.bound
    assert not any("time limit" in note for note in first.notes + second.notes)


def test_a_time_limit_only_stops_work_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    instance = family.build(family.Spec(1500, 30, 3, 50, 100, "heavy", "reg"))
    monkeypatch.setattr(scalable.time, "perf_counter", _RacingClock())
    monkeypatch.setattr(_neighbourhood.time, "perf_counter", _RacingClock())
    result = solve_scalable(instance, SolveOptions(seed=3, time_limit=60.0))
    assert result.status == "time_limit"
    assert any(note.startswith("time limit reached") for note in result.notes)
    assert result.bound is not None and result.objective <= result.bound + 1e-9
    assert result.bound <= lp_bound.trivial_bound(instance) + 1e-6


def _brute_force_lexicographic(instance) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    options = [
        [-1] + [int(s) for s in instance.pair_site[instance.pair_household == h]]
        for h in range(instance.n_households)
    ]
    score = {
        (int(h), int(s)): float(c)
        for h, s, c in zip(
            instance.pair_household, instance.pair_site, instance.pair_score, strict=True
        )
    }
    best = (-1, -1.0)
    for choice in itertools.product(*options):
        load = np.zeros_like(instance.capacity)
        for h, s in enumerate(choice):
            if s >= 0:
                load[s] += instance.demand[h]
        if np.any(load > instance.capacity):
            continue
        persons = int(sum(instance.persons[h] for h, s in enumerate(choice) if s >= 0))
        value = sum(score[(h, s)] for h, s in enumerate(choice) if s >= 0)
        best = max(best, (persons, value))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_tiny_family_instances_against_brute_force(seed: int) -> None:
    spec = family.Spec(7, 3, 2, 70, 90 + 5 * seed, "heavy", ("reg", "corr", "unif")[seed % 3])
    instance = family.build(spec)
    persons, score = _brute_force_lexicographic(instance)
    result = solve_scalable(instance, SolveOptions(seed=seed))
    assert result.placed_persons <= persons
    assert result.bound is not None
    if result.placed_persons == persons:
        assert result.objective <= score + 1e-9
        assert result.bound >= score - 1e-9  # the bound covers the lexicographic optimum
