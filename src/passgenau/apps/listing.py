"""How every list is paged and searched: one page of rows (``?page=``) with the page numbers to
link (``_pagination.html``), and the list's search box (``?q=``). What a search text may match is
the list's selector's business: names only where the policy lets the user see them.

A module of its own below every app, not in core: accounts (whose user list pages too) is the
app every other one builds on, core among them, and no app may import one that imports it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

PER_PAGE = 50

# the longest search text a list takes (the search box, the API's ``q``)
SEARCH_MAX_LENGTH = 100


def list_page(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int | None = None
) -> Page:
    """The requested page of a list (``?page=``; anything invalid gives the first or last
    page), with ``page.numbers``: the page numbers to link, long ranges elided (for
    ``_pagination.html``), ``PER_PAGE`` rows unless told. Two queries for a queryset: the count
    and the page."""
    paginator = Paginator(items, per_page or PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # an attribute of this page for the template, not of Django's Page
    page.numbers = list(  # type: ignore[attr-defined]
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


def text_matching(query: str, *fields: str) -> Q:
    """Rows where one of ``fields`` contains the search text (any case); every row for an
    empty text."""
    query = query.strip()
    match = Q()
    if query:
        for field in fields:
            match |= Q(**{f"{field}__icontains": query})
    return match


class ListSearchForm(forms.Form):
    """A list's search box (``?q=``), with the filters a subclass adds; an empty form lists
    everything, an invalid field is left out (its error shown)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)

    def value(self, name: str) -> Any:
        """The valid value of a field (``None`` when it is empty or invalid)."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    def query(self) -> str:
        """The search text typed (``""``: none)."""
        return (self.value("q") or "").strip()
