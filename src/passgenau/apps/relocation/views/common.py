"""What several relocation pages share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
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


PER_PAGE = 50


def list_page(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int | None = None
) -> Page:
    """The requested page of a list (``?page=``; anything invalid gives the first or last
    page), with ``page.numbers``: the page numbers to link, long ranges elided (for
    ``relocation/_pager.html``), ``PER_PAGE`` rows unless told. Two queries for a queryset:
    the count and the page."""
    paginator = Paginator(items, per_page or PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # an attribute of this page for the template, not of Django's Page
    page.numbers = list(  # type: ignore[attr-defined]
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
