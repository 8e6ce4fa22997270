"""Search, filters and pagination of the relocation lists: households by name only for the
roles that see names (everyone else by the pseudonymous code), invalid filters as form errors,
pages with a constant number of queries, the read logged without the text typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation import policies
from passgenau.apps.relocation.models import Household, HouseholdStatus
from passgenau.apps.relocation.selectors import intake as intake_selectors
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _references(response) -> set[str]:
    return {h.reference for h in response.context["households"]}


# -- who may search by name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "searchable"),
    [
        ("coordinator", True),
        ("interviewer", True),
        ("municipal_officer", False),
        ("funder", False),
        ("caseworker", False),
        ("administrator", False),
    ],
)
def test_names_searchable_only_for_roles_that_see_names(user_for_role, role, searchable):
    assert policies.household_names_searchable(user_for_role(role)) is searchable


def test_a_name_finds_nothing_for_roles_that_cannot_see_names(user_for_role):
    round_ = make_round()
    household = register(round_, contact_name="Olena Kovalenko")
    for role in ("municipal_officer", "funder"):
        user = user_for_role(role)
        for text in ("Kovalenko", household.reference):
            assert not intake_selectors.households_search(user=user, query=text).exists()


# -- households --------------------------------------------------------------------------------


def test_interviewer_finds_a_household_by_name_reference_and_own_reference(interviewer_client):
    round_ = make_round()
    olena = register(
        round_, contact_name="Olena Kovalenko", member_names="Dmytro Kovalenko\nIra Kovalenko"
    )
    ihor = register(round_, contact_name="Ihor Bondarenko", external_reference="HH-77")
    url = reverse("relocation:household_list")
    assert _references(interviewer_client.get(url, {"q": "kovalenko"})) == {olena.reference}
    assert _references(interviewer_client.get(url, {"q": "Ira"})) == {olena.reference}
    assert _references(interviewer_client.get(url, {"q": "hh-77"})) == {ihor.reference}
    assert _references(interviewer_client.get(url, {"q": ihor.reference})) == {ihor.reference}
    page = interviewer_client.get(url).content.decode()
    assert "Name or reference" in page


def test_coordinator_finds_households_of_its_rounds_by_name(coordinator_client):
    round_ = make_round()
    olena = register(round_, contact_name="Olena Kovalenko")
    register(round_, contact_name="Ihor Bondarenko")
    response = coordinator_client.get(reverse("relocation:household_list"), {"q": "Olena"})
    assert _references(response) == {olena.reference}


def test_household_filters_by_status_and_round(interviewer_client):
    first = make_round(name="Spring")
    second = make_round(name="Autumn")
    a = register(first)
    b = register(second)
    Household.objects.filter(pk=b.pk).update(status=HouseholdStatus.INTERVIEWED)
    url = reverse("relocation:household_list")
    assert _references(interviewer_client.get(url, {"round": first.pk})) == {a.reference}
    assert _references(interviewer_client.get(url, {"status": HouseholdStatus.INTERVIEWED})) == {
        b.reference
    }


@pytest.mark.parametrize(
    "query",
    [
        {"round": "999999"},
        {"round": "not-a-number"},
        {"status": "no-such-status"},
        {"q": "x" * 500},
        {"page": "abc"},
        {"page": "99999"},
    ],
)
def test_invalid_filters_are_form_errors_not_server_errors(interviewer_client, query):
    round_ = make_round()
    household = register(round_)
    response = interviewer_client.get(reverse("relocation:household_list"), query)
    assert response.status_code == 200
    if "page" not in query:
        assert response.context["form"].errors
    # the invalid field is ignored, the list still shows
    assert household.reference in response.content.decode()


def test_household_list_queries_do_not_grow_with_the_households(interviewer_client):
    round_ = make_round()
    url = reverse("relocation:household_list")
    for _ in range(3):
        register(round_)
    few = _queries(interviewer_client, url + "?q=Olena")
    for _ in range(55):
        register(round_)
    many = _queries(interviewer_client, url + "?q=Olena")
    assert many == few
    assert _queries(interviewer_client, url + "?q=Olena&page=2") == few


def test_pager_marks_the_current_page_and_keeps_the_filters(interviewer_client):
    round_ = make_round()
    for _ in range(52):
        register(round_)
    url = reverse("relocation:household_list")
    page = interviewer_client.get(url, {"q": "Olena", "page": "2"}).content.decode()
    assert 'aria-current="page"' in page
    assert 'href="?q=Olena&amp;page=1"' in page
    assert 'aria-label="Pages of the household list"' in page
    # the fields of the filter bar are labelled
    assert '<label for="id_q">' in page and '<label for="id_status">' in page


def test_a_name_search_is_logged_without_the_name(interviewer_client):
    round_ = make_round()
    register(round_, contact_name="Olena Kovalenko")
    interviewer_client.get(reverse("relocation:household_list"), {"q": "Kovalenko"})
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert entry.data["name_search"] is True
    assert "Kovalenko" not in str(entry.data)
