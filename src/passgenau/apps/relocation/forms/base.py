"""What the relocation forms share: the blank choice, the date input, and putting a service's
messages back on the fields they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

BLANK: list[tuple[str, Any]] = [("", "—")]


def form_add_service_errors(
    form: Any, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError (field → messages) onto the form's fields; messages for
    keys the form has no field for go to the form as a whole."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = (aliases or {}).get(key, key).replace(".", "_")
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class ErrorMappingMixin:
    """Put a service's ValidationError (field → messages) onto this form's fields."""

    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        form_add_service_errors(self, error, self.field_aliases)


class TransitionForm(forms.Form):
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)
