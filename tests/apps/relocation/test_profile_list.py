"""The officer's municipality profiles by round (issue 11): searched by the round's name,
filtered by the round's status, paged with the same number of queries on every page; another
municipality's rounds are not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from listing_helpers import same_queries_with_more_rows, second_page, ten_per_page  # noqa: F401
from passgenau.apps.relocation.models import RoundStatus
from relocation_helpers import make_round, municipality, organisation

URL = reverse("relocation:profile_list")

pytestmark = pytest.mark.django_db


def _rounds(count: int, *, name: str = "Round", **fields) -> None:
    for n in range(count):
        make_round(
            name=f"{name} {n:02}", municipalities=[organisation("municipal_officer")], **fields
        )


def _names(response) -> list[str]:
    return [row["profile"].round.name for row in response.context["rows"]]


def test_the_search_finds_by_round_and_hides_the_others(municipal_officer_client):
    _rounds(1, name="Frühjahr")
    _rounds(1, name="Herbst")
    make_round(name="Frühjahr Kiel", municipalities=[municipality("Kiel")])
    assert _names(municipal_officer_client.get(URL, {"q": "frühjahr"})) == ["Frühjahr 00"]
    assert _names(municipal_officer_client.get(URL, {"q": "Winter"})) == []


def test_the_status_filter_narrows_by_the_rounds_status(municipal_officer_client):
    _rounds(1, name="Offen")
    _rounds(1, name="Geschlossen", status=RoundStatus.CLOSED)
    assert _names(municipal_officer_client.get(URL, {"status": "closed"})) == ["Geschlossen 00"]
    response = municipal_officer_client.get(URL, {"status": "gone"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    assert len(_names(response)) == 2


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_search(municipal_officer_client):
    _rounds(12)
    response = second_page(municipal_officer_client, URL, {"q": "Round"})
    assert len(_names(response)) == 2


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_rounds_and_on_a_later_page(
    municipal_officer_client,
):
    _rounds(3)
    same_queries_with_more_rows(
        municipal_officer_client, URL, {"q": "Round"}, lambda: _rounds(27, name="Round b")
    )
