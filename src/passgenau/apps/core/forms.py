"""What the forms of every app share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(
    form: Any, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError (field → messages) onto the form's fields; messages for
    keys the form has no field for go to the form as a whole. ``aliases``: the field that shows a
    key's messages where it is not the key ("a.b" goes to the field "a_b" anyway)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = (aliases or {}).get(key, key).replace(".", "_")
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


def check_dates_in_order(form: forms.Form, start: str, end: str, message: Any) -> None:
    """In ``clean()``: ``message`` on the field ``end`` when its date is before ``start``'s (both
    given)."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


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


class ProtectedExportForm(forms.Form):
    """The password a protected export is encrypted with (docs/adr/0008); it is not stored."""

    password = forms.CharField(
        label=_("Password for the zip file"),
        min_length=12,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. Give it to the recipient by another way than the file; "
            "it is not stored and cannot be recovered."
        ),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data
