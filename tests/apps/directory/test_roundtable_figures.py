"""The round-table report for the meeting: offers, locations, languages, topics, gaps,
duplicates and freshness on the page and in the PDF, checked against counts the test makes from
the offers it imported (the seed's "110 offers at as many locations in 13 languages" in small)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from directory_helpers import role_organisation, table_rows
from passgenau.apps.directory.models import Service
from passgenau.apps.directory.topics import topics_data

pytestmark = pytest.mark.django_db

# provider, offer, topic, languages spoken, street, postcode, town, lat, lon, days, hours, free,
# then: days since last confirmed (None: never), closed
ROWS = [
    ("Caritas Salzgitter", "Migrationsberatung", "migrationsberatung", "de,ar,fa,ps",
     "Hinter dem Salzgittersee 12", 10, False),
    ("Caritas Salzgitter", "Jugendmigrationsdienst", "beratung", "de,ar,ku",
     "Hinter dem Salzgittersee 12", 400, False),
    ("Volkshochschule Salzgitter", "Deutschkurs A1 mit Kinderbetreuung", "deutschkurs", "de,en",
     "Marienbruchstraße 61", 20, False),
    ("Volkshochschule Salzgitter", "Deutschkurs A1 mit Kinderbetreuung (Abend)", "deutschkurs",
     "de,en", "Marienbruchstraße 61", 30, False),
    ("Diakonie Salzgitter", "Wohnungssuche", "wohnen", "de,uk,ru", "Schützenplatz 2", None,
     False),
    ("Flüchtlingshilfe Bad", "Frauenfrühstück", "begegnung", "de,tr,so,sq", "Vorsalzer Straße 4",
     5, False),
    ("Gesundheitsamt Salzgitter", "Impfberatung", "gesundheit", "de,ti,fr", "Am Sportpark 1",
     50, False),
    ("Gesundheitsamt Salzgitter", "Schuleingangsuntersuchung", "gesundheit", "de,uk",
     "Am Sportpark 1", 300, True),
]  # fmt: skip
OPEN = [r for r in ROWS if not r[6]]


def _build():
    from passgenau.apps.directory.demo import offers_dataset
    from passgenau.apps.directory.models import Directory, Taxonomy, TaxonomyTerm
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.directory.services.lotse import needs_record
    from passgenau.apps.directory.topics import topics_load
    from passgenau.apps.territories.demo import territories_load_demo
    from passgenau.apps.territories.models import Kreis

    topics_load(Taxonomy, TaxonomyTerm)
    territories_load_demo()
    kreis = Kreis.objects.get(ags="03102")
    directory = Directory.objects.create(name="Runder Tisch", slug="runder-tisch", kreis=kreis)
    rows = [(org, name, topic, langs, street, "38226", "Salzgitter", 52.15, 10.33, "MO",
             "09:00-12:00", True) for org, name, topic, langs, street, *_ in ROWS]  # fmt: skip
    dataset = offers_dataset(rows, ns=uuid.uuid5(uuid.NAMESPACE_URL, "runder-tisch"))
    for number, phone in enumerate(dataset.tables["phones"]):  # a phone of each offer's own
        phone["number"] = f"05341 {100 + number}"
    directory_import_hsds(directory=directory, dataset=dataset)
    today = timezone.localdate()
    for _org, name, *_rest, days, closed in ROWS:
        Service.objects.filter(directory=directory, name=name).update(
            last_confirmed=None if days is None else today - dt.timedelta(days=days),
            status="inactive" if closed else "active",
        )
    organisation = role_organisation("directory_editor", kreis=kreis)
    from accounts_helpers import make_user

    lotse = make_user("lotse", username="rt-lotse", organisation=role_organisation("lotse"))
    needs_record(actor=lotse, directory=directory, topics=["recht"], languages=["ti"],
                 slip_language="ti")  # fmt: skip
    needs_record(actor=lotse, directory=directory, topics=["recht"], languages=["ti"],
                 slip_language="ti")  # fmt: skip
    return directory, organisation


def _expected():
    """From ROWS alone, the open offers only."""
    terms = {t["code"]: t for t in topics_data()["terms"]}
    languages = Counter(lang for r in OPEN for lang in r[3].split(","))
    topics: Counter[str] = Counter()
    for r in OPEN:
        topics[terms[r[2]]["name"]] += 1
        if terms[r[2]]["parent"]:
            topics[terms[terms[r[2]]["parent"]]["name"]] += 1
    fresh = Counter(r[0] for r in OPEN if r[5] is not None and r[5] <= 183)
    total = Counter(r[0] for r in OPEN)
    stale = sum(1 for r in OPEN if r[5] is None or r[5] > 365)
    return {
        "offers": len(OPEN),
        "locations": len({(r[0], r[4]) for r in OPEN}),
        "languages": languages,
        "topics": topics,
        "freshness": {org: (fresh[org], n) for org, n in total.items()},
        "stale": stale,
        "fresh": sum(fresh.values()),
    }


def test_the_report_page_and_pdf_show_the_figures_counted_from_the_offers(client_for_role):
    from pdf_helpers import assert_readable_pdf, pdf_text

    directory, _ = _build()
    expected = _expected()
    assert expected["offers"] == 7 and expected["locations"] == 5
    assert len(expected["languages"]) == 13  # more than the matrix's 12 columns
    editor = client_for_role("directory_editor")
    page = editor.get(reverse("directory:roundtable", args=[directory.slug])).content.decode()
    with translation.override("de"):
        figures = {
            gettext("Offers"): str(expected["offers"]),
            gettext("Locations"): str(expected["locations"]),
            gettext("Languages spoken"): "13",
            gettext("Topics"): str(len(expected["topics"])),
            gettext("Gaps: needs without a fitting offer"): "2",
            gettext("Likely duplicates"): "1",
            gettext("Not confirmed recently"): str(expected["stale"]),
            gettext("Confirmed in the last 6 months"): f"{expected['fresh']} / 7",
        }
    assert "7 Angebote an 5 Standorten in 13 Sprachen." in page
    assert dict(table_rows(page, "figures")) == figures
    languages = {code: int(n) for code, n in table_rows(page, "languages")[1:]}
    assert languages == dict(expected["languages"])
    offers_chart = re.search(r'<svg class="directory-chart".*?</svg>', page, re.S).group(0)
    chart = dict(re.findall(r'class="bar-label">(.+?) \((\d+)\)</text>', offers_chart))
    assert {name: int(n) for name, n in chart.items()} == dict(expected["topics"])
    assert table_rows(page, "gaps")[1:] == [["Recht und Aufenthalt", "ti", "—", "2"]]
    duplicates = table_rows(page, "duplicates")[1:]
    assert [sorted(r[:2]) for r in duplicates] == [
        ["Deutschkurs A1 mit Kinderbetreuung", "Deutschkurs A1 mit Kinderbetreuung (Abend)"]
    ]
    freshness = {r[0]: tuple(int(x) for x in r[1].split(" / ")) for r in table_rows(
        page, "freshness")[1:]}  # fmt: skip
    assert freshness == expected["freshness"]
    assert "Schuleingangsuntersuchung" not in page  # closed: not counted

    pdf = editor.get(reverse("directory:roundtable_pdf", args=[directory.slug])).content
    assert_readable_pdf(pdf)  # rendered, and no text over other text
    text = pdf_text(pdf)
    first_page = [" ".join(line.split()) for line in text.split("\f")[0].splitlines()]
    assert "7 Angebote an 5 Standorten in 13 Sprachen." in first_page
    for label, value in figures.items():  # the figures, on the first page
        assert f"{label} · {value}" in first_page, label
    lines = [" ".join(line.split()) for line in text.replace("\f", "\n").splitlines()]
    for code, n in expected["languages"].items():
        assert f"{code} · {n}" in lines, code
    for name, n in expected["topics"].items():
        assert f"{name} · {n}" in lines, name
    assert "Recht und Aufenthalt · ti · · 2" in lines  # topic, language, no place, needs
    for org, (fresh, total) in expected["freshness"].items():
        assert any(line.startswith(f"{org} · {fresh}/{total} · ") for line in lines), org
    pair = ("Deutschkurs A1 mit Kinderbetreuung", "Deutschkurs A1 mit Kinderbetreuung (Abend)")
    assert any(re.fullmatch(rf"{re.escape(a)} · {re.escape(b)} · [01]\.\d\d · .+", line)
               for a, b in (pair, pair[::-1]) for line in lines)  # fmt: skip
    assert "Schuleingangsuntersuchung" not in text
