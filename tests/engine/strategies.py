"""Hypothesis strategies for tiny random instances and a brute-force oracle.

Shared by the tests of every mechanism. The instances are small enough (at most 6 households,
3 sites) that every assignment can be enumerated: at most 4**6 = 4096 of them.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

from passgenau.engine.matching.model import Instance

__all__ = ["BruteForce", "brute_force", "instances", "objective"]

DIMENSION_NAMES = ("persons", "school", "kita")


@st.composite
def instances(
    draw: st.DrawFn,
    max_households: int = 6,
    max_sites: int = 3,
    max_dims: int = 3,
    extras: bool = True,
    min_load: bool | None = None,
) -> Instance:
    """A tiny random instance.

    With ``extras`` the instance sometimes has fixed pairs (that fit the capacities), a linked
    group of households and, unless ``min_load`` is False, a minimum load at one site (which may
    make the instance infeasible). ``min_load=True`` always adds one. Scores come from a small set
    of values so that ties occur.
    """
    n_h = draw(st.integers(1, max_households))
    n_s = draw(st.integers(1, max_sites))
    n_d = draw(st.integers(1, max_dims))
    dims = DIMENSION_NAMES[:n_d]
    demand = np.array(
        [
            [draw(st.integers(1, 4))] + [draw(st.integers(0, 2)) for _ in range(n_d - 1)]
            for _ in range(n_h)
        ],
        dtype=np.int64,
    ).reshape(n_h, n_d)
    capacity = np.array(
        [
            [draw(st.integers(0, 8))] + [draw(st.integers(0, 4)) for _ in range(n_d - 1)]
            for _ in range(n_s)
        ],
        dtype=np.int64,
    ).reshape(n_s, n_d)
    pairs_h: list[int] = []
    pairs_s: list[int] = []
    scores: list[float] = []
    for h in range(n_h):
        for s in range(n_s):
            if draw(st.integers(0, 9)) < 7:  # about 70 % of pairs allowed
                pairs_h.append(h)
                pairs_s.append(s)
                scores.append(draw(st.integers(0, 12)) / 4)
    allowed = {(h, s) for h, s in zip(pairs_h, pairs_s, strict=True)}

    fixed_h: list[int] = []
    fixed_s: list[int] = []
    links: list[tuple[int, ...]] = []
    site_min = np.zeros((n_s, n_d), dtype=np.int64)
    if extras:
        if draw(st.booleans()):
            load = np.zeros_like(capacity)
            for h in draw(st.lists(st.integers(0, n_h - 1), max_size=2, unique=True)):
                options = [s for s in range(n_s) if (h, s) in allowed]
                if not options:
                    continue
                s = draw(st.sampled_from(options))
                if np.all(load[s] + demand[h] <= capacity[s]):
                    load[s] += demand[h]
                    fixed_h.append(h)
                    fixed_s.append(s)
        free = [h for h in range(n_h) if h not in fixed_h]
        if len(free) >= 2 and draw(st.booleans()):
            group = draw(st.lists(st.sampled_from(free), min_size=2, max_size=3, unique=True))
            links.append(tuple(sorted(group)))
        want_min = draw(st.integers(0, 3)) == 0 if min_load is None else min_load
        if want_min:
            s = draw(st.integers(0, n_s - 1))
            site_min[s, 0] = min(draw(st.integers(1, 3)), int(capacity[s, 0]))

    return Instance(
        household_ids=tuple(f"h{h}" for h in range(n_h)),
        site_ids=tuple(f"s{s}" for s in range(n_s)),
        dimensions=dims,
        demand=demand,
        capacity=capacity,
        pair_household=np.array(pairs_h, dtype=np.int32),
        pair_site=np.array(pairs_s, dtype=np.int32),
        pair_score=np.array(scores, dtype=np.float64),
        min_load=site_min,
        fixed_household=np.array(fixed_h, dtype=np.int32),
        fixed_site=np.array(fixed_s, dtype=np.int32),
        links=tuple(links),
    )


class BruteForce(NamedTuple):
    """What brute force finds: the lexicographic optimum and every feasible assignment.

    ``best_persons`` is the most persons any feasible assignment places, ``best_score`` the highest
    total score among the assignments that place that many persons (the lexicographic goal), and
    ``best_score_any`` the highest total score of any feasible assignment (score only). All three
    are None when no assignment is feasible (fixed pairs, links and minimum loads can make it so).
    """

    best_persons: int | None
    best_score: float | None
    feasible: list[np.ndarray]
    best_score_any: float | None = None


def objective(instance: Instance, assignment: np.ndarray) -> float:
    """Total score of an assignment (its pairs must be allowed)."""
    total = 0.0
    for h, s in enumerate(np.asarray(assignment)):
        if s >= 0:
            k = instance.pair_index(h, int(s))
            assert k is not None, "assignment uses a pair that is not allowed"
            total += float(instance.pair_score[k])
    return total


def brute_force(instance: Instance) -> BruteForce:
    """Enumerate every feasible assignment of a tiny instance.

    Written independently of ``solution.violations``: an assignment is feasible when every placed
    household is at an allowed site, no capacity is exceeded and no minimum load is missed in any
    dimension, every fixed household is at its site, and linked households share a site or are
    all unplaced. Returns a :class:`BruteForce` (unpacks as ``best_persons, best_score, feasible``).
    """
    n_h, n_s = instance.n_households, instance.n_sites
    if n_h > 8:
        raise ValueError("brute force is for tiny instances only")
    score = np.full((n_h, n_s), np.nan)
    score[instance.pair_household, instance.pair_site] = instance.pair_score
    fixed = dict(zip(instance.fixed_household.tolist(), instance.fixed_site.tolist(), strict=True))
    choices = []
    for h in range(n_h):
        if h in fixed:
            choices.append([fixed[h]])
        else:
            choices.append([-1] + [s for s in range(n_s) if not np.isnan(score[h, s])])
    persons = instance.persons
    feasible: list[np.ndarray] = []
    best: tuple[int, float] | None = None
    best_any: float | None = None
    for combo in itertools.product(*choices):
        a = np.array(combo, dtype=np.int64)
        if any(len({int(a[h]) for h in group}) > 1 for group in instance.links):
            continue
        load = np.zeros((n_s, len(instance.dimensions)), dtype=np.int64)
        for h in range(n_h):
            if a[h] >= 0:
                load[a[h]] += instance.demand[h]
        if np.any(load > instance.capacity) or np.any(load < instance.min_load):
            continue
        feasible.append(a)
        placed = a >= 0
        total = float(score[np.flatnonzero(placed), a[placed]].sum())
        key = (int(persons[placed].sum()), total)
        if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] > best[1]):
            best = key
        best_any = total if best_any is None else max(best_any, total)
    if best is None:
        return BruteForce(None, None, [], None)
    return BruteForce(best[0], best[1], feasible, best_any)
