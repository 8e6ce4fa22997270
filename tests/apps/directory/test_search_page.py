"""The public search page itself: each of its form's filters (topic, open now, barrier-free,
target group, free of charge) lists the offers it should and no other, and its map draws the
results where they are, a location without coordinates at its Gemeinde's seat, and a cross
for the place searched from."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from passgenau.apps.directory.models import (
    Directory,
    Location,
    Service,
    ServiceAtLocation,
    ServiceHours,
    Taxonomy,
    TaxonomyTerm,
)
from passgenau.apps.directory.topics import topics_load
from passgenau.apps.territories.demo import territories_load_demo
from passgenau.apps.territories.models import Gemeinde

pytestmark = pytest.mark.django_db


def _offer(directory, name, *, lat=None, lon=None, gemeinde=None, barrier_free=False, **fields):
    service = Service.objects.create(
        directory=directory, hsds_id=name, name=name, status="active", **fields
    )
    location = Location.objects.create(
        directory=directory,
        hsds_id=f"at-{name}",
        latitude=lat,
        longitude=lon,
        gemeinde=gemeinde,
        barrier_free=barrier_free,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


def _listed(client, directory, **params) -> list[str]:
    """The offers' names in the results of the page as the form sends it."""
    response = client.get(reverse("directory:search", args=[directory.slug]), params)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<h3 id="offer-\d+">(?:<span[^>]*>[^<]*</span>)?<a [^>]*>([^<]+)</a>', html)


def test_each_filter_of_the_form_lists_its_offers_and_no_other(client):
    topics_load(Taxonomy, TaxonomyTerm)
    directory = Directory.objects.create(name="Filter", slug="filter")
    plain = _offer(directory, "Treffpunkt")
    course = _offer(directory, "Sprachkurs")
    course.topics.set([TaxonomyTerm.objects.get(code="sprache")])
    always = _offer(directory, "Nachtcafé")
    for weekday in range(1, 8):  # open at any time of any day
        ServiceHours.objects.create(
            service=always, weekday=weekday, opens_at=dt.time(0), closes_at=dt.time.max
        )
    never = _offer(directory, "Frühstück")  # open all day, but only the day after tomorrow
    later = (timezone.localtime().isoweekday() + 1) % 7 + 1
    ServiceHours.objects.create(
        service=never, weekday=later, opens_at=dt.time(0), closes_at=dt.time.max
    )
    _offer(directory, "Rampe", barrier_free=True)
    _offer(directory, "Frauentreff", target_groups=["women"])
    _offer(directory, "Familienzentrum", target_groups=["families", "children"])
    _offer(directory, "Kleiderkammer", free_of_charge=True)
    everything = sorted(Service.objects.values_list("name", flat=True))
    assert plain.name in everything and len(everything) == 8

    assert sorted(_listed(client, directory, q="")) == everything
    assert _listed(client, directory, topic="sprache") == ["Sprachkurs"]
    assert _listed(client, directory, topic="beratung") == []  # no offer has it
    assert _listed(client, directory, open_now="on") == ["Nachtcafé"]
    assert _listed(client, directory, barrier_free="on") == ["Rampe"]
    assert _listed(client, directory, group="women") == ["Frauentreff"]
    assert _listed(client, directory, group="children") == ["Familienzentrum"]
    assert _listed(client, directory, free="on") == ["Kleiderkammer"]
    # unticked boxes filter nothing; filters together: only what meets both
    assert sorted(_listed(client, directory, q="", free="", barrier_free="")) == everything
    assert _listed(client, directory, free="on", group="women") == []
    # a bad value is the form's error, no results and no 500
    response = client.get(reverse("directory:search", args=[directory.slug]), {"group": "cats"})
    assert response.status_code == 200 and response.context["form"].errors.get("group")
    assert "results" not in response.context


def _map(html: str):
    """The map's dots by offer name as (x, y), and the centre of the cross (x, y) or None."""
    dots = {
        name: (float(x), float(y))
        for x, y, name in re.findall(
            r'<circle cx="([\d.]+)" cy="([\d.]+)" r="8"><title>\d+\. ([^<]+)</title>', html
        )
    }
    cross = re.search(
        r'<g class="origin"><line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/>'
        r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/></g>',
        html,
    )
    if cross is None:
        return dots, None
    h = [float(v) for v in cross.groups()[:4]]
    v = [float(v) for v in cross.groups()[4:]]
    assert h[1] == h[3] and v[0] == v[2]  # one line across, one up and down
    centre = ((h[0] + h[2]) / 2, (v[1] + v[3]) / 2)
    assert centre == pytest.approx((v[0], h[1]))  # they cross in their middles
    return dots, centre


def test_the_map_draws_each_offer_where_it_is_and_the_place_searched_from(client):
    territories_load_demo()
    seat = Gemeinde.objects.get(ags="03102000")  # Salzgitter
    lat0, lon0 = seat.coordinates()
    directory = Directory.objects.create(name="Karte", slug="karte")
    _offer(directory, "Ost", lat=lat0, lon=lon0 + 0.2)
    _offer(directory, "West", lat=lat0, lon=lon0 - 0.2)
    _offer(directory, "Nord", lat=lat0 + 0.15, lon=lon0)
    _offer(directory, "Süd", lat=lat0 - 0.15, lon=lon0)
    _offer(directory, "Ohne Koordinaten", gemeinde=seat)  # drawn at the Gemeinde's seat
    _offer(directory, "Nirgends")  # neither: not drawn

    response = client.get(
        reverse("directory:search", args=[directory.slug]), {"place": "Salzgitter"}
    )
    html = response.content.decode()
    dots, cross = _map(html)
    assert set(dots) == {"Ost", "West", "Nord", "Süd", "Ohne Koordinaten"}
    (east, _), (west, _) = dots["Ost"], dots["West"]
    (_, north), (_, south) = dots["Nord"], dots["Süd"]
    assert east > west and north < south  # east to the right, north up
    assert dots["Ost"][1] == dots["West"][1] and dots["Nord"][0] == dots["Süd"][0]
    # a degree of longitude is shorter than one of latitude by the cosine of the latitude
    ratio = (east - west) / (south - north)
    assert ratio == pytest.approx(0.4 * math.cos(math.radians(lat0)) / 0.3, rel=0.02)
    # the Gemeinde's seat stands in for the missing coordinates, and the cross is there too
    middle = ((east + west) / 2, (north + south) / 2)
    assert dots["Ohne Koordinaten"] == pytest.approx(middle, abs=0.15)
    assert cross == pytest.approx(dots["Ohne Koordinaten"], abs=0.15)
    for x, y in [*dots.values(), cross]:
        assert 0 <= x <= 300 and 0 <= y <= 300  # within the drawing

    # searched without a place: the same dots, no cross
    dots_only, no_cross = _map(_page(client, directory))
    assert no_cross is None and set(dots_only) == set(dots)


def _page(client, directory) -> str:
    response = client.get(reverse("directory:search", args=[directory.slug]), {"q": ""})
    return response.content.decode()
