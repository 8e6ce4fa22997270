"""Metrics of a matching run: who was placed, how well, how the load is spread, and provenance.

:func:`run_metrics` returns a JSON-serialisable dict (plain ``int``, ``float``, ``str``, lists
and dicts). Definitions:

* **preference rank** of a placement: with ranked places (profiles given and the household ranked
  some), the position of the site in the household's list (1 = first choice; a site not on the
  list counts as not first and not top three); otherwise the position of the site among the
  household's allowed sites ordered by score (ties by site order). ``first_share`` and
  ``top3_share`` are shares of *all* households (unplaced count as not served); ``…_of_placed``
  are shares of the placed ones.
* **score distribution**: count, mean, min, quartiles, max and a 10-bin histogram over [0, 1]
  of the placed households' scores, overall and per group (:data:`.profiles.GROUPS`; by household
  size when no profiles are given).
* **load**: per site and dimension, load, capacity and utilisation (load / capacity).
* **spread against quotas**: a site's quota in a dimension is its share of the total capacity;
  per dimension we report the largest and the mean absolute difference (in percentage points)
  between the share of the placed load a site received and its quota, and the spread of
  utilisation across sites (min, max, standard deviation).
* **blocking pairs** (see :mod:`.mechanisms.stable`): taken from the result when the mechanism
  computed it, else computed here when that module is available and the instance is not too large.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .model import Instance, Result, package_version
from .profiles import HouseholdProfile
from .solution import placed_counts, site_load

__all__ = ["preference_ranks", "run_metrics", "score_summary"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MAX_BLOCKING_PAIRS = 2_000_000  # allowed pairs above which blocking pairs are not counted here


def preference_ranks(
    instance: Instance,
    assignment: npt.ArrayLike,
    households: Sequence[HouseholdProfile] | None = None,
) -> IntArray:
    """1-based preference rank of each household's placement; 0 unplaced, -1 not on its list."""
    a = np.asarray(assignment, dtype=np.int64)
    n_h = instance.n_households
    ph = instance.pair_household.astype(np.int64)
    ps = instance.pair_site.astype(np.int64)
    # Rank of the placement = 1 + the household's allowed sites ordered before it (higher score,
    # or the same score at a lower site index): one pass over the pairs, no sort.
    is_mine = a[ph] == ps
    my_score = np.full(n_h, np.inf)
    my_score[ph[is_mine]] = instance.pair_score[is_mine]
    my_site = np.full(n_h, -1, dtype=np.int64)
    my_site[ph[is_mine]] = ps[is_mine]
    before = (instance.pair_score > my_score[ph]) | (
        (instance.pair_score == my_score[ph]) & (ps < my_site[ph])
    )
    ahead = np.bincount(ph[before], minlength=n_h)
    ranks = np.zeros(n_h, dtype=np.int64)
    placed = np.zeros(n_h, dtype=bool)
    placed[ph[is_mine]] = True
    ranks[placed] = ahead[placed] + 1
    if households is not None:
        index = {sid: i for i, sid in enumerate(instance.site_ids)}
        for h, profile in enumerate(households):
            if profile.ranked_places and a[h] >= 0:
                ranked = [index[p] for p in profile.ranked_places if p in index]
                ranks[h] = ranked.index(int(a[h])) + 1 if int(a[h]) in ranked else -1
    return ranks


def score_summary(scores: npt.ArrayLike) -> dict[str, Any]:
    """Count, mean, min, quartiles, max and a 10-bin histogram over [0, 1]."""
    x = np.asarray(scores, dtype=np.float64)
    if len(x) == 0:
        return {
            "count": 0,
            "mean": None,
            "min": None,
            "q25": None,
            "median": None,
            "q75": None,
            "max": None,
            "histogram": [0] * 10,
        }
    q = np.quantile(x, [0.25, 0.5, 0.75])
    hist, _ = np.histogram(np.clip(x, 0.0, 1.0), bins=10, range=(0.0, 1.0))
    return {
        "count": len(x),
        "mean": float(x.mean()),
        "min": float(x.min()),
        "q25": float(q[0]),
        "median": float(q[1]),
        "q75": float(q[2]),
        "max": float(x.max()),
        "histogram": [int(v) for v in hist],
    }


def _blocking_pairs(instance: Instance, result: Result) -> tuple[int | None, str | None]:
    if result.blocking_pairs is not None:
        return int(result.blocking_pairs), None
    if instance.n_pairs > MAX_BLOCKING_PAIRS:
        return None, f"not counted: more than {MAX_BLOCKING_PAIRS} allowed pairs"
    try:
        module = importlib.import_module("passgenau.engine.matching.mechanisms.stable")
    except ImportError:
        return None, "not counted: the stable mechanism's module is not available"
    count: Callable[[Instance, IntArray], int] = module.blocking_pairs
    return int(count(instance, np.asarray(result.assignment, dtype=np.int64))), None


def run_metrics(
    instance: Instance,
    result: Result,
    households: Sequence[HouseholdProfile] | None = None,
    *,
    catalogue_version: str | None = None,
) -> dict[str, Any]:
    """All metrics of one run (see the module docstring)."""
    a = np.asarray(result.assignment, dtype=np.int64)
    n_h = instance.n_households
    placed_h, placed_p = placed_counts(instance, a)
    persons = instance.persons
    ranks = preference_ranks(instance, a, households)
    is_placed = a >= 0
    first = int(np.sum(ranks == 1))
    top3 = int(np.sum((ranks >= 1) & (ranks <= 3)))
    # Scores of the placements, looked up in the sparse pairs.
    scores = np.zeros(n_h)
    ph = instance.pair_household.astype(np.int64)
    mine = a[ph] == instance.pair_site
    scores[ph[mine]] = instance.pair_score[mine]
    if households is not None:
        groups = [h.group() for h in households]
    else:
        groups = [f"persons_{min(int(p), 4)}{'+' if p >= 4 else ''}" for p in persons]
    by_group: dict[str, Any] = {}
    for g in sorted(set(groups)):
        members = np.array([x == g for x in groups], dtype=bool)
        by_group[g] = {
            "households": int(members.sum()),
            "placed": int((members & is_placed).sum()),
            "first_share": _share(int(((ranks == 1) & members).sum()), int(members.sum())),
            "scores": score_summary(scores[members & is_placed]),
        }
    load = site_load(instance, a)
    cap = instance.capacity
    utilisation = np.divide(load, cap, out=np.zeros(load.shape), where=cap > 0)
    spread: dict[str, Any] = {}
    for d, dim in enumerate(instance.dimensions):
        total_cap, total_load = cap[:, d].sum(), load[:, d].sum()
        if total_cap == 0:
            continue
        quota = cap[:, d] / total_cap
        share = load[:, d] / total_load if total_load > 0 else np.zeros(instance.n_sites)
        deviation = np.abs(share - quota) * 100
        offered = cap[:, d] > 0
        spread[dim] = {
            "max_abs_deviation_pp": float(deviation.max()),
            "mean_abs_deviation_pp": float(deviation.mean()),
            "utilisation_min": float(utilisation[offered, d].min()),
            "utilisation_max": float(utilisation[offered, d].max()),
            "utilisation_std": float(utilisation[offered, d].std()),
            "total_load": int(total_load),
            "total_capacity": int(total_cap),
        }
    blocking, blocking_note = _blocking_pairs(instance, result)
    sites = [
        {
            "site_id": instance.site_ids[s],
            "site_name": instance.site_names[s],
            "load": {dim: int(load[s, d]) for d, dim in enumerate(instance.dimensions)},
            "capacity": {dim: int(cap[s, d]) for d, dim in enumerate(instance.dimensions)},
            "utilisation": {
                dim: float(utilisation[s, d]) for d, dim in enumerate(instance.dimensions)
            },
        }
        for s in range(instance.n_sites)
    ]
    return {
        "households": n_h,
        "persons": int(persons.sum()),
        "placed_households": placed_h,
        "placed_persons": placed_p,
        "placed_household_share": _share(placed_h, n_h),
        "placed_person_share": _share(placed_p, int(persons.sum())),
        "preference_basis": "ranked places where given, else score"
        if households is not None
        else "score",
        "first_share": _share(first, n_h),
        "top3_share": _share(top3, n_h),
        "first_share_of_placed": _share(first, placed_h),
        "top3_share_of_placed": _share(top3, placed_h),
        "scores": score_summary(scores[is_placed]),
        "groups": by_group,
        "load": sites,
        "spread": spread,
        "blocking_pairs": blocking,
        "blocking_pairs_note": blocking_note,
        "objective": float(result.objective),
        "bound": None if result.bound is None else float(result.bound),
        "gap": result.gap,
        "status": result.status,
        "mechanism": result.mechanism,
        "solver": result.solver,
        "solver_version": result.solver_version,
        "seconds": float(result.seconds),
        "seed": int(result.seed),
        "input_hash": instance.input_hash(),
        "passgenau_version": package_version(),
        "catalogue_version": catalogue_version,
        "notes": list(result.notes),
    }


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
