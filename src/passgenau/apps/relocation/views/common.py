"""What several relocation pages share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal as error messages on the next page."""
    for message in error.messages:
        messages.error(request, message)
