"""What the pages of every app share: a form whose valid POST makes one change through a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .forms import add_service_errors

T = TypeVar("T")


def form_saved(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], T],
    *,
    done: str,
) -> T | None:
    """On a POST whose ``form`` is valid: ``save(form.cleaned_data)``, ``done`` as the message of
    the next page, and what ``save`` returned (a service's object, never None) for the view to
    go on with. A refusal of the service (a ValidationError) goes onto the form, a field's
    messages onto that field (the form's ``field_aliases`` apply); then None, as for a GET or an
    invalid form: the view shows the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, getattr(form, "field_aliases", None))
        return None
    messages.success(request, done)
    return saved
