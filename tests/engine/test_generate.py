"""Synthetic profiles: deterministic per seed, and shares within realistic bounds."""

from __future__ import annotations

import numpy as np
import pytest

from passgenau.engine.matching.profiles import household_to_dict, site_to_dict
from passgenau.engine.matching.synthetic import SITE_DIMENSIONS, generate_profiles


@pytest.fixture(scope="module")
def population():
    return generate_profiles(4000, 60, seed=2024)


def as_dicts(profiles):
    households, sites = profiles
    return [household_to_dict(h) for h in households], [site_to_dict(s) for s in sites]


def test_deterministic_per_seed():
    a = as_dicts(generate_profiles(300, 12, seed=7))
    b = as_dicts(generate_profiles(300, 12, seed=7))
    c = as_dicts(generate_profiles(300, 12, seed=8))
    assert a == b
    assert a != c


def share(flags) -> float:
    return float(np.mean(list(flags)))


def test_household_composition_is_realistic(population):
    households, _ = population
    groups = [h.group() for h in households]
    sizes = np.array([h.persons for h in households])
    # About six in ten households came with children (BMI survey 2022: 58 %).
    assert 0.50 <= share(g == "family_with_children" for g in groups) <= 0.66
    # Mothers alone with their children are the largest single type.
    single_parent = share("single_parent" in h.traits() for h in households)
    assert 0.28 <= single_parent <= 0.45
    # Older people: a fifth to a third of households include someone 65+.
    assert 0.18 <= share("has_senior" in h.traits() for h in households) <= 0.35
    # Few large families.
    assert 0.01 <= share(sizes >= 5) <= 0.06
    assert 1.9 <= sizes.mean() <= 2.8
    # Children are about a third of all persons (minors among refugees from Ukraine).
    children = sum(1 for h in households for m in h.members if m.role == "child")
    assert 0.28 <= children / sizes.sum() <= 0.45


def test_men_of_working_age_are_few(population):
    households, _ = population
    adults = [m for h in households for m in h.members if m.role == "adult"]
    men = [m for m in adults if m.relation in ("father", "husband", "man")]
    single_men = [
        h
        for h in households
        if h.persons == 1 and h.members[0].relation == "man" and h.members[0].role == "adult"
    ]
    # about four in five adults are women (BiB 2023: 80 %)
    assert 0.10 <= len(men) / len(adults) <= 0.25
    assert len(single_men) / len(households) <= 0.07


def test_needs_at_realistic_prevalence(population):
    households, _ = population

    def prevalence(tag: str) -> float:
        return share(tag in h.needs for h in households)

    assert 0.03 <= prevalence("barrier_free") <= 0.12
    assert prevalence("dialysis") <= 0.015
    assert 0.03 <= prevalence("psychotherapy_uk") <= 0.10
    assert 0.10 <= prevalence("chronic_illness") <= 0.30
    school = [h for h in households if "has_school_child" in h.traits()]
    assert share("special_school" in h.needs for h in school) <= 0.08


def test_capacities_a_little_above_demand(population):
    households, sites = population
    for dim in SITE_DIMENSIONS:
        demand = sum(h.demand()[dim] for h in households)
        capacity = sum(s.capacity[dim] for s in sites)
        assert demand > 0
        assert 1.0 <= capacity / demand <= 1.15, dim


def test_preferences_refer_to_existing_sites(population):
    households, sites = population
    ids = {s.id for s in sites}
    for h in households:
        assert set(h.ties) <= ids and set(h.ranked_places) <= ids and h.excluded_places <= ids
        assert not (set(h.ranked_places) & h.excluded_places)
    assert 0.15 <= share(bool(h.ties) for h in households) <= 0.35
    assert 0.35 <= share(bool(h.ranked_places) for h in households) <= 0.55
