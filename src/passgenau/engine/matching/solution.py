"""Checking and summarising a placement against an instance (shared by every mechanism and test)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .model import Instance

__all__ = ["placed_counts", "site_load", "violations"]


def site_load(instance: Instance, assignment: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
    """``(S, D)`` load that the placement puts on each site in each dimension."""
    load = np.zeros((instance.n_sites, len(instance.dimensions)), dtype=np.int64)
    placed = assignment >= 0
    np.add.at(load, assignment[placed], instance.demand[placed])
    return load


def placed_counts(instance: Instance, assignment: npt.NDArray[np.integer]) -> tuple[int, int]:
    """(households placed, persons placed)."""
    placed = assignment >= 0
    return int(placed.sum()), int(instance.persons[placed].sum())


def violations(instance: Instance, assignment: npt.NDArray[np.integer]) -> list[str]:
    """Every way in which ``assignment`` breaks the instance; empty when it is feasible."""
    problems: list[str] = []
    a = np.asarray(assignment)
    if a.shape != (instance.n_households,):
        return [f"assignment has shape {a.shape}, expected ({instance.n_households},)"]
    if np.any((a < -1) | (a >= instance.n_sites)):
        problems.append("assignment refers to a site that does not exist")
        return problems
    placed = np.flatnonzero(a >= 0)
    not_allowed = placed[instance.pair_indices(placed, a[placed]) < 0]
    for h in not_allowed:
        problems.append(
            f"household {instance.household_ids[h]} placed at {instance.site_ids[a[h]]}, "
            "a pair that is not allowed"
        )
    load = site_load(instance, a)
    for s, d in zip(*np.nonzero(load > instance.capacity), strict=True):
        problems.append(
            f"site {instance.site_ids[s]} over capacity in {instance.dimensions[d]}: "
            f"{load[s, d]} > {instance.capacity[s, d]}"
        )
    assert instance.min_load is not None
    for s, d in zip(*np.nonzero(load < instance.min_load), strict=True):
        problems.append(
            f"site {instance.site_ids[s]} under its minimum in {instance.dimensions[d]}: "
            f"{load[s, d]} < {instance.min_load[s, d]}"
        )
    assert instance.fixed_household is not None and instance.fixed_site is not None
    for h, s in zip(instance.fixed_household, instance.fixed_site, strict=True):
        if a[h] != s:
            problems.append(
                f"fixed household {instance.household_ids[h]} is not at {instance.site_ids[s]}"
            )
    for group in instance.links:
        if len({int(a[h]) for h in group}) > 1:
            ids = ", ".join(instance.household_ids[h] for h in group)
            problems.append(f"linked households {ids} are not placed together")
    return problems
