"""Funding's to-do providers (funding/todo.py): a funder decides the applications to its own
programmes and checks the reports handed in; a recipient hands in the report of a paid grant,
due at the end of the programme's period; nobody sees another organisation's grants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from funding_helpers import make_grant, make_programme, organisation
from passgenau.apps.funding.models import Grant
from todo_helpers import queries_of, todo_of

pytestmark = pytest.mark.django_db


def test_funder_decides_applications_of_its_own_programmes(client_for_role):
    client = client_for_role("funder")
    own = make_grant()
    make_grant(programme=make_programme(organisation("Another funder", "funder"), name="Other"))
    items = todo_of(client)["funding.applications_to_decide"]
    assert [i.url for i in items] == [reverse("funding:grant_detail", kwargs={"pk": own.pk})]
    assert "funding.applications_to_decide" not in todo_of(client_for_role("provider"))


def test_recipient_reports_on_a_paid_grant_by_the_end_of_the_period(client_for_role):
    client = client_for_role("provider")
    grant = make_grant(approve=True)
    other = make_grant(recipient=organisation("Another recipient", "provider"), approve=True)
    assert "funding.reports_due" not in todo_of(client)
    Grant.objects.filter(pk__in=[grant.pk, other.pk]).update(status="paid")
    items = todo_of(client)["funding.reports_due"]
    assert [(i.url, i.due_on) for i in items] == [
        (reverse("funding:grant_detail", kwargs={"pk": grant.pk}), dt.date(2026, 12, 31))
    ]
    assert items[0].overdue == (dt.date.today() > dt.date(2026, 12, 31))
    Grant.objects.filter(pk=grant.pk).update(status="reported")
    assert "funding.reports_due" not in todo_of(client)
    checked = todo_of(client_for_role("funder"))["funding.reports_to_check"]
    assert [i.url for i in checked] == [reverse("funding:grant_detail", kwargs={"pk": grant.pk})]


def test_a_fixed_number_of_queries(funder_user):
    make_grant()
    one = queries_of("funding.applications_to_decide", funder_user)
    for _ in range(3):
        make_grant()
    assert queries_of("funding.applications_to_decide", funder_user) == one <= 3
