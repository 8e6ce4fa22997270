"""Territory pages: an overview with search, and one page per Land, Kreis and Gemeinde.

Territories are official public statistics (Destatis, Datenlizenz Deutschland) and hold no personal
data, so the pages are open to everyone, anonymous visitors included (permission
``territories.view``, which the permission table grants to every role and the public). Reads are
therefore not written to the audit trail.
"""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from passgenau.apps.accounts.access import require
from passgenau.apps.listing import list_page

from . import selectors
from .destatis import LAENDER_IN_GERMANY
from .forms import TerritorySearchForm

GEMEINDEN_PER_PAGE = 50

_T = TypeVar("_T")


@require("territories.view")
def territory_index(request: HttpRequest) -> HttpResponse:
    laender = selectors.laender_list()
    form = TerritorySearchForm(request.GET or None, laender=laender)
    context: dict[str, object] = {
        "form": form,
        "laender": laender,
        "laender_in_germany": LAENDER_IN_GERMANY,
    }
    if form.is_search:
        result = selectors.territories_search(
            query=form.cleaned_data["q"],
            land=form.cleaned_data["land"],
            level=form.cleaned_data["level"],
        )
        context["result"] = result
        context["page"] = list_page(request, result.gemeinden, GEMEINDEN_PER_PAGE)
    return render(request, "territories/index.html", context)


@require("territories.view")
def territory_detail(request: HttpRequest, key: str) -> HttpResponse:
    template: str
    context: dict[str, object]
    if len(key) == 2:
        land = _found(selectors.land_get(ags=key))
        template = "territories/land.html"
        context = {
            "territory": land,
            "kreise": selectors.kreise_of_land(land=land),
            "loose_gemeinden": selectors.gemeinden_without_kreis(land=land),
        }
    elif len(key) == 5:
        kreis = _found(selectors.kreis_get(ags=key))
        template = "territories/kreis.html"
        context = {"territory": kreis, "gemeinden": selectors.gemeinden_of_kreis(kreis=kreis)}
    else:
        template = "territories/gemeinde.html"
        context = {"territory": _found(selectors.gemeinde_get(ags=key))}
    return render(request, template, context)


def _found(territory: _T | None) -> _T:
    if territory is None:
        raise Http404
    return territory
