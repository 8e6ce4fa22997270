"""A placement changed by hand: what each site would break (against the per-pair reference and
a plain count of the load), and the run measured again (against run_metrics of the same
placement built by hand)."""

from __future__ import annotations

import pytest
from profile_helpers import result_for
from scoring_reference import ref_demand, ref_pair

from passgenau.engine.matching.adjust import SolvedAs, placement_options, remeasure
from passgenau.engine.matching.criteria import load_catalogue
from passgenau.engine.matching.explain import explain
from passgenau.engine.matching.metrics import run_metrics
from passgenau.engine.matching.pipeline import constrain, match_profiles
from passgenau.engine.matching.profiles import HouseholdProfile, Member, SiteProfile
from passgenau.engine.matching.scoring import score_profiles
from passgenau.engine.matching.synthetic import generate_profiles

CATALOGUE = load_catalogue()
SOLVED = SolvedAs("optimal", "optimal", 9.0, "test", "0", 0.5, 3)


def family() -> tuple[Member, ...]:
    return (Member("30-44", "adult"), Member("6-9", "child"))


def small():
    sites = [
        SiteProfile(id="A", name="Altstadt", capacity={"persons": 4, "school": 1}),
        SiteProfile(id="B", name="Bergdorf", capacity={"persons": 10, "school": 5}),
        SiteProfile(id="C", name="Clinic town", capacity={"persons": 10, "school": 5}),
    ]
    households = [
        HouseholdProfile(id="h1", members=family()),
        HouseholdProfile(id="h2", members=family(), excluded_places=frozenset({"C"})),
        HouseholdProfile(id="h3", members=family(), needs=frozenset({"dialysis"})),
    ]
    return households, sites


def test_options_name_what_each_site_would_break():
    households, sites = small()
    placements = {"h1": "A", "h2": "B", "h3": None}
    options = {
        o.site_id: o
        for o in placement_options(
            households,
            sites,
            CATALOGUE,
            household_id="h2",
            placements=placements,
            forbidden=[("h2", "B")],
        )
    }
    assert options["C"].hard_criteria == ("excluded_places",)
    assert options["B"].forbidden and not options["B"].hard_criteria
    # A: h1 holds its one school place
    (excess,) = options["A"].over_capacity
    assert (excess.dimension, excess.load, excess.demand, excess.capacity) == ("school", 1, 1, 1)
    assert not any(o.allowed for o in options.values())
    # scores and hard criteria as the plain per-pair reference has them
    for site in sites:
        broken, score, _ = ref_pair(households[1], site, CATALOGUE)
        assert options[site.id].score == pytest.approx(score, abs=1e-12)
        assert list(options[site.id].hard_criteria) == broken


def test_load_counts_every_other_household_once():
    households, sites = generate_profiles(60, 6, seed=4)
    placements = {h.id: sites[k % 6].id for k, h in enumerate(households)}
    target = households[0]
    options = placement_options(
        households, sites, CATALOGUE, household_id=target.id, placements=placements
    )
    for option, site in zip(options, sites, strict=True):
        others = [h for h in households[1:] if placements[h.id] == site.id]
        for excess in option.over_capacity:
            load = sum(ref_demand(h)[excess.dimension] for h in others)
            assert excess.load == load
            assert load + excess.demand > site.capacity[excess.dimension]
        fits = all(
            sum(ref_demand(h)[d] for h in others) + ref_demand(target)[d] <= c
            for d, c in site.capacity.items()
            if ref_demand(target)[d] > 0
        )
        assert fits == (not option.over_capacity)


def test_remeasured_metrics_are_those_of_the_placement_built_by_hand():
    households, sites = generate_profiles(40, 5, seed=7)
    run = match_profiles(households, sites, CATALOGUE, mechanism="greedy")
    placements = {e.household_id: e.site_id for e in run.explanations}
    moved = next(h for h, s in placements.items() if s is not None)
    instance = run.instance
    h = instance.household_ids.index(moved)
    others = [s for s in instance.site_ids if s != placements[moved]]
    # a site the pair is allowed at (sites are not checked for capacity by the metrics)
    target = next(
        s for s in others if instance.pair_index(h, instance.site_ids.index(s)) is not None
    )
    placements[moved] = target
    again = remeasure(
        households,
        sites,
        CATALOGUE,
        placements=placements,
        solved_as=SOLVED,
        explain_households=[moved],
    )
    index = {s: k for k, s in enumerate(instance.site_ids)}
    assignment = [
        -1 if placements[hid] is None else index[placements[hid]] for hid in instance.household_ids
    ]
    oracle = result_for(instance, assignment, mechanism="optimal", bound=9.0)
    expected = run_metrics(instance, oracle, households, catalogue_version=CATALOGUE.version)
    for key in ("placed_households", "first_share", "top3_share", "load", "spread", "groups"):
        assert again.metrics[key] == expected[key], key
    assert again.metrics["objective"] == pytest.approx(oracle.objective)
    assert again.metrics["gap"] == pytest.approx(oracle.gap)
    assert again.metrics["bound"] == 9.0 and again.metrics["status"] == "optimal"
    k = instance.pair_index(h, index[target])
    assert again.scores[moved] == pytest.approx(float(instance.pair_score[k]))
    full = {e.household_id: e for e in explain(instance, oracle, run.breakdown)}
    assert again.explanations[moved] == full[moved]
    assert set(again.explanations) == {moved}


def test_an_exception_counts_with_its_soft_score():
    households, sites = small()
    placements = {"h1": "A", "h2": "C", "h3": "B"}  # h2 at a place it excluded, h3 without care
    again = remeasure(households, sites, CATALOGUE, placements=placements, solved_as=SOLVED)
    assert again.metrics["placed_households"] == 3
    for hid, site in (("h2", sites[2]), ("h3", sites[1])):
        broken, score, _ = ref_pair(households[int(hid[1]) - 1], site, CATALOGUE)
        assert broken and again.scores[hid] == pytest.approx(max(score, 0.0))
    loads = {row["site_id"]: row["load"]["persons"] for row in again.metrics["load"]}
    assert loads == {"A": 2, "B": 2, "C": 2}


def test_explain_only_some_households_agrees_with_explaining_all():
    households, sites = generate_profiles(30, 4, seed=2)
    scored, breakdown = score_profiles(households, sites, CATALOGUE)
    instance = constrain(scored, breakdown)
    run = match_profiles(households, sites, CATALOGUE, mechanism="greedy")
    every = explain(instance, run.result, breakdown)
    some = explain(instance, run.result, breakdown, only=[7, 3, 3, 20])
    assert some == [every[3], every[7], every[20]]
