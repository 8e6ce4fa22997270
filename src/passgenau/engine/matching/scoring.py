"""Vectorised scoring: household and site profiles → a plain :class:`~.model.Instance`.

The entry point is :func:`score_profiles`. Profiles are first *encoded* once into NumPy arrays
(tags as boolean matrices, ties/ranked/excluded places as sorted sparse keys, occupations as
fractions per ISCO major group, …). Every rule of :mod:`.criteria` is then evaluated on a *pair
selector*: either a block of consecutive households against all sites (a dense ``(Hb, S)`` grid,
used to score everything) or an explicit list of pairs (used by explanations). The same rule code
serves both, so the per-criterion contributions of any pair can be recomputed on demand instead of
storing an ``H × S × C`` array.

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
from .profiles import DEMAND_DIMENSIONS, SIZE_CLASSES, HouseholdProfile, SiteProfile

__all__ = ["NEUTRAL_SCORE", "ScoreBreakdown", "score_profiles"]

NEUTRAL_SCORE = 0.5  # the score of a pair for which no criterion weighs: neither good nor bad
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Array = npt.NDArray[Any]


# -- pair selectors -------------------------------------------------------------------------------


class _Grid:
    """All pairs of households ``h0 … h1-1`` with all ``n_sites`` sites, as ``(Hb, S)`` arrays."""

    def __init__(self, h0: int, h1: int, n_sites: int) -> None:
        self.h0, self.h1, self.n_sites = h0, h1, n_sites
        self.shape = (h1 - h0, n_sites)

    def hv(self, a: Array) -> Array:
        block = a[self.h0 : self.h1]
        return block[:, None] if block.ndim == 1 else block[:, None, :]

    def sv(self, a: Array) -> Array:
        return a[None, :] if a.ndim == 1 else a[None, :, :]

    def dot(self, hm: FloatArray, sm: FloatArray) -> FloatArray:
        return np.asarray(hm[self.h0 : self.h1] @ sm.T, dtype=np.float64)

    def sparse(self, keys: IntArray, values: FloatArray, default: float = 0.0) -> FloatArray:
        out = np.full(self.shape, default, dtype=np.float64)
        lo, hi = np.searchsorted(keys, [self.h0 * self.n_sites, self.h1 * self.n_sites])
        out.reshape(-1)[keys[lo:hi] - self.h0 * self.n_sites] = values[lo:hi]
        return out


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


_Selector = _Grid | _Pairs


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
        # Tags: need tags and derived traits of households, services and priority groups of sites.
        self.h_tag_sets = [h.tags() for h in households]
        # Demand and capacity over all known dimensions; a dimension no site gives is unlimited.
        demands = [h.demand() for h in households]
        self.demand_all = np.array(
            [[dem[d] for d in DEMAND_DIMENSIONS] for dem in demands], dtype=np.int64
        ).reshape(len(households), len(DEMAND_DIMENSIONS))
        unlimited = np.iinfo(np.int64).max
        self.capacity_all = np.array(
            [[s.capacity.get(d, unlimited) for d in DEMAND_DIMENSIONS] for s in sites],
            dtype=np.int64,
        ).reshape(len(sites), len(DEMAND_DIMENSIONS))
        given = {d for s in sites for d in s.capacity}
        self.dimensions = tuple(d for d in DEMAND_DIMENSIONS if d in given)
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

    def h_has(self, tags: Sequence[str]) -> FloatArray:
        """``(H, len(tags))`` 1.0 where the household has the tag."""
        out = np.array([[t in ts for t in tags] for ts in self.h_tag_sets], dtype=np.float64)
        return out.reshape(self.n_households, len(tags))


# -- rules ----------------------------------------------------------------------------------------
# A prepared rule is a function of a selector: hard rules return "violated" (bool), soft rules
# return (score, applies), both broadcastable to the selector's shape.

HardEval = Callable[[_Selector], BoolArray]
SoftEval = Callable[[_Selector], tuple[FloatArray, BoolArray]]


def _prepare_hard(c: Criterion, enc: _Encoded) -> HardEval:
    if c.rule == "capacity_fit":
        cols = [DEMAND_DIMENSIONS.index(d) for d in c.params["dimensions"]]
        demand, capacity = enc.demand_all[:, cols], enc.capacity_all[:, cols]

        def capacity_fit(sel: _Selector) -> BoolArray:
            out = np.zeros(sel.shape, dtype=bool)
            for k in range(len(cols)):
                out |= sel.hv(demand[:, k]) > sel.sv(capacity[:, k])
            return out

        return capacity_fit
    if c.rule == "need_service":
        needs, unmet = _need_matrices(c, enc)

        def need_service(sel: _Selector) -> BoolArray:
            return np.asarray(sel.dot(needs, unmet) > 0, dtype=bool)

        return need_service
    if c.rule == "excluded_places":

        def excluded(sel: _Selector) -> BoolArray:
            return np.asarray(sel.sparse(enc.excl_keys, enc.excl_values) > 0, dtype=bool)

        return excluded
    raise ValueError(f"rule {c.rule!r} is not a hard rule")


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

        def size_class(sel: _Selector) -> tuple[FloatArray, BoolArray]:
            hs, ss = sel.hv(enc.h_size), sel.sv(enc.s_size)
            score = np.maximum(0.0, 1.0 - penalty * np.abs(hs - ss))
            return score, (hs >= 0) & (ss >= 0)

        return size_class
    if c.rule == "region":

        def region(sel: _Selector) -> tuple[FloatArray, BoolArray]:
            hr = sel.hv(enc.h_region)
            return (hr == sel.sv(enc.s_region)).astype(np.float64), hr >= 0

        return region
    if c.rule == "community_language":
        ignore = set(p["ignore"])
        keep = [i for i, lang in enumerate(enc.languages) if lang not in ignore]
        h_lang = enc.h_lang[:, keep]
        community = np.minimum(1.0, enc.s_community[:, keep] / float(p["full_at"]))
        speaks = np.asarray(h_lang.any(axis=1), dtype=bool)

        def community_language(sel: _Selector) -> tuple[FloatArray, BoolArray]:
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
    raise ValueError(f"rule {c.rule!r} is not a soft rule")


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

    @property
    def soft_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.catalogue.soft)

    @property
    def hard_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.catalogue.hard)

    def _evaluate(self, sel: _Selector) -> tuple[list[FloatArray], FloatArray]:
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

    def _block_scores(self, grid: _Grid) -> FloatArray:
        """Pair scores of a grid block, accumulated in place (the fast path of scoring)."""
        numerator = np.zeros(grid.shape)
        total = np.zeros(grid.shape)
        weight = np.empty(grid.shape)
        for k, evaluate in enumerate(self._soft):
            score, applies = evaluate(grid)
            np.multiply(grid.hv(self._rating[:, k]), grid.sv(self._priority[:, k]), out=weight)
            weight *= applies
            total += weight
            weight *= score
            numerator += weight
        positive = total > 0
        np.divide(numerator, total, out=numerator, where=positive)
        numerator[~positive] = NEUTRAL_SCORE
        return numerator

    def soft_scores_block(self, h0: int, h1: int) -> FloatArray:
        """``(h1 - h0, S)`` soft scores of households ``h0 … h1-1`` at all sites, allowed or not."""
        return self._block_scores(_Grid(h0, h1, self._enc.n_sites))

    def _violations(self, sel: _Selector) -> list[BoolArray]:
        return [np.broadcast_to(v(sel), sel.shape) for v in self._hard]

    def _selector(self, households: npt.ArrayLike, sites: npt.ArrayLike) -> _Pairs:
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
        sel = self._selector(households, sites)
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
        sel = self._selector(households, sites)
        out = np.zeros((sel.shape[0], len(self._soft)))
        for k, evaluate in enumerate(self._soft):
            _, applies = evaluate(sel)
            out[:, k] = sel.hv(self._rating[:, k]) * sel.sv(self._priority[:, k]) * applies
        return out

    def violations(self, households: npt.ArrayLike, sites: npt.ArrayLike) -> BoolArray:
        """``(P, C_hard)``: which hard criteria each pair breaks."""
        sel = self._selector(households, sites)
        found = self._violations(sel)
        if not found:
            return np.zeros((sel.shape[0], 0), dtype=bool)
        return np.stack(found, axis=1)


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
    rating = np.array(
        [
            [
                float(h.importance.get(c.id, c.default_importance))
                if c.rated_by == "household"
                else float(c.default_importance)
                for c in soft
            ]
            for h in households
        ],
        dtype=np.float64,
    ).reshape(len(households), len(soft))
    priority = np.array(
        [[float(s.priorities.get(c.id, 1.0)) for c in soft] for s in sites], dtype=np.float64
    ).reshape(len(sites), len(soft))
    breakdown = ScoreBreakdown(
        households=tuple(households),
        sites=tuple(sites),
        catalogue=catalogue,
        _enc=enc,
        _hard=tuple(_prepare_hard(c, enc) for c in catalogue.hard),
        _soft=tuple(_prepare_soft(c, enc) for c in soft),
        _rating=rating,
        _priority=priority,
    )
    n_h, n_s = len(households), len(sites)
    rows = max(1, block_pairs // max(n_s, 1))
    pair_h: list[IntArray] = []
    pair_s: list[IntArray] = []
    pair_score: list[FloatArray] = []
    for h0 in range(0, n_h, rows):
        grid = _Grid(h0, min(n_h, h0 + rows), n_s)
        allowed = np.ones(grid.shape, dtype=bool)
        for violated in breakdown._violations(grid):
            allowed &= ~violated
        score = breakdown._block_scores(grid)
        if top_k is not None and top_k < n_s:
            # Keep the top_k allowed sites per household: rank by score, not-allowed last.
            keyed = np.where(allowed, score, -1.0)
            order = np.argsort(-keyed, axis=1, kind="stable")[:, :top_k]
            keep = np.zeros(grid.shape, dtype=bool)
            np.put_along_axis(keep, order, True, axis=1)
            allowed &= keep
        r, s = np.nonzero(allowed)
        pair_h.append(r.astype(np.int64) + h0)
        pair_s.append(s.astype(np.int64))
        pair_score.append(score[r, s])
    instance = Instance(
        household_ids=tuple(h.id for h in households),
        site_ids=tuple(ids),
        dimensions=enc.dimensions,
        demand=enc.demand_all[:, [DEMAND_DIMENSIONS.index(d) for d in enc.dimensions]],
        capacity=enc.capacity_all[:, [DEMAND_DIMENSIONS.index(d) for d in enc.dimensions]],
        pair_household=np.concatenate(pair_h) if pair_h else np.zeros(0, dtype=np.int64),
        pair_site=np.concatenate(pair_s) if pair_s else np.zeros(0, dtype=np.int64),
        pair_score=np.concatenate(pair_score) if pair_score else np.zeros(0),
        site_names=tuple(s.name for s in sites),
    )
    return instance, breakdown
