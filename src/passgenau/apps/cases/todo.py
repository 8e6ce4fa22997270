"""What case management asks of a caseworker on the start page (found at start-up by the core
app's to-do registry): the steps and goals of the cases it is responsible for that are overdue,
and the plan reviews that fall due. Items name the case's reference only: a goal's or step's
title may say more about a person than the start page should show unlogged."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.core.todo import Item, Todo, register, todo_from

from . import policies
from .models import CaseStatus, Goal, Step, StepStatus
from .selectors.cases import LIVE_GOALS, REVIEW_AHEAD_DAYS, cases_for_user

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


def _own_goals(user: User) -> QuerySet[Goal]:
    """Live goals of the open cases the user is responsible for (through the cases' access
    function, narrowed by the policy)."""
    cases = (
        cases_for_user(user=user)
        .filter(policies.case_responsible_scope(user=user))
        .exclude(status=CaseStatus.CLOSED)
    )
    return Goal.objects.filter(status__in=LIVE_GOALS, case__in=cases)


def _case_url(case_id: int) -> str:
    return reverse("cases:case_detail", kwargs={"pk": case_id}) + "#plan"


@register(
    "cases.steps_overdue",
    permission="cases.manage_cases",
    title=ngettext_lazy("%(count)s step overdue", "%(count)s steps overdue", "count"),
    url_name="cases:caseload",
    order=10,
)
def steps_overdue(*, user: User, today: dt.date) -> Todo:
    """Open steps of live goals of the user's cases whose date has passed."""
    steps = Step.objects.filter(
        status=StepStatus.OPEN, due_on__lt=today, goal__in=_own_goals(user)
    ).select_related("goal__case")

    def item(step: Step) -> Item:
        case = step.goal.case
        return Item(
            _("A step of the plan of case %(reference)s") % {"reference": case.reference},
            _case_url(case.pk),
            step.due_on,
        )

    return todo_from(steps, today=today, item=item, due="due_on")


@register(
    "cases.goals_overdue",
    permission="cases.manage_cases",
    title=ngettext_lazy("%(count)s goal overdue", "%(count)s goals overdue", "count"),
    url_name="cases:caseload",
    order=20,
)
def goals_overdue(*, user: User, today: dt.date) -> Todo:
    """Goals of the user's cases not reached (nor dropped) by their date."""
    goals = _own_goals(user).filter(due_on__lt=today).select_related("case")

    def item(goal: Goal) -> Item:
        return Item(
            _("A goal of the plan of case %(reference)s") % {"reference": goal.case.reference},
            _case_url(goal.case_id),
            goal.due_on,
        )

    return todo_from(goals, today=today, item=item, due="due_on")


@register(
    "cases.reviews_due",
    permission="cases.manage_cases",
    title=ngettext_lazy("%(count)s plan review due", "%(count)s plan reviews due", "count"),
    url_name="cases:caseload",
    order=30,
)
def reviews_due(*, user: User, today: dt.date) -> Todo:
    """Goals of the user's cases to be reviewed within two weeks (or whose review has passed),
    as the caseload counts them."""
    goals = (
        _own_goals(user)
        .filter(review_on__lte=today + dt.timedelta(days=REVIEW_AHEAD_DAYS))
        .select_related("case")
    )

    def item(goal: Goal) -> Item:
        return Item(
            _("Review a goal of case %(reference)s") % {"reference": goal.case.reference},
            _case_url(goal.case_id),
            goal.review_on,
        )

    return todo_from(goals, today=today, item=item, due="review_on")
