"""What the relocation forms share: the blank choice, the date input, and putting a service's
messages back on the fields they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from passgenau.apps.core.forms import add_service_errors as form_add_service_errors

__all__ = ["BLANK", "ErrorMappingMixin", "TransitionForm", "form_add_service_errors"]

BLANK: list[tuple[str, Any]] = [("", "—")]


class ErrorMappingMixin:
    """Put a service's ValidationError (field → messages) onto this form's fields."""

    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        form_add_service_errors(self, error, self.field_aliases)


class TransitionForm(forms.Form):
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)
