"""bench/lp_bound.py: column generation equals the full LP, and its bounds hold for placements."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import family  # noqa: E402
import lp_bound  # noqa: E402
from passgenau.engine.matching.model import Instance  # noqa: E402


def _full_lp(instance: Instance, persons: float | None, objective: str = "score") -> float | None:
    """The LP relaxation over every allowed pair at once (SciPy's HiGHS), or None if infeasible."""
    n_h, n_s, dims = instance.n_households, instance.n_sites, len(instance.dimensions)
    ph, ps = instance.pair_household.astype(int), instance.pair_site.astype(int)
    n_p = len(ph)
    cols = np.arange(n_p)
    n = instance.persons.astype(float)
    c = n[ph] if objective == "persons" else instance.pair_score
    rows = [sp.csr_matrix((np.ones(n_p), (ph, cols)), shape=(n_h, n_p))]
    rows += [
        sp.csr_matrix((instance.demand[ph, d], (ps, cols)), shape=(n_s, n_p)) for d in range(dims)
    ]
    a = sp.vstack(rows, format="csr")
    b = np.concatenate([np.ones(n_h), instance.capacity.T.ravel()])
    # minimum loads and the persons row as >= rows (negated)
    ge = [
        sp.csr_matrix((instance.demand[ph, d], (ps, cols)), shape=(n_s, n_p)) for d in range(dims)
    ]
    ge_rhs = [instance.min_load.T.ravel()]
    if persons is not None:
        ge.append(sp.csr_matrix(n[ph][None, :]))
        ge_rhs.append(np.array([persons]))
    a = sp.vstack([a, -sp.vstack(ge)], format="csr")
    b = np.concatenate([b, -np.concatenate(ge_rhs)])
    lower = np.zeros(n_p)
    upper = np.ones(n_p)
    fh, fs = instance.fixed_household, instance.fixed_site
    if len(fh):
        fixed = np.zeros(n_h, dtype=bool)
        fixed[fh] = True
        upper[fixed[ph]] = 0.0
        idx = instance.pair_indices(fh, fs)
        lower[idx] = upper[idx] = 1.0
    res = linprog(-c, A_ub=a, b_ub=b, bounds=np.column_stack([lower, upper]), method="highs")
    return None if res.status == 2 else -float(res.fun)


SMALL = [
    family.Spec(60, 6, 3, 50, 103, "mixed", "unif"),
    family.Spec(80, 8, 2, 25, 90, "heavy", "reg"),
    family.Spec(50, 5, 6, 100, 100, "heavy", "corr"),
    family.Spec(120, 20, 4, 10, 130, "single", "skew"),
    family.Spec(300, 20, 5, 100, 95, "mixed", "corr"),
]


@pytest.mark.parametrize("spec", SMALL, ids=lambda s: s.name)
def test_column_generation_equals_the_full_lp(spec: family.Spec) -> None:
    instance = family.build(spec)
    persons_full = _full_lp(instance, None, "persons")
    assert persons_full is not None
    pb = lp_bound.persons_bound(instance)
    assert pb.converged
    assert pb.value == pytest.approx(persons_full, rel=1e-6)
    assert pb.value >= persons_full - 1e-6  # an upper bound, never below the LP
    for level in (None, np.floor(persons_full) - 3, np.floor(persons_full)):
        full = _full_lp(instance, level)
        cg = lp_bound.lp_bound(instance, level)
        assert cg.converged
        assert full is not None
        assert cg.value == pytest.approx(full, rel=1e-7, abs=1e-6)
        assert cg.value >= full - 1e-6
        assert cg.lp <= full + 1e-6


def test_the_persons_row_above_the_persons_lp_is_infeasible() -> None:
    instance = family.build(SMALL[1])
    pb = lp_bound.persons_bound(instance)
    out = lp_bound.lp_bound(instance, np.ceil(pb.value) + 1)
    assert not out.feasible


def _tiny(rng: np.random.Generator) -> Instance:
    n_h, n_s, dims = 5, 3, 2
    demand = np.column_stack([rng.integers(1, 5, n_h), rng.integers(0, 3, n_h)])
    capacity = np.column_stack([rng.integers(2, 9, n_s), rng.integers(0, 4, n_s)])
    allowed = rng.random((n_h, n_s)) < 0.7
    ph, ps = np.nonzero(allowed)
    fixed = rng.random() < 0.5 and len(ph) > 0
    min_load = np.zeros((n_s, dims), dtype=int)
    if rng.random() < 0.3:
        min_load[rng.integers(n_s), 0] = 2
    return Instance(
        household_ids=tuple(f"h{i}" for i in range(n_h)),
        site_ids=tuple(f"s{i}" for i in range(n_s)),
        dimensions=("persons", "school"),
        demand=demand,
        capacity=capacity,
        pair_household=ph,
        pair_site=ps,
        pair_score=np.round(rng.random(len(ph)), 3),
        min_load=min_load,
        fixed_household=[int(ph[0])] if fixed else None,
        fixed_site=[int(ps[0])] if fixed else None,
    )


def _placements(instance: Instance):  # type: ignore[no-untyped-def]
    """Every feasible placement (tiny instances only): (persons, score)."""
    options = [
        [-1] + [int(s) for s in instance.pair_site[instance.pair_household == h]]
        for h in range(instance.n_households)
    ]
    scores = {
        (int(h), int(s)): float(c)
        for h, s, c in zip(
            instance.pair_household, instance.pair_site, instance.pair_score, strict=True
        )
    }
    for choice in itertools.product(*options):
        a = np.array(choice)
        if any(
            a[h] != s for h, s in zip(instance.fixed_household, instance.fixed_site, strict=True)
        ):
            continue
        load = np.zeros_like(instance.capacity)
        for h, s in enumerate(choice):
            if s >= 0:
                load[s] += instance.demand[h]
        if np.any(load > instance.capacity) or np.any(load < instance.min_load):
            continue
        yield (
            int(instance.persons[a >= 0].sum()),
            sum(scores[(h, s)] for h, s in enumerate(choice) if s >= 0),
        )


@pytest.mark.parametrize("seed", range(25))
def test_the_bounds_hold_for_every_placement(seed: int) -> None:
    instance = _tiny(np.random.default_rng(seed))
    found = list(_placements(instance))
    trivial = lp_bound.trivial_bound(instance)
    pb = lp_bound.persons_bound(instance)
    if not found:
        return
    assert max(p for p, _ in found) <= pb.value + 1e-6
    for level in sorted({p for p, _ in found}):
        best = max(s for p, s in found if p >= level)
        b = lp_bound.lp_bound(instance, level)
        assert b.feasible
        assert best <= b.value + 1e-6
        assert best <= trivial + 1e-9
        full = _full_lp(instance, level)
        assert full is not None and b.value == pytest.approx(full, abs=1e-6)
