"""What the tests of the paged lists share (passgenau.apps.listing)."""

from __future__ import annotations

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
