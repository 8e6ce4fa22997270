"""The provider's own offers (issue 11): searched by name, filtered by directory, paged with the
same number of queries on every page; another provider's offers are not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory_helpers import make_directory, provider_service
from listing_helpers import same_queries_with_more_rows, second_page, ten_per_page  # noqa: F401 - a fixture
from passgenau.apps.directory.models import Directory, Service

URL = reverse("directory:my_offers")

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(client_for_role):
    make_directory()  # first: it makes the provider's organisation the Caritas's provider
    return client_for_role("provider")


def _offers(count: int, *, name: str = "Kurs", directory: Directory | None = None) -> None:
    own = provider_service()
    Service.objects.bulk_create(
        Service(
            directory=directory or own.directory,
            organization=own.organization,
            name=f"{name} {n:02}",
        )
        for n in range(count)
    )


def _names(response) -> list[str]:
    return [service.name for service in response.context["page"]]


def test_the_search_finds_by_name_and_hides_the_others(provider):
    _offers(2, name="Sprachcafé")
    assert _names(provider.get(URL, {"q": "sprachcaf"})) == ["Sprachcafé 00", "Sprachcafé 01"]
    assert _names(provider.get(URL, {"q": "Zahnarzt"})) == []
    response = provider.get(URL)
    assert "Sprachcafé 00" in _names(response) and len(_names(response)) > 2


def test_the_directory_filter_narrows_the_list(provider):
    other = Directory.objects.create(name="Wolfenbüttel", slug="wolfenbuettel")
    _offers(1, name="Beratung", directory=other)
    assert _names(provider.get(URL, {"directory": other.pk})) == ["Beratung 00"]
    response = provider.get(URL, {"directory": "x"})
    assert response.status_code == 200 and "directory" in response.context["form"].errors
    assert "Beratung 00" in _names(response)


def test_another_providers_offers_are_not_found(client_for_role):
    make_directory()
    other = Service.objects.exclude(organization__provider__name="Test organisation provider")
    name = other.first().name
    assert _names(client_for_role("provider").get(URL, {"q": name})) == []


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_search(provider):
    _offers(12)
    assert _names(second_page(provider, URL, {"q": "Kurs"})) == ["Kurs 10", "Kurs 11"]


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_offers_and_on_a_later_page(provider):
    _offers(3)
    same_queries_with_more_rows(provider, URL, {"q": "Kurs"}, lambda: _offers(27, name="Kurs b"))
