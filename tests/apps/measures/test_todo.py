"""The measures plan's to-do provider (measures/todo.py): a measure past its end, neither done
nor dropped, is on the list of whoever reports its progress — the coordinating office and the
actor responsible for it — and of nobody else; none of a closed plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from measures_helpers import make_plan
from passgenau.apps.measures.models import Measure, Plan
from todo_helpers import queries_of, todo_of

pytestmark = pytest.mark.django_db

PAST = dt.date.today() - dt.timedelta(days=3)


def test_overdue_measure_for_the_office_and_its_responsible_actor(client_for_role):
    clients = {r: client_for_role(r) for r in ("provider", "municipal_officer", "caseworker")}
    plan = make_plan(status="adopted")
    measure = Measure.objects.get(plan=plan, code="1.1")  # led by the provider's organisation
    Measure.objects.filter(pk=measure.pk).update(end=PAST)
    url = reverse("measures:measure_update", kwargs={"pk": measure.pk})
    for role in ("provider", "municipal_officer"):
        items = todo_of(clients[role])["measures.measures_overdue"]
        assert [(i.url, i.due_on, i.overdue) for i in items] == [(url, PAST, True)]
    assert "measures.measures_overdue" not in todo_of(clients["caseworker"])
    Measure.objects.filter(pk=measure.pk).update(status="done")
    assert "measures.measures_overdue" not in todo_of(clients["provider"])


def test_none_of_a_closed_plan(client_for_role):
    client = client_for_role("municipal_officer")
    plan = make_plan(status="adopted")
    Measure.objects.filter(plan=plan).update(end=PAST)
    Plan.objects.filter(pk=plan.pk).update(status="closed")
    assert "measures.measures_overdue" not in todo_of(client)


def test_a_fixed_number_of_queries(municipal_officer_user):
    plan = make_plan(status="adopted")
    Measure.objects.filter(plan=plan, code="1.1").update(end=PAST)
    one = queries_of("measures.measures_overdue", municipal_officer_user)
    Measure.objects.filter(plan=plan).update(end=PAST)
    make_plan(status="adopted", name="Zweiter Plan")
    Measure.objects.update(end=PAST)
    assert queries_of("measures.measures_overdue", municipal_officer_user) == one <= 3
