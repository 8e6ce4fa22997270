"""The engine's second, third and fourth users: the housing transition (flats), mentoring and
language mediation, each with its own criteria catalogue shipped beside relocation's.

The scores are checked against the plain per-pair reference (``scoring_reference.py``), and the
placements ``match_profiles`` returns against a brute force over every assignment of small
instances (the independent oracle): the same number of persons placed and the same best total
score, no pair that breaks a hard criterion, no capacity exceeded.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_reference import check_against_reference, ref_demand, ref_pair

from passgenau.engine.matching.criteria import (
    SHIPPED,
    CatalogueError,
    load_catalogue_version,
    parse_catalogue,
)
from passgenau.engine.matching.pipeline import match_profiles
from passgenau.engine.matching.profiles import (
    HouseholdProfile,
    Member,
    ProfileError,
    SiteProfile,
    household_from_dict,
    household_to_dict,
    site_from_dict,
)

CATALOGUES = {name: load_catalogue_version(SHIPPED[name][0], name) for name in SHIPPED}
PROGRAMMES = ("housing", "mentoring", "mediation")

# Tags the cases app writes for each programme (see the catalogue files' headers).
HOUSEHOLD_TAGS = {
    "housing": ["district:1", "district:2", "feature:balcony", "feature:lift", "barrier_free"],
    "mentoring": [
        "lang:uk",
        "lang:de",
        "own:uk",
        "own:ar",
        "slot:mon_am",
        "slot:tue_pm",
        "interest:football",
        "interest:music",
        "wish:peer",
        "district:1",
    ],
    "mediation": ["lang:uk", "lang:ar", "area:doctor", "area:school", "time:t1", "time:t2"],
}
SITE_TAGS = {
    "housing": [
        "district:1",
        "district:2",
        "feature:balcony",
        "feature:lift",
        "school_nearby",
        "kita_nearby",
        "doctor_nearby",
    ],
    "mentoring": [*HOUSEHOLD_TAGS["mentoring"], "own:de", "wish:local"],
    "mediation": [*HOUSEHOLD_TAGS["mediation"], "district:1", "case:7"],
}
POINT = st.tuples(st.floats(51.25, 51.40), st.floats(12.25, 12.50))
BANDS = {"adult": ["18-29", "45-64"], "child": ["0-2", "3-5", "6-9", "10-17"], "senior": ["75+"]}


@st.composite
def member(draw):
    role = draw(st.sampled_from(sorted(BANDS)))
    return Member(draw(st.sampled_from(BANDS[role])), role)


@st.composite
def instance(draw, programme: str, max_households: int = 5, max_sites: int = 3):
    households = []
    for i in range(draw(st.integers(1, max_households))):
        size = 1 if programme != "housing" else draw(st.integers(1, 5))
        needs = draw(st.lists(st.sampled_from(HOUSEHOLD_TAGS[programme]), unique=True, max_size=4))
        extra = ["case:7"] if programme == "mediation" and draw(st.booleans()) else []
        # a mediation request uses one of the mediator's half-day at its time (the cases app's
        # ``slot:…`` dimension; here named after the time tag)
        uses = {f"slot:{t[5:]}": 1 for t in needs if t.startswith("time:")}
        households.append(
            HouseholdProfile(
                id=f"h{i}",
                members=tuple(draw(st.lists(member(), min_size=size, max_size=size))),
                needs=frozenset(needs + extra),
                anchors=tuple(draw(st.lists(POINT, max_size=2))) if programme == "housing" else (),
                importance={
                    c.id: draw(st.integers(0, 3))
                    for c in CATALOGUES[programme].soft
                    if draw(st.booleans())
                },
                uses=uses if programme == "mediation" else {},
            )
        )
    sites = []
    for j in range(draw(st.integers(1, max_sites))):
        if programme == "housing":
            capacity = {
                "households": 1,
                "persons": draw(st.integers(1, 6)),
                "barrier_free": draw(st.integers(0, 1)),
            }
        elif programme == "mentoring":
            capacity = {"households": draw(st.integers(0, 3))}
        else:  # a mediator's week: appointments left, and one or none at each half-day
            capacity = {
                "households": draw(st.integers(0, 3)),
                "slot:t1": draw(st.integers(0, 1)),
                "slot:t2": draw(st.integers(0, 1)),
            }
        sites.append(
            SiteProfile(
                id=f"s{j}",
                name=f"S{j}",
                capacity=capacity,
                services=frozenset(
                    draw(st.lists(st.sampled_from(SITE_TAGS[programme]), unique=True, max_size=5))
                ),
                location=draw(st.none() | POINT) if programme == "housing" else None,
            )
        )
    return households, sites


# -- scores against the per-pair reference ---------------------------------------------------------


@pytest.mark.parametrize("programme", PROGRAMMES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_scores_equal_the_per_pair_reference(programme, data):
    households, sites = data.draw(instance(programme, max_households=7, max_sites=5))
    check_against_reference(households, sites, CATALOGUES[programme])


# -- placements against a brute force -------------------------------------------------------------


def brute_force(households, sites, catalogue):
    """(persons placed, total score) of the best assignment: persons first, then score."""
    dims = sorted({d for s in sites for d in s.capacity})
    demand = [{**ref_demand(h), **h.uses} for h in households]
    pairs = {
        (i, j): ref_pair(h, s, catalogue)
        for i, h in enumerate(households)
        for j, s in enumerate(sites)
    }
    best = (0, 0.0)
    for choice in itertools.product(range(-1, len(sites)), repeat=len(households)):
        if any(j >= 0 and pairs[(i, j)][0] for i, j in enumerate(choice)):
            continue  # a hard criterion is broken
        if any(
            sum(demand[i].get(d, 0) for i, k in enumerate(choice) if k == j)
            > s.capacity.get(d, 10**9)
            for j, s in enumerate(sites)
            for d in dims
        ):
            continue
        persons = sum(demand[i]["persons"] for i, j in enumerate(choice) if j >= 0)
        score = sum(pairs[(i, j)][1] for i, j in enumerate(choice) if j >= 0)
        if (persons, score) > (best[0], best[1] + 1e-9):
            best = (persons, score)
    return best, pairs


def check_placements(programme, households, sites):
    catalogue = CATALOGUES[programme]
    (best_persons, best_score), pairs = brute_force(households, sites, catalogue)
    run = match_profiles(households, sites, catalogue)
    placed = run.placements()
    site_of = {s.id: j for j, s in enumerate(sites)}
    h_of = {h.id: i for i, h in enumerate(households)}
    for hid, sid, score in placed:
        broken, ref_score, _ = pairs[(h_of[hid], site_of[sid])]
        assert broken == [], (hid, sid, broken)
        assert score == pytest.approx(ref_score, abs=1e-9)
    for j, s in enumerate(sites):
        here = [
            {**ref_demand(households[h_of[hid]]), **households[h_of[hid]].uses}
            for hid, sid, _ in placed
            if sid == s.id
        ]
        for d, room in s.capacity.items():
            assert sum(x.get(d, 0) for x in here) <= room, (s.id, d)
    persons = sum(households[h_of[hid]].persons for hid, _, _ in placed)
    assert persons == best_persons
    assert sum(score for _, _, score in placed) == pytest.approx(best_score, abs=1e-6)
    return run


@pytest.mark.parametrize("programme", PROGRAMMES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_proposals_are_optimal_against_a_brute_force(programme, data):
    households, sites = data.draw(instance(programme))
    run = check_placements(programme, households, sites)
    # every household has an explanation; a placed one's contributions add up to its score
    assert [e.household_id for e in run.explanations] == [h.id for h in households]
    for e in run.explanations:
        if e.site_id is not None:
            assert sum(e.contributions.values()) + e.baseline == pytest.approx(e.score)


@settings(max_examples=60, deadline=None)
@given(instance("housing"))
def test_a_household_needing_barrier_free_never_gets_a_flat_that_is_not(data):
    households, sites = data
    run = match_profiles(households, sites, CATALOGUES["housing"])
    flats = {s.id: s for s in sites}
    needs = {h.id: h for h in households}
    for hid, sid, _ in run.placements():
        if "barrier_free" in needs[hid].needs:
            assert flats[sid].capacity["barrier_free"] == 1
        assert flats[sid].capacity["persons"] >= needs[hid].persons
    assert len({sid for _, sid, _ in run.placements()}) == len(run.placements())  # one per flat


@settings(max_examples=60, deadline=None)
@given(instance("mentoring", max_households=7))
def test_a_mentor_never_gets_more_mentees_than_its_capacity(data):
    households, sites = data
    run = match_profiles(households, sites, CATALOGUES["mentoring"])
    for s in sites:
        load = sum(1 for _, sid, _ in run.placements() if sid == s.id)
        assert load <= s.capacity["households"]


def adult(hid: str, *needs: str) -> HouseholdProfile:
    return HouseholdProfile(hid, (Member("30-44", "adult"),), needs=frozenset(needs))


def test_many_requests_few_mediators_serve_as_many_as_can_be_served():
    """Three requests at the same time in Ukrainian, two free mediators who speak it: two are
    served; a request in Arabic at another time takes the third mediator who speaks Arabic."""
    requests = [adult(f"r{i}", "lang:uk", "area:doctor", "time:t1") for i in range(3)]
    requests.append(adult("r3", "lang:ar", "area:school", "time:t2"))
    mediators = [
        SiteProfile(f"m{i}@t1", "M", {"households": 1}, services=frozenset(tags))
        for i, tags in enumerate(
            [
                {"lang:uk", "area:doctor", "time:t1"},
                {"lang:uk", "lang:ar", "area:doctor", "area:school", "time:t1"},
                {"lang:ar", "area:school", "time:t2"},
            ]
        )
    ]
    run = check_placements("mediation", requests, mediators)
    placed = {h: s for h, s, _ in run.placements()}
    assert len(placed) == 3 and placed["r3"] == "m2@t1"
    unplaced = [e for e in run.explanations if e.site_id is None]
    assert [e.unplaced_reason for e in unplaced] == ["capacity"]


def test_a_mediators_week_takes_its_appointments_a_week_and_one_at_each_half_day():
    """A mediator's site is a week: room for two appointments, one at each half-day it is free
    (``slot:…`` dimensions the requests use). Three requests on Monday morning and one on Tuesday:
    one Monday request and the Tuesday one are placed, the others wait for want of room."""
    requests = [
        HouseholdProfile(
            f"r{i}",
            (Member("30-44", "adult"),),
            needs=frozenset({"lang:uk", "area:doctor", f"time:{time}"}),
            uses={f"slot:{time}": 1},
        )
        for i, time in enumerate(["mon_am", "mon_am", "mon_am", "tue_am"])
    ]
    week = SiteProfile(
        "m@2026-W50",
        "M",
        {"households": 2, "slot:mon_am": 1, "slot:tue_am": 1, "slot:wed_am": 0},
        services=frozenset({"lang:uk", "area:doctor", "time:mon_am", "time:tue_am"}),
    )
    run = check_placements("mediation", requests, [week])
    assert sorted(h for h, _, _ in run.placements()) == ["r0", "r3"]
    assert run.instance.dimensions == ("households", "slot:mon_am", "slot:tue_am", "slot:wed_am")
    assert {e.unplaced_reason for e in run.explanations if e.site_id is None} == {"capacity"}


def test_further_dimensions_are_read_written_and_checked():
    problems: list = []
    site = site_from_dict(
        {"id": "m", "capacity": {"households": 2, "slot:mon_am": 1}}, problems=problems
    )
    assert problems == [] and site is not None and site.capacity["slot:mon_am"] == 1
    site_from_dict({"id": "x", "capacity": {"households": 1, "bogus": 1}}, problems=problems)
    site_from_dict({"id": "y", "capacity": {"slot:mon_am": -1}}, problems=problems)
    request = adult("r")
    request = HouseholdProfile("r", request.members, uses={"slot:mon_am": 1})
    assert household_from_dict(household_to_dict(request), problems=problems) == request
    assert "uses" not in household_to_dict(adult("r"))  # only where given
    household_from_dict(
        {**household_to_dict(adult("r")), "uses": {"persons": 1}}, problems=problems
    )
    assert [(p.field, p.code) for p in problems] == [
        ("capacity.bogus", "field.unknown_key"),
        ("capacity.slot:mon_am", "field.not_integer_between"),
        ("uses.persons", "field.unknown_key"),
    ]


def test_a_short_way_to_work_scores_higher():
    family = HouseholdProfile(
        "h", (Member("30-44", "adult"),), anchors=((51.340, 12.375),), importance={}
    )
    near = SiteProfile("near", "N", {"households": 1, "persons": 1}, location=(51.341, 12.376))
    far = SiteProfile("far", "F", {"households": 1, "persons": 1}, location=(51.250, 12.250))
    run = match_profiles([family], [far, near], CATALOGUES["housing"])
    assert run.placements()[0][1] == "near"
    e = run.explanations[0]
    assert e.contributions["way_to_work_school"] > 0
    assert e.alternatives[0].site_id == "far" and e.alternatives[0].reason == "lower_score"


# -- catalogues and profiles -----------------------------------------------------------------------


def test_every_shipped_catalogue_loads_with_its_version_and_four_languages():
    for name, versions in SHIPPED.items():
        for version in versions:
            catalogue = load_catalogue_version(version, name)
            assert catalogue.version == version and catalogue.hard and catalogue.soft
            for c in catalogue.criteria:
                assert set(c.labels) >= {"de", "en", "uk", "ru"}
    with pytest.raises(CatalogueError, match="not shipped"):
        load_catalogue_version("9", "housing")
    with pytest.raises(CatalogueError, match="not shipped"):
        load_catalogue_version("1", "../catalogue")


def test_the_new_rule_types_check_their_parameters():
    labels = {"de": "x", "en": "x", "uk": "x", "ru": "x"}
    bad = [
        {"id": "a", "kind": "hard", "rule": "shared_tags", "labels": labels},
        {
            "id": "b",
            "kind": "soft",
            "rule": "shared_tags",
            "params": {"prefix": "x:", "score": "most"},
            "labels": labels,
        },
        {
            "id": "c",
            "kind": "soft",
            "rule": "fill",
            "params": {"dimension": "rooms"},
            "labels": labels,
        },
        {"id": "d", "kind": "hard", "rule": "distance", "labels": labels},
        {"id": "e", "kind": "soft", "rule": "distance", "params": {"zero_km": 0}, "labels": labels},
    ]
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue({"version": 1, "criteria": bad}, "mine.yaml")
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "params.prefix" in text and "is missing" in text
    assert "must be one of share, any" in text
    assert "got 'rooms'" in text
    assert "rule 'distance' cannot be 'hard'" in text
    assert "must be a positive number, got 0" in text


def test_anchors_and_location_round_trip_and_are_checked(tmp_path: Path):
    from passgenau.engine.matching.profiles import read_profiles, write_profiles

    h = HouseholdProfile("h", (Member("30-44", "adult"),), anchors=((51.3, 12.4), (51.2, 12.3)))
    s = SiteProfile("s", "S", {"households": 1}, location=(51.31, 12.41))
    write_profiles(tmp_path, [h], [s])
    assert read_profiles(tmp_path) == ([h], [s])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "households.json").write_text(
        json.dumps(
            [{"id": "h", "members": [{"age_band": "30-44", "role": "adult"}], "anchors": [[91, 0]]}]
        )
    )
    (bad / "sites.json").write_text(
        json.dumps([{"id": "s", "capacity": {"households": 1}, "location": "Leipzig"}])
    )
    with pytest.raises(ProfileError) as caught:
        read_profiles(bad)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "field 'anchors[0][0]': must be a number between -90 and 90, got 91" in text
    assert "field 'location': must be [latitude, longitude], got 'Leipzig'" in text
