"""An independent, plain per-pair reference for the scorer (``scoring.py`` is vectorised): the
demand, tags, hard criteria broken and soft contributions of one (household, site) pair, written
the slow and obvious way for every rule type of the criteria catalogue."""

from __future__ import annotations

import math

import numpy as np
import pytest

from passgenau.engine.matching.criteria import load_catalogue
from passgenau.engine.matching.profiles import SIZE_CLASSES, HouseholdProfile, SiteProfile
from passgenau.engine.matching.scoring import NEUTRAL_SCORE, score_profiles

CATALOGUE = load_catalogue()

# -- an independent, plain per-pair reference ----------------------------------------------------


def ref_demand(h: HouseholdProfile) -> dict[str, int]:
    names = "persons adults children seniors school kita barrier_free large_flat households"
    out = dict.fromkeys(names.split(), 0)
    for m in h.members:
        out["persons"] += 1
        out[{"adult": "adults", "child": "children", "senior": "seniors"}[m.role]] += 1
        if m.age_band in ("0-2", "3-5"):
            out["kita"] += 1
        if m.age_band in ("6-9", "10-17"):
            out["school"] += 1
    out["barrier_free"] = 1 if "barrier_free" in h.needs else 0
    out["large_flat"] = 1 if len(h.members) >= 5 else 0
    out["households"] = 1
    return out


def ref_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance by the Vincenty formula for the sphere (not the scorer's
    haversine; accurate for small and large distances alike)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    dlon = lon2 - lon1
    y = math.hypot(
        math.cos(lat2) * math.sin(dlon),
        math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon),
    )
    x = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(dlon)
    return 6371.0088 * math.atan2(y, x)


def prefixed(tags, prefix: str) -> set[str]:
    return {t for t in tags if t.startswith(prefix)}


def ref_tags(h: HouseholdProfile) -> set[str]:
    tags = set(h.needs)
    roles = [m.role for m in h.members]
    n_child = roles.count("child")
    n_grown = len(roles) - n_child
    if n_child:
        tags |= {"has_child", "family_with_children"}
        if n_grown == 1:
            tags.add("single_parent")
    if any(m.age_band in ("0-2", "3-5") for m in h.members):
        tags.add("has_kita_child")
    if any(m.age_band in ("6-9", "10-17") for m in h.members):
        tags.add("has_school_child")
    if "senior" in roles:
        tags.add("has_senior")
    if roles == ["adult"]:
        tags.add("single_adult")
    if len(roles) >= 5:
        tags.add("large_family")
    if n_grown and "de" not in h.languages:
        tags.add("needs_german_course")
    return tags


def ref_pair(h: HouseholdProfile, s: SiteProfile, cat=CATALOGUE):
    """(hard criteria broken, score, {criterion: contribution}) for one pair, the slow way."""
    demand, tags = ref_demand(h), ref_tags(h)
    broken = []
    for c in cat.hard:
        if c.rule == "capacity_fit":
            bad = any(d in s.capacity and demand[d] > s.capacity[d] for d in c.params["dimensions"])
        elif c.rule == "need_service":
            bad = any(
                t in tags and not set(services) & set(s.services)
                for t, services in c.params["requires"].items()
            )
        elif c.rule == "shared_tags":
            mine = prefixed(tags, c.params["prefix"])
            bad = bool(mine) and not mine & set(s.services)
        else:
            bad = s.id in h.excluded_places
        if bad:
            broken.append(c.id)
    weighted = {}
    for c in cat.soft:
        p = c.params
        if c.rule == "tie":
            applies, x = bool(h.ties), float(s.id in h.ties)
        elif c.rule == "ranked_places":
            k = len(h.ranked_places)
            applies = k > 0
            x = (k - h.ranked_places.index(s.id)) / k if s.id in h.ranked_places else p["unranked"]
        elif c.rule == "need_service":
            needed = [t for t in p["requires"] if t in tags]
            applies = bool(needed)
            met = [bool(set(p["requires"][t]) & set(s.services)) for t in needed]
            x = sum(met) / len(met) if met else 0.0
        elif c.rule == "occupation_demand":
            applies = bool(h.occupations)
            values = [s.labour_demand.get(o, p["missing"]) for o in h.occupations]
            x = sum(values) / len(values) if values else 0.0
        elif c.rule == "size_class":
            applies = h.preferred_size is not None and s.size_class is not None
            x = 0.0
            if applies:
                steps = abs(SIZE_CLASSES.index(h.preferred_size) - SIZE_CLASSES.index(s.size_class))
                x = max(0.0, 1 - p["step_penalty"] * steps)
        elif c.rule == "region":
            applies, x = h.preferred_region is not None, float(h.preferred_region == s.region)
        elif c.rule == "community_language":
            langs = [lang for lang in h.languages if lang not in p["ignore"]]
            applies = bool(langs)
            x = max(
                (min(1.0, s.communities.get(lang, 0) / p["full_at"]) for lang in langs), default=0
            )
        elif c.rule == "language_courses":
            applies = p["applies_to"] in tags
            x = min(1.0, s.language_course_places / p["full_at"])
        elif c.rule == "site_priority":
            applies, x = bool(s.priority_groups), float(bool(tags & set(s.priority_groups)))
        elif c.rule == "shared_tags":
            mine = prefixed(tags, p["prefix"])
            applies = bool(mine)
            met = len(mine & set(s.services))
            x = float(met > 0) if p["score"] == "any" else met / len(mine) if mine else 0.0
        elif c.rule == "fill":
            room = s.capacity.get(p["dimension"], 0)
            applies = demand[p["dimension"]] > 0 and room > 0
            x = min(1.0, demand[p["dimension"]] / room) if applies else 0.0
        elif c.rule == "distance":
            applies = bool(h.anchors) and s.location is not None
            x = 0.0
            if applies:
                near = [max(0.0, 1 - ref_km(a, s.location) / p["zero_km"]) for a in h.anchors]
                x = sum(near) / len(near)
        else:
            raise AssertionError(c.rule)
        rating = (
            h.importance.get(c.id, c.default_importance)
            if c.rated_by == "household"
            else (c.default_importance)
        )
        w = rating * s.priorities.get(c.id, 1.0) * applies
        weighted[c.id] = (w, x)
    total = sum(w for w, _ in weighted.values())
    if total == 0:
        return broken, NEUTRAL_SCORE, dict.fromkeys(weighted, 0.0)
    contributions = {cid: w * x / total for cid, (w, x) in weighted.items()}
    return broken, sum(contributions.values()), contributions


def check_against_reference(households, sites, catalogue=CATALOGUE, **kwargs):
    """Score with the engine and compare every pair with :func:`ref_pair`; returns the instance."""
    instance, breakdown = score_profiles(households, sites, catalogue, **kwargs)
    for i, h in enumerate(households):
        expected_demand = ref_demand(h)
        assert h.demand() == expected_demand and h.tags() == ref_tags(h)
        expected_demand = {**expected_demand, **h.uses}  # the further dimensions, 0 where unused
        assert list(instance.demand[i]) == [expected_demand.get(d, 0) for d in instance.dimensions]
    got = {
        (int(h), int(s)): float(x)
        for h, s, x in zip(
            instance.pair_household, instance.pair_site, instance.pair_score, strict=True
        )
    }
    expected = {}
    all_h, all_s, ref_broken, ref_contrib = [], [], [], []
    for i, h in enumerate(households):
        for j, s in enumerate(sites):
            broken, score, contributions = ref_pair(h, s, catalogue)
            if not broken:
                expected[(i, j)] = score
            all_h.append(i)
            all_s.append(j)
            ref_broken.append(broken)
            ref_contrib.append([contributions[c] for c in breakdown.soft_ids])
    assert got.keys() == expected.keys()
    assert all(-1e-12 <= x <= 1 + 1e-12 for x in got.values())
    for pair, score in expected.items():
        assert got[pair] == pytest.approx(score, abs=1e-12), pair
    # The pair-list path (used by explanations) agrees with the reference too.
    broken = breakdown.violations(all_h, all_s)
    for k, names in enumerate(ref_broken):
        assert [breakdown.hard_ids[c] for c in np.flatnonzero(broken[k])] == names
    contrib, baseline = breakdown.contributions(all_h, all_s)
    np.testing.assert_allclose(contrib, np.array(ref_contrib).reshape(contrib.shape), atol=1e-12)
    assert np.all((baseline == 0) | (baseline == NEUTRAL_SCORE))
    return instance
