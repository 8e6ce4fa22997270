"""Database ids typed by users (form fields, query parameters): a number that fits a 64-bit
column, or nothing. Anything else would reach the database as an error (a 500). And the one way a
page says "not found" for a row that an access function did not return."""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import Http404

T = TypeVar("T")

MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(value: Any) -> int | None:
    """The id in ``value`` ("42"), or None when it is no positive number in range."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_ID_DIGITS:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def id_or_404(value: Any) -> int:
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def found_or_404(found: T | None, message: str = "") -> T:
    """``found`` when an access function (a selector that applies the policies) returned a row;
    Http404 when it returned None: the row is not there or not for this user, alike."""
    if found is None:
        raise Http404(message)
    return found
