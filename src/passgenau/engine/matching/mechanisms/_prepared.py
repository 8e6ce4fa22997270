"""Units with fixed pairs applied: the common input of the exact and the scalable mechanism.

Built on :func:`._units.build_units` (linked households contracted into one unit, whose allowed
sites are the sites every member may go to). Here a unit with a fixed member keeps only its fixed
pair, which must be used; contradictions (members of one linked group fixed at different sites, or
at a site another member may not go to) make the instance infeasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..model import Instance
from ._units import Units, build_units

__all__ = ["Prepared", "prepare"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Prepared:
    """Units and their allowed pairs (sorted by unit, then site) with fixed pairs applied."""

    units: Units
    demand: IntArray  # (U, D)
    persons: IntArray  # (U,)
    pair_unit: IntArray  # (P,)
    pair_site: IntArray  # (P,)
    pair_score: FloatArray  # (P,)
    pair_fixed: BoolArray  # (P,) the unit must be placed on this pair
    infeasible: str | None = None

    @property
    def n_units(self) -> int:
        return int(self.demand.shape[0])

    @property
    def n_pairs(self) -> int:
        return int(self.pair_unit.shape[0])

    @property
    def unit_pair_start(self) -> IntArray:
        """CSR row pointer over units: the pairs of unit ``u`` are ``start[u]:start[u+1]``."""
        start = np.zeros(self.n_units + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.pair_unit, minlength=self.n_units), out=start[1:])
        return start

    def expand(self, unit_site: IntArray) -> npt.NDArray[np.int32]:
        """Household assignment (site index or -1) from a unit assignment."""
        return self.units.expand(np.asarray(unit_site, dtype=np.int64))


def prepare(instance: Instance) -> Prepared:
    """Contract links into units and apply the fixed pairs (see the module docstring)."""
    units = build_units(instance)
    pu = np.asarray(units.pair_unit, dtype=np.int64)
    ps = np.asarray(units.pair_site, dtype=np.int64)
    score = np.asarray(units.pair_score, dtype=np.float64)
    fixed = np.zeros(len(pu), dtype=bool)
    problem: str | None = None
    assert instance.fixed_household is not None and instance.fixed_site is not None
    if len(instance.fixed_household):
        unit_site = np.full(units.n_units, -1, dtype=np.int64)
        pairs = zip(instance.fixed_household.tolist(), instance.fixed_site.tolist(), strict=True)
        for h, s in pairs:
            u = int(units.unit_of[h])
            if unit_site[u] not in (-1, s):
                problem = (
                    f"household {instance.household_ids[h]} is fixed at a different site than a "
                    "household linked to it"
                )
            unit_site[u] = s
        has_fixed = unit_site[pu] >= 0
        fixed = has_fixed & (unit_site[pu] == ps)
        uses = np.bincount(pu[fixed], minlength=units.n_units)
        lost = np.flatnonzero((unit_site >= 0) & (uses == 0))
        if problem is None and len(lost):
            member = int(np.flatnonzero(units.unit_of == lost[0])[0])
            problem = (
                f"household {instance.household_ids[member]} is fixed at a site that a household "
                "linked to it may not go to"
            )
        keep = ~has_fixed | fixed
        pu, ps, score, fixed = pu[keep], ps[keep], score[keep], fixed[keep]
    return Prepared(
        units=units,
        demand=np.asarray(units.demand, dtype=np.int64),
        persons=np.asarray(units.persons, dtype=np.int64),
        pair_unit=np.ascontiguousarray(pu),
        pair_site=np.ascontiguousarray(ps),
        pair_score=np.ascontiguousarray(score),
        pair_fixed=fixed,
        infeasible=problem,
    )
