"""What several relocation pages share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ..models.vocab import QUESTIONNAIRE_LANGUAGES


def errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal as error messages on the next page."""
    for message in error.messages:
        messages.error(request, message)


def questionnaire_language(request: HttpRequest, default: str) -> str:
    """The language a questionnaire is shown in: chosen on the page (``?lang=``) or the
    household's."""
    requested = request.GET.get("lang", "")
    return requested if requested in QUESTIONNAIRE_LANGUAGES else default
