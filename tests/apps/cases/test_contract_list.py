"""The list of funding contracts (issue 11): searched by contract, grant or recipient, filtered
by whether in force, paged with the same number of queries on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cases_helpers import make_contract
from listing_helpers import queries_for, second_page, ten_per_page  # noqa: F401 - a fixture
from passgenau.apps.cases.models import FundingContract

URL = reverse("cases:contract_list")

pytestmark = pytest.mark.django_db


def _more(contract: FundingContract, count: int, *, ended: bool = False) -> None:
    """``count`` more contracts on the same grant, named "Extra n" (ended last year if told)."""
    start, end = (dt.date(2020, 1, 1), dt.date(2020, 12, 31)) if ended else (None, None)
    FundingContract.objects.bulk_create(
        FundingContract(
            grant=contract.grant,
            name=f"Extra {n:02}",
            hourly_rate=Decimal("50.00"),
            hours_budget=Decimal("10.00"),
            valid_from=start or contract.valid_from,
            valid_to=end or contract.valid_to,
        )
        for n in range(count)
    )


def _names(response) -> list[str]:
    return [contract.name for contract, _usage in response.context["rows"]]


def test_the_search_finds_by_name_grant_and_recipient_and_hides_the_others(funder_client):
    contract = make_contract()
    _more(contract, 2)
    assert _names(funder_client.get(URL, {"q": "migrationssozial"})) == [contract.name]
    assert len(_names(funder_client.get(URL, {"q": contract.grant.title}))) == 3
    recipient = contract.grant.organisation.name
    assert len(_names(funder_client.get(URL, {"q": recipient}))) == 3
    assert _names(funder_client.get(URL, {"q": "Extra 01"})) == ["Extra 01"]
    assert _names(funder_client.get(URL, {"q": "nothing like it"})) == []


def test_the_period_filter_separates_contracts_in_force_from_ended_ones(funder_client):
    contract = make_contract()
    _more(contract, 1, ended=True)
    assert _names(funder_client.get(URL, {"period": "current"})) == [contract.name]
    assert _names(funder_client.get(URL, {"period": "ended"})) == ["Extra 00"]
    assert len(_names(funder_client.get(URL))) == 2
    response = funder_client.get(URL, {"period": "someday"})
    assert response.status_code == 200 and "period" in response.context["form"].errors
    assert len(_names(response)) == 2


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_search(funder_client):
    contract = make_contract()
    _more(contract, 14)
    response = second_page(funder_client, URL, {"q": "Extra"})
    assert _names(response) == [f"Extra {n:02}" for n in range(10, 14)]


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_contracts_and_on_a_later_page(
    funder_client,
):
    contract = make_contract()
    _more(contract, 2)
    funder_client.get(URL)
    few = queries_for(funder_client, URL, {"q": "a"})
    _more(contract, 27)
    assert queries_for(funder_client, URL, {"q": "a"}) == few
    assert queries_for(funder_client, URL, {"q": "a", "page": "3"}) == few


def test_another_funder_finds_none_of_the_contracts(client_for_role, funder_client):
    from accounts_helpers import login_client, make_user
    from funding_helpers import organisation

    contract = make_contract()
    other = make_user(
        "funder", username="other-funder", organisation=organisation("Other funder", "funder")
    )
    client = login_client(type(funder_client)(), other)
    assert _names(client.get(URL, {"q": contract.name})) == []
