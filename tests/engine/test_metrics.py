"""Metrics of a run, checked by hand on a small instance."""

from __future__ import annotations

import json

import numpy as np
import pytest
from profile_helpers import result_for

from passgenau.engine.matching.criteria import load_catalogue
from passgenau.engine.matching.metrics import preference_ranks, run_metrics, score_summary
from passgenau.engine.matching.model import Instance
from passgenau.engine.matching.profiles import HouseholdProfile, Member
from passgenau.engine.matching.report import build_report, report_html, report_text


def small_instance() -> Instance:
    # 4 households, 2 sites, persons only; household 3 has no allowed site.
    return Instance(
        household_ids=("h0", "h1", "h2", "h3"),
        site_ids=("a", "b"),
        dimensions=("persons",),
        demand=[[1], [2], [3], [1]],
        capacity=[[3], [3]],
        pair_household=[0, 0, 1, 1, 2],
        pair_site=[0, 1, 0, 1, 1],
        pair_score=[0.9, 0.4, 0.2, 0.75, 0.5],
    )


def profiles() -> list[HouseholdProfile]:
    adult, child, senior = Member("30-44", "adult"), Member("6-9", "child"), Member("75+", "senior")
    return [
        HouseholdProfile(id="h0", members=(adult,), ranked_places=("b", "a")),
        HouseholdProfile(id="h1", members=(adult, child)),
        HouseholdProfile(id="h2", members=(senior, senior, senior)),
        HouseholdProfile(id="h3", members=(adult,)),
    ]


def test_preference_ranks_by_score_and_by_ranked_places():
    inst = small_instance()
    a = [0, 1, 1, -1]
    assert list(preference_ranks(inst, a)) == [1, 1, 1, 0]
    # h0 ranked b first, so a is its second choice; h1 has no list: by score, b is first.
    assert list(preference_ranks(inst, a, profiles())) == [2, 1, 1, 0]
    assert list(preference_ranks(inst, [1, 0, -1, -1])) == [2, 2, 0, 0]


def test_run_metrics_by_hand():
    inst = small_instance()
    result = result_for(inst, [0, 1, -1, -1], bound=1.8)
    m = run_metrics(inst, result, profiles(), catalogue_version="1")
    json.dumps(m)  # JSON-serialisable
    assert m["households"] == 4 and m["persons"] == 7
    assert m["placed_households"] == 2 and m["placed_persons"] == 3
    assert m["placed_household_share"] == 0.5
    # h0: a is its 2nd ranked place; h1: b is its best by score
    assert m["first_share"] == 0.25 and m["top3_share"] == 0.5
    assert m["first_share_of_placed"] == 0.5
    assert m["scores"]["count"] == 2
    assert m["scores"]["mean"] == pytest.approx((0.9 + 0.75) / 2)
    assert m["scores"]["histogram"][9] == 1 and m["scores"]["histogram"][7] == 1
    assert m["groups"]["family_with_children"]["placed"] == 1
    assert m["groups"]["seniors"] == {
        "households": 1,
        "placed": 0,
        "first_share": 0.0,
        "scores": score_summary([]),
    }
    assert m["groups"]["single_adult"]["households"] == 2
    load = {row["site_id"]: row for row in m["load"]}
    assert load["a"]["load"] == {"persons": 1} and load["b"]["load"] == {"persons": 2}
    assert load["b"]["utilisation"]["persons"] == pytest.approx(2 / 3)
    spread = m["spread"]["persons"]
    # quotas 50/50 of capacity; shares of load 1/3 and 2/3 → 16.67 pp either way
    assert spread["max_abs_deviation_pp"] == pytest.approx(100 / 6)
    assert spread["utilisation_min"] == pytest.approx(1 / 3)
    assert m["objective"] == pytest.approx(1.65) and m["bound"] == 1.8
    assert m["gap"] == pytest.approx(0.15 / 1.8)
    assert m["input_hash"] == inst.input_hash() and m["catalogue_version"] == "1"
    assert m["mechanism"] == "hand" and m["seed"] == 0


def test_groups_by_size_without_profiles():
    inst = small_instance()
    m = run_metrics(inst, result_for(inst, [0, 1, 1, -1]))
    assert set(m["groups"]) == {"persons_1", "persons_2", "persons_3"}
    assert m["preference_basis"] == "score"


def test_blocking_pairs_are_taken_from_the_result():
    inst = small_instance()
    m = run_metrics(inst, result_for(inst, [0, 1, -1, -1], blocking_pairs=3))
    assert m["blocking_pairs"] == 3


def test_blocking_pairs_are_counted_when_the_result_has_none():
    pytest.importorskip(
        "passgenau.engine.matching.mechanisms.stable",
        reason="the stable mechanism (blocking_pairs) is not in this tree yet",
    )
    inst = small_instance()
    # h0 and h1 have their best sites; h2 (3 persons) fits b only by displacing h1, whom b ranks
    # higher (0.75 > 0.5): no blocking pair. Moving h1 to a makes (h1, b) block.
    assert run_metrics(inst, result_for(inst, [0, 1, -1, -1]))["blocking_pairs"] == 0
    assert run_metrics(inst, result_for(inst, [0, 0, -1, -1]))["blocking_pairs"] >= 1


def test_reports_escape_and_carry_the_metrics():
    inst = Instance(
        household_ids=("<h0>",),
        site_ids=("a&b",),
        dimensions=("persons",),
        demand=[[1]],
        capacity=[[1]],
        pair_household=[0],
        pair_site=[0],
        pair_score=[0.5],
        site_names=("<script>alert(1)</script>",),
    )
    result = result_for(inst, [0])
    catalogue = load_catalogue()
    from passgenau.engine.matching.explain import Explanation

    explanations = [Explanation("<h0>", "a&b", "<script>alert(1)</script>", 0.5)]
    report = build_report(
        inst, result, run_metrics(inst, result), explanations, catalogue, language="de"
    )
    json.dumps(report)
    assert report["criteria"][0]["label"] == "Platz für den ganzen Haushalt"
    page = report_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page and "a&amp;b" in page
    assert "http://" not in page and "https://" not in page  # no external assets
    text = report_text(report)
    assert "placed households: 1 of 1" in text
    assert np.isclose(report["run"]["objective"], 0.5)


def test_preference_ranks_equal_a_plain_sort_with_ties():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n_h, n_s = 6, 5
        mask = rng.random((n_h, n_s)) < 0.7
        ph, ps = np.nonzero(mask)
        scores = rng.integers(0, 3, len(ph)) / 2  # many ties
        inst = Instance(
            household_ids=tuple(f"h{i}" for i in range(n_h)),
            site_ids=tuple(f"s{j}" for j in range(n_s)),
            dimensions=("persons",),
            demand=np.ones((n_h, 1)),
            capacity=np.full((n_s, 1), n_h),
            pair_household=ph,
            pair_site=ps,
            pair_score=scores,
        )
        assignment = np.array(
            [
                rng.choice(ps[ph == h]) if (ph == h).any() and rng.random() < 0.8 else -1
                for h in range(n_h)
            ]
        )
        expected = []
        for h in range(n_h):
            if assignment[h] < 0:
                expected.append(0)
                continue
            mine = [(-scores[k], ps[k]) for k in np.flatnonzero(ph == h)]
            expected.append(sorted(mine).index(next(m for m in mine if m[1] == assignment[h])) + 1)
        assert list(preference_ranks(inst, assignment)) == expected
