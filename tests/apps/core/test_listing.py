"""The list helper every app pages and searches with (passgenau.apps.listing) and its page links
(_pagination.html)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from passgenau.apps.listing import SEARCH_MAX_LENGTH, ListSearchForm, list_page

ROWS = list(range(1, 131))  # 7 pages of 20


def _request(query: dict[str, str] | None = None):
    request = RequestFactory().get("/list/", query or {})
    request.user = AnonymousUser()
    return request


def _page(query: dict[str, str]):
    request = _request(query)
    return request, list_page(request, ROWS, per_page=20)


def test_a_page_number_that_is_none_gives_the_first_or_last_page():
    assert _page({"page": "x"})[1].number == 1
    assert _page({"page": "99"})[1].number == 7
    assert _page({"page": "-3"})[1].number == 7
    assert list(_page({"page": "2"})[1].object_list) == list(range(21, 41))


def test_long_ranges_of_page_numbers_are_elided():
    _request, page = _page({"page": "1"})
    assert page.numbers == [1, 2, 3, "…", 7]
    _request, page = _page({"page": "4"})
    assert page.numbers == [1, 2, 3, 4, 5, 6, 7]


def test_the_page_links_mark_the_current_page_and_keep_the_other_parameters():
    request, page = _page({"page": "2", "q": "Kiel", "status": "open"})
    with translation.override("de"):
        html = render_to_string(
            "_pagination.html", {"page": page, "label": "Seiten der Liste"}, request=request
        )
    assert '<nav class="pagination" aria-label="Seiten der Liste">' in html
    assert "Seite 2 von 7" in html
    assert 'href="?page=2&amp;q=Kiel&amp;status=open" aria-current="page"' in html
    assert html.count("aria-current") == 1
    assert 'href="?page=1&amp;q=Kiel&amp;status=open" rel="prev">Vorherige Seite' in html
    assert 'href="?page=3&amp;q=Kiel&amp;status=open" rel="next">Nächste Seite' in html


def test_a_single_page_has_no_page_links():
    request = _request()
    page = list_page(request, ROWS[:5], per_page=20)
    assert render_to_string("_pagination.html", {"page": page}, request=request).strip() == ""


def test_the_search_box_gives_the_text_and_refuses_a_long_one():
    assert ListSearchForm({"q": "  Olena "}).query() == "Olena"
    assert ListSearchForm().query() == ""
    too_long = ListSearchForm({"q": "x" * (SEARCH_MAX_LENGTH + 1)})
    assert too_long.query() == "" and too_long.errors["q"]
