"""Explanations: why each household got its site and not one of its best alternatives.

For every household the explanation gives the score of its placement broken down by criterion
(contributions sum to the score, see :mod:`.scoring`), and its best alternatives — the ``top``
other sites with the highest soft score, whether allowed or not — each with the reason it did not
get it:

``not_allowed``
    a hard criterion excludes the pair (named);
``not_offered``
    the pair breaks no hard criterion but is not in the instance: dropped when scoring kept only
    each household's best sites (``top_k``), or removed as forbidden (e.g. declined);
``lower_score``
    the alternative does not score higher than the placement;
``capacity``
    placing the household there as well would exceed the site's capacity in one or more
    dimensions, given everyone else's placement (the binding dimensions are named with their
    shadow prices);
``trade_off``
    the site had room and scores higher, yet the mechanism placed the household elsewhere: the
    lexicographic goal (persons first), a minimum load, linked households, or a heuristic
    mechanism.

Shadow prices
-------------
The shadow price of capacity ``(s, d)`` is the dual value of that capacity constraint in the
linear-programming relaxation of the instance (maximise total score subject to every household
placed at most once, capacities, minimum loads and fixed pairs; variables in [0, 1]): the increase
of the optimal relaxed total score per additional unit of capacity of site ``s`` in dimension
``d``, valid for small changes. It is zero where capacity is not binding. For the integer problem it
is an estimate, not an exact price: one more unit can be worth less (a household needs several
units at once) or, rarely, more. When the LP is degenerate its dual solution is not unique; we
report the one the solver returns. Prices come from ``Result.site_duals`` when the mechanism
provides them, else from SciPy's HiGHS LP (:func:`lp_shadow_prices`), which is skipped above
``max_lp_pairs`` allowed pairs (about ten seconds at that size on the 2-core machine).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

from .model import Instance, Result
from .scoring import ScoreBreakdown, top_k_mask
from .solution import site_load

__all__ = [
    "Alternative",
    "Binding",
    "Explanation",
    "explain",
    "explanation_to_dict",
    "lp_shadow_prices",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MAX_LP_PAIRS = 100_000  # above this the LP takes tens of seconds (measured); prices are skipped


@dataclass(frozen=True)
class Binding:
    """A capacity that kept a household from a site."""

    dimension: str
    load: int
    demand: int
    capacity: int
    shadow_price: float | None


@dataclass(frozen=True)
class Alternative:
    site_id: str
    site_name: str
    score: float
    reason: str  # not_allowed, not_offered, lower_score, capacity, trade_off
    hard_criteria: tuple[str, ...] = ()
    binding: tuple[Binding, ...] = ()


@dataclass(frozen=True)
class Explanation:
    household_id: str
    site_id: str | None
    site_name: str | None
    score: float | None
    contributions: dict[str, float] = field(default_factory=dict)
    baseline: float = 0.0
    alternatives: tuple[Alternative, ...] = ()
    unplaced_reason: str | None = None  # no_allowed_site or capacity (only when unplaced)


def lp_shadow_prices(instance: Instance, *, max_pairs: int = MAX_LP_PAIRS) -> FloatArray | None:
    """Shadow prices ``(S, D)`` of the capacities from the LP relaxation, or None.

    None when the instance has more than ``max_pairs`` allowed pairs or the relaxation is
    infeasible (e.g. minimum loads that cannot be met). See the module docstring for the meaning.
    """
    n_p, n_h, n_s = instance.n_pairs, instance.n_households, instance.n_sites
    n_d = len(instance.dimensions)
    if n_p == 0 or n_p > max_pairs:
        return None
    ph = instance.pair_household.astype(np.int64)
    ps = instance.pair_site.astype(np.int64)
    cols = np.arange(n_p)
    # Each household is placed at most once.
    once = coo_matrix((np.ones(n_p), (ph, cols)), shape=(n_h, n_p))
    # Each site stays within its capacity in every dimension (row s * D + d).
    rows = (ps[:, None] * n_d + np.arange(n_d)[None, :]).ravel()
    values = instance.demand[ph].astype(np.float64).ravel()
    cap_rows = coo_matrix((values, (rows, np.repeat(cols, n_d))), shape=(n_s * n_d, n_p)).tocsr()
    blocks = [once.tocsr(), cap_rows]
    rhs = [np.ones(n_h), instance.capacity.astype(np.float64).ravel()]
    assert instance.min_load is not None
    min_load = instance.min_load.astype(np.float64).ravel()
    needed = np.flatnonzero(min_load > 0)
    if len(needed):
        # Each site receives at least its minimum load (written as -load ≤ -minimum).
        blocks.append(-cap_rows[needed])
        rhs.append(-min_load[needed])
    lower = np.zeros(n_p)
    assert instance.fixed_household is not None and instance.fixed_site is not None
    if len(instance.fixed_household):
        pair_keys = ph * n_s + ps
        fixed = _find_pairs(
            pair_keys, instance.fixed_household.astype(np.int64) * n_s + instance.fixed_site
        )
        lower[fixed[fixed >= 0]] = 1.0  # fixed placements stay
    res = linprog(  # type: ignore[call-overload]  # the stubs do not list sparse A_ub
        -instance.pair_score,
        A_ub=vstack(blocks).tocsr(),
        b_ub=np.concatenate(rhs),
        bounds=np.column_stack([lower, np.ones(n_p)]),
        method="highs-ipm",  # measured about twice as fast as dual simplex on these LPs
    )
    if res.status != 0:
        return None
    marginals = np.asarray(res.ineqlin.marginals, dtype=np.float64)
    # linprog minimises -score, so the price of a ≤ row is minus its marginal.
    prices = -marginals[n_h : n_h + n_s * n_d].reshape(n_s, n_d)
    return np.asarray(np.maximum(prices, 0.0), dtype=np.float64)


def explain(
    instance: Instance,
    result: Result,
    breakdown: ScoreBreakdown,
    *,
    top: int = 3,
    shadow_prices: FloatArray | None = None,
    max_lp_pairs: int = MAX_LP_PAIRS,
    block_pairs: int = 1_000_000,
    only: Iterable[int] | None = None,
) -> list[Explanation]:
    """One :class:`Explanation` per household, in instance order (see the module docstring);
    with ``only``, for those household indices alone (in index order).

    ``breakdown`` must come from the :func:`.scoring.score_profiles` call that built
    ``instance``. Shadow prices: ``shadow_prices`` if given, else ``result.site_duals``, else
    :func:`lp_shadow_prices` (None above ``max_lp_pairs`` pairs).
    """
    if breakdown.households and len(breakdown.households) != instance.n_households:
        raise ValueError("the breakdown does not belong to this instance")
    prices = shadow_prices
    if prices is None:
        prices = result.site_duals
    if prices is None:
        prices = lp_shadow_prices(instance, max_pairs=max_lp_pairs)
    assignment = np.asarray(result.assignment, dtype=np.int64)
    n_h, n_s = instance.n_households, instance.n_sites
    load = site_load(instance, assignment)
    soft_ids = breakdown.soft_ids
    hard_ids = breakdown.hard_ids
    start = instance.household_pair_start
    # Sorted keys h * S + s of the allowed pairs, for vectorised lookups of (household, site).
    pair_keys = instance.pair_household.astype(np.int64) * n_s + instance.pair_site
    chosen = None if only is None else sorted({int(h) for h in only})
    placed = np.flatnonzero(assignment >= 0)
    if chosen is not None:
        placed = placed[np.isin(placed, np.asarray(chosen, dtype=np.int64))]
    contrib, baseline = breakdown.contributions(placed, assignment[placed])
    contrib_of = {int(h): k for k, h in enumerate(placed)}
    k_alt = max(0, min(top, n_s - 1))
    # Plain lists for the per-household loop (NumPy scalars are slow to pull out one by one).
    tables = (
        load.tolist(),
        instance.capacity.tolist(),
        None if prices is None else np.asarray(prices, dtype=np.float64).tolist(),
    )
    demand = instance.demand.tolist()
    rows_per_block = max(1, block_pairs // max(n_s, 1))
    out: list[Explanation] = []
    if chosen is None:
        blocks = [(h0, min(n_h, h0 + rows_per_block)) for h0 in range(0, n_h, rows_per_block)]
    else:
        blocks = [(h, h + 1) for h in chosen]
    for h0, h1 in blocks:
        scores = breakdown.soft_scores_block(h0, h1)
        ranked = np.full(scores.shape, -np.inf)
        ranked[:] = scores
        mine = assignment[h0:h1]
        rows = np.flatnonzero(mine >= 0)
        ranked[rows, mine[rows]] = -np.inf
        # Best alternatives: highest soft score first, ties by site order.
        order = _best_columns(ranked, k_alt)
        alt_h = np.repeat(np.arange(h0, h1), k_alt)
        alt_s = order.ravel().astype(np.int64)
        broken = breakdown.violations(alt_h, alt_s).tolist()
        offered = (_find_pairs(pair_keys, alt_h * n_s + alt_s) >= 0).tolist()
        # Dimensions in which each alternative has no room left for the household.
        full = (load[alt_s] + instance.demand[alt_h] > instance.capacity[alt_s]).tolist()
        here = _find_pairs(pair_keys, np.arange(h0, h1) * n_s + np.maximum(mine, 0))
        order_list = order.tolist()
        for i, h in enumerate(range(h0, h1)):
            s_here = int(assignment[h])
            here_score = None
            if s_here >= 0 and here[i] >= 0:
                here_score = float(instance.pair_score[here[i]])
            alternatives: list[Alternative] = []
            for j in range(k_alt):
                p = i * k_alt + j
                s_alt = order_list[i][j]
                score_alt = float(scores[i, s_alt])
                hard = tuple(c for c, b in zip(hard_ids, broken[p], strict=True) if b)
                binding: tuple[Binding, ...] = ()
                if hard:
                    reason = "not_allowed"
                elif not offered[p]:
                    reason = "not_offered"
                elif here_score is not None and score_alt <= here_score:
                    reason = "lower_score"
                else:
                    binding = _binding(tables, instance.dimensions, demand[h], s_alt, full[p])
                    reason = "capacity" if binding else "trade_off"
                alternatives.append(
                    Alternative(
                        site_id=instance.site_ids[s_alt],
                        site_name=instance.site_names[s_alt],
                        score=score_alt,
                        reason=reason,
                        hard_criteria=hard,
                        binding=binding,
                    )
                )
            if s_here >= 0:
                row = contrib_of[h]
                out.append(
                    Explanation(
                        household_id=instance.household_ids[h],
                        site_id=instance.site_ids[s_here],
                        site_name=instance.site_names[s_here],
                        score=here_score,
                        contributions={
                            cid: float(v) for cid, v in zip(soft_ids, contrib[row], strict=True)
                        },
                        baseline=float(baseline[row]),
                        alternatives=tuple(alternatives),
                    )
                )
            else:
                has_pairs = int(start[h + 1]) > int(start[h])
                out.append(
                    Explanation(
                        household_id=instance.household_ids[h],
                        site_id=None,
                        site_name=None,
                        score=None,
                        alternatives=tuple(alternatives),
                        unplaced_reason="capacity" if has_pairs else "no_allowed_site",
                    )
                )
    return out


def _find_pairs(pair_keys: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]) -> IntArray:
    """Index of each key ``h * S + s`` among the allowed pairs, or -1 where it is not allowed."""
    if len(pair_keys) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(pair_keys, keys), len(pair_keys) - 1)
    return np.where(pair_keys[pos] == keys, pos, -1).astype(np.int64)


def _best_columns(values: FloatArray, k: int) -> npt.NDArray[np.int64]:
    """Per row, the columns of the ``k`` largest values, largest first, ties by column."""
    if k == 0:
        return np.zeros((values.shape[0], 0), dtype=np.int64)
    rows, cols = np.nonzero(top_k_mask(values, k))
    # exactly k per row; order each row's k by value (descending), then column
    order = np.lexsort((cols, -values[rows, cols], rows))
    return cols[order].reshape(values.shape[0], k).astype(np.int64)


def _binding(
    tables: tuple[list[list[int]], list[list[int]], list[list[float]] | None],
    dimensions: tuple[str, ...],
    demand: list[int],
    site: int,
    full: list[bool],
) -> tuple[Binding, ...]:
    """The dimensions (``full``) in which ``site`` has no room left for a household."""
    load, capacity, prices = tables
    return tuple(
        Binding(
            dimension=dimensions[d],
            load=load[site][d],
            demand=demand[d],
            capacity=capacity[site][d],
            shadow_price=None if prices is None else prices[site][d],
        )
        for d, is_full in enumerate(full)
        if is_full
    )


def explanation_to_dict(e: Explanation, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """JSON-serialisable form; ``labels`` maps criterion ids to readable labels."""
    labels = labels or {}

    def named(ids: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"id": c, "label": labels.get(c, c)} for c in ids]

    return {
        "household_id": e.household_id,
        "site_id": e.site_id,
        "site_name": e.site_name,
        "score": e.score,
        "unplaced_reason": e.unplaced_reason,
        "baseline": e.baseline,
        "contributions": [
            {"criterion": c, "label": labels.get(c, c), "contribution": v}
            for c, v in sorted(e.contributions.items(), key=lambda kv: -kv[1])
            if v > 0
        ],
        "alternatives": [
            {
                "site_id": a.site_id,
                "site_name": a.site_name,
                "score": a.score,
                "reason": a.reason,
                "hard_criteria": named(a.hard_criteria),
                "binding": [
                    {
                        "dimension": b.dimension,
                        "load": b.load,
                        "demand": b.demand,
                        "capacity": b.capacity,
                        "shadow_price": b.shadow_price,
                    }
                    for b in a.binding
                ],
            }
            for a in e.alternatives
        ],
    }
