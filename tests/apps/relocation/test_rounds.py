"""Rounds: created by coordinators, changed only in the states that allow it, moved along the
transition table with its conditions."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    ROUND_TRANSITIONS,
    MatchingRun,
    Round,
    RoundStatus,
    RunStatus,
)
from passgenau.apps.relocation.services import intake, rounds
from relocation_helpers import (
    FAMILY,
    english,  # noqa: F401 (the fixture)
    full_answers,
    make_round,
    municipality,
    organisation,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_create_round_makes_profiles_and_logs():
    round_ = make_round(status=RoundStatus.DRAFT, capacity_dimensions=["kita", "persons"])
    assert round_.status == RoundStatus.DRAFT
    assert round_.coordinating_organisation == organisation("coordinator")
    assert round_.profiles.count() == 3
    # dimensions are kept in the catalogue's order
    assert round_.capacity_dimensions == ["persons", "kita"]
    assert AuditEntry.objects.filter(action="relocation.round.created").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"mechanism": "lottery"}, "mechanism"),
        ({"capacity_dimensions": ["school"]}, "capacity_dimensions"),
        ({"capacity_dimensions": ["persons", "beds"]}, "capacity_dimensions"),
        ({"criteria_version": "7"}, "criteria_version"),
    ],
)
def test_create_round_rejects_bad_input(fields, field):
    values = {"name": "R"} | fields
    with pytest.raises(ValidationError) as info:
        rounds.round_create(actor=user("coordinator"), **values)
    assert field in info.value.message_dict
    assert not Round.objects.exists()


def test_only_municipalities_take_part():
    with pytest.raises(ValidationError) as info:
        rounds.round_create(
            actor=user("coordinator"), name="R", municipalities=[organisation("interviewer")]
        )
    assert "municipalities" in info.value.message_dict


def test_only_coordinators_create_rounds():
    with pytest.raises(ValidationError):
        rounds.round_create(actor=user("interviewer"), name="R")


def test_another_coordinating_organisation_cannot_change_the_round():
    round_ = make_round(status=RoundStatus.DRAFT)
    other = user("coordinator", "other-coordinator", organisation=municipality("Other"))
    other.organisation.kind = "coordinating"
    other.organisation.save()
    with pytest.raises(ValidationError):
        rounds.round_update(actor=other, round_=round_, name="Hijacked")
    with pytest.raises(ValidationError):
        rounds.round_transition(actor=other, round_=round_, to_status=RoundStatus.OPEN)


# Which changes each state allows: settings only in draft, schedule and participants in draft
# and open, nothing afterwards.
STATE_CASES = [
    (RoundStatus.DRAFT, {"mechanism": "stable"}, True),
    (RoundStatus.OPEN, {"mechanism": "stable"}, False),
    (RoundStatus.OPEN, {"capacity_dimensions": ["persons"]}, False),
    (RoundStatus.OPEN, {"name": "Renamed"}, True),
    (RoundStatus.MATCHING, {"name": "Renamed"}, False),
    (RoundStatus.PROPOSALS, {"decisions_due": None, "name": "Renamed"}, False),
    (RoundStatus.CLOSED, {"description": "late"}, False),
]


@pytest.mark.parametrize(("status", "change", "allowed"), STATE_CASES)
def test_changes_only_in_states_that_allow_them(status, change, allowed):
    round_ = make_round(status=status)
    before = Round.objects.values().get(pk=round_.pk)
    if allowed:
        rounds.round_update(actor=user("coordinator"), round_=round_, **change)
        after = Round.objects.get(pk=round_.pk)
        for name, value in change.items():
            assert getattr(after, name) == value
    else:
        with pytest.raises(rounds.RoundStateError):
            rounds.round_update(actor=user("coordinator"), round_=round_, **change)
        assert Round.objects.values().get(pk=round_.pk) == before


def test_unchanged_values_are_no_change_in_any_state():
    round_ = make_round(status=RoundStatus.CLOSED)
    rounds.round_update(
        actor=user("coordinator"), round_=round_, name=round_.name, mechanism=round_.mechanism
    )


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (RoundStatus.DRAFT, True),
        (RoundStatus.OPEN, True),
        (RoundStatus.MATCHING, False),
        (RoundStatus.CLOSED, False),
    ],
)
def test_participants_change_only_in_draft_and_open(status, allowed):
    round_ = make_round(status=status)
    new = [*round_.municipalities.all()[:1], municipality("Jena")]
    if allowed:
        rounds.round_update(actor=user("coordinator"), round_=round_, municipalities=new)
        assert set(round_.municipalities.all()) == set(new)
    else:
        with pytest.raises(rounds.RoundStateError):
            rounds.round_update(actor=user("coordinator"), round_=round_, municipalities=new)
        assert round_.profiles.count() == 3


def _prepare_for(round_, target):
    """Meet the conditions of moving to ``target`` (a complete interview, a finished run)."""
    if target == RoundStatus.MATCHING:
        Round.objects.filter(pk=round_.pk).update(status=RoundStatus.OPEN)
        round_.refresh_from_db()
        household = register(round_)
        intake.interview_save(
            actor=user("interviewer"),
            household=household,
            answers=full_answers(round_),
            members=FAMILY,
            complete=True,
        )
    if target == RoundStatus.PROPOSALS:
        MatchingRun.objects.create(
            round=round_,
            number=1,
            mechanism="optimal",
            criteria_version="1",
            status=RunStatus.SUCCEEDED,
        )


@pytest.mark.parametrize(
    ("source", "target"), list(itertools.product(RoundStatus.values, RoundStatus.values))
)
def test_transition_table_is_enforced(source, target):
    round_ = make_round(status=RoundStatus.DRAFT)
    _prepare_for(round_, target)
    Round.objects.filter(pk=round_.pk).update(status=source)
    round_.refresh_from_db()
    if target in ROUND_TRANSITIONS[source]:
        rounds.round_transition(actor=user("coordinator"), round_=round_, to_status=target)
        assert Round.objects.get(pk=round_.pk).status == target
        entry = AuditEntry.objects.filter(action="relocation.round.status_changed").get()
        assert entry.data == {"from": source, "to": target}
    else:
        with pytest.raises(rounds.RoundStateError):
            rounds.round_transition(actor=user("coordinator"), round_=round_, to_status=target)
        assert Round.objects.get(pk=round_.pk).status == source


def test_transition_conditions_are_explained():
    round_ = make_round(status=RoundStatus.DRAFT, municipalities=[])
    problems = rounds.round_transition_problems(round_=round_, to_status=RoundStatus.OPEN)
    assert problems == ["Add at least one participating municipality first."]
    round_ = make_round(status=RoundStatus.OPEN, name="Other")
    problems = rounds.round_transition_problems(round_=round_, to_status=RoundStatus.MATCHING)
    assert problems == ["No household has a complete interview yet."]
    register(round_)
    problems = rounds.round_transition_problems(round_=round_, to_status=RoundStatus.DRAFT)
    assert len(problems) == 1 and "cannot go back to draft" in problems[0]
    MatchingRun.objects.create(
        round=round_, number=1, mechanism="optimal", criteria_version="1", status=RunStatus.RUNNING
    )
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.MATCHING)
    round_.refresh_from_db()
    assert rounds.round_transition_problems(round_=round_, to_status=RoundStatus.OPEN) == [
        "A matching run is still in progress."
    ]


# -- municipality profiles ---------------------------------------------------------------------


def _officer_profile(round_):
    return round_.profiles.get(municipality=organisation("municipal_officer"))


def test_profile_update_stamps_changed_figures_only():
    import datetime as dt

    from passgenau.apps.relocation.services import profiles

    round_ = make_round()
    officer = user("municipal_officer")
    profile = profiles.profile_update(
        actor=officer,
        profile=_officer_profile(round_),
        capacities={"persons": 40, "school": 0, "kita": 3},
        services=["dialysis"],
        today=dt.date(2026, 3, 1),
    )
    # school stays 0 → unchanged only if it was 0 before; it was missing, so it is stamped too
    assert profile.confirmed_at == {
        "capacity.persons": "2026-03-01",
        "capacity.school": "2026-03-01",
        "capacity.kita": "2026-03-01",
        "services": "2026-03-01",
    }
    profile = profiles.profile_update(
        actor=officer,
        profile=profile,
        capacities={"persons": 35, "school": 0, "kita": 3},
        today=dt.date(2026, 4, 1),
    )
    assert profile.confirmed_at["capacity.persons"] == "2026-04-01"
    assert profile.confirmed_at["capacity.kita"] == "2026-03-01"
    profile = profiles.profile_update(
        actor=officer, profile=profile, confirm_all=True, today=dt.date(2026, 5, 1)
    )
    assert set(profile.confirmed_at.values()) == {"2026-05-01"}
    assert profiles.profile_missing_figures(profile=profile) == []
    site = profile.to_domain()
    assert dict(site.capacity) == {"persons": 35, "school": 0, "kita": 3}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"capacities": {"persons": -1}}, "capacity_persons"),
        ({"capacities": {"barrier_free": 2}}, "capacity_barrier_free"),
        ({"services": ["spa"]}, "services"),
        ({"labour_demand": {"2": 1.5}}, "labour_demand_2"),
        ({"communities": {"uk": -3}}, "community_uk"),
        ({"priorities": {"family_ties": 9}}, "priority_family_ties"),
        ({"priority_groups": ["everyone"]}, "priority_groups"),
        ({"ags": "123"}, "ags"),
    ],
)
def test_profile_validation(values, field):
    from passgenau.apps.relocation.services import profiles

    round_ = make_round()
    with pytest.raises(ValidationError) as info:
        profiles.profile_update(
            actor=user("municipal_officer"), profile=_officer_profile(round_), **values
        )
    assert field in info.value.message_dict


def test_profile_only_by_its_own_officer_and_only_while_open():
    from passgenau.apps.relocation.services import profiles

    round_ = make_round()
    kiel = round_.profiles.get(municipality__name="Kiel")
    with pytest.raises(ValidationError):
        profiles.profile_update(actor=user("municipal_officer"), profile=kiel, services=[])
    with pytest.raises(ValidationError):
        profiles.profile_update(
            actor=user("coordinator"), profile=_officer_profile(round_), services=[]
        )
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.MATCHING)
    with pytest.raises(rounds.RoundStateError):
        profiles.profile_update(
            actor=user("municipal_officer"), profile=_officer_profile(round_), services=[]
        )


# -- pages -------------------------------------------------------------------------------------


def test_round_pages_for_the_coordinator(coordinator_client):
    from django.urls import reverse

    kiel = municipality("Kiel")
    response = coordinator_client.post(
        reverse("relocation:round_create"),
        {
            "name": "Spring 2026",
            "municipalities": [kiel.pk],
            "mechanism": "auto",
            "criteria_version": "1",
            "capacity_dimensions": ["persons", "kita"],
            "interviews_close": "2026-05-01",
            "decisions_due": "2026-04-01",
        },
    )
    # the service's message lands on its field, in an error summary linking to it
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_decisions_due_group"' in page
    assert "Decisions cannot be due before the interviews close" in page
    assert not Round.objects.exists()
    response = coordinator_client.post(
        reverse("relocation:round_create"),
        {
            "name": "Spring 2026",
            "municipalities": [kiel.pk],
            "mechanism": "auto",
            "criteria_version": "1",
            "capacity_dimensions": ["persons", "kita"],
        },
    )
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("relocation:round_detail", kwargs={"pk": round_.pk})
    detail = coordinator_client.get(response["Location"]).content.decode()
    assert "Kiel" in detail
    # the transition page explains why a round cannot move on yet, and moves it when it can
    url = reverse("relocation:round_transition", kwargs={"pk": round_.pk, "status": "open"})
    assert coordinator_client.post(url, {"confirm": "True"}).status_code == 302
    assert Round.objects.get().status == RoundStatus.OPEN
    url = reverse("relocation:round_transition", kwargs={"pk": round_.pk, "status": "matching"})
    page = coordinator_client.get(url).content.decode()
    assert "No household has a complete interview yet." in page
    assert coordinator_client.post(url, {"confirm": "True"}).status_code == 200
    assert Round.objects.get().status == RoundStatus.OPEN
    # in an open round the settings are shown disabled; a forged change is ignored
    edit = reverse("relocation:round_edit", kwargs={"pk": round_.pk})
    page = coordinator_client.get(edit).content.decode()
    assert 'name="mechanism"' in page and "disabled" in page
    response = coordinator_client.post(
        edit,
        {
            "name": "Spring 2026 (2)",
            "municipalities": [kiel.pk],
            "mechanism": "stable",
            "criteria_version": "1",
            "capacity_dimensions": ["persons"],
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.name == "Spring 2026 (2)" and round_.mechanism == "auto"
    assert round_.capacity_dimensions == ["persons", "kita"]


def test_profile_page_for_the_officer(municipal_officer_client):
    from django.urls import reverse

    round_ = make_round()
    url = reverse("relocation:profile_edit", kwargs={"pk": round_.pk})
    page = municipal_officer_client.get(url).content.decode()
    assert "never confirmed" in page
    data = {
        "capacity_persons": "25",
        "capacity_school": "3",
        "capacity_kita": "-2",
        "services": ["dialysis", "welcome_class"],
        "language_course_places": "10",
        "community_uk": "300",
        "labour_demand_7": "0.8",
        **{f"priority_{c.id}": "1" for c in round_.catalogue().soft},
    }
    response = municipal_officer_client.post(url, data)
    assert response.status_code == 200
    assert 'href="#id_capacity_kita_group"' in response.content.decode()
    response = municipal_officer_client.post(url, data | {"capacity_kita": "2"})
    assert response.status_code == 302
    profile = _officer_profile(round_)
    assert profile.capacities == {"persons": 25, "school": 3, "kita": 2}
    assert profile.communities == {"uk": 300} and profile.labour_demand == {"7": 0.8}
    assert profile.services == ["dialysis", "welcome_class"]
    assert "capacity.kita" in profile.confirmed_at
    # the confirmation date is shown in the page's language, not as ISO text
    from django.utils import formats, translation

    page = municipal_officer_client.get(url)
    confirmed = profile.confirmed_at["capacity.kita"]
    with translation.override(page["Content-Language"]):
        shown = formats.date_format(date.fromisoformat(confirmed))
    assert shown in page.content.decode()
    assert confirmed not in page.content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_round_pages_do_not_query_per_row(coordinator_client):
    """The same number of queries for 3 and for 12 municipalities, 1 and 4 rounds (no N+1)."""
    from django.urls import reverse

    small = make_round(name="Small")
    counts_small = [
        _queries(coordinator_client, reverse("relocation:round_list")),
        _queries(coordinator_client, reverse("relocation:round_detail", kwargs={"pk": small.pk})),
        _queries(coordinator_client, "/api/v1/relocation/rounds"),
    ]
    many = [municipality(f"Gemeinde {i}") for i in range(12)]
    big = make_round(name="Big", municipalities=many)
    for i in range(2):
        make_round(name=f"Other {i}", municipalities=many[:5])
    counts_big = [
        _queries(coordinator_client, reverse("relocation:round_list")),
        _queries(coordinator_client, reverse("relocation:round_detail", kwargs={"pk": big.pk})),
        _queries(coordinator_client, "/api/v1/relocation/rounds"),
    ]
    assert counts_big == counts_small


def test_removing_a_municipality_takes_it_out_of_the_interviews():
    round_ = make_round()
    kiel, ulm = (round_.profiles.get(municipality__name=n).municipality for n in ("Kiel", "Ulm"))
    household = register(round_)
    intake.interview_save(
        actor=user("interviewer"),
        household=household,
        answers=full_answers(round_, ranked_places=[kiel.pk, ulm.pk], ties=[kiel.pk]),
        members=FAMILY,
        complete=True,
    )
    keep = [p.municipality for p in round_.profiles.exclude(municipality=kiel)]
    rounds.round_update(actor=user("coordinator"), round_=round_, municipalities=keep)
    household.refresh_from_db()
    assert household.interview.ranked_places == [ulm.pk] and household.interview.ties == []
    profile = household.to_domain()
    assert set(profile.ranked_places) <= {p.site_id for p in round_.profiles.all()}


# -- a new round starts from the figures last confirmed -----------------------------------------


def _confirmed_profile(round_, day):
    import datetime as dt

    from passgenau.apps.relocation.services import profiles

    return profiles.profile_update(
        actor=user("municipal_officer"),
        profile=_officer_profile(round_),
        capacities={"persons": 40, "school": 2, "kita": 3},
        services=["dialysis"],
        region="SH",
        language_course_places=12,
        communities={"uk": 300},
        priorities={c.id: 2 for c in round_.catalogue().soft},
        confirm_all=True,
        today=dt.date.fromisoformat(day),
    )


def test_a_new_round_starts_from_the_figures_confirmed_in_the_last_one_to_confirm_again():
    from passgenau.apps.relocation.services import profiles

    _confirmed_profile(make_round(name="Autumn 2025"), "2025-09-01")
    latest = _confirmed_profile(make_round(name="Spring 2026"), "2026-03-01")
    new = make_round(name="Autumn 2026", capacity_dimensions=["persons", "kita"])
    profile = _officer_profile(new)
    assert profile.carried_from == latest
    assert profile.capacities == {"persons": 40, "kita": 3}  # only this round's dimensions
    assert profile.services == ["dialysis"] and profile.region == "SH"
    assert profile.language_course_places == 12 and profile.communities == {"uk": 300}
    assert profile.priorities == {c.id: 2 for c in new.catalogue().soft}
    # taken over is not confirmed: every figure is still to be confirmed for this round
    assert profile.confirmed_at == {}
    assert set(profiles.profile_missing_figures(profile=profile)) == set(
        profiles.profile_figure_keys(round_=new)
    )
    # municipalities without confirmed figures elsewhere start empty
    kiel = new.profiles.get(municipality=municipality("Kiel"))
    assert kiel.carried_from is None and kiel.capacities == {} and kiel.services == []
    assert new.profiles.get(municipality=municipality("Ulm")).carried_from is None


def test_a_municipality_added_to_a_round_later_also_starts_from_its_figures():
    latest = _confirmed_profile(make_round(name="Spring 2026"), "2026-03-01")
    new = make_round(
        name="Autumn 2026", status=RoundStatus.DRAFT, municipalities=[municipality("Kiel")]
    )
    rounds.round_update(
        actor=user("coordinator"),
        round_=new,
        municipalities=[municipality("Kiel"), organisation("municipal_officer")],
    )
    profile = _officer_profile(new)
    assert profile.carried_from == latest and profile.capacities["persons"] == 40


def test_the_profile_page_shows_taken_over_figures_with_their_dates_until_confirmed(
    municipal_officer_client,
):
    from django.urls import reverse

    _confirmed_profile(make_round(name="Spring 2026"), "2026-03-01")
    new = make_round(name="Autumn 2026")
    url = reverse("relocation:profile_edit", kwargs={"pk": new.pk})
    page = municipal_officer_client.get(url).content.decode()
    assert "taken over from the round “Spring 2026”" in page
    assert "taken over, confirmed March 1, 2026 in the earlier round: confirm again" in page
    assert 'value="40"' in page
    response = municipal_officer_client.post(
        url,
        {
            "capacity_persons": "38",
            "capacity_school": "2",
            "capacity_kita": "3",
            "services": ["dialysis"],
            "region": "SH",
            "language_course_places": "12",
            "community_uk": "300",
            **{f"priority_{c.id}": "2" for c in new.catalogue().soft},
            "confirm_all": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = municipal_officer_client.get(url).content.decode()
    assert "taken over" not in page
    assert _officer_profile(new).capacities["persons"] == 38


def test_the_officer_reaches_its_profiles_from_the_menu(municipal_officer_client):
    from django.urls import reverse

    from passgenau.apps.relocation.services import profiles

    _confirmed_profile(make_round(name="Spring 2026"), "2026-03-01")
    autumn = make_round(name="Autumn 2026")
    make_round(name="Kiel only", municipalities=[municipality("Kiel")])
    home = municipal_officer_client.get(reverse("core:home")).content.decode()
    url = reverse("relocation:profile_list")
    assert f'href="{url}"' in home
    page = municipal_officer_client.get(url).content.decode()
    assert page.index("Autumn 2026") < page.index("Spring 2026")  # newest round first
    assert "Kiel only" not in page  # the officer's own municipality's rounds only
    autumn_row, spring_row = page.split("<tbody>")[1].split("</tr>")[:2]
    to_confirm = len(profiles.profile_figure_keys(round_=autumn))
    assert "Autumn 2026" in autumn_row and f'<td class="num">{to_confirm}</td>' in autumn_row
    assert "Spring 2026" in spring_row and '<td class="num">0</td>' in spring_row
