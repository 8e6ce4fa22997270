"""The shared data model: constraints hold in the database, conversions give engine profiles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.relocation.models import (
    ROUND_RULES,
    ROUND_TRANSITIONS,
    Consent,
    Decision,
    FollowUpSurvey,
    Household,
    Interview,
    MatchingRun,
    Member,
    MunicipalityProfile,
    Proposal,
    Round,
    RoundAction,
    RoundStatus,
    organisation_id_from_site_id,
    site_id_for,
)
from passgenau.apps.relocation.models.vocab import Need, Service
from passgenau.engine.matching.criteria import load_catalogue
from relocation_helpers import english  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def orgs():
    return {
        "coord": Organisation.objects.create(name="Coord", kind="coordinating"),
        "ngo": Organisation.objects.create(name="NGO", kind="ngo"),
        "town": Organisation.objects.create(name="Town", kind="municipality"),
    }


@pytest.fixture
def round_(orgs):
    return Round.objects.create(name="R", coordinating_organisation=orgs["coord"])


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_every_state_has_rules_and_transitions():
    assert set(ROUND_TRANSITIONS) == set(RoundStatus.values)
    for targets in ROUND_TRANSITIONS.values():
        assert targets <= set(RoundStatus.values)
    assert set(ROUND_RULES) == set(RoundAction.values)
    # nothing may be changed in a closed round except travel/follow-up bookkeeping
    closed = {a for a, states in ROUND_RULES.items() if RoundStatus.CLOSED in states}
    assert closed == {RoundAction.TRAVEL, RoundAction.FOLLOW_UP}


def test_round_constraints(orgs, round_):
    _violates(lambda: Round.objects.create(name="R", coordinating_organisation=orgs["coord"]))
    _violates(
        lambda: Round.objects.create(
            name="S", coordinating_organisation=orgs["coord"], status="bogus"
        )
    )
    _violates(
        lambda: Round.objects.create(
            name="T",
            coordinating_organisation=orgs["coord"],
            interviews_close=dt.date(2026, 5, 1),
            decisions_due=dt.date(2026, 4, 1),
        )
    )


def test_municipality_profile_to_domain(orgs, round_):
    round_.capacity_dimensions = ["persons", "school"]
    round_.save()
    profile = MunicipalityProfile.objects.create(
        round=round_,
        municipality=orgs["town"],
        capacities={"persons": 40, "school": 5, "kita": 9},
        services=["dialysis"],
        size_class="small_town",
        region="BW",
        labour_demand={"2": 0.5},
        communities={"uk": 120},
        priorities={"labour_market": 2},
    )
    site = profile.to_domain()
    assert site.id == site_id_for(orgs["town"].pk)
    assert organisation_id_from_site_id(site.id) == orgs["town"].pk
    # only the round's dimensions, so every site of a round has the same ones
    assert dict(site.capacity) == {"persons": 40, "school": 5}
    assert site.services == frozenset({"dialysis"})
    assert site.size_class == "small_town" and site.region == "BW"
    _violates(lambda: MunicipalityProfile.objects.create(round=round_, municipality=orgs["town"]))
    assert list(round_.municipalities.all()) == [orgs["town"]]


def test_household_to_domain(orgs, round_):
    household = Household.objects.create(round=round_, interviewing_organisation=orgs["ngo"])
    assert household.reference.startswith("H-")
    Member.objects.create(
        household=household, position=0, age_band="30-44", relation="main_contact"
    )
    Member.objects.create(household=household, position=1, age_band="6-9", relation="child")
    Member.objects.create(household=household, position=2, age_band="75+", relation="parent")
    assert [m.role for m in household.members.all()] == ["adult", "child", "senior"]
    profile = household.to_domain()
    assert profile.id == household.reference
    assert profile.persons == 3 and profile.demand()["school"] == 1
    Interview.objects.create(
        household=household,
        conducted_in="uk",
        languages=["uk", "ru"],
        occupations=["2"],
        needs=["barrier_free"],
        ties=[orgs["town"].pk],
        importance={"family_ties": 3},
        ranked_places=[orgs["town"].pk],
        excluded_places=[],
        preferred_size="city",
    )
    household = Household.objects.get(pk=household.pk)
    profile = household.to_domain()
    assert profile.languages == ("uk", "ru")
    assert profile.ties == (site_id_for(orgs["town"].pk),)
    assert profile.ranked_places == (site_id_for(orgs["town"].pk),)
    assert profile.needs == frozenset({"barrier_free"})
    assert profile.importance == {"family_ties": 3}
    assert profile.preferred_size == "city" and profile.preferred_region is None


def test_member_child_role_must_fit_age_band(orgs, round_):
    household = Household.objects.create(round=round_, interviewing_organisation=orgs["ngo"])
    member = Member.objects.create(household=household, age_band="3-5", role="adult")
    assert member.role == "child"  # save() corrects it
    _violates(lambda: Member.objects.filter(pk=member.pk).update(role="adult"))


def test_one_active_consent(orgs, round_, django_user_model):
    user = django_user_model.objects.create(username="i", organisation=orgs["ngo"])
    household = Household.objects.create(round=round_, interviewing_organisation=orgs["ngo"])

    def consent():
        return Consent.objects.create(
            household=household,
            purposes=["matching"],
            given_on=dt.date(2026, 3, 1),
            recorded_by=user,
            explained_in="uk",
        )

    first = consent()
    _violates(consent)
    first.withdrawn_at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    first.save()
    assert consent().covers("matching")


def test_proposal_decision_and_survey_constraints(orgs, round_, django_user_model):
    user = django_user_model.objects.create(username="o", organisation=orgs["town"])
    household = Household.objects.create(round=round_, interviewing_organisation=orgs["ngo"])
    run = MatchingRun.objects.create(
        round=round_, number=1, mechanism="optimal", criteria_version="1"
    )
    _violates(
        lambda: MatchingRun.objects.create(
            round=round_, number=1, mechanism="optimal", criteria_version="1"
        )
    )
    proposal = Proposal.objects.create(run=run, household=household, municipality=orgs["town"])
    _violates(
        lambda: Proposal.objects.create(run=run, household=household, municipality=orgs["town"])
    )
    _violates(lambda: Proposal.objects.filter(pk=proposal.pk).update(overridden=True))
    _violates(
        lambda: Decision.objects.create(
            proposal=proposal, side="municipality", outcome="decline", decided_by=user
        )
    )
    Decision.objects.create(
        proposal=proposal, side="municipality", outcome="accept", decided_by=user
    )
    _violates(
        lambda: Decision.objects.create(
            proposal=proposal, side="municipality", outcome="accept", decided_by=user
        )
    )
    _violates(
        lambda: FollowUpSurvey.objects.create(
            household=household, wave=1, due_on=dt.date(2026, 6, 1), language="uk", satisfaction=6
        )
    )
    _violates(
        lambda: FollowUpSurvey.objects.create(
            household=household, wave=3, due_on=dt.date(2026, 6, 1), language="uk"
        )
    )


def test_vocabulary_covers_the_catalogue():
    """Every need and service tag the shipped catalogue uses has a translatable label here."""
    catalogue = load_catalogue()
    needs, services = set(), set()
    for criterion in catalogue.criteria:
        for need, provided in criterion.params.get("requires", {}).items():
            needs.add(need)
            services.update(provided)
    traits = {"has_school_child", "has_kita_child"}  # derived from members, not asked
    assert needs - traits <= set(Need.values)
    assert services <= set(Service.values)


def test_demo_round_is_usable_by_the_engine():
    from passgenau.apps.accounts.demo import load_demo_accounts
    from passgenau.apps.relocation import demo
    from passgenau.engine.matching.scoring import score_profiles

    assert demo.load() == "relocation: skipped (load the accounts demo first)"
    load_demo_accounts()
    assert "12 households" in demo.load()
    assert demo.load() == "relocation: demo round already there"
    round_ = Round.objects.get(name=demo.DEMO_ROUND)
    assert round_.status == RoundStatus.OPEN
    statuses = list(round_.households.values_list("status", flat=True))
    assert statuses.count("interviewed") == 11 and statuses.count("registered") == 1
    households = [
        h.to_domain()
        for h in round_.households.filter(status="interviewed").prefetch_related("members")
    ]
    sites = [p.to_domain() for p in round_.profiles.select_related("municipality", "round")]
    instance, _ = score_profiles(households, sites, round_.catalogue())
    assert instance.dimensions == ("persons", "school", "kita", "barrier_free")
    # every interviewed household has at least one place it may go to
    assert set(instance.pair_household.tolist()) == set(range(11))
