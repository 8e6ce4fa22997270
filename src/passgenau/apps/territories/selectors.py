"""Reads of the territories. Every function runs a fixed number of queries, whatever the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db.models import Count, Q, QuerySet

from .models import Gemeinde, Kreis, Land, fold_name

__all__ = [
    "KeyEntry",
    "SearchResult",
    "gemeinde_get",
    "gemeinden_of_kreis",
    "gemeinden_without_kreis",
    "kreis_get",
    "kreise_of_land",
    "laender_list",
    "land_get",
    "population_key",
    "territories_search",
]


def laender_list() -> list[Land]:
    """All Länder with the number of their Kreise and Gemeinden (two queries)."""
    laender: list[Land] = list(Land.objects.annotate(kreise_count=Count("kreise")).order_by("ags"))
    gemeinden_count = dict(
        Gemeinde.objects.values_list("land_id").annotate(n=Count("ags")).values_list("land_id", "n")
    )
    for land in laender:
        land.gemeinden_count = gemeinden_count.get(land.ags, 0)  # type: ignore[attr-defined]
    return laender


def land_get(*, ags: str) -> Land | None:
    return Land.objects.filter(ags=ags).first()


def kreis_get(*, ags: str) -> Kreis | None:
    return Kreis.objects.select_related("land", "regierungsbezirk").filter(ags=ags).first()


def gemeinde_get(*, ags: str) -> Gemeinde | None:
    return (
        Gemeinde.objects.select_related("land", "kreis", "kreis__regierungsbezirk")
        .filter(ags=ags)
        .first()
    )


def kreise_of_land(*, land: Land) -> QuerySet[Kreis]:
    return (
        Kreis.objects.filter(land=land)
        .select_related("regierungsbezirk")
        .annotate(gemeinden_count=Count("gemeinden"))
        .order_by("ags")
    )


def gemeinden_without_kreis(*, land: Land) -> QuerySet[Gemeinde]:
    """Areas directly under the Land (coastal waters, shared sovereign territory)."""
    return Gemeinde.objects.filter(land=land, kreis__isnull=True).order_by("ags")


def gemeinden_of_kreis(*, kreis: Kreis) -> QuerySet[Gemeinde]:
    return Gemeinde.objects.filter(kreis=kreis).order_by("ags")


@dataclass(frozen=True)
class KeyEntry:
    ags: str
    name: str
    population: int
    reference_date: dt.date | None


def population_key(*, level: str, land: str = "") -> list[KeyEntry]:
    """Territories of one level (``land``, ``kreis`` or ``gemeinde``) with their population, for
    distribution by key (e.g. the 44 Stadt- und Landkreise of Baden-Württemberg: ``land="08"``).

    Territories without a population figure are left out; one query.
    """
    models_by_level: dict[str, type[Land] | type[Kreis] | type[Gemeinde]] = {
        "land": Land,
        "kreis": Kreis,
        "gemeinde": Gemeinde,
    }
    model = models_by_level[level]
    rows = model.objects.filter(population__isnull=False)
    if land:
        rows = rows.filter(ags__startswith=land)
    return [
        KeyEntry(ags=ags, name=name, population=cast(int, population), reference_date=date)
        for ags, name, population, date in rows.order_by("ags").values_list(
            "ags", "name", "population", "reference_date"
        )
    ]


@dataclass(frozen=True)
class SearchResult:
    laender: list[Land]
    kreise: list[Kreis]
    gemeinden: QuerySet[Gemeinde]  # paginated by the caller


def _matches(query: str, *, with_postcode: bool = False) -> Q:
    """A name containing the query, an official key starting with it, or (for Gemeinden) the
    postcode of the seat."""
    condition = Q(name_folded__contains=fold_name(query))
    digits = query.replace(" ", "")
    if digits.isascii() and digits.isdigit():
        condition |= Q(ags__startswith=digits)
        if with_postcode and len(digits) == 5:
            condition |= Q(postcode=digits)
    return condition


def territories_search(*, query: str = "", land: str = "", level: str = "") -> SearchResult:
    """Territories whose name contains ``query`` or whose key starts with it.

    ``land`` restricts to one Land (its two-digit key); ``level`` to ``land``, ``kreis`` or
    ``gemeinde``. At most three queries plus the caller's page of Gemeinden.
    """
    query = query.strip()
    matches = _matches(query) if query else Q()
    gemeinde_matches = _matches(query, with_postcode=True) if query else Q()
    in_land = Q(land_id=land) if land else Q()
    laender: list[Land] = []
    kreise: list[Kreis] = []
    gemeinden = Gemeinde.objects.none()
    if level in ("", "land"):
        laender = list(Land.objects.filter(matches, Q(ags=land) if land else Q()).order_by("ags"))
    if level in ("", "kreis"):
        kreise = list(Kreis.objects.filter(matches, in_land).select_related("land").order_by("ags"))
    if level in ("", "gemeinde"):
        gemeinden = (
            Gemeinde.objects.filter(gemeinde_matches, in_land)
            .select_related("kreis", "land")
            .order_by("ags")
        )
    return SearchResult(laender=laender, kreise=kreise, gemeinden=gemeinden)
