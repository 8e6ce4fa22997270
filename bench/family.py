"""A seeded, named family of plain matching instances that vary what real programmes vary.

Every instance is a :class:`Spec`; its name spells out its parameters, e.g.
``f-40k-300s-4d-a25-c103-mixed-corr``:

- ``40k`` households (10³–10⁶), ``300s`` sites (20–1,000), ``4d`` capacity dimensions (1–6, in
  the order ``persons, school, kita, barrier_free, large_flat, older``);
- ``a25``: allowed pairs, per cent of all (household, site) pairs (5–100); each household is
  allowed at about that share of the sites, large sites more often;
- ``c103``: capacities, per cent of the demand (90–130) in every dimension, spread over the
  sites by a log-normal size with ±6 % noise per site and dimension (below 100 not everyone fits);
- household sizes: ``single`` (mostly single persons), ``mixed`` (protection seekers from
  Ukraine: mothers with children, older people, few large families) or ``heavy`` (a heavy tail of
  large families, up to 12 persons);
- scores in [0, 1]: ``unif`` (independent uniform), ``skew`` (most pairs poor, a few very good),
  ``corr`` (correlated with the site: good places everyone wants) or ``reg`` (each household
  strongly prefers the sites of its own region).

Profile-level instances (``p-20k-400s-seed7``) are what ``passgenau generate`` builds: synthetic
profiles scored by the shipped criteria catalogue, as the web application runs them.

The seed of an instance is derived from its name, so the same name always gives the same
instance. ``QUICK`` is a subset that runs in minutes on two cores, ``FULL`` the whole grid.

    python bench/family.py --list            # names, sizes and allowed pairs
    python bench/family.py --show NAME       # summary of one instance
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from passgenau.engine.matching.model import Instance

HERE = Path(__file__).resolve().parent
CACHE = HERE / "out" / "cache" / "family"

DIMENSIONS = ("persons", "school", "kita", "barrier_free", "large_flat", "older")
SIZES = ("single", "mixed", "heavy")
SCORES = ("unif", "skew", "corr", "reg")

# (share, adults, older people, children) of household compositions
_MIXED = (
    (0.17, 1, 0, 0),
    (0.20, 1, 0, 1),
    (0.15, 1, 0, 2),
    (0.05, 1, 0, 3),
    (0.10, 0, 1, 0),
    (0.07, 0, 2, 0),
    (0.09, 1, 1, 2),
    (0.10, 2, 0, 2),
    (0.04, 2, 1, 3),
    (0.03, 2, 0, 4),
)
_SINGLE = (
    (0.72, 1, 0, 0),
    (0.10, 0, 1, 0),
    (0.08, 1, 0, 1),
    (0.06, 2, 0, 0),
    (0.04, 2, 0, 1),
)


@dataclass(frozen=True)
class Spec:
    """One instance of the family (see the module docstring)."""

    households: int
    sites: int
    dims: int
    allowed: int  # per cent of all pairs
    capacity: int  # per cent of demand
    sizes: str
    scores: str

    @property
    def name(self) -> str:
        return (
            f"f-{_count(self.households)}-{self.sites}s-{self.dims}d-a{self.allowed}"
            f"-c{self.capacity}-{self.sizes}-{self.scores}"
        )

    @property
    def expected_pairs(self) -> int:
        return int(self.households * max(1.0, self.sites * self.allowed / 100))

    @property
    def seed(self) -> int:
        return int.from_bytes(hashlib.sha256(self.name.encode()).digest()[:4], "little")


@dataclass(frozen=True)
class ProfileSpec:
    """A profile-level instance: ``passgenau generate --households H --sites S --seed N``."""

    households: int
    sites: int
    seed: int
    top_sites: int | None = None

    @property
    def name(self) -> str:
        top = f"-top{self.top_sites}" if self.top_sites else ""
        return f"p-{_count(self.households)}-{self.sites}s-seed{self.seed}{top}"


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def parse(name: str) -> Spec | ProfileSpec:
    """The spec a name stands for (the inverse of ``Spec.name``)."""

    def count(text: str) -> int:
        scale = {"k": 1000, "M": 1_000_000}.get(text[-1], 1)
        return int(text[:-1] if scale > 1 else text) * scale

    parts = name.split("-")
    try:
        if parts[0] == "p":
            top = int(parts[4][3:]) if len(parts) > 4 else None
            return ProfileSpec(count(parts[1]), int(parts[2][:-1]), int(parts[3][4:]), top)
        if parts[0] == "f" and len(parts) == 8:
            spec = Spec(
                households=count(parts[1]),
                sites=int(parts[2][:-1]),
                dims=int(parts[3][:-1]),
                allowed=int(parts[4][1:]),
                capacity=int(parts[5][1:]),
                sizes=parts[6],
                scores=parts[7],
            )
            if spec.sizes in SIZES and spec.scores in SCORES and 1 <= spec.dims <= 6:
                return spec
    except (ValueError, IndexError):
        pass
    raise ValueError(f"not a family instance name: {name!r}")


# -- generation ----------------------------------------------------------------------------------
def _demand(spec: Spec, rng: np.random.Generator) -> np.ndarray:
    n = spec.households
    if spec.sizes == "heavy":
        # a third single, the rest families whose size has a heavy (geometric) tail up to 12
        size = np.where(rng.random(n) < 0.3, 1, np.minimum(1 + rng.geometric(0.28, n), 12))
        older = rng.binomial(np.minimum(size, 2), 0.12)
        adults = np.maximum(np.minimum(size - older, 1 + rng.binomial(1, 0.6, n)), 0)
        adults = np.minimum(adults, size - older)
        children = size - older - adults
    else:
        table = _MIXED if spec.sizes == "mixed" else _SINGLE
        shares = np.array([c[0] for c in table])
        kind = rng.choice(len(table), size=n, p=shares / shares.sum())
        adults = np.array([c[1] for c in table])[kind]
        older = np.array([c[2] for c in table])[kind]
        children = np.array([c[3] for c in table])[kind]
    persons = adults + older + children
    school = rng.binomial(children, 0.6)
    kita = rng.binomial(children - school, 0.6)
    barrier_free = (rng.random(n) < np.where(older > 0, 0.3, 0.03)).astype(np.int64)
    large_flat = (persons >= 5).astype(np.int64)
    columns = [persons, school, kita, barrier_free, large_flat, older]
    return np.column_stack(columns[: spec.dims]).astype(np.int64)


def _pairs(spec: Spec, size: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Allowed pairs: each (household, site) with a probability proportional to the site's size
    (capped at 1) and averaging the allowed share; every household gets at least one site."""
    n_h, n_s = spec.households, spec.sites
    share = spec.allowed / 100
    weight = size / size.mean()
    prob = np.minimum(1.0, share * weight)
    for _ in range(20):  # rescale so that the mean stays at the share despite the cap
        prob = np.minimum(1.0, prob * share / max(prob.mean(), 1e-12))
    block = max(1, 4_000_000 // n_s)
    hs, ss = [], []
    for lo in range(0, n_h, block):
        hi = min(n_h, lo + block)
        if share >= 1.0:
            keep = np.ones((hi - lo, n_s), dtype=bool)
        else:
            keep = rng.random((hi - lo, n_s)) < prob[None, :]
            empty = ~keep.any(axis=1)
            if empty.any():
                keep[np.flatnonzero(empty), rng.integers(0, n_s, int(empty.sum()))] = True
        h, s = np.nonzero(keep)
        hs.append(h + lo)
        ss.append(s)
    return np.concatenate(hs).astype(np.int32), np.concatenate(ss).astype(np.int32)


def _scores(spec: Spec, ph: np.ndarray, ps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.random(len(ph))
    if spec.scores == "unif":
        score = noise
    elif spec.scores == "skew":
        score = noise**4  # most pairs poor, a few very good
    elif spec.scores == "corr":
        quality = rng.beta(2.0, 2.0, spec.sites)  # good places everyone wants
        score = 0.75 * quality[ps] + 0.25 * noise
    else:  # regional: a household's own region strongly preferred
        regions = max(4, spec.sites // 25)
        site_region = rng.integers(0, regions, spec.sites)
        home = rng.integers(0, regions, spec.households)
        score = np.where(site_region[ps] == home[ph], 0.7 + 0.3 * noise, 0.3 * noise)
    return np.round(score, 4)


def build(spec: Spec | ProfileSpec) -> Instance:
    """The instance ``spec`` stands for (deterministic)."""
    if isinstance(spec, ProfileSpec):
        from passgenau.engine.matching.scoring import score_profiles
        from passgenau.engine.matching.synthetic import generate_profiles

        households, sites = generate_profiles(spec.households, spec.sites, spec.seed)
        instance, _ = score_profiles(households, sites, top_k=spec.top_sites)
        return instance
    rng = np.random.default_rng(spec.seed)
    demand = _demand(spec, rng)
    size = rng.lognormal(0.0, 0.8, spec.sites)
    noise = rng.uniform(0.94, 1.06, (spec.sites, spec.dims))
    total = demand.sum(axis=0).astype(np.float64)
    capacity = np.floor(
        (size / size.sum())[:, None] * total[None, :] * (spec.capacity / 100) * noise + 0.5
    ).astype(np.int64)
    ph, ps = _pairs(spec, size, rng)
    score = _scores(spec, ph, ps, rng)
    return Instance(
        household_ids=tuple(f"h{i}" for i in range(spec.households)),
        site_ids=tuple(f"s{i}" for i in range(spec.sites)),
        dimensions=DIMENSIONS[: spec.dims],
        demand=demand,
        capacity=capacity,
        pair_household=ph,
        pair_site=ps,
        pair_score=score,
    )


def load(name: str) -> Instance:
    """The instance called ``name``, from the cache (``bench/out/cache/family``) when there."""
    path = CACHE / f"{name}.npz"
    if path.exists():
        data = np.load(path)
        n_h, n_s = int(data["demand"].shape[0]), int(data["capacity"].shape[0])
        return Instance(
            household_ids=tuple(f"h{i}" for i in range(n_h)),
            site_ids=tuple(f"s{i}" for i in range(n_s)),
            dimensions=tuple(str(d) for d in data["dimensions"]),
            demand=data["demand"],
            capacity=data["capacity"],
            pair_household=data["pair_household"],
            pair_site=data["pair_site"],
            pair_score=data["pair_score"],
        )
    instance = build(parse(name))
    if instance.links or len(instance.fixed_household) or np.any(instance.min_load > 0):
        return instance  # not cached: the cache holds plain instances only
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        dimensions=np.array(instance.dimensions),
        demand=instance.demand,
        capacity=instance.capacity,
        pair_household=instance.pair_household,
        pair_site=instance.pair_site,
        pair_score=instance.pair_score,
    )
    return instance


# -- the grid ------------------------------------------------------------------------------------
def _grid() -> tuple[list[str], list[str]]:
    """(quick, full): one-factor-at-a-time variations around a base shape at each size, plus
    hard combinations; the allowed share is kept so that pairs stay at most ~4·10⁷."""
    quick: list[Spec | ProfileSpec] = []
    full: list[Spec | ProfileSpec] = []

    def variations(households: int, sites: int, allowed: int) -> list[Spec]:
        base = Spec(households, sites, 4, allowed, 103, "mixed", "unif")
        out = [base]
        out += [Spec(households, sites, d, allowed, 103, "mixed", "unif") for d in (1, 6)]
        out += [Spec(households, sites, 4, allowed, c, "mixed", "unif") for c in (90, 100, 130)]
        out += [Spec(households, sites, 4, allowed, 103, z, "unif") for z in ("single", "heavy")]
        out += [Spec(households, sites, 4, allowed, 103, "mixed", k) for k in SCORES[1:]]
        return out

    # 10^3: small enough for the exact mechanism and the full LP; every factor, every density
    quick += [Spec(1000, 20, 3, a, 103, "mixed", "unif") for a in (5, 25, 100)]
    quick += [
        Spec(1000, 20, 3, 100, 90, "heavy", "reg"),
        Spec(1000, 50, 6, 25, 100, "heavy", "corr"),
        Spec(2000, 40, 4, 50, 103, "mixed", "skew"),
        Spec(2000, 100, 2, 10, 130, "single", "corr"),
    ]
    # 10^4: the size where the target gap 0.1 % starts
    quick += [
        Spec(10_000, 100, 4, 25, 103, "mixed", "corr"),
        Spec(10_000, 200, 3, 10, 95, "heavy", "reg"),
        Spec(20_000, 300, 4, 25, 103, "mixed", "unif"),
    ]
    quick += [ProfileSpec(2000, 100, 7)]
    full += quick
    full += [s for s in variations(1000, 50, 25) if s not in full]
    full += variations(10_000, 200, 10)
    full += [
        Spec(10_000, 1000, 5, 5, 103, "mixed", "unif"),
        Spec(10_000, 20, 5, 100, 103, "heavy", "skew"),
        Spec(40_000, 300, 4, 25, 103, "mixed", "unif"),  # the shape of the first
        Spec(40_000, 300, 4, 25, 103, "mixed", "corr"),
        Spec(60_000, 400, 3, 10, 95, "heavy", "reg"),  # the shape of the second
        Spec(60_000, 400, 3, 10, 100, "heavy", "reg"),
    ]
    full += variations(100_000, 400, 10)
    full += [
        Spec(1_000_000, 400, 5, 10, 103, "mixed", "unif"),
        Spec(1_000_000, 1000, 4, 5, 100, "heavy", "reg"),
    ]
    full += [ProfileSpec(20_000, 400, 7), ProfileSpec(20_000, 400, 7, top_sites=40)]
    names_quick = [s.name for s in quick]
    names_full: list[str] = []
    for s in full:
        if s.name not in names_full:
            names_full.append(s.name)
    return names_quick, names_full


QUICK, FULL = _grid()


def describe(instance: Instance) -> str:
    persons = int(instance.persons.sum())
    cap = int(instance.capacity[:, 0].sum())
    best = np.zeros(instance.n_households)
    np.maximum.at(best, instance.pair_household, instance.pair_score)
    return (
        f"{instance.n_households} households ({persons} persons), {instance.n_sites} sites, "
        f"{len(instance.dimensions)} dims, {instance.n_pairs} allowed pairs "
        f"({100 * instance.n_pairs / max(instance.n_households * instance.n_sites, 1):.1f} %), "
        f"capacity {cap} in {instance.dimensions[0]}, trivial bound {best.sum():.4f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="names of the full grid")
    parser.add_argument("--quick", action="store_true", help="the quick subset only")
    parser.add_argument("--show", nargs="*", help="build (cache) and summarise these instances")
    args = parser.parse_args(argv)
    names = QUICK if args.quick else FULL
    if args.show is not None:
        for name in args.show or names:
            print(f"{name}: {describe(load(name))}")
        return 0
    for name in names:
        spec = parse(name)
        pairs = spec.expected_pairs if isinstance(spec, Spec) else "?"
        print(f"{name}\t~{pairs} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
