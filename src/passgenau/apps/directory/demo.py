"""Demo directory for Salzgitter (``passgenau demo``): a handful of offers as a round table
lists them, imported through the HSDS importer; the demo provider keeps one organisation's
offers. Idempotent."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from passgenau.engine import hsds

from .models import Directory, Organization, Service
from .services.hsds_io import directory_import_hsds
from .services.offers import service_text_save
from .topics import topics_data

NS = uuid.UUID("0c8e8f43-6a8b-4d0f-8f55-7d8c9b0a1e22")
DEMO_SLUG = "salzgitter"
DEMO_PROVIDER = "Demo-Beratungsverein"

# organisation, offer, topic code, languages, street, postcode, town, lat, lon, days, hours, free
OFFERS = [
    (
        "Caritasverband Salzgitter e.V.",
        "Migrationsberatung für Erwachsene",
        "migrationsberatung",
        "de,ar,fa",
        "Hinter dem Salzgittersee 12",
        "38226",
        "Salzgitter",
        52.1549,
        10.3327,
        "MO,WE",
        "09:00-12:00",
        True,
    ),
    (
        "Caritasverband Salzgitter e.V.",
        "Psychosoziale Beratung für Geflüchtete",
        "psychosozial",
        "de,ar,uk",
        "Hinter dem Salzgittersee 12",
        "38226",
        "Salzgitter",
        52.1549,
        10.3327,
        "TU",
        "14:00-17:00",
        True,
    ),
    (
        "Volkshochschule Salzgitter",
        "Deutschkurs A1 mit Kinderbetreuung",
        "deutschkurs",
        "de",
        "Marienbruchstraße 61",
        "38226",
        "Salzgitter",
        52.1530,
        10.3365,
        "MO,TU,WE,TH",
        "08:30-12:00",
        False,
    ),
    (
        "AWO Kreisverband Salzgitter-Wolfenbüttel",
        "Hausaufgabenhilfe",
        "schule",
        "de,ru,uk",
        "Kattowitzer Straße 225",
        "38226",
        "Salzgitter",
        52.1602,
        10.3448,
        "MO,TH",
        "14:00-16:00",
        True,
    ),
    (
        "Flüchtlingshilfe Salzgitter-Bad",
        "Internationales Frauenfrühstück",
        "begegnung",
        "de,ar,tr,fa",
        "Vorsalzer Straße 4",
        "38259",
        "Salzgitter",
        52.0470,
        10.3780,
        "FR",
        "09:30-11:30",
        True,
    ),
    (
        "Diakonisches Werk Salzgitter",
        "Sozialberatung und Wohnungssuche",
        "wohnen",
        "de,uk,ru",
        "Schützenplatz 2",
        "38259",
        "Salzgitter",
        52.0507,
        10.3725,
        "TU,TH",
        "10:00-13:00",
        True,
    ),
]
ARABIC = {
    "Migrationsberatung für Erwachsene": (
        "استشارة الهجرة للبالغين",
        "نساعدك في الإقامة والعمل والسكن والمدرسة. الاستشارة مجانية وسرية.",
    ),
}


def demo_dataset() -> hsds.Dataset:
    return offers_dataset(OFFERS)


def offers_dataset(
    offers: list[tuple[Any, ...]], *, ns: uuid.UUID = NS, region: str = "Niedersachsen"
) -> hsds.Dataset:
    """An HSDS dataset of offers given as rows like OFFERS (ids derived from ``ns``)."""

    def _id(*parts: str) -> str:
        return str(uuid.uuid5(ns, "/".join(parts)))

    topics = {t["code"]: t["id"] for t in topics_data()["terms"]}
    data = hsds.Dataset()
    for org, name, topic, langs, street, postcode, town, lat, lon, days, hours, free in offers:
        org_id, sid, lid = _id("org", org), _id("svc", name), _id("loc", org, street)
        data.add("organizations", {"id": org_id, "name": org, "description": org})
        data.add("services", {"id": sid, "organization_id": org_id, "name": name,
                              "description": f"{name} – {org}.", "status": "active",
                              "assured_date": "2026-10-01"})  # fmt: skip
        data.add("locations", {"id": lid, "location_type": "physical", "organization_id": org_id,
                               "name": org, "latitude": lat, "longitude": lon})  # fmt: skip
        data.add("addresses", {"id": _id("adr", lid), "location_id": lid, "address_1": street,
                               "city": town, "state_province": region,
                               "postal_code": postcode, "country": "DE",
                               "address_type": "physical"})  # fmt: skip
        data.add(
            "service_at_location", {"id": _id("sal", sid), "service_id": sid, "location_id": lid}
        )
        data.add("phones", {"id": _id("tel", sid), "service_id": sid, "number": "05341 839-0"})
        opens, closes = hours.split("-")
        data.add("schedules", {"id": _id("sch", sid), "service_id": sid, "freq": "WEEKLY",
                               "byday": days, "opens_at": opens, "closes_at": closes})  # fmt: skip
        for code in langs.split(","):
            data.add("languages", {"id": _id("lang", sid, code), "service_id": sid, "code": code})
        attribute = {"id": _id("attr", sid), "link_id": sid, "link_entity": "service"}
        data.add(
            "attributes", {**attribute, "link_type": "topic", "taxonomy_term_id": topics[topic]}
        )
        if free:
            data.add("cost_options", {"id": _id("cost", sid), "service_id": sid,
                                      "option": "kostenlos", "amount": 0})  # fmt: skip
    return data


@transaction.atomic
def load() -> str:
    from passgenau.apps.accounts.models import Organisation
    from passgenau.apps.territories.models import Kreis

    directory = Directory.objects.filter(slug=DEMO_SLUG).first()
    if directory is not None:
        return "directory: demo directory exists, nothing created"
    directory = Directory.objects.create(
        name="Salzgitter",
        slug=DEMO_SLUG,
        kreis=Kreis.objects.filter(ags="03102").first(),
        languages=["ar", "uk"],
    )
    directory_import_hsds(directory=directory, dataset=demo_dataset())
    provider = Organisation.objects.filter(name=DEMO_PROVIDER).first()
    if provider is not None:
        Organization.objects.filter(directory=directory, name__startswith="Caritas").update(
            provider=provider
        )
    for name, (arabic_name, arabic_text) in ARABIC.items():
        service = Service.objects.get(directory=directory, name=name)
        service_text_save(
            actor=None, service=service, language="ar", name=arabic_name, description=arabic_text
        )
    return f"directory: demo directory {DEMO_SLUG} with {len(OFFERS)} offers"
