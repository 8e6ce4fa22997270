"""The organisation's flats on the housing page (issue 11): searched by address or housing
provider, filtered by status and district, paged with the same number of queries on every
page; another organisation's flats are not found, roles without housing are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_helpers import ROLES, login_client
from cases_helpers import caseworker, make_district, make_flat
from funding_helpers import organisation
from listing_helpers import queries_for, second_page, ten_per_page  # noqa: F401 - a fixture
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.accounts.permissions import role_has_perm
from passgenau.apps.cases.models import Flat, FlatStatus

URL = reverse("cases:housing")

pytestmark = pytest.mark.django_db


def _addresses(response) -> list[str]:
    return [flat.address for flat in response.context["page"]]


def _flats(count: int, *, street: str = "Weg", **fields) -> None:
    district = fields.pop("district", None) or make_district(caseworker())
    for n in range(count):
        make_flat(district=district, address=f"{street} {n:02}", **fields)


def test_the_search_finds_by_address_and_provider_and_hides_the_others(caseworker_client):
    _flats(1, street="Stuttgarter Allee")
    _flats(1, street="Lindenweg", provider=organisation("Vonovia Süd", "provider"))
    assert _addresses(caseworker_client.get(URL, {"q": "stuttgarter"})) == ["Stuttgarter Allee 00"]
    assert _addresses(caseworker_client.get(URL, {"q": "Vonovia"})) == ["Lindenweg 00"]
    assert _addresses(caseworker_client.get(URL, {"q": "Bahnhofstraße"})) == []


def test_the_filters_narrow_by_status_and_district(caseworker_client):
    north = make_district(caseworker(), name="Nord")
    _flats(2, street="Nordweg", district=north)
    _flats(1, street="Südweg")
    Flat.objects.filter(address="Nordweg 01").update(status=FlatStatus.LET)
    assert _addresses(caseworker_client.get(URL, {"district": north.pk})) == [
        "Nordweg 00",
        "Nordweg 01",
    ]
    assert _addresses(caseworker_client.get(URL, {"status": "let"})) == ["Nordweg 01"]
    response = caseworker_client.get(URL, {"status": "sold", "district": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status", "district"}
    assert len(_addresses(response)) == 3


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_search(caseworker_client):
    _flats(12)
    assert len(_addresses(second_page(caseworker_client, URL, {"q": "Weg"}))) == 2


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_flats_and_on_a_later_page(
    caseworker_client,
):
    district = make_district(caseworker())
    _flats(3, district=district)
    caseworker_client.get(URL)
    few = queries_for(caseworker_client, URL, {"q": "Weg"})
    _flats(27, street="Weg b", district=district)
    assert queries_for(caseworker_client, URL, {"q": "Weg"}) == few
    assert queries_for(caseworker_client, URL, {"q": "Weg", "page": "3"}) == few


def test_another_organisations_flats_are_not_found(client):
    _flats(1, street="Stuttgarter Allee")
    other = caseworker("other-caseworker", Organisation.objects.create(name="Nord", kind="ngo"))
    response = login_client(client, other).get(URL, {"q": "Stuttgarter"})
    assert _addresses(response) == []


@pytest.mark.parametrize(
    "role", [role for role in ROLES if not role_has_perm(role, "cases.manage_housing")]
)
def test_a_role_without_housing_is_refused(role, client_for_role):
    _flats(1, street="Stuttgarter Allee")
    response = client_for_role(role).get(URL, {"q": "Stuttgarter"})
    assert response.status_code == 403 and b"Stuttgarter Allee 00" not in response.content
