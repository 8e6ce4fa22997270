"""The territory pages: open to everyone, German numbers, accessible tables, bounded queries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC
from passgenau.apps.territories.demo import territories_load_demo
from passgenau.apps.territories.services import territories_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    territories_load_demo()


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_every_role_and_the_public_may_read(client_for_role, demo, role: str) -> None:
    client = client_for_role(role)
    for url in (
        reverse("territories:index"),
        reverse("territories:index") + "?q=Dresden",
        reverse("territories:detail", kwargs={"key": "14"}),
        reverse("territories:detail", kwargs={"key": "14612"}),
        reverse("territories:detail", kwargs={"key": "14612000"}),
    ):
        assert client.get(url).status_code == 200, (role, url)


def test_overview_lists_the_laender_in_an_accessible_table(client, demo) -> None:
    html = client.get(reverse("territories:index")).content.decode()
    assert "<caption>" in html
    assert '<th scope="col">' in html
    assert re.search(r'<th scope="row"><a href="/territories/08/">Baden-Württemberg</a></th>', html)
    assert 'role="search"' in html
    assert re.search(r'<label for="id_q">', html)


def test_numbers_and_dates_are_german_by_default(client, demo) -> None:
    html = client.get(reverse("territories:detail", kwargs={"key": "14612000"})).content.decode()
    assert "556.780" in html  # population of Dresden
    assert "328,48" in html  # area in km²
    assert "51,05170" in html  # latitude
    assert "31. Dezember 2019" in html
    assert '<html lang="de"' in html


def test_numbers_follow_the_chosen_language(client, demo) -> None:
    client.cookies["django_language"] = "en"
    html = client.get(reverse("territories:detail", kwargs={"key": "14612000"})).content.decode()
    assert "556,780" in html
    assert "328.48" in html


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("q=dresden", ["Dresden, Stadt"], ["Leipzig"]),
        ("q=08416", ["Rottenburg am Neckar", "Ammerbuch"], ["Stuttgart"]),
        ("q=Stadt&land=03", ["Salzgitter"], ["Dresden", "Stuttgart, Landeshauptstadt"]),
        ("level=kreis&land=08", ["Tübingen", "Stuttgart, Stadtkreis"], ["Ammerbuch"]),
        ("q=Atlantis", ["No territory matches"], ["Dresden"]),
        ("q=T%C3%9CBINGEN", ["Tübingen, Universitätsstadt"], ["Ammerbuch"]),  # ÜBINGEN, any case
        ("q=72108", ["Rottenburg am Neckar"], ["Tübingen, Universitätsstadt"]),  # postcode
    ],
)
def test_search_by_name_key_land_and_level(
    client, demo, query: str, present: list[str], absent: list[str]
) -> None:
    client.cookies["django_language"] = "en"
    html = client.get(reverse("territories:index") + "?" + query).content.decode()
    body = html.split("</form>", 1)[1]  # the results, after the search form
    for text in present:
        assert text in body, text
    for text in absent:
        assert text not in body, text


def test_detail_pages_show_parents_and_children(client, demo) -> None:
    html = client.get(reverse("territories:detail", kwargs={"key": "08416"})).content.decode()
    assert 'href="/territories/08416036/"' in html
    assert 'href="/territories/08/"' in html
    land = client.get(reverse("territories:detail", kwargs={"key": "08"})).content.decode()
    assert 'href="/territories/08416/"' in land
    assert 'aria-current="page"' in land


@pytest.mark.parametrize("key", ["99", "99999", "99999999"])
def test_unknown_keys_are_not_found(client, demo, key: str) -> None:
    assert client.get(f"/territories/{key}/").status_code == 404


def test_malformed_keys_do_not_match_a_page(client) -> None:
    assert client.get("/territories/123/").status_code == 404


def test_empty_database_explains_the_import(client) -> None:
    client.cookies["django_language"] = "en"
    html = client.get(reverse("territories:index")).content.decode()
    assert "passgenau import-territories" in html


def test_query_counts_do_not_grow_with_the_data(
    client, gv_file: Path, django_assert_max_num_queries
) -> None:
    territories_import(path=gv_file, reference_date=dt.date(2019, 12, 31))
    pages = [
        reverse("territories:index"),
        reverse("territories:index") + "?q=Stadt",  # 2,000+ Gemeinden, paginated
        reverse("territories:index") + "?q=Stadt&page=3",
        reverse("territories:index") + "?level=kreis",
        reverse("territories:detail", kwargs={"key": "09"}),  # 96 Kreise
        reverse("territories:detail", kwargs={"key": "13"}),  # with coastal waters under no Kreis
        reverse("territories:detail", kwargs={"key": "07232"}),  # Eifelkreis: 200+ Gemeinden
        reverse("territories:detail", kwargs={"key": "07232004"}),
    ]
    for url in pages:
        with django_assert_max_num_queries(6):  # measured: 1 to 6, whatever the data size
            response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("language", "heading", "population"),
    [
        ("de", "<h1>Gebiete</h1>", "Bevölkerung"),
        ("en", "<h1>Territories</h1>", "Population"),
        ("uk", "<h1>Території</h1>", "Населення"),
        ("ru", "<h1>Территории</h1>", "Население"),
    ],
)
def test_pages_are_translated(client, demo, language: str, heading: str, population: str) -> None:
    client.cookies["django_language"] = language
    html = client.get(reverse("territories:index")).content.decode()
    assert heading in html
    assert population in html


@pytest.mark.parametrize(
    "query", ["land=99", "level=planet", "q=" + "x" * 101, "q=Dresden&page=abc"]
)
def test_bad_filters_are_answered_with_the_form_not_an_error(client, demo, query: str) -> None:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("territories:index") + "?" + query)
    assert response.status_code == 200
    html = response.content.decode()
    if "page=abc" in query:
        assert "Dresden, Stadt" in html  # an unusable page number shows the first page
    else:
        assert 'class="errorlist' in html


def test_overview_says_when_not_all_of_germany_is_loaded(client, demo) -> None:
    """Bug: the page claimed all of Germany with the 3 demo Länder loaded."""
    html = client.get(reverse("territories:index")).content.decode()
    assert "Nur 3 der 16 Länder" in html and "passgenau import-territories" in html
    assert "Deutschlands" not in html.split("<h1>")[1].split("</p>")[0]
