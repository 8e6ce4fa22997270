"""The public directory: no log-in, no personal data (``directory.search``; reads not audited)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from passgenau.apps.accounts.access import require
from passgenau.apps.core.ids import found_or_404

from ..forms import SPOKEN_LANGUAGES, SearchForm
from ..models import Directory
from ..selectors import search
from ..templatetags.directory_tags import clock, weekday

LANGUAGE_NAMES = dict(SPOKEN_LANGUAGES)


def reader_language() -> str:
    return (get_language() or "de").split("-")[0]


def page_language(request: HttpRequest) -> str:
    """``?lang=`` when it is one of the directory's languages, else the interface language."""
    asked = request.GET.get("lang", "")
    if asked == search.SIMPLE_GERMAN:
        return asked
    return asked if asked in settings.DIRECTORY_LANGUAGES else reader_language()


def languages_menu(
    request: HttpRequest, current: str, directory: Directory | None = None
) -> list[dict[str, object]]:
    """Links to this page in each of the directory's languages (the other parameters kept)."""
    menu = []
    for code in search.directory_languages(directory):
        params = request.GET.copy()
        params["lang"] = code
        info = translation.get_language_info(code)
        menu.append(
            {"code": code, "name": info["name_local"], "query": params.urlencode(),
             "current": code == current}
        )  # fmt: skip
        if code == "de":  # the reading choice Einfache Sprache: German interface, easy texts
            params["lang"] = search.SIMPLE_GERMAN
            menu.append(
                {"code": search.SIMPLE_GERMAN, "name": "Einfache Sprache",
                 "query": params.urlencode(), "current": current == search.SIMPLE_GERMAN}
            )  # fmt: skip
    return menu


def render_in(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    """Render in the page's language (Arabic and Farsi right-to-left via LANGUAGE_BIDI)."""
    language = page_language(request)
    directory = context.get("directory")
    with translation.override("de" if language == search.SIMPLE_GERMAN else language):
        context = {
            **context,
            "directory_languages": languages_menu(
                request, language, directory if isinstance(directory, Directory) else None
            ),
            "lang": language,
        }
        return render(request, template, context)


@dataclass
class ResultCard:
    """What one result of the search page shows, its texts made in one pass in the page's
    language (the template only places them: rendering the card's lookups, filters and tags
    per result was most of the page's time)."""

    offer: search.OfferView
    number: int
    path: str
    print_url: str
    text_lang: str  # the text's language when it is not the page's, else ""
    places: list[str]
    distance: SafeString | None
    languages: list[tuple[str, str]]
    hours: str


def result_cards(
    request: HttpRequest, directory: Directory, views: list[search.OfferView]
) -> list[ResultCard]:
    """The cards of ``views`` found in ``directory`` (their links on its address), in the
    active language."""
    page = get_language()
    cards = []
    for number, offer in enumerate(views, start=1):
        path = reverse("directory:offer", args=[directory.slug, offer.service.pk])
        distance = None
        if offer.distance_km is not None:  # as {% blocktranslate %}: the catalogue's text
            km = floatformat(offer.distance_km, 1)
            distance = mark_safe(gettext("%(km)s km away") % {"km": km})  # noqa: S308
        cards.append(
            ResultCard(
                offer=offer,
                number=number,
                path=path,
                print_url=request.build_absolute_uri(path),
                text_lang=offer.text_language if offer.text_language != page else "",
                places=[
                    f"{loc.street}{', ' if loc.street else ''}{loc.postcode} {loc.city}"
                    for loc in offer.locations
                ],
                distance=distance,
                languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in offer.languages],
                hours="; ".join(
                    f"{weekday(h.weekday)} {clock(h.opens_at)}–{clock(h.closes_at)}"
                    for h in offer.hours
                ),
            )
        )
    return cards


def map_points(views: list[search.OfferView], place) -> dict[str, object] | None:
    """An SVG map drawn from our own coordinates: numbered dots for the results, a cross for the
    place searched from (equirectangular, longitude scaled by the cosine of the latitude)."""
    points = []
    for number, view in enumerate(views, start=1):
        for location in view.locations[:1]:
            lat, lon = location.latitude, location.longitude
            gemeinde = location.gemeinde
            if lat is None and gemeinde is not None and gemeinde.latitude is not None:
                lat, lon = float(gemeinde.latitude), float(gemeinde.longitude)
            if lat is not None and lon is not None:
                points.append((number, view.name, float(lat), float(lon)))
    if not points:
        return None
    lats = [p[2] for p in points] + ([float(place.latitude)] if place is not None else [])
    lons = [p[3] for p in points] + ([float(place.longitude)] if place is not None else [])
    scale = math.cos(math.radians(sum(lats) / len(lats)))
    min_x, max_x = min(lons) * scale, max(lons) * scale
    min_y, max_y = -max(lats), -min(lats)
    span = max(max_x - min_x, max_y - min_y, 0.01)
    size, pad = 300, 20

    def project(lat: float, lon: float) -> tuple[float, float]:
        x = pad + (lon * scale - min_x) / span * (size - 2 * pad)
        y = pad + (-lat - min_y) / span * (size - 2 * pad)
        return round(x, 1), round(y, 1)

    dots = [
        {"number": n, "name": name, "x": project(lat, lon)[0], "y": project(lat, lon)[1]}
        for n, name, lat, lon in points
    ]
    origin = None
    if place is not None:
        x, y = project(float(place.latitude), float(place.longitude))
        # a cross of two lines 12 units long, crossing in their middles
        origin = {
            "x": x, "y": y, "name": place.name,
            "left": round(x - 6, 1), "right": round(x + 6, 1),
            "top": round(y - 6, 1), "bottom": round(y + 6, 1),
        }  # fmt: skip
    return {"size": size, "dots": dots, "origin": origin}


@require("directory.search")
def directory_index(request: HttpRequest) -> HttpResponse:
    return render_in(request, "directory/index.html", {"directories": search.directories_public()})


@require("directory.search")
def offer_search(request: HttpRequest, slug: str) -> HttpResponse:
    directory = found_or_404(search.directory_get(slug=slug))
    language = page_language(request)
    interface = "de" if language == search.SIMPLE_GERMAN else language
    with translation.override(interface):
        form = SearchForm(request.GET or None, language=language)
    context: dict[str, object] = {
        "directory": directory,
        "form": form,
        "language_names": LANGUAGE_NAMES,
    }
    # only ?lang=: the form, no results yet; a filter not valid: the form with its errors
    searched = bool(set(request.GET) - {"lang"}) and form.is_valid()
    context["searched"] = searched
    if searched:
        data = form.cleaned_data
        query = search.SearchQuery(
            words=data["q"],
            topic=data["topic"],
            language=data["language"],
            place=data["place"],
            max_km=data["km"],
            target_group=data["group"],
            open_now=data["open_now"],
            free=data["free"],
            barrier_free=data["barrier_free"],
        )
        results, place, total = search.offers_search(
            directory=directory, query=query, language=language
        )
        context.update(
            results=results,
            place=place,
            total=total,
            place_unknown=bool(data["place"]) and place is None,
            map=map_points(results, place),
        )
        with translation.override(interface):
            context["cards"] = result_cards(request, directory, results)
    return render_in(request, "directory/search.html", context)


@require("directory.search")
def offer_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    directory = found_or_404(search.directory_get(slug=slug))
    view = found_or_404(
        search.offer_get_public(directory=directory, pk=pk, language=page_language(request))
    )
    return render_in(
        request,
        "directory/offer.html",
        {"directory": directory, "offer": view, "language_names": LANGUAGE_NAMES},
    )
