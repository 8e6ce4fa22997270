"""Seeded synthetic profiles: Ukrainian protection seekers and German receiving places.

The generator is deterministic per seed. Its shares are assumptions, set to match published
orders of magnitude (see ``docs/engine-profiles.md`` for the list and the sources):

* BMI survey of 1,936 refugees from Ukraine, March 2022: 84 % women, 58 % came with their
  children, 17 % came alone (mostly older people), mean age 38; 52 % named psychological help
  as important; 19 % stayed with relatives and 24 % with friends.
* IAB-BiB/FReDA-BAMF-SOEP survey (BiB press release, February 2023): 80 % of adults are women,
  almost one in two lives with a minor child, three quarters of these mothers without a partner;
  72 % hold a university degree, many worked as managers, scientists or technicians.
* ifo survey 2023: the share of men rose to about one in five; single persons about one in four.

Health needs are not well measured for this population; the prevalences below are explicit
assumptions (higher for households with older members), chosen so that each hard need affects a
few per cent of households and binds at some sites.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence

import numpy as np

from .profiles import (
    DEMAND_DIMENSIONS,
    SIZE_CLASSES,
    HouseholdProfile,
    Member,
    SiteProfile,
)

__all__ = [
    "HOUSEHOLD_TYPES",
    "SITE_DIMENSIONS",
    "generate_households",
    "generate_profiles",
    "generate_sites",
]

# Household compositions and their shares (sum 1). Each entry: (name, share, adults, seniors,
# children-range). Adults are mostly women (men 18–60 could not leave Ukraine under martial law).
HOUSEHOLD_TYPES: tuple[tuple[str, float], ...] = (
    ("mother_with_children", 0.36),
    ("single_woman", 0.13),
    ("single_man", 0.04),
    ("single_senior", 0.09),
    ("couple_with_children", 0.09),
    ("couple", 0.05),
    ("three_generations", 0.09),
    ("senior_couple", 0.04),
    ("adult_with_senior_parent", 0.06),
    ("two_women_with_children", 0.03),
    ("large_family", 0.02),
)
SITE_DIMENSIONS: tuple[str, ...] = ("persons", "school", "kita", "barrier_free", "large_flat")

_CHILD_BANDS = ("0-2", "3-5", "6-9", "10-17")
_CHILD_P = (3 / 18, 3 / 18, 4 / 18, 8 / 18)  # ages spread evenly over 0–17
_PARENT_BANDS = ("18-29", "30-44", "45-64")
_PARENT_P = (0.25, 0.60, 0.15)
_ADULT_P = (0.30, 0.35, 0.35)
_SENIOR_BANDS = ("65-74", "75+")
_SENIOR_P = (0.6, 0.4)
# ISCO-08 major groups of the adults' last occupation (high share of professionals/technicians).
_ISCO_P = (0.0, 0.08, 0.30, 0.14, 0.09, 0.17, 0.02, 0.08, 0.05, 0.07)
_REGIONS = (
    "BW",
    "BY",
    "BE",
    "BB",
    "HB",
    "HH",
    "HE",
    "MV",
    "NI",
    "NW",
    "RP",
    "SL",
    "SN",
    "ST",
    "SH",
    "TH",
)
_REGION_P = np.array([44, 96, 1, 18, 2, 1, 26, 8, 45, 53, 36, 6, 13, 14, 15, 23], dtype=float)
_SERVICES_BY_SIZE: dict[str, tuple[float, float, float, float, float]] = {
    # probability that a place of each size class (village … large city) offers the service
    "dialysis": (0.10, 0.30, 0.60, 0.90, 1.00),
    "oncology": (0.00, 0.10, 0.30, 0.80, 1.00),
    "psychotherapy_uk": (0.00, 0.05, 0.15, 0.40, 0.80),
    "special_school": (0.20, 0.50, 0.80, 0.95, 1.00),
    "welcome_class": (0.30, 0.50, 0.70, 0.90, 1.00),
    "kita_immediate": (0.50, 0.40, 0.30, 0.20, 0.15),
    "specialist_practice": (0.20, 0.50, 0.80, 1.00, 1.00),
    "diabetology": (0.10, 0.30, 0.60, 0.90, 1.00),
    "trauma_counselling": (0.05, 0.20, 0.40, 0.70, 0.95),
    "maternity_care": (0.20, 0.50, 0.80, 1.00, 1.00),
    "care_service": (0.60, 0.70, 0.80, 0.90, 1.00),
}
_NAME_PREFIX = (
    "",
    "",
    "",
    "Neu",
    "Alt",
    "Ober",
    "Unter",
    "Groß",
    "Klein",
    "Bad ",
    "Hoch",
    "Nieder",
)
_NAME_ROOT = (
    "Bach",
    "Feld",
    "Burg",
    "Stadt",
    "Dorf",
    "Hausen",
    "Heim",
    "Au",
    "Berg",
    "Tal",
    "Brück",
    "Wald",
    "Hof",
    "Kirchen",
    "Mühl",
    "Stein",
    "Born",
    "Linden",
    "Eich",
    "Rosen",
)
_NAME_SUFFIX = ("", "", "en", "ingen", "stedt", "hagen", "rode", "furt", "ow", "itz")
_SOFT_RATED = (
    "family_ties",
    "ranked_places",
    "specialist_care",
    "school_kita_services",
    "language_courses",
    "labour_market",
    "size_of_place",
    "region",
    "community",
)


def _pick(rng: np.random.Generator, options: Sequence[str], p: Sequence[float]) -> str:
    return str(options[int(rng.choice(len(options), p=np.asarray(p) / np.sum(p)))])


class _Draw:
    """Fast scalar draws for the per-household loop (NumPy's scalar calls cost microseconds).

    Seeded from the NumPy generator, so the output stays deterministic per seed.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._random = random.Random(int(rng.integers(2**63)))  # not for security
        self.u = self._random.random

    def index(self, cumulative: Sequence[float]) -> int:
        """An index drawn with probability proportional to the increments of ``cumulative``."""
        return min(bisect.bisect_right(cumulative, self.u() * cumulative[-1]), len(cumulative) - 1)

    def pick(self, options: Sequence[str], cumulative: Sequence[float]) -> str:
        return options[self.index(cumulative)]

    def integer(self, low: int, high: int) -> int:
        """Uniform in ``low … high - 1``."""
        return low + min(int(self.u() * (high - low)), high - low - 1)

    def distinct(self, cumulative: Sequence[float], k: int) -> list[int]:
        """``k`` distinct indices, drawn one after another with the given weights."""
        chosen: list[int] = []
        attempts = 0
        while len(chosen) < k and attempts < 50 * k:
            i = self.index(cumulative)
            attempts += 1
            if i not in chosen:
                chosen.append(i)
        return chosen


def _cum(p: Sequence[float]) -> list[float]:
    return [float(x) for x in np.cumsum(p)]


_PARENT_CUM = _cum(_PARENT_P)
_ADULT_CUM = _cum(_ADULT_P)
_SINGLE_MAN_CUM = _cum((0.45, 0.25, 0.30))
_DAUGHTER_CUM = _cum((0.1, 0.4, 0.5))
_SENIOR_CUM = _cum(_SENIOR_P)
_CHILD_CUM = _cum(_CHILD_P)
_N_CHILDREN_CUM = _cum((0.55, 0.35, 0.10))


def _members(kind: str, draw: _Draw) -> list[Member]:
    def adult(relation: str, cumulative: Sequence[float] = _PARENT_CUM) -> Member:
        return Member(draw.pick(_PARENT_BANDS, cumulative), "adult", relation)

    def senior(relation: str) -> Member:
        return Member(draw.pick(_SENIOR_BANDS, _SENIOR_CUM), "senior", relation)

    def children(n: int) -> list[Member]:
        return [Member(draw.pick(_CHILD_BANDS, _CHILD_CUM), "child", "child") for _ in range(n)]

    def n_children() -> int:
        return 1 + draw.index(_N_CHILDREN_CUM)

    if kind == "mother_with_children":
        return [adult("mother"), *children(n_children())]
    if kind == "single_woman":
        return [adult("woman", _ADULT_CUM)]
    if kind == "single_man":
        return [adult("man", _SINGLE_MAN_CUM)]
    if kind == "single_senior":
        return [senior("woman" if draw.u() < 0.7 else "man")]
    if kind == "couple_with_children":
        return [adult("mother"), adult("father"), *children(n_children())]
    if kind == "couple":
        return [adult("wife", _ADULT_CUM), adult("husband", _ADULT_CUM)]
    if kind == "three_generations":
        return [adult("mother"), senior("grandmother"), *children(n_children())]
    if kind == "senior_couple":
        return [senior("wife"), senior("husband")]
    if kind == "adult_with_senior_parent":
        return [adult("daughter", _DAUGHTER_CUM), senior("mother")]
    if kind == "two_women_with_children":
        return [adult("mother"), adult("sister"), *children(draw.integer(1, 4))]
    if kind == "large_family":
        return [adult("mother"), adult("father"), *children(draw.integer(3, 6))]
    raise ValueError(kind)


def _needs(members: Sequence[Member], draw: _Draw) -> frozenset[str]:
    bands = {m.age_band for m in members}
    senior = bool(bands & {"65-74", "75+"})
    very_old = "75+" in bands
    school = bool(bands & {"6-9", "10-17"})
    young_woman = any(
        m.relation in ("mother", "woman", "wife", "sister", "daughter")
        and m.age_band in ("18-29", "30-44")
        for m in members
    )
    prevalence = {
        "barrier_free": 0.35 if very_old else 0.18 if senior else 0.03,
        "dialysis": 0.008 if senior else 0.002,
        "oncology": 0.03 if senior else 0.008,
        "psychotherapy_uk": 0.06,
        "special_school": 0.04 if school else 0.0,
        "chronic_illness": 0.35 if senior else 0.12,
        "diabetes": 0.12 if senior else 0.04,
        "trauma": 0.15,
        "pregnancy": 0.03 if young_woman else 0.0,
        "care_need": 0.25 if very_old else 0.01,
    }
    return frozenset(tag for tag, p in prevalence.items() if draw.u() < p)


def generate_sites(n_sites: int, rng: np.random.Generator) -> list[SiteProfile]:
    """Sites without capacities (see :func:`generate_profiles`)."""
    population = np.exp(rng.normal(np.log(60_000), 1.0, n_sites)).round().astype(int)
    bounds = (10_000, 30_000, 100_000, 500_000)
    names: set[str] = set()
    sites: list[SiteProfile] = []
    for i in range(n_sites):
        pop = int(population[i])
        size_i = int(np.searchsorted(bounds, pop, side="right"))
        size = SIZE_CLASSES[size_i]
        prefix = _NAME_PREFIX[int(rng.integers(len(_NAME_PREFIX)))]
        root = _NAME_ROOT[int(rng.integers(len(_NAME_ROOT)))]
        if prefix and not prefix.endswith(" "):
            root = root.lower()  # "Neu" + "Hausen" → "Neuhausen"
        name = prefix + root + _NAME_SUFFIX[int(rng.integers(len(_NAME_SUFFIX)))]
        if name in names:
            name = f"{name} {i + 1}"
        names.add(name)
        services = frozenset(s for s, p in _SERVICES_BY_SIZE.items() if rng.random() < p[size_i])
        urban = size_i / 4
        labour = {
            str(k): float(np.clip(base + rng.normal(0, 0.15), 0, 1))
            for k, base in enumerate(
                (
                    0.1,
                    0.4 + 0.2 * urban,
                    0.4 + 0.3 * urban,
                    0.6,
                    0.4,
                    0.6,
                    0.6 - 0.4 * urban,
                    0.8 - 0.2 * urban,
                    0.7 - 0.2 * urban,
                    0.5,
                )
            )
        }
        communities = {
            "uk": int(pop * rng.uniform(0.004, 0.015)),
            "ru": int(pop * rng.uniform(0.002, 0.010)),
            "pl": int(pop * rng.uniform(0.001, 0.006)),
        }
        priorities: dict[str, float] = {}
        if rng.random() < 0.25:
            for crit in rng.choice(
                ["labour_market", "family_ties", "community", "language_courses"],
                size=int(rng.integers(1, 3)),
                replace=False,
            ):
                priorities[str(crit)] = float(rng.choice([0.5, 2.0, 3.0]))
        groups: frozenset[str] = frozenset()
        if rng.random() < 0.2:
            groups = frozenset(
                {
                    _pick(
                        rng,
                        ("family_with_children", "single_adult", "has_senior", "large_family"),
                        (0.4, 0.3, 0.2, 0.1),
                    )
                }
            )
        sites.append(
            SiteProfile(
                id=f"S{i + 1:04d}",
                name=name,
                capacity={},
                services=services,
                size_class=size,
                region=_REGIONS[int(rng.choice(len(_REGIONS), p=_REGION_P / _REGION_P.sum()))],
                labour_demand=labour,
                communities=communities,
                language_course_places=int(pop / 2000 * rng.uniform(0.5, 1.5)),
                priorities=priorities,
                priority_groups=groups,
            )
        )
    return sites


def generate_households(
    n_households: int, sites: Sequence[SiteProfile], rng: np.random.Generator
) -> list[HouseholdProfile]:
    """Households whose ties and wishes refer to ``sites``."""
    draw = _Draw(rng)
    kinds = [k for k, _ in HOUSEHOLD_TYPES]
    kind_cum = _cum([p for _, p in HOUSEHOLD_TYPES])
    site_ids = [s.id for s in sites]
    # relatives and friends live where Ukrainians already are
    tie_cum = _cum([s.communities.get("uk", 0) + 1.0 for s in sites])
    # bigger places are asked for more often
    popular_cum = _cum([(1.0 + SIZE_CLASSES.index(s.size_class or "village")) ** 2 for s in sites])
    uniform_cum = _cum([1.0] * len(sites))
    isco_cum = _cum(_ISCO_P)
    rating_cum = _cum((0.15, 0.3, 0.3, 0.25))
    size_cum = _cum((0.05, 0.1, 0.2, 0.3, 0.35))
    regions = sorted({s.region or "" for s in sites})
    width = len(str(n_households))
    out: list[HouseholdProfile] = []
    for i in range(n_households):
        members = _members(kinds[draw.index(kind_cum)], draw)
        n_adults = sum(m.role == "adult" for m in members)
        languages = ["uk", "ru"] if draw.u() < 0.6 else ["uk"]
        if draw.u() < 0.08:
            languages = ["ru"]
        if n_adults and draw.u() < 0.30:
            languages.append("en")
        if draw.u() < 0.07:
            languages.append("de")
        if draw.u() < 0.10:
            languages.append("pl")
        occupations = tuple(str(draw.index(isco_cum)) for _ in range(n_adults) if draw.u() < 0.85)
        ties: tuple[str, ...] = ()
        if sites and draw.u() < 0.25:
            n_ties = min(2 if draw.u() < 0.2 else 1, len(sites))
            ties = tuple(site_ids[k] for k in draw.distinct(tie_cum, n_ties))
        ranked: tuple[str, ...] = ()
        if sites and draw.u() < 0.45:
            n_ranked = min(draw.integer(1, 6), len(sites))
            ranked = tuple(site_ids[k] for k in draw.distinct(popular_cum, n_ranked))
        excluded: frozenset[str] = frozenset()
        if len(sites) > 3 and draw.u() < 0.12:
            wanted = set(ranked) | set(ties)
            n_excluded = draw.integer(1, 4)
            picks = draw.distinct(uniform_cum, min(n_excluded + len(wanted), len(sites)))
            excluded = frozenset(
                [site_ids[k] for k in picks if site_ids[k] not in wanted][:n_excluded]
            )
        importance = {c: draw.index(rating_cum) for c in _SOFT_RATED if draw.u() < 0.7}
        if ties and "family_ties" in importance:
            importance["family_ties"] = max(importance["family_ties"], 2)
        needs = _needs(members, draw)
        preferred_size = draw.pick(SIZE_CLASSES, size_cum) if draw.u() < 0.5 else None
        preferred_region = (
            regions[draw.integer(0, len(regions))] if regions and draw.u() < 0.25 else None
        )
        out.append(
            HouseholdProfile(
                id=f"H{i + 1:0{width}d}",
                members=tuple(members),
                languages=tuple(languages),
                occupations=occupations,
                needs=needs,
                ties=ties,
                importance=importance,
                ranked_places=ranked,
                excluded_places=excluded,
                preferred_size=preferred_size,
                preferred_region=preferred_region,
            )
        )
    return out


def _capacities(
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    rng: np.random.Generator,
    slack: float,
) -> list[SiteProfile]:
    """Spread total demand × slack over the sites by size, with stochastic rounding."""
    total = np.zeros(len(SITE_DIMENSIONS))
    for h in households:
        demand = h.demand()
        total += [demand[d] for d in SITE_DIMENSIONS]
    weight = np.array([s.communities.get("uk", 0) + 50.0 for s in sites]) ** 0.9
    weight *= rng.uniform(0.7, 1.3, len(sites))
    share = weight / weight.sum()
    expected = share[:, None] * total[None, :] * slack
    capacity = np.floor(expected) + (rng.random(expected.shape) < expected - np.floor(expected))
    capacity = capacity.astype(int)
    out = []
    for s, row in zip(sites, capacity, strict=True):
        cap = {d: int(v) for d, v in zip(SITE_DIMENSIONS, row, strict=True)}
        out.append(SiteProfile(**{**s.__dict__, "capacity": cap}))
    return out


def generate_profiles(
    n_households: int, n_sites: int, seed: int = 0, *, slack: float = 1.06
) -> tuple[list[HouseholdProfile], list[SiteProfile]]:
    """Synthetic households and sites, deterministic per seed.

    Capacities in each of :data:`SITE_DIMENSIONS` add up to about ``slack`` times the total demand,
    spread over the sites by size, so that they bind at the popular places.
    """
    if n_households < 0 or n_sites < 1:
        raise ValueError("need at least one site and a non-negative number of households")
    assert set(SITE_DIMENSIONS) <= set(DEMAND_DIMENSIONS)
    rng = np.random.default_rng(seed)
    sites = generate_sites(n_sites, rng)
    households = generate_households(n_households, sites, rng)
    return households, _capacities(households, sites, rng, slack)
