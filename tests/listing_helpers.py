"""What the tests of the paged lists share (passgenau.apps.listing)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def ten_per_page(monkeypatch):
    """Lists show 10 rows a page, so that a few rows make several pages."""
    monkeypatch.setattr("passgenau.apps.listing.PER_PAGE", 10)


def queries_for(client, url: str, query: dict[str, str]) -> int:
    """How many queries the list page at ``url`` with ``query`` takes (answered with 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


def second_page(client, url: str, query: dict[str, str]):
    """Page 2 of the list at ``url`` with ``query`` (which has no page): its page links mark
    it as the current page and the link back to page 1 keeps the query."""
    response = client.get(url, {**query, "page": "2"})
    html = response.content.decode()
    back = urlencode({**query, "page": "1"}).replace("&", "&amp;")
    assert 'aria-current="page"' in html and f'href="?{back}"' in html
    return response


def same_queries_with_more_rows(client, url: str, query: dict[str, str], more) -> None:
    """The list at ``url`` with ``query`` takes as many queries after ``more()`` has added rows
    (a few to 30, with ``ten_per_page``) as before, and as many on page 3."""
    client.get(url)  # the session's first request does more
    few = queries_for(client, url, query)
    more()
    assert queries_for(client, url, query) == few
    assert queries_for(client, url, {**query, "page": "3"}) == few
