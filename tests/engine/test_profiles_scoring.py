"""Profiles and vectorised scoring: hard criteria, weights, and a plain per-pair reference."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_reference import check_against_reference, ref_pair

from passgenau.engine.matching.criteria import load_catalogue
from passgenau.engine.matching.profiles import (
    SIZE_CLASSES,
    HouseholdProfile,
    Member,
    ProfileError,
    SiteProfile,
    read_profiles,
    write_profiles,
)
from passgenau.engine.matching.scoring import NEUTRAL_SCORE, score_profiles
from passgenau.engine.matching.synthetic import generate_profiles

CATALOGUE = load_catalogue()

# -- random small profiles ----------------------------------------------------------------------

NEEDS = ["barrier_free", "dialysis", "psychotherapy_uk", "special_school", "trauma", "diabetes"]
SERVICES = [
    "dialysis",
    "psychotherapy_uk",
    "special_school",
    "trauma_counselling",
    "welcome_class",
    "kita_immediate",
    "diabetology",
]
GROUPS = ["family_with_children", "single_adult", "has_senior", "dialysis"]
CHILD_BANDS, ADULT_BANDS, SENIOR_BANDS = ["0-2", "3-5", "6-9", "10-17"], ["18-29", "45-64"], ["75+"]


@st.composite
def members(draw):
    role = draw(st.sampled_from(["adult", "child", "senior"]))
    bands = {"adult": ADULT_BANDS, "child": CHILD_BANDS, "senior": SENIOR_BANDS}[role]
    return Member(draw(st.sampled_from(bands)), role)


@st.composite
def profiles(draw):
    n_s = draw(st.integers(1, 5))
    site_ids = [f"s{i}" for i in range(n_s)]
    sites = []
    for sid in site_ids:
        sites.append(
            SiteProfile(
                id=sid,
                name=sid.upper(),
                capacity={
                    "persons": draw(st.integers(0, 8)),
                    "kita": draw(st.integers(0, 2)),
                    "barrier_free": draw(st.integers(0, 1)),
                    "large_flat": draw(st.integers(0, 1)),
                },
                services=frozenset(draw(st.lists(st.sampled_from(SERVICES), max_size=4))),
                size_class=draw(st.none() | st.sampled_from(SIZE_CLASSES)),
                region=draw(st.none() | st.sampled_from(["BY", "NI"])),
                labour_demand={
                    str(k): draw(st.sampled_from([0.0, 0.25, 0.9]))
                    for k in draw(st.lists(st.integers(0, 9), max_size=4))
                },
                communities={
                    lang: draw(st.integers(0, 900))
                    for lang in draw(st.lists(st.sampled_from(["uk", "ru", "de"]), max_size=3))
                },
                language_course_places=draw(st.integers(0, 60)),
                priorities={
                    cid: draw(st.sampled_from([0.0, 0.5, 2.0, 3.0]))
                    for cid in draw(
                        st.lists(
                            st.sampled_from(
                                ["family_ties", "labour_market", "site_priority", "community"]
                            ),
                            max_size=2,
                        )
                    )
                },
                priority_groups=frozenset(draw(st.lists(st.sampled_from(GROUPS), max_size=2))),
            )
        )
    households = []
    for i in range(draw(st.integers(1, 7))):
        households.append(
            HouseholdProfile(
                id=f"h{i}",
                members=tuple(draw(st.lists(members(), min_size=1, max_size=6))),
                languages=tuple(
                    draw(
                        st.lists(st.sampled_from(["uk", "ru", "de", "en"]), unique=True, max_size=3)
                    )
                ),
                occupations=tuple(draw(st.lists(st.sampled_from("0123456789"), max_size=3))),
                needs=frozenset(draw(st.lists(st.sampled_from(NEEDS), max_size=2))),
                ties=tuple(draw(st.lists(st.sampled_from(site_ids), unique=True, max_size=2))),
                importance={
                    cid: draw(st.integers(0, 3))
                    for cid in draw(
                        st.lists(st.sampled_from([c.id for c in CATALOGUE.soft]), max_size=5)
                    )
                },
                ranked_places=tuple(
                    draw(st.lists(st.sampled_from(site_ids), unique=True, max_size=3))
                ),
                excluded_places=frozenset(draw(st.lists(st.sampled_from(site_ids), max_size=1))),
                preferred_size=draw(st.none() | st.sampled_from(SIZE_CLASSES)),
                preferred_region=draw(st.none() | st.sampled_from(["BY", "NI", "HH"])),
            )
        )
    return households, sites


@settings(max_examples=80, deadline=None)
@given(profiles())
def test_vectorised_scoring_equals_the_per_pair_reference(data):
    households, sites = data
    check_against_reference(households, sites)


@settings(max_examples=30, deadline=None)
@given(profiles())
def test_block_size_does_not_change_the_instance(data):
    households, sites = data
    a, _ = score_profiles(households, sites, CATALOGUE)
    b, _ = score_profiles(households, sites, CATALOGUE, block_pairs=1)
    assert a.input_hash() == b.input_hash()


def test_reference_on_synthetic_profiles():
    households, sites = generate_profiles(150, 9, seed=11)
    instance = check_against_reference(households, sites)
    assert instance.dimensions == ("persons", "school", "kita", "barrier_free", "large_flat")
    assert 0 < instance.n_pairs < 150 * 9


# -- hard criteria --------------------------------------------------------------------------------


def mother_and_child(**kw) -> HouseholdProfile:
    base = HouseholdProfile(
        id="h",
        members=(Member("30-44", "adult", "mother"), Member("6-9", "child", "son")),
        languages=("uk",),
    )
    return replace(base, **kw)


def site(sid: str, **kw) -> SiteProfile:
    base = SiteProfile(
        id=sid, name=sid, capacity={"persons": 10, "school": 5, "kita": 5, "barrier_free": 2}
    )
    return replace(base, **kw)


def allowed_sites(households, sites) -> set[tuple[str, str]]:
    instance, _ = score_profiles(households, sites, CATALOGUE)
    return {
        (instance.household_ids[h], instance.site_ids[s])
        for h, s in zip(instance.pair_household, instance.pair_site, strict=True)
    }


def test_a_hard_need_without_the_service_is_not_allowed():
    h = mother_and_child(needs=frozenset({"dialysis"}))
    pairs = allowed_sites([h], [site("a", services=frozenset({"dialysis"})), site("b")])
    assert pairs == {("h", "a")}


def test_excluded_places_and_capacity_fit_exclude_pairs():
    h = mother_and_child(excluded_places=frozenset({"a"}), needs=frozenset({"barrier_free"}))
    sites = [
        site("a"),
        site("b", capacity={"persons": 1, "school": 5, "kita": 5, "barrier_free": 2}),
        site("c", capacity={"persons": 9, "school": 0, "kita": 5, "barrier_free": 2}),
        site("d", capacity={"persons": 9, "school": 1, "kita": 0, "barrier_free": 0}),
        site("e", capacity={"persons": 2, "school": 1, "kita": 0, "barrier_free": 1}),
    ]
    assert allowed_sites([h], sites) == {("h", "e")}
    _, breakdown = score_profiles([h], sites, CATALOGUE)
    broken = breakdown.violations([0] * 5, range(5))
    names = [[breakdown.hard_ids[c] for c in np.flatnonzero(row)] for row in broken]
    assert names == [
        ["excluded_places"],
        ["room"],
        ["school_kita_places"],
        ["barrier_free_housing"],
        [],
    ]


def test_a_dimension_no_site_offers_does_not_constrain():
    h = mother_and_child(members=tuple(Member("30-44", "adult") for _ in range(6)))
    s = SiteProfile(id="a", name="a", capacity={"persons": 6})
    assert allowed_sites([h], [s]) == {("h", "a")}


# -- weights behave monotonically ------------------------------------------------------------------


def two_sites():
    a = site("a", communities={"uk": 500}, language_course_places=0, size_class="city")
    b = site("b", communities={"uk": 0}, language_course_places=40, size_class="village")
    return [a, b]


def pair_scores(h, sites) -> np.ndarray:
    instance, _ = score_profiles([h], sites, CATALOGUE)
    out = np.full(len(sites), np.nan)
    out[instance.pair_site] = instance.pair_score
    return out


def test_raising_an_importance_moves_the_score_towards_that_criterion():
    sites = two_sites()
    previous = None
    for rating in range(4):
        h = mother_and_child(importance={"community": rating, "language_courses": 1})
        scores = pair_scores(h, sites)
        if previous is not None:
            assert scores[0] > previous[0]  # a has the community: better with each step
            assert scores[1] < previous[1]  # b has none: worse with each step
        previous = scores


@settings(max_examples=60, deadline=None)
@given(profiles(), st.data())
def test_importance_monotone_on_random_profiles(data, choose):
    households, sites = data
    cid = choose.draw(st.sampled_from([c.id for c in CATALOGUE.soft if c.rated_by == "household"]))
    h = households[0]
    r = choose.draw(st.integers(0, 2))
    low = replace(h, importance={**h.importance, cid: r})
    high = replace(h, importance={**h.importance, cid: r + 1})
    got_low, got_high = pair_scores(low, sites), pair_scores(high, sites)
    _, bd = score_profiles([high], sites, CATALOGUE)
    k = bd.soft_ids.index(cid)
    weights = bd.weights([0] * len(sites), range(len(sites)))
    contrib, _ = bd.contributions([0] * len(sites), range(len(sites)))
    for j, s in enumerate(sites):
        broken, _, _ = ref_pair(low, s)
        if broken:
            assert np.isnan(got_low[j]) and np.isnan(got_high[j])
            continue
        if weights[j, k] == 0:  # the criterion does not apply to this pair
            assert got_high[j] == pytest.approx(got_low[j])
            continue
        # The weighted mean moves towards the criterion's own score x.
        x = contrib[j, k] * weights[j].sum() / weights[j, k]
        if x > got_low[j] + 1e-12:
            assert got_high[j] >= got_low[j] - 1e-12
        elif x < got_low[j] - 1e-12:
            assert got_high[j] <= got_low[j] + 1e-12


def test_a_site_priority_weighs_its_criterion_more():
    sites = two_sites()
    h = mother_and_child(importance={"community": 2, "language_courses": 2})
    base = pair_scores(h, sites)
    favoured = [replace(sites[0], priorities={"community": 3.0}), sites[1]]
    assert pair_scores(h, favoured)[0] > base[0]


def test_a_tie_never_lowers_a_score():
    sites = two_sites()
    h = mother_and_child(ties=("b",))
    without = mother_and_child(ties=("a",))
    assert pair_scores(h, sites)[1] > pair_scores(without, sites)[1]


def test_scores_stay_comparable_when_everything_is_rated_higher():
    sites = two_sites()
    ones = mother_and_child(importance={c.id: 1 for c in CATALOGUE.soft})
    threes = mother_and_child(importance={c.id: 3 for c in CATALOGUE.soft})
    np.testing.assert_allclose(pair_scores(ones, sites), pair_scores(threes, sites))


def test_a_household_indifferent_to_everything_scores_neutral():
    h = mother_and_child(importance={c.id: 0 for c in CATALOGUE.soft})
    sites = [replace(s, priority_groups=frozenset()) for s in two_sites()]
    np.testing.assert_allclose(pair_scores(h, sites), [NEUTRAL_SCORE, NEUTRAL_SCORE])


def test_top_k_keeps_each_households_best_sites():
    households, sites = generate_profiles(60, 8, seed=5)
    full, _ = score_profiles(households, sites, CATALOGUE)
    top, _ = score_profiles(households, sites, CATALOGUE, top_k=3)
    start = full.household_pair_start
    top_start = top.household_pair_start
    for h in range(60):
        scores = np.sort(full.pair_score[start[h] : start[h + 1]])[::-1]
        kept = np.sort(top.pair_score[top_start[h] : top_start[h + 1]])[::-1]
        assert len(kept) == min(3, len(scores))
        np.testing.assert_allclose(kept, scores[: len(kept)])


# -- reading profiles ----------------------------------------------------------------------------


def test_profiles_round_trip_as_json_and_jsonl(tmp_path: Path):
    households, sites = generate_profiles(20, 4, seed=2)
    for jsonl in (True, False):
        d = tmp_path / str(jsonl)
        write_profiles(d, households, sites, jsonl=jsonl)
        h2, s2 = read_profiles(d)
        assert h2 == households and s2 == sites


def test_profile_problems_name_file_record_and_field(tmp_path: Path):
    households, sites = generate_profiles(3, 2, seed=2)
    write_profiles(tmp_path, households, sites)
    lines = (tmp_path / "households.jsonl").read_text().splitlines()
    bad = json.loads(lines[1])
    bad["members"][0]["age_band"] = "5-9"
    bad["importance"] = {"family_ties": 7}
    bad["ties"] = ["S9999"]
    lines[1] = json.dumps(bad)
    lines.append(json.dumps(json.loads(lines[0])))  # a duplicate id
    lines.append("{not json")
    (tmp_path / "households.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ProfileError) as info:
        read_profiles(tmp_path)
    msgs = [str(p) for p in info.value.problems]
    file = str(tmp_path / "households.jsonl")
    assert any(
        m.startswith(f"{file}, record 2 (id '{bad['id']}'), field 'members[0].age_band'")
        for m in msgs
    ), msgs
    assert any("field 'importance.family_ties'" in m and "between 0 and 3" in m for m in msgs)
    assert any("record 4" in m and "duplicate household id" in m for m in msgs)
    assert any("line 5" in m and "not valid JSON" in m for m in msgs)
    # A record that failed validation cannot also be checked for unknown ties: reported once.
    assert not any("S9999" in m for m in msgs)


def test_unknown_site_references_and_mixed_dimensions(tmp_path: Path):
    households, sites = generate_profiles(2, 2, seed=2)
    households[0] = replace(households[0], ties=("nowhere",))
    sites[1] = replace(sites[1], capacity={"persons": 3})
    write_profiles(tmp_path, households, sites, jsonl=False)
    with pytest.raises(ProfileError) as info:
        read_profiles(tmp_path)
    msgs = [str(p) for p in info.value.problems]
    assert any(
        "households.json, record 1" in m and "field 'ties'" in m and "nowhere" in m for m in msgs
    ), msgs
    assert any("sites.json, record 2" in m and "field 'capacity'" in m for m in msgs), msgs


def test_missing_files_and_bad_site_values(tmp_path: Path):
    missing = r"households\.jsonl: required file is missing \(nor households"
    with pytest.raises(ProfileError, match=missing):
        read_profiles(tmp_path)
    (tmp_path / "households.json").write_text("[]")
    (tmp_path / "sites.json").write_text(
        json.dumps(
            [
                {
                    "id": "a",
                    "capacity": {"persons": -1, "ponies": 2},
                    "size_class": "huge",
                    "labour_demand": {"2": 1.5},
                }
            ]
        )
    )
    with pytest.raises(ProfileError) as info:
        read_profiles(tmp_path)
    msgs = [str(p) for p in info.value.problems]
    for field in ("capacity.persons", "capacity.ponies", "size_class", "labour_demand.2"):
        assert any(f"field '{field}'" in m for m in msgs), (field, msgs)
    assert any("households.json: file is empty" in m for m in msgs)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.integers(1, 9), st.data())
def testtop_k_mask_breaks_ties_by_site_order(rows, cols, data):
    from passgenau.engine.matching.scoring import top_k_mask

    values = data.draw(st.lists(st.integers(0, 3), min_size=rows * cols, max_size=rows * cols))
    keyed = np.array(values, dtype=float).reshape(rows, cols)
    k = data.draw(st.integers(1, cols))
    order = np.argsort(-keyed, axis=1, kind="stable")[:, :k]
    expected = np.zeros(keyed.shape, dtype=bool)
    np.put_along_axis(expected, order, True, axis=1)
    np.testing.assert_array_equal(top_k_mask(keyed, k), expected)


def test_a_missing_age_band_or_role_is_called_missing(tmp_path: Path):
    (tmp_path / "households.jsonl").write_text(
        json.dumps({"id": "h1", "members": [{"age": "30-44", "role": "adult"}]})
        + "\n"
        + json.dumps({"id": "h2", "members": [{"age_band": "30-44"}]})
        + "\n"
    )
    (tmp_path / "sites.jsonl").write_text(json.dumps({"id": "s1", "capacity": {"persons": 4}}))
    with pytest.raises(ProfileError) as info:
        read_profiles(tmp_path)
    msgs = [str(p) for p in info.value.problems]
    assert any("members[0].age_band'" in m and "is missing" in m for m in msgs), msgs
    assert any("members[0].role'" in m and "is missing" in m for m in msgs), msgs
    assert not any("None" in m for m in msgs), msgs
