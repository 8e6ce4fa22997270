"""The matching model: plain instances, solve options and results.

Everything here is a frozen dataclass over read-only NumPy arrays, so that an instance can be
shared between mechanisms without any of them mutating it. Households and sites are referred to
by their position (0 … H-1, 0 … S-1); the original ids are kept alongside for input and output.

Allowed pairs are stored sparsely (one entry per allowed household–site pair, sorted by household,
then site): a pair that is absent is not allowed. Dense score matrices do not scale
(10⁶ × 400 × 8 bytes is 3.2 GB).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..problems import InputError, InputProblem

__all__ = [
    "MECHANISMS",
    "STATUSES",
    "Instance",
    "InstanceError",
    "Mechanism",
    "Result",
    "SolveOptions",
    "Status",
    "package_version",
]

Mechanism = Literal["optimal", "scalable", "stable", "auto", "greedy"]
Status = Literal["optimal", "feasible", "infeasible", "time_limit"]
MECHANISMS: tuple[str, ...] = ("optimal", "scalable", "stable", "auto")
STATUSES: tuple[str, ...] = ("optimal", "feasible", "infeasible", "time_limit")

IntArray = npt.NDArray[np.int64]
IdxArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


class InstanceError(InputError):
    """An instance that cannot be solved as given; carries every problem found, not one."""

    problems: list[InputProblem]


def _frozen(array: npt.ArrayLike, dtype: type) -> npt.NDArray[np.generic]:
    out: npt.NDArray[np.generic] = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def _sorted_pairs(ph: npt.NDArray[np.int64], ps: npt.NDArray[np.int64]) -> bool:
    """True when the pairs are strictly increasing by (household, site): a linear-time check
    that spares a full sort of pairs that come sorted (10⁷ pairs sort in seconds)."""
    if len(ph) < 2:
        return True
    step_h = np.diff(ph)
    return bool(np.all(step_h >= 0) and np.all((step_h > 0) | (np.diff(ps) > 0)))


@dataclass(frozen=True, eq=False)
class Instance:
    """A plain matching instance (see ``docs/engine.md``).

    Parameters
    ----------
    household_ids, site_ids
        External ids, in index order.
    dimensions
        Names of the capacity dimensions (``persons``, ``school``, …), the same for households
        and sites.
    demand
        ``(H, D)`` non-negative integers: what placing household ``h`` uses up in each dimension.
    capacity
        ``(S, D)`` non-negative integers: the most a site takes in each dimension.
    pair_household, pair_site, pair_score
        The allowed pairs, sorted by household then site; scores are finite and ≥ 0.
    min_load
        ``(S, D)`` non-negative integers: the least a site must receive in each dimension
        (a fair share of a quota). All zeros when not given.
    fixed_household, fixed_site
        Placements that must stay (e.g. already accepted). Each fixed pair is an allowed pair.
    links
        Groups of household indices that must be placed at the same site, or not at all.
    site_names
        Readable names of the sites (defaults to the ids).
    """

    household_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    dimensions: tuple[str, ...]
    demand: IntArray
    capacity: IntArray
    pair_household: IdxArray
    pair_site: IdxArray
    pair_score: FloatArray
    min_load: IntArray | None = None
    fixed_household: IdxArray | None = None
    fixed_site: IdxArray | None = None
    links: tuple[tuple[int, ...], ...] = ()
    site_names: tuple[str, ...] = ()
    _hash: list[str] = field(default_factory=list, repr=False, compare=False)
    _start: list[npt.NDArray[np.integer]] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        h, s, d = len(self.household_ids), len(self.site_ids), len(self.dimensions)
        set_ = object.__setattr__
        set_(self, "demand", _frozen(np.asarray(self.demand).reshape(h, d), np.int64))
        set_(self, "capacity", _frozen(np.asarray(self.capacity).reshape(s, d), np.int64))
        ph = np.asarray(self.pair_household, dtype=np.int64)
        ps = np.asarray(self.pair_site, dtype=np.int64)
        sc = np.asarray(self.pair_score, dtype=np.float64)
        if not (len(ph) == len(ps) == len(sc)):
            raise ValueError("pair arrays differ in length")
        if not _sorted_pairs(ph, ps):
            # A stable sort, so that duplicate pairs (rejected by the readers) keep their order.
            order = np.lexsort((ps, ph))
            ph, ps, sc = ph[order], ps[order], sc[order]
        set_(self, "pair_household", _frozen(ph, np.int32))
        set_(self, "pair_site", _frozen(ps, np.int32))
        set_(self, "pair_score", _frozen(sc, np.float64))
        min_load = np.zeros((s, d)) if self.min_load is None else np.asarray(self.min_load)
        set_(self, "min_load", _frozen(min_load.reshape(s, d), np.int64))
        fh: npt.ArrayLike = [] if self.fixed_household is None else self.fixed_household
        fs: npt.ArrayLike = [] if self.fixed_site is None else self.fixed_site
        set_(self, "fixed_household", _frozen(fh, np.int32))
        set_(self, "fixed_site", _frozen(fs, np.int32))
        set_(self, "links", tuple(tuple(int(x) for x in g) for g in self.links))
        if not self.site_names:
            set_(self, "site_names", tuple(self.site_ids))
        if len(self.site_names) != s:
            raise ValueError("site_names must have one entry per site")

    # -- sizes -------------------------------------------------------------------------------
    @property
    def n_households(self) -> int:
        return len(self.household_ids)

    @property
    def n_sites(self) -> int:
        return len(self.site_ids)

    @property
    def n_pairs(self) -> int:
        return int(self.pair_household.shape[0])

    @property
    def persons(self) -> IntArray:
        """Persons per household: the ``persons`` dimension if there is one, else 1 each."""
        if "persons" in self.dimensions:
            col = self.demand[:, self.dimensions.index("persons")]
            return np.asarray(col, dtype=np.int64)
        return np.ones(self.n_households, dtype=np.int64)

    @property
    def household_pair_start(self) -> IdxArray:
        """CSR row pointer: the pairs of household ``h`` are ``start[h]:start[h+1]``.

        Computed once and kept (read-only): mechanisms, checks and explanations ask for it often.
        """
        if not self._start:
            counts = np.bincount(self.pair_household, minlength=self.n_households)
            start = np.zeros(self.n_households + 1, dtype=np.int64)
            np.cumsum(counts, out=start[1:])
            kept = start.astype(np.int32) if start[-1] < 2**31 else start
            kept.setflags(write=False)
            self._start.append(kept)
        return self._start[0]  # type: ignore[return-value]

    def pair_indices(
        self, households: npt.NDArray[np.integer], sites: npt.NDArray[np.integer]
    ) -> npt.NDArray[np.int64]:
        """Vectorised :meth:`pair_index`: the index of each allowed pair, -1 where not allowed."""
        # Pairs are sorted by household then site, so the combined keys are sorted too.
        wanted = np.asarray(households, dtype=np.int64) * self.n_sites + np.asarray(sites)
        if self.n_pairs == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        keys = self.pair_household.astype(np.int64) * self.n_sites + self.pair_site
        k = np.searchsorted(keys, wanted)
        found = (k < len(keys)) & (keys[np.minimum(k, len(keys) - 1)] == wanted)
        return np.where(found, k, -1).astype(np.int64)

    def pair_index(self, household: int, site: int) -> int | None:
        """Index of the allowed pair (household, site), or None when the pair is not allowed."""
        start = self.household_pair_start
        lo, hi = int(start[household]), int(start[household + 1])
        sites = self.pair_site[lo:hi]
        k = int(np.searchsorted(sites, site))
        if k < len(sites) and int(sites[k]) == site:
            return lo + k
        return None

    def input_hash(self) -> str:
        """SHA-256 over the instance's content: the same input, the same hash on any machine."""
        if not self._hash:
            digest = hashlib.sha256()
            for ids in (self.household_ids, self.site_ids, self.dimensions):
                digest.update("\x1f".join(ids).encode())
                digest.update(b"\x1e")
            for arr in (
                self.demand,
                self.capacity,
                self.min_load,
                self.pair_household,
                self.pair_site,
                np.round(self.pair_score, 12),
                self.fixed_household,
                self.fixed_site,
            ):
                assert arr is not None
                digest.update(np.ascontiguousarray(arr).tobytes())
                digest.update(b"\x1e")
            digest.update(repr(self.links).encode())
            self._hash.append(digest.hexdigest())
        return self._hash[0]


@dataclass(frozen=True)
class SolveOptions:
    """Options every mechanism honours."""

    time_limit: float | None = None  # seconds; None: no limit
    seed: int = 0
    # Lexicographic goal: first place as many persons as possible, then maximise the total score.
    # When False, only the total score is maximised.
    maximise_persons_first: bool = True
    # Relative gap at which the exact mechanism may stop and call the result optimal.
    mip_gap: float = 1e-9
    # Relative gap the scalable mechanism aims for before it stops improving.
    target_gap: float = 5e-4
    progress: bool = False  # print progress to stderr on long runs


@dataclass(frozen=True, eq=False)
class Result:
    """What a mechanism returns.

    ``assignment[h]`` is the index of the site household ``h`` is placed at, or -1.
    ``objective`` is the total score of the placement; ``bound`` a proven upper bound on the total
    score among placements that place the same number of persons (lexicographic goal), or None
    where the mechanism proves none; ``gap`` = (bound - objective) / max(|bound|, 1e-9).
    ``site_duals`` are shadow prices of the capacities, ``(S, D)``, where a mechanism has them.
    """

    mechanism: str
    status: Status
    assignment: IdxArray
    objective: float
    bound: float | None
    seconds: float
    solver: str
    solver_version: str
    seed: int
    input_hash: str
    placed_households: int
    placed_persons: int
    site_duals: FloatArray | None = None
    blocking_pairs: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        return max(0.0, (self.bound - self.objective) / max(abs(self.bound), 1e-9))


def package_version() -> str:
    """The installed passgenau version ("unknown" when running from a bare source tree)."""
    try:
        return importlib.metadata.version("passgenau")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
