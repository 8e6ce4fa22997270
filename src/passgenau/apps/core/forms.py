"""What the forms of every app share."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """A date picker (``<input type="date">``). Browsers accept only ISO dates (2026-12-08) as its
    value, whatever the language of the page; a localised value ("08.12.2026") shows as empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
