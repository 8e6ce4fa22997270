"""Rounds: created by coordinators, changed only in the states that allow it, moved along the
transition table with its conditions."""

from __future__ import annotations

import itertools

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
    full_answers,
    make_round,
    municipality,
    organisation,
    register,
    user,
)

pytestmark = pytest.mark.django_db


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
