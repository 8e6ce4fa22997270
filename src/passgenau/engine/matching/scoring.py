"""Vectorised scoring: household and site profiles → a plain :class:`~.model.Instance`.

The entry point is :func:`score_profiles`. Profiles are first *encoded* once into NumPy arrays
(tags as boolean matrices, ties/ranked/excluded places as sorted sparse keys, occupations as
fractions per ISCO major group, …). Each rule of :mod:`.criteria` is defined once, as a function
evaluated on any list of pairs; explanations use it to recompute the per-criterion contributions
of the pairs they need instead of storing an ``H × S × C`` array.

Scoring all pairs uses a faster, equivalent route, in blocks of consecutive households against all
sites (memory proportional to the block, never to ``H × S``):

* hard criteria are evaluated once per *pattern* of household features they look at (demand in
  the compared dimensions, hard need tags) and gathered; excluded places are scattered in;
* every soft rule's score factorises as ``x_c(h, s) = U_c[h] · V_c[s]`` plus a sparse correction
  (one-hot codes for size class, region and language patterns; shares for occupations and needs;
  sparse keys for ties and ranked places), so the numerators of a block are one matrix product
  plus a scatter, and the totals of the weights another matrix product.

The tests check both routes against a plain per-pair reference implementation.

Scoring formula
---------------
For a household ``h``, a site ``s`` and a soft criterion ``c`` with criterion score
``x_c(h, s) ∈ [0, 1]``, the weight is

    ω_c(h, s) = r_c(h) · π_c(s) · a_c(h, s)

where ``r_c(h) ∈ {0, 1, 2, 3}`` is the household's importance rating (the catalogue's default when
the household gave none, the catalogue's fixed weight for criteria rated by the site),
``π_c(s) ∈ [0, 3]`` the site's priority for the criterion (1 when not given) and
``a_c(h, s) ∈ {0, 1}`` whether the criterion applies to the pair (ties count only for households
that have ties, the size class only when a size is preferred, …). The pair score is the weighted
mean

    score(h, s) = Σ_c ω_c(h, s) · x_c(h, s) / Σ_c ω_c(h, s),

and :data:`NEUTRAL_SCORE` when no criterion weighs for the pair. Dividing by the household's own
total weight keeps scores in [0, 1] and comparable across households: a household that rates every
criterion 3 does not outweigh one that rates every criterion 1. The contribution of criterion
``c`` to the score is ``ω_c x_c / Σ ω``; contributions sum to the score. A pair that breaks any
hard criterion is not allowed and does not appear in the instance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .criteria import Catalogue, Criterion, load_catalogue
from .model import Instance
from .profiles import (
    AGE_BANDS,
    DEMAND_DIMENSIONS,
    KITA_BANDS,
    LARGE_FLAT_PERSONS,
    ROLES,
    SCHOOL_BANDS,
    SIZE_CLASSES,
    HouseholdProfile,
    SiteProfile,
)

__all__ = ["NEUTRAL_SCORE", "ScoreBreakdown", "score_profiles", "top_k_mask"]

NEUTRAL_SCORE = 0.5  # the score of a pair for which no criterion weighs: neither good nor bad
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Array = npt.NDArray[Any]


# -- pairs ----------------------------------------------------------------------------------------


class _Pairs:
    """An explicit list of pairs ``(h_idx[p], s_idx[p])``, as ``(P,)`` arrays."""

    def __init__(self, h_idx: IntArray, s_idx: IntArray, n_sites: int) -> None:
        self.h_idx, self.s_idx, self.n_sites = h_idx, s_idx, n_sites
        self.shape = (len(h_idx),)

    def hv(self, a: Array) -> Array:
        return a[self.h_idx]

    def sv(self, a: Array) -> Array:
        return a[self.s_idx]

    def dot(self, hm: FloatArray, sm: FloatArray) -> FloatArray:
        return np.asarray(np.einsum("pk,pk->p", hm[self.h_idx], sm[self.s_idx]), dtype=np.float64)

    def sparse(self, keys: IntArray, values: FloatArray, default: float = 0.0) -> FloatArray:
        query = self.h_idx * self.n_sites + self.s_idx
        if len(keys) == 0:
            return np.full(self.shape, default, dtype=np.float64)
        pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
        return np.asarray(np.where(keys[pos] == query, values[pos], default), dtype=np.float64)


# -- encoding -------------------------------------------------------------------------------------


def _sparse_keys(
    entries: list[tuple[int, int, float]], n_sites: int
) -> tuple[IntArray, FloatArray]:
    """Sorted unique keys ``h * S + s`` with their values (the first value wins on duplicates)."""
    if not entries:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    arr = np.array(entries, dtype=np.float64)
    keys = arr[:, 0].astype(np.int64) * n_sites + arr[:, 1].astype(np.int64)
    keys, first = np.unique(keys, return_index=True)
    return keys, arr[first, 2]


class _Encoded:
    """The profiles as arrays, computed once per scoring run."""

    def __init__(
        self, households: Sequence[HouseholdProfile], sites: Sequence[SiteProfile]
    ) -> None:
        self.n_households, self.n_sites = len(households), len(sites)
        site_index = {s.id: i for i, s in enumerate(sites)}
        self.site_index = site_index
        self._household_arrays(households)
        # Demand and capacity over all known dimensions; a dimension no site gives is unlimited.
        unlimited = np.iinfo(np.int64).max
        self.capacity_all = np.array(
            [[s.capacity.get(d, unlimited) for d in DEMAND_DIMENSIONS] for s in sites],
            dtype=np.int64,
        ).reshape(len(sites), len(DEMAND_DIMENSIONS))
        given = {d for s in sites for d in s.capacity}
        self.dimensions = tuple(d for d in DEMAND_DIMENSIONS if d in given)
        # Further dimensions (a mediator's half-days), after the derived ones: what households
        # use of them (``uses``) and what sites give; unlimited where a site gives none.
        self.extra_dimensions = tuple(sorted(given - set(DEMAND_DIMENSIONS)))
        self.extra_demand = np.array(
            [[h.uses.get(d, 0) for d in self.extra_dimensions] for h in households],
            dtype=np.int64,
        ).reshape(self.n_households, len(self.extra_dimensions))
        self.extra_capacity = np.array(
            [[s.capacity.get(d, unlimited) for d in self.extra_dimensions] for s in sites],
            dtype=np.int64,
        ).reshape(len(sites), len(self.extra_dimensions))
        s_n = self.n_sites
        ties = [(i, site_index[t], 1.0) for i, h in enumerate(households) for t in h.ties]
        self.tie_keys, self.tie_values = _sparse_keys(ties, s_n)
        self.has_ties = np.array([bool(h.ties) for h in households], dtype=bool)
        ranked = [
            (i, site_index[p], (len(h.ranked_places) - k) / len(h.ranked_places))
            for i, h in enumerate(households)
            for k, p in enumerate(h.ranked_places)
        ]
        self.rank_keys, self.rank_values = _sparse_keys(ranked, s_n)
        self.has_ranked = np.array([bool(h.ranked_places) for h in households], dtype=bool)
        excluded = [
            (i, site_index[p], 1.0) for i, h in enumerate(households) for p in h.excluded_places
        ]
        self.excl_keys, self.excl_values = _sparse_keys(excluded, s_n)
        # Occupations: the share of the household's working adults in each ISCO major group.
        occ = np.zeros((self.n_households, 10))
        for i, h in enumerate(households):
            for o in h.occupations:
                occ[i, int(o)] += 1.0 / len(h.occupations)
        self.occupation_share = occ
        self.has_occupation = occ.sum(axis=1) > 0
        self.labour = np.array(
            [[s.labour_demand.get(str(k), np.nan) for k in range(10)] for s in sites],
            dtype=np.float64,
        ).reshape(s_n, 10)
        size_pos = {c: i for i, c in enumerate(SIZE_CLASSES)}
        self.h_size = np.array(
            [size_pos.get(h.preferred_size or "", -1) for h in households], dtype=np.int64
        )
        self.s_size = np.array(
            [size_pos.get(s.size_class or "", -1) for s in sites], dtype=np.int64
        )
        regions = sorted(
            {s.region for s in sites if s.region}
            | {h.preferred_region for h in households if h.preferred_region}
        )
        region_pos = {r: i for i, r in enumerate(regions)}
        self.h_region = np.array(
            [region_pos.get(h.preferred_region or "", -1) for h in households], dtype=np.int64
        )
        self.s_region = np.array(
            [region_pos.get(s.region or "", -2) for s in sites], dtype=np.int64
        )
        self.languages = sorted({lang for h in households for lang in h.languages})
        self.h_lang = np.array(
            [[lang in h.languages for lang in self.languages] for h in households], dtype=bool
        ).reshape(self.n_households, len(self.languages))
        self.s_community = np.array(
            [[float(s.communities.get(lang, 0)) for lang in self.languages] for s in sites]
        ).reshape(s_n, len(self.languages))
        self.s_course = np.array([float(s.language_course_places) for s in sites])
        self.s_services = [s.services for s in sites]
        self.s_groups = [s.priority_groups for s in sites]
        # Places for the distance rule: up to A anchors per household (NaN pads), one per site.
        n_a = max((len(h.anchors) for h in households), default=0)
        anchors = np.full((self.n_households, n_a, 2), np.nan)
        for i, h in enumerate(households):
            for k, point in enumerate(h.anchors):
                anchors[i, k] = point
        self.h_anchors = anchors
        self.s_location = np.array(
            [s.location if s.location is not None else (np.nan, np.nan) for s in sites],
            dtype=np.float64,
        ).reshape(s_n, 2)

    def tags_with_prefix(self, prefix: str) -> tuple[FloatArray, FloatArray]:
        """``(H, T)`` household has tag, ``(S, T)`` site has tag, over every tag that starts
        with ``prefix`` (household needs and traits, site services)."""
        known = set(self.need_tag.tolist()) | set(self.traits)
        known |= {t for services in self.s_services for t in services}
        tags = sorted(t for t in known if t.startswith(prefix))
        site_has = np.array(
            [[t in services for t in tags] for services in self.s_services], dtype=np.float64
        ).reshape(self.n_sites, len(tags))
        return self.h_has(tags), site_has

    def _household_arrays(self, households: Sequence[HouseholdProfile]) -> None:
        """Demand per dimension, traits and need tags, from one pass over the members.

        Mirrors :meth:`HouseholdProfile.demand` and :meth:`HouseholdProfile.traits` with array
        operations (the tests compare both with an independent per-pair reference).
        """
        n_h = len(households)
        band_pos = {b: i for i, b in enumerate(AGE_BANDS)}
        role_pos = {r: i for i, r in enumerate(ROLES)}
        member_h: list[int] = []
        member_band: list[int] = []
        member_role: list[int] = []
        need_h: list[int] = []
        need_tag: list[str] = []
        no_german = np.zeros(n_h, dtype=bool)
        barrier_free = np.zeros(n_h, dtype=np.int64)
        for i, h in enumerate(households):
            for m in h.members:
                member_h.append(i)
                member_band.append(band_pos[m.age_band])
                member_role.append(role_pos[m.role])
            for tag in h.needs:
                need_h.append(i)
                need_tag.append(tag)
            no_german[i] = "de" not in h.languages
            barrier_free[i] = "barrier_free" in h.needs
        mh = np.array(member_h, dtype=np.int64)
        band = np.array(member_band, dtype=np.int64)
        role = np.array(member_role, dtype=np.int64)

        def count(selected: BoolArray) -> IntArray:
            return np.bincount(mh[selected], minlength=n_h).astype(np.int64)

        kita_bands = np.array([b in KITA_BANDS for b in AGE_BANDS])
        school_bands = np.array([b in SCHOOL_BANDS for b in AGE_BANDS])
        persons = count(np.ones(len(mh), dtype=bool))
        adults = count(role == role_pos["adult"])
        children = count(role == role_pos["child"])
        seniors = count(role == role_pos["senior"])
        kita = count(kita_bands[band]) if len(band) else np.zeros(n_h, dtype=np.int64)
        school = count(school_bands[band]) if len(band) else np.zeros(n_h, dtype=np.int64)
        large = (persons >= LARGE_FLAT_PERSONS).astype(np.int64)
        by_dimension = {
            "persons": persons,
            "adults": adults,
            "children": children,
            "seniors": seniors,
            "school": school,
            "kita": kita,
            "barrier_free": barrier_free,
            "large_flat": large,
            "households": np.ones(n_h, dtype=np.int64),
        }
        self.demand_all = np.column_stack([by_dimension[d] for d in DEMAND_DIMENSIONS]).reshape(
            n_h, len(DEMAND_DIMENSIONS)
        )
        grown = adults + seniors
        self.traits: dict[str, BoolArray] = {
            "has_child": children > 0,
            "family_with_children": children > 0,
            "has_kita_child": kita > 0,
            "has_school_child": school > 0,
            "has_senior": seniors > 0,
            "single_adult": (persons == 1) & (adults == 1),
            "single_parent": (children > 0) & (grown == 1),
            "large_family": persons >= LARGE_FLAT_PERSONS,
            "needs_german_course": (grown > 0) & no_german,
        }
        self.need_h = np.array(need_h, dtype=np.int64)
        self.need_tag = np.array(need_tag, dtype=object)

    def h_has(self, tags: Sequence[str]) -> FloatArray:
        """``(H, len(tags))`` 1.0 where the household has the tag (a need or a trait)."""
        out = np.zeros((self.n_households, len(tags)))
        for j, tag in enumerate(tags):
            trait = self.traits.get(tag)
            if trait is not None:
                out[trait, j] = 1.0
            out[self.need_h[self.need_tag == tag], j] = 1.0
        return out


# -- rules ----------------------------------------------------------------------------------------
# A prepared rule is a function of a list of pairs: hard rules return "violated" (bool), soft
# rules return (score, applies), both broadcastable to the number of pairs.

HardEval = Callable[[_Pairs], BoolArray]
SoftEval = Callable[[_Pairs], tuple[FloatArray, BoolArray]]


def _prepare_hard(c: Criterion, enc: _Encoded) -> HardEval:
    if c.rule == "capacity_fit":
        cols = [DEMAND_DIMENSIONS.index(d) for d in c.params["dimensions"]]
        demand, capacity = enc.demand_all[:, cols], enc.capacity_all[:, cols]

        def capacity_fit(sel: _Pairs) -> BoolArray:
            out = np.zeros(sel.shape, dtype=bool)
            for k in range(len(cols)):
                out |= sel.hv(demand[:, k]) > sel.sv(capacity[:, k])
            return out

        return capacity_fit
    if c.rule == "need_service":
        needs, unmet = _need_matrices(c, enc)

        def need_service(sel: _Pairs) -> BoolArray:
            return np.asarray(sel.dot(needs, unmet) > 0, dtype=bool)

        return need_service
    if c.rule == "excluded_places":

        def excluded(sel: _Pairs) -> BoolArray:
            return np.asarray(sel.sparse(enc.excl_keys, enc.excl_values) > 0, dtype=bool)

        return excluded
    if c.rule == "shared_tags":
        h_tags, s_tags = enc.tags_with_prefix(str(c.params["prefix"]))
        has_any = h_tags.sum(axis=1) > 0

        def shared_tags(sel: _Pairs) -> BoolArray:
            return np.asarray(sel.hv(has_any) & (sel.dot(h_tags, s_tags) == 0), dtype=bool)

        return shared_tags
    raise ValueError(f"rule {c.rule!r} is not a hard rule")


EARTH_RADIUS_KM = 6371.0088


def distance_km(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle distance (haversine) between (…, 2) arrays of (latitude, longitude)."""
    lat1, lon1 = np.radians(a[..., 0]), np.radians(a[..., 1])
    lat2, lon2 = np.radians(b[..., 0]), np.radians(b[..., 1])
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1))), np.float64)


def _need_matrices(c: Criterion, enc: _Encoded) -> tuple[FloatArray, FloatArray]:
    """(household has need tag, site cannot meet it) as ``(H, N)`` and ``(S, N)`` matrices."""
    requires: dict[str, list[str]] = dict(c.params["requires"])
    tags = list(requires)
    needs = enc.h_has(tags)
    unmet = np.array(
        [[not (set(requires[t]) & services) for t in tags] for services in enc.s_services],
        dtype=np.float64,
    ).reshape(enc.n_sites, len(tags))
    return needs, unmet


def _prepare_soft(c: Criterion, enc: _Encoded) -> SoftEval:
    p = c.params
    if c.rule == "tie":
        return lambda sel: (sel.sparse(enc.tie_keys, enc.tie_values), sel.hv(enc.has_ties))
    if c.rule == "ranked_places":
        unranked = float(p["unranked"])
        return lambda sel: (
            sel.sparse(enc.rank_keys, enc.rank_values, unranked),
            sel.hv(enc.has_ranked),
        )
    if c.rule == "need_service":
        needs, unmet = _need_matrices(c, enc)
        met = 1.0 - unmet
        count = needs.sum(axis=1)
        share = needs / np.maximum(count, 1.0)[:, None]
        return lambda sel: (sel.dot(share, met), sel.hv(count > 0))
    if c.rule == "occupation_demand":
        labour = np.nan_to_num(enc.labour, nan=float(p["missing"]))
        return lambda sel: (sel.dot(enc.occupation_share, labour), sel.hv(enc.has_occupation))
    if c.rule == "size_class":
        penalty = float(p["step_penalty"])

        def size_class(sel: _Pairs) -> tuple[FloatArray, BoolArray]:
            hs, ss = sel.hv(enc.h_size), sel.sv(enc.s_size)
            score = np.maximum(0.0, 1.0 - penalty * np.abs(hs - ss))
            return score, (hs >= 0) & (ss >= 0)

        return size_class
    if c.rule == "region":

        def region(sel: _Pairs) -> tuple[FloatArray, BoolArray]:
            hr = sel.hv(enc.h_region)
            return (hr == sel.sv(enc.s_region)).astype(np.float64), hr >= 0

        return region
    if c.rule == "community_language":
        ignore = set(p["ignore"])
        keep = [i for i, lang in enumerate(enc.languages) if lang not in ignore]
        h_lang = enc.h_lang[:, keep]
        community = np.minimum(1.0, enc.s_community[:, keep] / float(p["full_at"]))
        speaks = np.asarray(h_lang.any(axis=1), dtype=bool)

        def community_language(sel: _Pairs) -> tuple[FloatArray, BoolArray]:
            score = np.zeros(sel.shape)
            for k in range(len(keep)):
                score = np.maximum(score, sel.hv(h_lang[:, k]) * sel.sv(community[:, k]))
            return score, sel.hv(speaks)

        return community_language
    if c.rule == "language_courses":
        applies = enc.h_has([str(p["applies_to"])])[:, 0] > 0
        places = np.minimum(1.0, enc.s_course / float(p["full_at"]))
        return lambda sel: (sel.sv(places), sel.hv(applies))
    if c.rule == "site_priority":
        groups = sorted({g for gs in enc.s_groups for g in gs})
        h_in = enc.h_has(groups)
        s_in = np.array([[g in gs for g in groups] for gs in enc.s_groups], dtype=np.float64)
        s_in = s_in.reshape(enc.n_sites, len(groups))
        site_has = s_in.sum(axis=1) > 0
        return lambda sel: ((sel.dot(h_in, s_in) > 0).astype(np.float64), sel.sv(site_has))
    if c.rule == "shared_tags":
        h_tags, s_tags = enc.tags_with_prefix(str(p["prefix"]))
        count = h_tags.sum(axis=1)
        if p["score"] == "any":
            return lambda sel: (
                (sel.dot(h_tags, s_tags) > 0).astype(np.float64),
                sel.hv(count > 0),
            )
        share = h_tags / np.maximum(count, 1.0)[:, None]
        return lambda sel: (sel.dot(share, s_tags), sel.hv(count > 0))
    if c.rule == "fill":
        col = DEMAND_DIMENSIONS.index(str(p["dimension"]))
        demand = enc.demand_all[:, col].astype(np.float64)
        capacity = enc.capacity_all[:, col]
        # a site that gives no capacity in the dimension (unlimited) or none at all: no fill
        given = (capacity > 0) & (capacity < np.iinfo(np.int64).max)
        room = np.where(given, capacity, 1).astype(np.float64)

        def fill(sel: _Pairs) -> tuple[FloatArray, BoolArray]:
            score = np.minimum(1.0, sel.hv(demand) / sel.sv(room))
            return score, sel.hv(demand > 0) & sel.sv(given)

        return fill
    if c.rule == "distance":
        zero_km = float(p["zero_km"])
        has_anchor = ~np.isnan(enc.h_anchors[..., 0])  # (H, A)
        has_location = ~np.isnan(enc.s_location[:, 0])

        def distance(sel: _Pairs) -> tuple[FloatArray, BoolArray]:
            anchors = sel.hv(enc.h_anchors)  # (P, A, 2)
            mask = sel.hv(has_anchor)
            here = sel.sv(enc.s_location)[:, None, :]
            with np.errstate(invalid="ignore"):
                near = np.maximum(0.0, 1.0 - distance_km(anchors, here) / zero_km)
            near = np.where(mask, near, 0.0)
            n = mask.sum(axis=1)
            score = np.asarray(near.sum(axis=1) / np.maximum(n, 1), dtype=np.float64)
            score = np.where(sel.sv(has_location), score, 0.0)
            return score, (n > 0) & sel.sv(has_location)

        return distance
    raise ValueError(f"rule {c.rule!r} is not a soft rule")


# Soft rules the fast path evaluates pair by pair on each block (no low-rank factorisation).
DIRECT_RULES = frozenset({"shared_tags", "fill", "distance"})


# -- the fast path: scores as a low-rank product plus sparse corrections --------------------------
# Every soft rule's weighted term factorises: ω_c x_c = (r_c a^h_c)(h) · (π_c a^s_c)(s) · x_c, with
# x_c(h, s) = U_c[h] · V_c[s] + a sparse correction (ties, ranked places). So a block of numerators
# is one matrix product HF[h0:h1] @ SF.T plus a scatter, and the totals Σ ω another product. The
# rule functions above remain the definition (used for explanations); the tests check both paths.


@dataclass(frozen=True)
class _Factors:
    h_applies: FloatArray  # (H,) 1.0 where the criterion can apply to the household
    s_applies: FloatArray  # (S,) 1.0 where it can apply at the site
    u: FloatArray  # (H, k)
    v: FloatArray  # (S, k)
    keys: IntArray  # sorted pair keys h * S + s with a correction to U·V
    delta: FloatArray


def _one_hot(codes: IntArray, n: int) -> FloatArray:
    """``(len(codes), n)``: 1.0 at each code; rows with a negative code stay zero."""
    out = np.zeros((len(codes), n))
    rows = np.flatnonzero(codes >= 0)
    out[rows, codes[rows]] = 1.0
    return out


def _patterns(matrix: Array) -> tuple[IntArray, Array]:
    """Distinct rows of ``matrix`` and, per row, the index of its pattern."""
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), matrix[:0]
    unique, inverse = np.unique(matrix, axis=0, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64).reshape(-1), unique


def _factor_soft(c: Criterion, enc: _Encoded) -> _Factors:
    p = c.params
    n_h, n_s = enc.n_households, enc.n_sites
    ones_h, ones_s = np.ones((n_h, 1)), np.ones((n_s, 1))
    no_keys, no_delta = np.zeros(0, dtype=np.int64), np.zeros(0)
    all_h, all_s = np.ones(n_h), np.ones(n_s)
    if c.rule == "tie":
        return _Factors(
            enc.has_ties.astype(float),
            all_s,
            np.zeros((n_h, 0)),
            np.zeros((n_s, 0)),
            enc.tie_keys,
            enc.tie_values,
        )
    if c.rule == "ranked_places":
        unranked = float(p["unranked"])
        return _Factors(
            enc.has_ranked.astype(float),
            all_s,
            ones_h,
            ones_s * unranked,
            enc.rank_keys,
            enc.rank_values - unranked,
        )
    if c.rule == "need_service":
        needs, unmet = _need_matrices(c, enc)
        count = needs.sum(axis=1)
        share = needs / np.maximum(count, 1.0)[:, None]
        return _Factors((count > 0).astype(float), all_s, share, 1.0 - unmet, no_keys, no_delta)
    if c.rule == "occupation_demand":
        labour = np.nan_to_num(enc.labour, nan=float(p["missing"]))
        return _Factors(
            enc.has_occupation.astype(float),
            all_s,
            enc.occupation_share,
            labour,
            no_keys,
            no_delta,
        )
    if c.rule == "size_class":
        penalty = float(p["step_penalty"])
        n = len(SIZE_CLASSES)
        table = np.maximum(0.0, 1.0 - penalty * np.abs(np.arange(n)[:, None] - np.arange(n)))
        v = np.where(enc.s_size[:, None] >= 0, table[:, np.maximum(enc.s_size, 0)].T, 0.0)
        return _Factors(
            (enc.h_size >= 0).astype(float),
            (enc.s_size >= 0).astype(float),
            _one_hot(enc.h_size, n),
            v,
            no_keys,
            no_delta,
        )
    if c.rule == "region":
        n = int(max(enc.h_region.max(initial=-1), enc.s_region.max(initial=-1))) + 1
        return _Factors(
            (enc.h_region >= 0).astype(float),
            all_s,
            _one_hot(enc.h_region, n),
            _one_hot(enc.s_region, n),
            no_keys,
            no_delta,
        )
    if c.rule == "community_language":
        ignore = set(p["ignore"])
        keep = [i for i, lang in enumerate(enc.languages) if lang not in ignore]
        community = np.minimum(1.0, enc.s_community[:, keep] / float(p["full_at"]))
        inverse, patterns = _patterns(enc.h_lang[:, keep])
        # For each language pattern: the best community among its languages, at each site.
        v = np.array(
            [community[:, row.astype(bool)].max(axis=1, initial=0.0) for row in patterns]
        ).T.reshape(n_s, len(patterns))
        speaks = enc.h_lang[:, keep].any(axis=1).astype(float)
        return _Factors(speaks, all_s, _one_hot(inverse, len(patterns)), v, no_keys, no_delta)
    if c.rule == "language_courses":
        applies = enc.h_has([str(p["applies_to"])])[:, 0]
        places = np.minimum(1.0, enc.s_course / float(p["full_at"]))
        return _Factors(applies, all_s, ones_h, places[:, None], no_keys, no_delta)
    if c.rule == "site_priority":
        groups = sorted({g for gs in enc.s_groups for g in gs})
        inverse, patterns = _patterns(enc.h_has(groups) > 0)
        s_in = np.array([[g in gs for g in groups] for gs in enc.s_groups], dtype=bool)
        s_in = s_in.reshape(n_s, len(groups))
        v = (s_in.astype(float) @ patterns.T.astype(float) > 0).astype(float)
        site_has = s_in.any(axis=1).astype(float)
        return _Factors(all_h, site_has, _one_hot(inverse, len(patterns)), v, no_keys, no_delta)
    raise ValueError(f"rule {c.rule!r} is not a soft rule")


class _FastScores:
    """Pair scores of blocks of households via two matrix products and one scatter."""

    def __init__(
        self,
        enc: _Encoded,
        soft: Sequence[Criterion],
        rating: FloatArray,
        priority: FloatArray,
        evals: Sequence[SoftEval],
    ) -> None:
        self.n_sites = enc.n_sites
        hf, sf, wh, ws, keys, values = [], [], [], [], [], []
        # (rating, priority, rule) of the criteria evaluated pair by pair on each block
        self.direct: list[tuple[FloatArray, FloatArray, SoftEval]] = []
        for k, c in enumerate(soft):
            if c.rule in DIRECT_RULES:
                self.direct.append((rating[:, k], priority[:, k], evals[k]))
                continue
            f = _factor_soft(c, enc)
            h_weight = rating[:, k] * f.h_applies  # r_c a^h_c
            s_weight = priority[:, k] * f.s_applies  # π_c a^s_c
            wh.append(h_weight)
            ws.append(s_weight)
            hf.append(h_weight[:, None] * f.u)
            sf.append(s_weight[:, None] * f.v)
            if len(f.keys):
                h_of, s_of = np.divmod(f.keys, max(enc.n_sites, 1))
                keys.append(f.keys)
                values.append(h_weight[h_of] * s_weight[s_of] * f.delta)
        n_h, n_s = enc.n_households, enc.n_sites
        self.hf = np.hstack(hf) if hf else np.zeros((n_h, 0))
        self.sf_t = np.ascontiguousarray((np.hstack(sf) if sf else np.zeros((n_s, 0))).T)
        self.wh = np.column_stack(wh) if wh else np.zeros((n_h, 0))
        self.ws_t = np.ascontiguousarray((np.column_stack(ws) if ws else np.zeros((n_s, 0))).T)
        self.keys: IntArray = np.zeros(0, dtype=np.int64)
        self.values: FloatArray = np.zeros(0)
        if keys:
            all_keys, inverse = np.unique(np.concatenate(keys), return_inverse=True)
            self.keys = np.asarray(all_keys, dtype=np.int64)
            summed = np.bincount(inverse.reshape(-1), weights=np.concatenate(values))
            self.values = np.asarray(summed, dtype=np.float64)

    def block(self, h0: int, h1: int) -> FloatArray:
        numerator = np.asarray(self.hf[h0:h1] @ self.sf_t, dtype=np.float64)
        lo, hi = np.searchsorted(self.keys, [h0 * self.n_sites, h1 * self.n_sites])
        numerator.reshape(-1)[self.keys[lo:hi] - h0 * self.n_sites] += self.values[lo:hi]
        total = self.wh[h0:h1] @ self.ws_t
        if self.direct:
            rows = h1 - h0
            sel = _Pairs(
                np.repeat(np.arange(h0, h1, dtype=np.int64), self.n_sites),
                np.tile(np.arange(self.n_sites, dtype=np.int64), rows),
                self.n_sites,
            )
            for h_rating, s_priority, evaluate in self.direct:
                score, applies = evaluate(sel)
                weight = sel.hv(h_rating) * sel.sv(s_priority) * applies
                numerator += (weight * score).reshape(rows, self.n_sites)
                total = total + weight.reshape(rows, self.n_sites)
        positive = total > 0
        np.divide(numerator, total, out=numerator, where=positive)
        numerator[~positive] = NEUTRAL_SCORE
        return numerator


class _FastAllowed:
    """Allowed pairs of blocks of households: a table per household pattern, then exclusions.

    Households with the same demand in the dimensions hard criteria compare and the same hard
    need tags are allowed at the same sites, so the hard rules are evaluated once per pattern.
    """

    def __init__(self, enc: _Encoded, hard: Sequence[Criterion], evals: Sequence[HardEval]) -> None:
        self.n_sites = enc.n_sites
        features: list[Array] = [np.zeros((enc.n_households, 0), dtype=np.int64)]
        self.exclusions: list[tuple[IntArray, FloatArray]] = []
        patterned: list[HardEval] = []
        for c, evaluate in zip(hard, evals, strict=True):
            if c.rule == "capacity_fit":
                cols = [DEMAND_DIMENSIONS.index(d) for d in c.params["dimensions"]]
                features.append(enc.demand_all[:, cols])
                patterned.append(evaluate)
            elif c.rule == "need_service":
                features.append(_need_matrices(c, enc)[0].astype(np.int64))
                patterned.append(evaluate)
            elif c.rule == "shared_tags":
                features.append(enc.tags_with_prefix(str(c.params["prefix"]))[0].astype(np.int64))
                patterned.append(evaluate)
            elif c.rule == "excluded_places":
                self.exclusions.append((enc.excl_keys, enc.excl_values))
            else:
                raise ValueError(f"rule {c.rule!r} is not a hard rule")
        self.pattern, patterns = _patterns(np.hstack(features))
        n_p, n_s = len(patterns), enc.n_sites
        first = np.full(n_p, -1, dtype=np.int64)
        first[self.pattern[::-1]] = np.arange(len(self.pattern))[::-1]  # first of each pattern
        pairs = _Pairs(np.repeat(first, n_s), np.tile(np.arange(n_s, dtype=np.int64), n_p), n_s)
        table = np.ones(n_p * n_s, dtype=bool)
        for evaluate in patterned:
            table &= ~np.broadcast_to(evaluate(pairs), pairs.shape)
        self.table = table.reshape(n_p, n_s)

    def block(self, h0: int, h1: int) -> BoolArray:
        allowed = self.table[self.pattern[h0:h1]]
        for keys, values in self.exclusions:
            lo, hi = np.searchsorted(keys, [h0 * self.n_sites, h1 * self.n_sites])
            hit = keys[lo:hi][values[lo:hi] > 0]
            allowed.reshape(-1)[hit - h0 * self.n_sites] = False
        return np.asarray(allowed, dtype=bool)


# -- the breakdown and the entry point ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ScoreBreakdown:
    """What is needed to explain any pair's score again, without storing ``H × S × C``.

    ``households`` and ``sites`` are in instance index order. Methods take index arrays.
    """

    households: tuple[HouseholdProfile, ...]
    sites: tuple[SiteProfile, ...]
    catalogue: Catalogue
    _enc: _Encoded
    _hard: tuple[HardEval, ...]
    _soft: tuple[SoftEval, ...]
    _rating: FloatArray  # (H, C_soft)
    _priority: FloatArray  # (S, C_soft)
    _fast: _FastScores

    @property
    def soft_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.catalogue.soft)

    @property
    def hard_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.catalogue.hard)

    def _evaluate(self, sel: _Pairs) -> tuple[list[FloatArray], FloatArray]:
        """Weighted criterion terms ω_c·x_c (one array per soft criterion) and Σ ω."""
        terms: list[FloatArray] = []
        total = np.zeros(sel.shape)
        for k, evaluate in enumerate(self._soft):
            score, applies = evaluate(sel)
            weight = sel.hv(self._rating[:, k]) * sel.sv(self._priority[:, k]) * applies
            weight = np.broadcast_to(weight, sel.shape)
            terms.append(weight * score)
            total = total + weight
        return terms, total

    def soft_scores_block(self, h0: int, h1: int) -> FloatArray:
        """``(h1 - h0, S)`` soft scores of households ``h0 … h1-1`` at all sites, allowed or not."""
        return self._fast.block(h0, h1)

    def _violations(self, sel: _Pairs) -> list[BoolArray]:
        return [np.broadcast_to(v(sel), sel.shape) for v in self._hard]

    def _pairs(self, households: npt.ArrayLike, sites: npt.ArrayLike) -> _Pairs:
        h = np.asarray(households, dtype=np.int64).reshape(-1)
        s = np.asarray(sites, dtype=np.int64).reshape(-1)
        return _Pairs(h, s, self._enc.n_sites)

    def contributions(
        self, households: npt.ArrayLike, sites: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Per-criterion contributions ``(P, C_soft)`` and the baseline ``(P,)`` of the pairs.

        ``contributions.sum(axis=1) + baseline`` is the pair score; the baseline is
        :data:`NEUTRAL_SCORE` where no criterion weighs for the pair, else 0. Pairs that are not
        allowed get their soft score too (useful to rank alternatives).
        """
        sel = self._pairs(households, sites)
        terms, total = self._evaluate(sel)
        safe = np.where(total > 0, total, 1.0)
        contrib = np.stack([t / safe for t in terms], axis=1) if terms else np.zeros((len(safe), 0))
        baseline = np.where(total > 0, 0.0, NEUTRAL_SCORE)
        return contrib, baseline

    def scores(self, households: npt.ArrayLike, sites: npt.ArrayLike) -> FloatArray:
        """Soft score of each pair (allowed or not)."""
        contrib, baseline = self.contributions(households, sites)
        return np.asarray(contrib.sum(axis=1) + baseline, dtype=np.float64)

    def weights(self, households: npt.ArrayLike, sites: npt.ArrayLike) -> FloatArray:
        """The weights ω ``(P, C_soft)`` of each criterion for each pair (before normalising)."""
        sel = self._pairs(households, sites)
        out = np.zeros((sel.shape[0], len(self._soft)))
        for k, evaluate in enumerate(self._soft):
            _, applies = evaluate(sel)
            out[:, k] = sel.hv(self._rating[:, k]) * sel.sv(self._priority[:, k]) * applies
        return out

    def violations(self, households: npt.ArrayLike, sites: npt.ArrayLike) -> BoolArray:
        """``(P, C_hard)``: which hard criteria each pair breaks."""
        sel = self._pairs(households, sites)
        found = self._violations(sel)
        if not found:
            return np.zeros((sel.shape[0], 0), dtype=bool)
        return np.stack(found, axis=1)


def top_k_mask(keyed: FloatArray, k: int) -> BoolArray:
    """Per row, the ``k`` largest entries, ties broken by column order (without a full sort)."""
    threshold = -np.partition(-keyed, k - 1, axis=1)[:, k - 1 : k]  # the k-th largest per row
    above = keyed > threshold
    tied = keyed == threshold
    room = k - above.sum(axis=1, keepdims=True)
    return np.asarray(above | (tied & (np.cumsum(tied, axis=1) <= room)), dtype=bool)


def score_profiles(
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    catalogue: Catalogue | None = None,
    *,
    top_k: int | None = None,
    block_pairs: int = 1_000_000,
) -> tuple[Instance, ScoreBreakdown]:
    """Score every (household, site) pair and build the plain instance.

    Parameters
    ----------
    households, sites
        The profiles; their order is the instance's index order. Ties, ranked and excluded places
        must name sites in ``sites`` (:func:`.profiles.read_profiles` checks this).
    catalogue
        The criteria; the shipped catalogue when None.
    top_k
        Keep only each household's ``top_k`` best-scoring allowed sites (ties broken by site
        order), to keep very large instances sparse. None keeps every allowed pair.
    block_pairs
        About how many pairs are scored at once; memory is proportional to it, not to ``H × S``.

    Returns
    -------
    (Instance, ScoreBreakdown)
        The instance has one allowed pair per pair that breaks no hard criterion, scored by the
        weighted mean in the module docstring; its dimensions are those the sites give capacities
        for. The breakdown recomputes contributions for any pair.
    """
    catalogue = catalogue or load_catalogue()
    ids = [s.id for s in sites]
    if len(set(ids)) != len(ids):
        raise ValueError("site ids must be unique")
    missing = {t for h in households for t in (*h.ties, *h.ranked_places, *h.excluded_places)}
    missing -= set(ids)
    if missing:
        raise ValueError(f"households refer to unknown sites: {sorted(missing)[:5]}")
    enc = _Encoded(households, sites)
    soft = catalogue.soft
    # Ratings: the catalogue's defaults, overwritten by what each household rated.
    rating = np.tile(
        np.array([float(c.default_importance) for c in soft], dtype=np.float64),
        (len(households), 1),
    )
    rated = {c.id: k for k, c in enumerate(soft) if c.rated_by == "household"}
    for i, h in enumerate(households):
        for cid, value in h.importance.items():
            k = rated.get(cid)
            if k is not None:
                rating[i, k] = float(value)
    priority = np.array(
        [[float(s.priorities.get(c.id, 1.0)) for c in soft] for s in sites], dtype=np.float64
    ).reshape(len(sites), len(soft))
    soft_evals = tuple(_prepare_soft(c, enc) for c in soft)
    breakdown = ScoreBreakdown(
        households=tuple(households),
        sites=tuple(sites),
        catalogue=catalogue,
        _enc=enc,
        _hard=tuple(_prepare_hard(c, enc) for c in catalogue.hard),
        _soft=soft_evals,
        _rating=rating,
        _priority=priority,
        _fast=_FastScores(enc, soft, rating, priority, soft_evals),
    )
    fast_allowed = _FastAllowed(enc, catalogue.hard, breakdown._hard)
    n_h, n_s = len(households), len(sites)
    rows = max(1, block_pairs // max(n_s, 1))
    pair_h: list[IntArray] = []
    pair_s: list[IntArray] = []
    pair_score: list[FloatArray] = []
    for h0 in range(0, n_h, rows):
        h1 = min(n_h, h0 + rows)
        allowed = fast_allowed.block(h0, h1)
        score = breakdown._fast.block(h0, h1)
        if top_k is not None and top_k < n_s:
            allowed &= top_k_mask(np.where(allowed, score, -1.0), top_k)
        flat = np.flatnonzero(allowed)
        rows_of, sites_of = np.divmod(flat, n_s)
        pair_h.append(rows_of + h0)
        pair_s.append(sites_of)
        pair_score.append(score.reshape(-1)[flat])
    derived = [DEMAND_DIMENSIONS.index(d) for d in enc.dimensions]
    instance = Instance(
        household_ids=tuple(h.id for h in households),
        site_ids=tuple(ids),
        dimensions=enc.dimensions + enc.extra_dimensions,
        demand=np.hstack([enc.demand_all[:, derived], enc.extra_demand]),
        capacity=np.hstack([enc.capacity_all[:, derived], enc.extra_capacity]),
        pair_household=np.concatenate(pair_h) if pair_h else np.zeros(0, dtype=np.int64),
        pair_site=np.concatenate(pair_s) if pair_s else np.zeros(0, dtype=np.int64),
        pair_score=np.concatenate(pair_score) if pair_score else np.zeros(0),
        site_names=tuple(s.name for s in sites),
    )
    return instance, breakdown
