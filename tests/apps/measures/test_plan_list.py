"""The list of measures plans (issue 11): searched by plan or coordinating office, filtered by
status, paged with the same number of queries on every page; another office's plans stay out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from listing_helpers import same_queries_with_more_rows, second_page, ten_per_page  # noqa: F401 - a fixture
from measures_helpers import coordinating_office
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.measures.models import Plan, PlanStatus

URL = reverse("measures:plan_list")

pytestmark = pytest.mark.django_db


def _plans(count: int, *, office=None, name="Plan", status=PlanStatus.DRAFT) -> None:
    Plan.objects.bulk_create(
        Plan(
            name=f"{name} {n:02}",
            coordinating_organisation=office or coordinating_office(),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2027, 12, 31),
            status=status,
        )
        for n in range(count)
    )


def _names(response) -> set[str]:
    return {plan.name for plan in response.context["page"]}


def test_the_search_finds_by_plan_and_office_and_hides_the_others(officer_client):
    _plans(2, name="Fachplan Wohnen")
    _plans(1, name="Integrationskonzept")
    assert _names(officer_client.get(URL, {"q": "wohnen"})) == {
        "Fachplan Wohnen 00",
        "Fachplan Wohnen 01",
    }
    assert len(_names(officer_client.get(URL, {"q": coordinating_office().name}))) == 3
    assert _names(officer_client.get(URL, {"q": "Haushalt"})) == set()


def test_the_status_filter_narrows_the_list(officer_client):
    _plans(2, name="Entwurf")
    _plans(1, name="Beschlossen", status=PlanStatus.ADOPTED)
    assert _names(officer_client.get(URL, {"status": "adopted"})) == {"Beschlossen 00"}
    response = officer_client.get(URL, {"status": "forgotten"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    assert len(_names(response)) == 3


def test_another_offices_plans_are_not_found(officer_client):
    elsewhere = Organisation.objects.create(name="Landkreis Bautzen", kind="municipality")
    _plans(2, office=elsewhere, name="Bautzen")
    _plans(1, name="Dresden")
    assert _names(officer_client.get(URL, {"q": "Bautzen"})) == set()
    assert _names(officer_client.get(URL)) == {"Dresden 00"}


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_filter(officer_client):
    _plans(14)
    assert len(_names(second_page(officer_client, URL, {"status": "draft"}))) == 4


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_plans_and_on_a_later_page(
    officer_client,
):
    _plans(3)
    same_queries_with_more_rows(
        officer_client, URL, {"q": "Plan"}, lambda: _plans(27, name="Plan b")
    )
