"""Seeded synthetic matching instances for the benchmarks (and the HIAS FY17 instance).

Households look like protection seekers from Ukraine in the EU: many mothers with children, older
people alone or in couples, few large families. Five capacity dimensions: ``persons``, ``school``
(children of school age), ``kita`` (children of day-care age), ``barrier_free`` (households that
need a barrier-free flat) and ``large_flat`` (households of five or more). Sites have sizes drawn
from a log-normal distribution and capacities a little above their share of the demand in each
dimension, so that capacities bind, and differently at different sites. Each household may go to
a few dozen sites (more often to large ones); the score of a pair mixes a household effect, a
site effect and a pair effect, in [0, 1].
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from passgenau.engine.matching.model import Instance

DIMENSIONS = ("persons", "school", "kita", "barrier_free", "large_flat")

# (share, adults, older people, children) of household compositions
COMPOSITIONS = (
    (0.17, 1, 0, 0),  # a woman alone
    (0.20, 1, 0, 1),  # mother with one child
    (0.15, 1, 0, 2),  # mother with two children
    (0.05, 1, 0, 3),  # mother with three children
    (0.10, 0, 1, 0),  # an older person alone
    (0.07, 0, 2, 0),  # an older couple
    (0.09, 1, 1, 2),  # mother, grandmother and children
    (0.10, 2, 0, 2),  # couple with children
    (0.04, 2, 1, 3),  # large family
    (0.03, 2, 0, 4),  # large family
)


def households(n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 5)`` demands in the order of :data:`DIMENSIONS`."""
    shares = np.array([c[0] for c in COMPOSITIONS])
    kind = rng.choice(len(COMPOSITIONS), size=n, p=shares / shares.sum())
    adults = np.array([c[1] for c in COMPOSITIONS])[kind]
    older = np.array([c[2] for c in COMPOSITIONS])[kind]
    children = np.array([c[3] for c in COMPOSITIONS])[kind]
    persons = adults + older + children
    school = rng.binomial(children, 0.6)
    kita = rng.binomial(children - school, 0.6)
    barrier_free = (rng.random(n) < np.where(older > 0, 0.3, 0.03)).astype(np.int64)
    large_flat = (persons >= 5).astype(np.int64)
    return np.column_stack([persons, school, kita, barrier_free, large_flat]).astype(np.int64)


def synthetic(
    n_households: int,
    n_sites: int,
    seed: int = 0,
    sites_per_household: tuple[int, int] = (20, 60),
    slack: float = 1.03,
    dimensions: int = 5,
) -> Instance:
    """A seeded synthetic instance (see the module docstring)."""
    rng = np.random.default_rng(seed)
    demand = households(n_households, rng)[:, :dimensions]
    size = rng.lognormal(0.0, 0.8, n_sites)
    share = size / size.sum()
    # capacities: the site's share of total demand, a little above it, varying by site and dimension
    noise = rng.uniform(0.97, 1.09, (n_sites, dimensions))
    capacity = np.ceil(share[:, None] * demand.sum(axis=0)[None, :] * slack * noise)
    capacity = capacity.astype(np.int64)

    lo, hi = sites_per_household
    lo, hi = min(lo, n_sites), min(hi, n_sites)
    k = rng.integers(lo, hi + 1, n_households)
    draws = np.searchsorted(np.cumsum(share), rng.random((n_households, hi)) * (1 - 1e-12))
    draws = np.minimum(draws, n_sites - 1)
    keep = np.arange(hi)[None, :] < k[:, None]
    rows = np.arange(n_households, dtype=np.int64)[:, None]
    key = np.unique((rows * n_sites + draws)[keep])  # sorted by household, then site
    pair_h = (key // n_sites).astype(np.int32)
    pair_s = (key % n_sites).astype(np.int32)
    household_effect = rng.random(n_households)
    site_effect = rng.random(n_sites)
    pair_effect = rng.random(len(key))
    score = 0.25 * household_effect[pair_h] + 0.25 * site_effect[pair_s] + 0.5 * pair_effect
    return Instance(
        household_ids=tuple(f"h{i}" for i in range(n_households)),
        site_ids=tuple(f"s{i}" for i in range(n_sites)),
        dimensions=DIMENSIONS[:dimensions],
        demand=demand,
        capacity=capacity,
        pair_household=pair_h,
        pair_site=pair_s,
        pair_score=np.round(score, 4),
    )


def pilot(seed: int = 0) -> Instance:
    """A pilot cohort: 500 households, 20 sites, 5 dimensions, most pairs allowed."""
    return synthetic(500, 20, seed=seed, sites_per_household=(10, 20))


HIAS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "hias-fy17"


def hias_fy17() -> Instance | None:
    """The HIAS FY17 instance via the project's converter, or None when the data are absent."""
    if not HIAS_DIR.is_dir():
        print(f"HIAS FY17 data not found at {HIAS_DIR}; skipped", file=sys.stderr)
        return None
    from passgenau.engine.matching.hias import read_hias

    return read_hias(HIAS_DIR)


# name -> (builder, description)
INSTANCES = {
    "hias-fy17": (hias_fy17, "HIAS FY17, 329 cases x 21 affiliates x 4 dims"),
    "pilot-500x20x5": (pilot, "pilot cohort 500 x 20 x 5"),
    "10k x 400": (lambda: synthetic(10_000, 400, seed=1), "10^4 households x 400 sites x 5"),
    "100k x 400 x 5": (lambda: synthetic(100_000, 400, seed=2), "10^5 x 400 x 5"),
    "1M x 400": (lambda: synthetic(1_000_000, 400, seed=3), "10^6 x 400 x 5"),
}
