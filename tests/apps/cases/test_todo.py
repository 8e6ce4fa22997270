"""Case management's to-do providers (cases/todo.py): the responsible caseworker finds the overdue
steps and goals and the reviews due of its own cases, not those of a colleague's or another
organisation's cases, nor of closed cases; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases_helpers import caseworker, make_case
from passgenau.apps.cases import services
from todo_helpers import queries_of, todo_of

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _goal(case, *, due_on, review_on, actor=None):
    return services.goal_create(
        actor=actor or caseworker(),
        case=case,
        area="language",
        title="B1",
        responsible="x",
        due_on=due_on,
        review_on=review_on,
    )


def _plan(actor=None, name="Olena K."):
    """A case with an overdue goal (review long passed) holding an overdue and a later step."""
    actor = actor or caseworker()
    case = make_case(actor, name=name)
    goal = _goal(case, due_on=dt.date(2026, 6, 1), review_on=dt.date(2026, 5, 1), actor=actor)
    late = services.step_create(
        actor=actor, goal=goal, title="Anmeldung", responsible="x", due_on=dt.date(2026, 3, 1)
    )
    services.step_create(
        actor=actor, goal=goal, title="Kurs", responsible="x", due_on=TODAY + dt.timedelta(30)
    )
    return case, goal, late


def test_caseworker_sees_overdue_steps_goals_and_reviews_of_own_cases(client_for_role):
    client = client_for_role("caseworker")  # the role's user first: the helpers act as it
    case, goal, late = _plan()
    todo = todo_of(client)
    url = reverse("cases:case_detail", kwargs={"pk": case.pk}) + "#plan"
    assert [(i.url, i.due_on, i.overdue) for i in todo["cases.steps_overdue"]] == [
        (url, late.due_on, True)
    ]
    assert [(i.url, i.due_on) for i in todo["cases.goals_overdue"]] == [(url, goal.due_on)]
    assert [(i.url, i.due_on) for i in todo["cases.reviews_due"]] == [(url, goal.review_on)]
    assert case.reference in str(todo["cases.steps_overdue"][0].label)


def test_a_done_step_and_a_reached_goal_leave_the_list(client_for_role):
    client = client_for_role("caseworker")
    _case, goal, late = _plan()
    services.step_transition(actor=caseworker(), step=late, status="done")
    todo = todo_of(client)
    assert "cases.steps_overdue" not in todo
    services.goal_transition(actor=caseworker(), goal=goal, status="reached", on=TODAY)
    todo = todo_of(client)
    assert "cases.goals_overdue" not in todo and "cases.reviews_due" not in todo


def test_no_items_of_a_colleagues_or_another_organisations_cases(client_for_role):
    from passgenau.apps.accounts.models import Organisation

    client = client_for_role("caseworker")
    colleague = caseworker("colleague", caseworker().organisation)
    _plan(colleague, name="Colleague's case")
    elsewhere = Organisation.objects.create(name="Another office", kind="municipality")
    _plan(caseworker("elsewhere", elsewhere), name="Elsewhere")
    todo = todo_of(client)
    assert not any(code.startswith("cases.") for code in todo)
    # and no other role gets case items
    for role in ("interviewer", "municipal_officer", "funder"):
        assert not any(code.startswith("cases.") for code in todo_of(client_for_role(role)))


@pytest.mark.parametrize(
    "code", ["cases.steps_overdue", "cases.goals_overdue", "cases.reviews_due"]
)
def test_a_fixed_number_of_queries(code):
    _plan()
    one = queries_of(code, caseworker())
    for k in range(3):
        _plan(name=f"Case {k}")
    assert queries_of(code, caseworker()) == one <= 3
