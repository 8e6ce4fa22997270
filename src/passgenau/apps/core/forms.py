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


def checkboxes(label: Any, choices: Any = (), **options: Any) -> forms.MultipleChoiceField:
    """Any number of the choices, ticked in check boxes; none is an answer too unless
    ``required=True``."""
    options.setdefault("required", False)
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **options
    )


def radio_buttons(label: Any, choices: Any, **options: Any) -> forms.ChoiceField:
    """One of the choices, as radio buttons; may stay unanswered unless ``required=True``."""
    options.setdefault("required", False)
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **options)


def text_box(label: Any, *, rows: int = 3, **options: Any) -> forms.CharField:
    """Free text over several lines; may stay empty unless ``required=True``."""
    options.setdefault("required", False)
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), **options)
