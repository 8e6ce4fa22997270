"""The administrators' list of accounts (issue 11): searched by user name, name or e-mail,
filtered by role, organisation and whether active, paged with the same number of queries on
every page, and each page shown logged with the ids only."""

from __future__ import annotations

import pytest

from accounts_helpers import ROLES, make_user
from listing_helpers import queries_for, ten_per_page  # noqa: F401 - a fixture
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.accounts.roles import Role
from passgenau.apps.audit.models import AuditEntry

URL = "/accounts/users/"

pytestmark = pytest.mark.django_db


def _names(response) -> set[str]:
    return {account.username for account in response.context["page"]}


def test_the_search_finds_by_user_name_name_and_e_mail_and_hides_the_others(
    administrator_client, administrator_user
):
    make_user("caseworker", username="carla", first_name="Carla", last_name="Weber")
    make_user("funder", username="fritz", email="f.lang@stiftung.example")
    make_user("interviewer", username="ines")
    assert _names(administrator_client.get(URL, {"q": "CARL"})) == {"carla"}
    assert _names(administrator_client.get(URL, {"q": "weber"})) == {"carla"}
    assert _names(administrator_client.get(URL, {"q": "stiftung"})) == {"fritz"}
    assert _names(administrator_client.get(URL, {"q": "nobody"})) == set()
    entry = AuditEntry.objects.filter(action="accounts.user.list").latest("id")
    assert entry.actor == administrator_user and entry.data["search"] is True
    assert "nobody" not in str(entry.data)


def test_the_filters_narrow_the_list(administrator_client):
    south = Organisation.objects.create(name="Kreis Süd", kind="municipality")
    make_user("caseworker", username="carla")
    make_user("municipal_officer", username="otto", organisation=south)
    make_user("municipal_officer", username="olga", organisation=south, is_active=False)
    assert _names(administrator_client.get(URL, {"role": Role.CASEWORKER})) == {"carla"}
    assert _names(administrator_client.get(URL, {"organisation": south.pk})) == {"otto", "olga"}
    in_south = {"organisation": south.pk}
    assert _names(administrator_client.get(URL, {**in_south, "active": "no"})) == {"olga"}
    assert _names(administrator_client.get(URL, {**in_south, "active": "yes"})) == {"otto"}
    response = administrator_client.get(URL, {"role": "emperor", "organisation": "x"})
    assert response.status_code == 200 and set(response.context["form"].errors) == {
        "role",
        "organisation",
    }
    assert "carla" in _names(response)


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_only_the_page_shown_is_logged(
    administrator_client, administrator_user
):
    for number in range(14):
        make_user("funder", username=f"funder-{number:02}")
    # with the administrator: 15 accounts, 10 on the first page
    response = administrator_client.get(URL, {"page": "2", "role": Role.FUNDER})
    assert _names(response) == {f"funder-{n:02}" for n in range(10, 14)}
    html = response.content.decode()
    assert 'aria-current="page"' in html and 'href="?page=1&amp;role=funder"' in html
    entry = AuditEntry.objects.filter(action="accounts.user.list").latest("id")
    assert len(entry.data["ids"]) == 4 and "search" not in entry.data


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_accounts_and_on_a_later_page(
    administrator_client,
):
    for number in range(2):
        make_user("funder", username=f"funder-{number}")
    administrator_client.get(URL)  # the session's first request does more
    few = queries_for(administrator_client, URL, {"q": "funder"})
    for number in range(2, 30):
        make_user("funder", username=f"funder-{number}")
    assert queries_for(administrator_client, URL, {"q": "funder"}) == few
    assert queries_for(administrator_client, URL, {"q": "funder", "page": "3"}) == few


@pytest.mark.parametrize("role", [r for r in ROLES if r != Role.ADMINISTRATOR])
def test_no_other_role_lists_or_searches_accounts(role, client_for_role):
    make_user("caseworker", username="carla", first_name="Carla")
    response = client_for_role(role).get(URL, {"q": "Carla"})
    assert response.status_code == 403
    assert b"carla" not in response.content
