"""Relocation's to-do providers (relocation/todo.py): each role finds its own work on the start
page, nothing of another organisation's, each item linked to the page where it is done, and a
fixed number of queries whatever the number of items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passgenau.apps.relocation.models import FollowUpSurvey, Round, RoundStatus, Travel
from passgenau.apps.relocation.services import decisions, travel
from relocation_helpers import make_round, municipality, organisation, register, user
from relocation_matching_helpers import accepted_proposal, published_round
from todo_helpers import queries_of, todo_of

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def test_interviewer_sees_unfinished_interviews_of_its_organisation_only(client_for_role):
    round_ = make_round(status=RoundStatus.OPEN, interviews_close=TODAY - dt.timedelta(days=1))
    own = register(round_)
    other_org = organisation("lotse")  # an NGO that is not the test interviewer's
    other = register(round_, actor=user("interviewer", "other-interviewer", other_org))
    items = todo_of(client_for_role("interviewer"))["relocation.interviews_to_finish"]
    assert [i.url for i in items] == [reverse("relocation:interview", kwargs={"pk": own.pk})]
    assert own.reference in str(items[0].label)
    assert other.reference not in str(items[0].label)
    assert items[0].due_on == round_.interviews_close
    assert items[0].overdue


def test_officer_sees_proposals_to_its_municipality_with_the_deadline(client_for_role):
    round_, run = published_round(2)
    Round.objects.filter(pk=round_.pk).update(decisions_due=TODAY + dt.timedelta(days=3))
    items = todo_of(client_for_role("municipal_officer"))["relocation.proposals_to_decide"]
    assert sorted(i.url for i in items) == sorted(
        reverse("relocation:proposal_detail", kwargs={"pk": p.pk}) for p in run.proposals.all()
    )
    assert all(i.due_on == TODAY + dt.timedelta(days=3) and not i.overdue for i in items)
    # once decided, the proposal leaves the list
    first = run.proposals.order_by("pk").first()
    decisions.proposal_decide_municipality(
        actor=user("municipal_officer"), proposal=first, outcome="accept"
    )
    items = todo_of(client_for_role("municipal_officer"))["relocation.proposals_to_decide"]
    assert len(items) == 1
    assert items[0].url != reverse("relocation:proposal_detail", kwargs={"pk": first.pk})


def test_an_officer_of_another_municipality_sees_none_of_them(client_for_role):
    from django.test import Client

    from accounts_helpers import login_client

    published_round(2)
    kiel_officer = user("municipal_officer", "kiel-officer", municipality("Kiel"))
    todo = todo_of(login_client(Client(), kiel_officer))
    assert "relocation.proposals_to_decide" not in todo
    # nor does a coordinator or an interviewer get an officer's kind
    assert "relocation.proposals_to_decide" not in todo_of(client_for_role("coordinator"))
    assert "relocation.proposals_to_decide" not in todo_of(client_for_role("interviewer"))


def test_interviewer_records_the_households_answers(client_for_role):
    _round, run = published_round(1)
    items = todo_of(client_for_role("interviewer"))["relocation.answers_to_record"]
    assert [i.url for i in items] == [
        reverse("relocation:proposal_detail", kwargs={"pk": run.proposals.get().pk})
    ]


def test_coordinator_plans_travel_and_officer_records_the_arrival(client_for_role):
    proposal = accepted_proposal()
    coordinator = todo_of(client_for_role("coordinator"))
    assert [i.url for i in coordinator["relocation.travel_to_plan"]] == [
        reverse("relocation:travel_edit", kwargs={"pk": proposal.pk})
    ]
    assert "relocation.arrivals_to_record" not in todo_of(client_for_role("municipal_officer"))
    departure = TODAY - dt.timedelta(days=2)
    Travel.objects.create(proposal=proposal, departure_on=departure, status="booked")
    assert "relocation.travel_to_plan" not in todo_of(client_for_role("coordinator"))
    items = todo_of(client_for_role("municipal_officer"))["relocation.arrivals_to_record"]
    assert [i.url for i in items] == [
        reverse("relocation:arrival_record", kwargs={"pk": proposal.pk})
    ]
    assert items[0].due_on == departure and items[0].overdue


def test_surveys_due_for_interviewer_and_coordinator_not_before_their_window(client_for_role):
    proposal = accepted_proposal()
    travel.arrival_record(
        actor=user("municipal_officer"), proposal=proposal, arrived_on=TODAY - dt.timedelta(40)
    )
    first = FollowUpSurvey.objects.filter(household=proposal.household).order_by("due_on").first()
    assert first.due_on < TODAY
    for role in ("interviewer", "coordinator"):
        items = todo_of(client_for_role(role))["relocation.surveys_due"]
        # the 6- and 12-month waves are not open yet: only the first
        assert [i.url for i in items] == [
            reverse("relocation:survey_record", kwargs={"pk": first.pk})
        ]
        assert items[0].overdue
    assert "relocation.surveys_due" not in todo_of(client_for_role("municipal_officer"))


def test_coordinator_sees_rounds_waiting(client_for_role):
    closed = make_round(
        status=RoundStatus.OPEN, name="Closed", interviews_close=TODAY - dt.timedelta(days=1)
    )
    make_round(status=RoundStatus.OPEN, name="Still open", interviews_close=TODAY + dt.timedelta(9))
    matching = make_round(status=RoundStatus.MATCHING, name="Matching")
    items = todo_of(client_for_role("coordinator"))["relocation.rounds_waiting"]
    assert sorted(i.url for i in items) == sorted(
        reverse("relocation:run_list", kwargs={"pk": r.pk}) for r in (closed, matching)
    )


def test_officer_fills_in_profiles_of_open_rounds(client_for_role):
    round_ = make_round(status=RoundStatus.OPEN, profiles_due=TODAY + dt.timedelta(days=1))
    items = todo_of(client_for_role("municipal_officer"))["relocation.profiles_to_keep"]
    assert [i.url for i in items] == [reverse("relocation:profile_edit", kwargs={"pk": round_.pk})]


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("relocation.interviews_to_finish", "interviewer"),
        ("relocation.proposals_to_decide", "municipal_officer"),
        ("relocation.answers_to_record", "interviewer"),
        ("relocation.rounds_waiting", "coordinator"),
    ],
)
def test_a_fixed_number_of_queries(code, role, user_for_role):
    person = user_for_role(role)
    round_, _run = published_round(1)
    Round.objects.filter(pk=round_.pk).update(decisions_due=TODAY, name="First")
    register(make_round(status=RoundStatus.OPEN, name="Open first"))
    make_round(status=RoundStatus.MATCHING, name="Matching first")
    one = queries_of(code, person)
    second, _run = published_round(3)
    other = make_round(status=RoundStatus.MATCHING, name="Another")
    for k in range(3):
        register(make_round(status=RoundStatus.OPEN, name=f"Open {k}"))
    assert other and second
    assert queries_of(code, person) == one <= 3
