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
    done: str = "",
    refused: type[Exception] = ValidationError,
) -> T | None:
    """On a POST whose ``form`` is valid: ``save(form.cleaned_data)``, ``done`` (if any) as the
    message of the next page, and what ``save`` returned (a service's object, never None) for
    the view to go on with. A refusal of the service (a ValidationError) goes onto the form: by
    the form's own ``add_service_errors(error)`` where it has one, else a field's messages onto
    that field (:func:`~passgenau.apps.core.forms.add_service_errors`); then None, as for a GET
    or an invalid form: the view shows the form (again). ``refused``: the exception the app's
    services refuse with where it is no ValidationError; its text goes onto the form as a whole."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        own_mapping = getattr(form, "add_service_errors", None)
        if own_mapping is not None:
            own_mapping(error)
        else:
            add_service_errors(form, error)
        return None
    except refused as error:
        form.add_error(None, str(error))
        return None
    if done:
        messages.success(request, done)
    return saved
