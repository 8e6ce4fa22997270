"""Placement units: single households, or linked households that move together.

Every mechanism places *units*: a household that is not linked is a unit of its own; a linked
group is one unit whose demand is the sum of its members' demands, which is allowed only at the
sites every member is allowed at, with the sum of the members' scores there. A unit is fixed at a
site when any of its members is; contradictions (members of one linked group fixed at different
sites, or at a site another member may not go to) are named in ``infeasible``.

:func:`build_units` keeps every allowed pair of a unit (greedy and stable decide themselves that a
fixed unit stays at its fixed site); :meth:`Units.fixed_pairs_only` drops the other pairs of fixed
units, so that the exact and the scalable mechanism can treat a fixed pair as a pair that must be
used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from ..model import Instance

__all__ = ["Units", "build_units"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Units:
    """The units of an instance, with their allowed pairs sorted by unit, then site."""

    unit_of: IntArray  # (H,) the unit of each household
    demand: IntArray  # (U, D)
    persons: IntArray  # (U,)
    first_member: IntArray  # (U,) smallest household index in the unit (for tie-breaking)
    pair_unit: IntArray
    pair_site: IntArray
    pair_score: FloatArray
    fixed_site: IntArray  # (U,) site the unit is fixed at, or -1
    pair_fixed: npt.NDArray[np.bool_]  # (P,) the pair is its unit's fixed placement
    infeasible: str | None  # why fixed pairs and links cannot all be honoured, or None

    @property
    def n_units(self) -> int:
        return int(self.demand.shape[0])

    @property
    def n_pairs(self) -> int:
        return int(self.pair_unit.shape[0])

    @property
    def pair_start(self) -> IntArray:
        """CSR pointer: the pairs of unit ``u`` are ``pair_start[u]:pair_start[u+1]``."""
        counts = np.bincount(self.pair_unit, minlength=self.n_units)
        start = np.zeros(self.n_units + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        return start

    def expand(self, unit_site: IntArray) -> npt.NDArray[np.int32]:
        """Household assignment (site or -1) from a unit assignment."""
        return np.asarray(np.asarray(unit_site, dtype=np.int64)[self.unit_of], dtype=np.int32)

    def fixed_pairs_only(self) -> Units:
        """The same units where a fixed unit keeps only its fixed pair (which must be used)."""
        keep = (self.fixed_site[self.pair_unit] < 0) | self.pair_fixed
        return replace(
            self,
            pair_unit=np.ascontiguousarray(self.pair_unit[keep]),
            pair_site=np.ascontiguousarray(self.pair_site[keep]),
            pair_score=np.ascontiguousarray(self.pair_score[keep]),
            pair_fixed=self.pair_fixed[keep],
        )


def build_units(instance: Instance) -> Units:
    """Group linked households into units (see the module docstring)."""
    n_h = instance.n_households
    label = np.arange(n_h, dtype=np.int64)
    for group in instance.links:
        members = np.asarray(group, dtype=np.int64)
        label[members] = members.min()
    if instance.links:
        first_member, unit_of = np.unique(label, return_inverse=True)
        unit_of = unit_of.astype(np.int64)
        n_u = len(first_member)
        demand = np.zeros((n_u, len(instance.dimensions)), dtype=np.int64)
        np.add.at(demand, unit_of, instance.demand)
        persons = np.bincount(unit_of, weights=instance.persons, minlength=n_u).astype(np.int64)
    else:  # every household is a unit of its own (the common, large case: no copies needed)
        first_member = unit_of = label
        n_u = n_h
        demand = np.asarray(instance.demand, dtype=np.int64)
        persons = np.asarray(instance.persons, dtype=np.int64)

    ph = instance.pair_household.astype(np.int64)
    ps = instance.pair_site.astype(np.int64)
    sc = instance.pair_score
    if instance.links:
        linked = np.zeros(n_h, dtype=bool)
        for group in instance.links:
            linked[list(group)] = True
        single = ~linked[ph]
        units_h = [unit_of[ph[single]]]
        units_s = [ps[single]]
        units_sc = [sc[single]]
        start = instance.household_pair_start
        for group in instance.links:
            common: dict[int, float] | None = None
            for h in group:
                lo, hi = int(start[h]), int(start[h + 1])
                here = dict(zip(ps[lo:hi].tolist(), sc[lo:hi].tolist(), strict=True))
                if common is None:
                    common = here
                else:
                    common = {s: v + here[s] for s, v in common.items() if s in here}
            assert common is not None
            sites = sorted(common)
            units_h.append(np.full(len(sites), unit_of[group[0]], dtype=np.int64))
            units_s.append(np.asarray(sites, dtype=np.int64))
            units_sc.append(np.asarray([common[s] for s in sites], dtype=np.float64))
        pu = np.concatenate(units_h).astype(np.int64)
        psite = np.concatenate(units_s).astype(np.int64)
        pscore = np.concatenate(units_sc).astype(np.float64)
        order = np.lexsort((psite, pu))
        pu, psite, pscore = pu[order], psite[order], pscore[order]
    else:
        pu, psite, pscore = ph, ps, np.asarray(sc, dtype=np.float64)

    fixed_site = np.full(n_u, -1, dtype=np.int64)
    assert instance.fixed_household is not None and instance.fixed_site is not None
    fixed_units = unit_of[instance.fixed_household.astype(np.int64)]
    fixed_sites = instance.fixed_site.astype(np.int64)
    fixed_site[fixed_units] = fixed_sites
    infeasible = None
    # Members of one linked group fixed at different sites cannot all stay.
    clash = fixed_site[fixed_units] != fixed_sites
    if np.any(clash):
        h = int(instance.fixed_household[np.flatnonzero(clash)[0]])
        infeasible = f"linked household {instance.household_ids[h]} is fixed at another site"
    pair_fixed = fixed_site[pu] == psite
    has_fixed_pair = np.zeros(n_u, dtype=bool)
    has_fixed_pair[pu[pair_fixed]] = True
    missing = np.flatnonzero((fixed_site >= 0) & ~has_fixed_pair)
    if infeasible is None and len(missing):
        u = int(missing[0])
        infeasible = (
            f"household {instance.household_ids[int(first_member[u])]} is linked to a household "
            f"fixed at {instance.site_ids[int(fixed_site[u])]}, where not all of them are allowed"
        )
    return Units(
        unit_of=unit_of,
        demand=demand,
        persons=persons,
        first_member=first_member.astype(np.int64),
        pair_unit=pu,
        pair_site=psite,
        pair_score=pscore,
        fixed_site=fixed_site,
        pair_fixed=pair_fixed,
        infeasible=infeasible,
    )
