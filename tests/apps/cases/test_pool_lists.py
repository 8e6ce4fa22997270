"""The pools of mentors and of language mediators (issue 11): searched by name, filtered by
whether they take on work, paged with the same number of queries on every page; only the page
shown is logged; another organisation's pool is not found, and roles without the area are
refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_helpers import ROLES, login_client
from cases_helpers import caseworker, make_mediator, make_mentor
from listing_helpers import queries_for, second_page, ten_per_page  # noqa: F401 - a fixture
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.accounts.permissions import role_has_perm
from passgenau.apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

POOLS = {
    # the page, how one of its people is made, the permission, the audit action of a list
    "mentors": ("cases:mentoring", make_mentor, "cases.manage_mentoring", "cases.mentor.list"),
    "mediators": (
        "cases:mediation",
        make_mediator,
        "cases.manage_mediation",
        "cases.mediator.list",
    ),
}


@pytest.fixture(params=sorted(POOLS))
def pool(request):
    url, make, permission, action = POOLS[request.param]
    return reverse(url), make, permission, action


def _names(response) -> list[str]:
    return [person.name for person in response.context["page"]]


def test_the_search_finds_by_name_and_hides_the_others_and_logs_only_the_ids(
    pool, caseworker_client
):
    url, make, _permission, action = pool
    found = make(name="Iryna Koval")
    make(name="Oksana Bondar")
    assert _names(caseworker_client.get(url, {"q": "koval"})) == ["Iryna Koval"]
    assert _names(caseworker_client.get(url, {"q": "Nobody"})) == []
    caseworker_client.get(url, {"q": "koval"})
    entry = AuditEntry.objects.filter(action=action).latest("id")
    assert entry.data["ids"] == [str(found.pk)] and "koval" not in str(entry.data).lower()


def test_the_filter_separates_those_taking_work_from_the_others(pool, caseworker_client):
    url, make, _permission, _action = pool
    make(name="Anna Active")
    make(name="Bohdan Resting", active=False)
    assert _names(caseworker_client.get(url, {"active": "yes"})) == ["Anna Active"]
    assert _names(caseworker_client.get(url, {"active": "no"})) == ["Bohdan Resting"]
    response = caseworker_client.get(url, {"active": "maybe"})
    assert response.status_code == 200 and "active" in response.context["form"].errors
    assert len(_names(response)) == 2


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_search(pool, caseworker_client):
    url, make, _permission, _action = pool
    for n in range(12):
        make(name=f"Person {n:02}")
    response = second_page(caseworker_client, url, {"q": "Person"})
    assert _names(response) == ["Person 10", "Person 11"]


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_people_and_on_a_later_page(
    pool, caseworker_client
):
    url, make, _permission, _action = pool
    for n in range(3):
        make(name=f"Person {n:02}")
    caseworker_client.get(url)
    few = queries_for(caseworker_client, url, {"q": "Person"})
    for n in range(3, 30):
        make(name=f"Person {n:02}")
    assert queries_for(caseworker_client, url, {"q": "Person"}) == few
    assert queries_for(caseworker_client, url, {"q": "Person", "page": "3"}) == few


def test_another_organisations_pool_is_not_found_by_name(pool, client):
    url, make, _permission, _action = pool
    make(name="Iryna Koval")
    elsewhere = Organisation.objects.create(name="Caritas Nord", kind="ngo")
    other = caseworker("other-caseworker", elsewhere)
    response = login_client(client, other).get(url, {"q": "Koval"})
    assert _names(response) == []
    assert "Iryna Koval" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "role"),
    [(name, role) for name in POOLS for role in ROLES if not role_has_perm(role, POOLS[name][2])],
)
def test_a_role_without_the_area_cannot_search_the_names(name, role, client_for_role):
    url, make, _permission, _action = POOLS[name]
    make(name="Iryna Koval")
    response = client_for_role(role).get(reverse(url), {"q": "Koval"})
    assert response.status_code == 403 and b"Iryna Koval" not in response.content
