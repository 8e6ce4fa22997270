"""Explanations: contributions, alternatives not allowed, binding capacities and shadow prices."""

from __future__ import annotations

import json

import numpy as np
import pytest
from profile_helpers import result_for
from scipy.optimize import linprog

from passgenau.engine.matching.criteria import load_catalogue
from passgenau.engine.matching.explain import explain, explanation_to_dict, lp_shadow_prices
from passgenau.engine.matching.profiles import HouseholdProfile, Member, SiteProfile
from passgenau.engine.matching.scoring import score_profiles
from passgenau.engine.matching.synthetic import generate_profiles

CATALOGUE = load_catalogue()


def adults(n: int) -> tuple[Member, ...]:
    return tuple(Member("30-44", "adult") for _ in range(n))


def scenario():
    """Two households want A (ties) but A has room for one; a third needs dialysis."""
    sites = [
        SiteProfile(id="A", name="Altstadt", capacity={"persons": 2}),
        SiteProfile(id="B", name="Bergdorf", capacity={"persons": 10}),
        SiteProfile(
            id="C", name="Clinic town", capacity={"persons": 10}, services=frozenset({"dialysis"})
        ),
    ]
    only_ties = {c.id: 0 for c in CATALOGUE.soft} | {"family_ties": 3}
    households = [
        HouseholdProfile(id="h1", members=adults(2), ties=("A",), importance=only_ties),
        HouseholdProfile(id="h2", members=adults(2), ties=("A",), importance=only_ties),
        HouseholdProfile(
            id="h3",
            members=adults(1),
            ties=("A",),
            importance=only_ties,
            needs=frozenset({"dialysis"}),
        ),
    ]
    instance, breakdown = score_profiles(households, sites, CATALOGUE)
    return instance, breakdown


def test_binding_capacity_and_not_allowed_alternatives_are_named():
    instance, breakdown = scenario()
    # h1 at A, h2 at B (A is full), h3 at C (A has no dialysis)
    result = result_for(instance, [0, 1, 2])
    by_id = {e.household_id: e for e in explain(instance, result, breakdown)}
    h2 = by_id["h2"]
    assert h2.site_id == "B"
    alt_a = next(a for a in h2.alternatives if a.site_id == "A")
    assert alt_a.reason == "capacity"
    (binding,) = alt_a.binding
    assert (binding.dimension, binding.load, binding.demand, binding.capacity) == (
        "persons",
        2,
        2,
        2,
    )
    assert binding.shadow_price is not None and binding.shadow_price > 0
    h3 = by_id["h3"]
    alt_a = next(a for a in h3.alternatives if a.site_id == "A")
    assert alt_a.reason == "not_allowed"
    assert alt_a.hard_criteria == ("medical_care",)
    # h1 got its best site: every alternative scores no higher.
    assert all(a.reason in ("lower_score", "not_allowed") for a in by_id["h1"].alternatives)


def test_unplaced_household_gets_a_reason():
    instance, breakdown = scenario()
    result = result_for(instance, [0, -1, 2])
    e = explain(instance, result, breakdown)[1]
    assert e.site_id is None and e.unplaced_reason == "capacity"
    assert any(a.reason == "capacity" for a in e.alternatives)
    d = explanation_to_dict(e)
    json.dumps(d)
    assert d["unplaced_reason"] == "capacity"


def test_room_left_but_not_taken_is_a_trade_off():
    instance, breakdown = scenario()
    result = result_for(instance, [1, 2, 2])  # A left empty although h1 wants it
    e = explain(instance, result, breakdown)[0]
    alt_a = next(a for a in e.alternatives if a.site_id == "A")
    assert alt_a.reason == "trade_off" and alt_a.binding == ()


def test_contributions_sum_to_the_pair_score():
    households, sites = generate_profiles(400, 15, seed=4)
    instance, breakdown = score_profiles(households, sites, CATALOGUE)
    # a greedy-by-household assignment that respects capacities, enough to have many placements
    load = np.zeros_like(instance.capacity)
    assignment = np.full(instance.n_households, -1)
    start = instance.household_pair_start
    for h in range(instance.n_households):
        for k in range(start[h], start[h + 1]):
            s = instance.pair_site[k]
            if np.all(load[s] + instance.demand[h] <= instance.capacity[s]):
                load[s] += instance.demand[h]
                assignment[h] = s
                break
    result = result_for(instance, assignment)
    explanations = explain(instance, result, breakdown, top=3)
    assert len(explanations) == instance.n_households
    placed = [e for e in explanations if e.site_id is not None]
    assert len(placed) > 300
    for e in placed:
        assert sum(e.contributions.values()) + e.baseline == pytest.approx(e.score, abs=1e-12)
        assert set(e.contributions) == set(breakdown.soft_ids)
        assert len(e.alternatives) == 3
        # alternatives are the best other sites, best first
        scores = [a.score for a in e.alternatives]
        assert scores == sorted(scores, reverse=True)
        assert e.site_id not in [a.site_id for a in e.alternatives]
        for a in e.alternatives:
            if a.reason == "not_allowed":
                assert a.hard_criteria
            if a.reason == "capacity":
                assert a.binding


def lp_value(instance, capacity) -> float:
    """Optimal value of the LP relaxation, dense, written independently of explain.py."""
    n_p = instance.n_pairs
    rows, rhs = [], []
    for h in range(instance.n_households):
        rows.append([1.0 if instance.pair_household[p] == h else 0.0 for p in range(n_p)])
        rhs.append(1.0)
    for s in range(instance.n_sites):
        for d in range(len(instance.dimensions)):
            rows.append(
                [
                    float(instance.demand[instance.pair_household[p], d])
                    if instance.pair_site[p] == s
                    else 0.0
                    for p in range(n_p)
                ]
            )
            rhs.append(float(capacity[s, d]))
    res = linprog(
        -instance.pair_score, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=(0, 1), method="highs"
    )
    assert res.status == 0
    return -res.fun


def test_shadow_prices_match_the_lp_value_of_one_more_unit():
    instance, _ = scenario()
    prices = lp_shadow_prices(instance)
    assert prices is not None and prices.shape == (3, 1)
    base = lp_value(instance, instance.capacity)
    for s in range(3):
        more = instance.capacity.copy()
        more[s, 0] += 1
        # one more unit of a capacity is worth its shadow price (the LP is not degenerate here)
        assert lp_value(instance, more) - base == pytest.approx(prices[s, 0], abs=1e-7)
    assert (
        prices[0, 0] > 0 and prices[1, 0] == pytest.approx(0) and prices[2, 0] == pytest.approx(0)
    )


def test_site_duals_from_the_result_are_preferred():
    instance, breakdown = scenario()
    duals = np.array([[7.0], [0.0], [0.0]])
    result = result_for(instance, [0, 1, 2], site_duals=duals)
    e = explain(instance, result, breakdown)[1]
    alt_a = next(a for a in e.alternatives if a.site_id == "A")
    assert alt_a.binding[0].shadow_price == 7.0


def test_shadow_prices_are_skipped_above_the_pair_limit():
    instance, breakdown = scenario()
    assert lp_shadow_prices(instance, max_pairs=2) is None
    result = result_for(instance, [0, 1, 2])
    e = explain(instance, result, breakdown, max_lp_pairs=2)[1]
    alt_a = next(a for a in e.alternatives if a.site_id == "A")
    assert alt_a.reason == "capacity" and alt_a.binding[0].shadow_price is None


def test_match_profiles_bundles_score_solve_explain_and_metrics():
    from passgenau.engine.matching.pipeline import match_profiles
    from passgenau.engine.matching.solution import violations

    households, sites = generate_profiles(120, 6, seed=9)
    run = match_profiles(households, sites, CATALOGUE, mechanism="greedy", alternatives=2)
    assert violations(run.instance, run.result.assignment) == []
    assert len(run.explanations) == 120
    assert run.metrics["placed_households"] == len(run.placements())
    assert sum(score for _, _, score in run.placements()) == pytest.approx(run.result.objective)
    assert run.report["run"]["catalogue_version"] == "1"
    assert all(len(e.alternatives) == 2 for e in run.explanations)
    json.dumps(run.report)


def test_best_columns_order_like_a_stable_sort():
    from passgenau.engine.matching.explain import _best_columns

    rng = np.random.default_rng(8)
    for _ in range(200):
        values = rng.integers(0, 4, (4, 7)).astype(float)
        k = int(rng.integers(0, 8))
        expected = np.argsort(-values, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(_best_columns(values, k), expected)
