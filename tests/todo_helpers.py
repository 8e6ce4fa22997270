"""Reading the start page's to-do list in tests: the kinds and items a client is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from passgenau.apps.core.todo import providers


def todo_of(client) -> dict[str, list]:
    """``{provider code: [items]}`` of the start page as ``client`` sees it."""
    response = client.get("/")
    assert response.status_code == 200
    return {kind.code: list(kind.items) for kind in response.context["todo"]}


def provider(code: str) -> Callable:
    return next(p.function for p in providers() if p.code == code)


def queries_of(code: str, user, today: dt.date | None = None) -> int:
    """How many queries the provider ``code`` makes for ``user``."""
    with CaptureQueriesContext(connection) as captured:
        provider(code)(user=user, today=today or dt.date.today())
    return len(captured)
