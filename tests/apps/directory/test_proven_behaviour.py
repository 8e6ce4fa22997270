"""Behaviour of the directory that existed without a test proving it: the stale mark on the
public pages, the HSDS API's filters and lists and that it serves no personal data, the referral
slip's text, the shipped topics, a search by a Gemeinde's name, and freshness per provider."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from directory_helpers import (
    KREIS_OFFERS,
    make_directory,
    make_kreis_directory,
    needs_with_referral,
    table_rows,
)
from passgenau.apps.directory.models import Service

pytestmark = pytest.mark.django_db

STALE = "Länger nicht bestätigt: bitte vor dem Besuch nachfragen"


def _cards(html: str) -> dict[str, str]:
    """Each result's card on the search page by the offer's name (up to the next card)."""
    parts = re.split(r'(?=<h3 id="offer-)', html)[1:]
    return {re.search(r"<a [^>]*>([^<]+)</a>", p).group(1): p for p in parts}


def test_stale_offers_are_marked_on_the_search_and_the_offer_page(client):
    directory = make_directory()
    today = timezone.localdate()
    Service.objects.filter(directory=directory).update(last_confirmed=today - dt.timedelta(10))
    Service.objects.filter(name="Hausaufgabenhilfe").update(last_confirmed=None)
    Service.objects.filter(name="Internationales Frauenfrühstück").update(
        last_confirmed=today - dt.timedelta(40)
    )
    directory.stale_after_days = 60
    directory.save(update_fields=["stale_after_days"])

    def marked():
        html = client.get(reverse("directory:search", args=[directory.slug]), {"q": ""}).content
        cards = _cards(html.decode())
        assert len(cards) == 6
        return {name for name, card in cards.items() if STALE in card}

    assert marked() == {"Hausaufgabenhilfe"}  # never confirmed
    directory.stale_after_days = 30  # the directory's own time: 40 days is now too long
    directory.save(update_fields=["stale_after_days"])
    assert marked() == {"Hausaufgabenhilfe", "Internationales Frauenfrühstück"}

    def offer_page(name):
        service = Service.objects.get(name=name)
        return client.get(reverse("directory:offer", args=[directory.slug, service.pk])).content

    assert STALE in offer_page("Internationales Frauenfrühstück").decode()
    assert STALE not in offer_page("Deutschkurs A1 mit Kinderbetreuung").decode()


def _api(client, path, **params):
    response = client.get(f"/api/v1/hsds/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_api_filters_by_postcode_and_modification_time(client):
    make_directory()
    by_postcode = _api(client, "service_at_locations", postcode="38259")
    names = {item["service"]["name"] for item in by_postcode["contents"]}
    assert names == {"Internationales Frauenfrühstück", "Sozialberatung und Wohnungssuche"}
    assert by_postcode["total_items"] == 2
    assert _api(client, "service_at_locations", postcode="99999")["total_items"] == 0

    later = timezone.now() + dt.timedelta(hours=1)
    touched = later + dt.timedelta(minutes=5)
    Service.objects.filter(name="Hausaufgabenhilfe").update(updated_at=touched)
    found = _api(client, "services", modified_after=later.isoformat())
    assert [s["name"] for s in found["contents"]] == ["Hausaufgabenhilfe"]
    found = _api(client, "service_at_locations", modified_after=later.isoformat())
    assert [item["service"]["name"] for item in found["contents"]] == ["Hausaufgabenhilfe"]
    zulu = (later - dt.timedelta(days=1)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _api(client, "services", modified_after=zulu)["total_items"] == 6


def test_the_api_lists_organisations_taxonomies_and_terms(client):
    from passgenau.apps.directory.topics import topics_data

    make_directory()
    organizations = _api(client, "organizations", per_page=50)
    names = sorted(o["name"] for o in organizations["contents"])
    assert names == sorted({
        "Caritasverband Salzgitter e.V.", "Volkshochschule Salzgitter",
        "AWO Kreisverband Salzgitter-Wolfenbüttel", "Flüchtlingshilfe Salzgitter-Bad",
        "Diakonisches Werk Salzgitter",
    })  # fmt: skip
    caritas = next(o for o in organizations["contents"] if o["name"].startswith("Caritas"))
    one = _api(client, f"organizations/{caritas['id']}", full_service=True)
    assert one["name"] == "Caritasverband Salzgitter e.V."
    assert sorted(s["name"] for s in one["services"]) == [
        "Migrationsberatung für Erwachsene", "Psychosoziale Beratung für Geflüchtete"
    ]  # fmt: skip

    shipped = topics_data()
    [taxonomy] = _api(client, "taxonomies")["contents"]
    assert (taxonomy["id"], taxonomy["name"]) == (shipped["taxonomy"]["id"], "passgenau-Themen")
    terms = _api(client, "taxonomy_terms", per_page=200)
    assert terms["total_items"] == len(shipped["terms"])
    assert {t["id"]: t["name"] for t in terms["contents"]} == {
        t["id"]: t["name"] for t in shipped["terms"]
    }
    top = _api(client, "taxonomy_terms", top_only=True, per_page=200)["contents"]
    assert {t["name"] for t in top} == {t["name"] for t in shipped["terms"] if not t["parent"]}
    beratung = next(t for t in shipped["terms"] if t["code"] == "beratung")
    children = _api(client, "taxonomy_terms", parent_id=beratung["id"])["contents"]
    assert [t["name"] for t in children] == ["Migrationsberatung"]


def test_the_shipped_german_topics():
    """The topics the issue lists, shipped as data (names in German, with their translations)."""
    from passgenau.apps.directory.topics import topics_data

    terms = topics_data()["terms"]
    top = {t["name"] for t in terms if not t["parent"]}
    listed = {"Beratung", "Sprache", "Arbeit", "Wohnen", "Gesundheit",
              "Psychosoziale Hilfe und Trauma", "Kinder und Familie", "Schule",
              "Recht und Aufenthalt", "Freizeit und Begegnung"}  # fmt: skip
    assert listed <= top
    for term in terms:
        assert set(term["names"]) >= {"en", "uk", "ru", "ar", "fa", "tr"}, term["code"]
        assert all(term["names"].values()), term["code"]
    assert len({t["id"] for t in terms}) == len(terms)


def test_a_search_by_a_gemeindes_name_finds_its_offers(client):
    make_kreis_directory()
    url = reverse("directory:search", args=["tuebingen"])

    def names(**params):
        return list(_cards(client.get(url, params).content.decode()))

    by_town: dict[str, set[str]] = {}
    for _org, name, _topic, _langs, _street, _postcode, town, *_rest in KREIS_OFFERS:
        by_town.setdefault(town, set()).add(name)
    assert set(names(place="Rottenburg am Neckar", km=3)) == by_town["Rottenburg am Neckar"]
    assert set(names(place="mössingen", km=3)) == by_town["Mössingen"]  # any case
    nearest = names(place="Tübingen")  # no distance: every offer, nearest first
    assert set(nearest[:2]) == by_town["Tübingen"] and len(nearest) == len(KREIS_OFFERS)


def test_the_api_serves_no_personal_data(client):
    """An imported HSDS dataset may name contact persons (HSDS ``contacts``: name, title, e-mail,
    their own phone); the public API leaves them out everywhere, and keeps the offer's own
    phone and e-mail address. Our own forms and the sheet import fill no contacts. The offer's
    history (HSDS ``metadata``) is served without who made each change: neither an editor's
    pseudonym nor an imported name."""
    from accounts_helpers import make_user
    from passgenau.apps.directory.demo import demo_dataset
    from passgenau.apps.directory.models import Directory, HsdsRecord
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.directory.services.offers import service_apply

    directory = make_directory()
    service = Service.objects.get(name="Migrationsberatung für Erwachsene")
    dataset = demo_dataset()
    for row in dataset.tables["services"]:
        if row["id"] == service.hsds_id:
            row["email"] = "mbe@caritas-salzgitter.de"
    person = {"id": "c0ffee00-0000-4000-8000-000000000001", "service_id": service.hsds_id,
              "name": "Maria Musterfrau", "title": "Beraterin", "department": "MBE",
              "email": "maria.musterfrau@caritas-salzgitter.de"}  # fmt: skip
    dataset.add("contacts", person)
    dataset.add("phones", {"id": "c0ffee00-0000-4000-8000-000000000002",
                           "contact_id": person["id"], "number": "05341 839-42"})  # fmt: skip
    # an imported history entry naming the person who made it
    dataset.add("metadata", {"id": "c0ffee00-0000-4000-8000-000000000003",
                             "resource_id": service.hsds_id, "resource_type": "service",
                             "last_action_date": "2026-01-05", "last_action_type": "update",
                             "field_name": "name", "previous_value": "MBE",
                             "replacement_value": "Migrationsberatung für Erwachsene",
                             "updated_by": "Maria Musterfrau"})  # fmt: skip
    directory_import_hsds(directory=Directory.objects.get(pk=directory.pk), dataset=dataset)
    assert HsdsRecord.objects.filter(table="contacts").count() == 1  # kept for the export
    # an editor's change writes the history with the editor's pseudonym, kept for the export
    service.refresh_from_db()
    editor = make_user("directory_editor", username="history-editor")
    service_apply(service=service, fields={"url": "https://caritas.example/mbe"}, actor=editor)
    pseudonym = f"user:{editor.pk}"
    assert HsdsRecord.objects.filter(table="metadata", data__updated_by=pseudonym).exists()

    service.refresh_from_db()
    caritas = service.organization.hsds_id
    answers = [
        client.get(f"/api/v1/hsds/services/{service.hsds_id}"),
        client.get("/api/v1/hsds/services", {"full": True, "per_page": 50}),
        client.get("/api/v1/hsds/services", {"per_page": 50}),
        client.get("/api/v1/hsds/service_at_locations", {"per_page": 50}),
        client.get(f"/api/v1/hsds/organizations/{caritas}", {"full_service": True}),
        client.get("/api/v1/hsds/organizations"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        text = answer.content.decode()
        for personal in ("Musterfrau", "maria.musterfrau", "839-42", "Beraterin", pseudonym):
            assert personal not in text, (answer.request["PATH_INFO"], personal)
    full = answers[0].json()
    # the history is served, each entry made by "an editor"
    history = {m["field_name"]: m for m in full["metadata"]}
    assert history["url"]["replacement_value"] == "https://caritas.example/mbe"
    assert {m["updated_by"] for m in full["metadata"]} == {"editor"}
    assert history["name"]["previous_value"] == "MBE"
    assert full.get("contacts", []) == []
    assert full["email"] == "mbe@caritas-salzgitter.de"  # the offer's own address stays
    assert [p["number"] for p in full["phones"]] == ["05341 839-0"]


def test_the_referral_slip_is_in_german_and_the_persons_language(client_for_role):
    """The slip's text: the offer, its address, hours and what to bring, once in German and once
    in the person's language (Arabic here), and no name of the person anywhere."""
    from django.utils import translation
    from django.utils.dates import WEEKDAYS
    from django.utils.translation import gettext as _

    from pdf_helpers import pdf_text

    needs, referral = needs_with_referral()
    Service.objects.filter(pk=referral.service_id).update(
        what_to_bring="Aufenthaltstitel und Mietvertrag"
    )
    lotse = client_for_role("lotse")
    response = lotse.get(reverse("directory:referral_slip", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    german = [
        "Vermittlungszettel",
        "Angebot: Migrationsberatung für Erwachsene",
        "Adresse: Hinter dem Salzgittersee 12, 38226 Salzgitter",
        "Öffnungszeiten: Montag 09:00–12:00; Mittwoch 09:00–12:00",
        "Mitzubringen: Aufenthaltstitel und Mietvertrag",
        f"Vermittlungsnummer: {referral.pk}",
    ]
    for line in german:
        assert line in text, line
    # the Arabic section: its own labels, weekday and the offer's Arabic name (shaped for the
    # PDF in visual order: compared word by word, after compatibility normalisation)
    import unicodedata

    def key(value):  # the lam-alef ligature comes back with its letters in either order
        return re.sub("[\u0627\u0623\u0625\u0622\u0644]", "", unicodedata.normalize("NFKC", value))

    flat = key(text)

    def shown(arabic):
        return all(key(w) in flat or key(w)[::-1] in flat for w in arabic.split())

    with translation.override("ar"):
        labels = [_("Referral slip"), _("Address"), _("Opening hours"), _("What to bring")]
        monday = str(WEEKDAYS[0])
    assert not {"Referral slip", "Address", "Opening hours", "What to bring"} & set(labels)
    assert [label for label in labels if shown(label)] == labels
    assert shown("استشارة الهجرة للبالغين") and shown(monday)
    assert text.count("Aufenthaltstitel und Mietvertrag") == 2  # the text to bring, in both
    assert needs.lotse.username not in text


def test_freshness_per_provider_counts_the_last_six_months(client_for_role):
    from passgenau.apps.directory.selectors.analysis import FRESH_DAYS, roundtable_report

    directory = make_directory()
    today = timezone.localdate()
    confirmed = {
        "Migrationsberatung für Erwachsene": today - dt.timedelta(days=10),
        "Psychosoziale Beratung für Geflüchtete": today - dt.timedelta(days=FRESH_DAYS + 1),
        "Deutschkurs A1 mit Kinderbetreuung": today - dt.timedelta(days=FRESH_DAYS),  # just in
        "Hausaufgabenhilfe": None,
        "Internationales Frauenfrühstück": today - dt.timedelta(days=400),
        "Sozialberatung und Wohnungssuche": today,
    }
    expected: dict[str, list[int]] = {}
    for name, date in confirmed.items():
        service = Service.objects.select_related("organization").get(name=name)
        Service.objects.filter(pk=service.pk).update(last_confirmed=date)
        row = expected.setdefault(service.organization.name, [0, 0])
        row[0] += date is not None and (today - date).days <= 183
        row[1] += 1
    report = roundtable_report(directory=directory, today=today)
    assert {name: [fresh, total] for name, fresh, total, _s in report.freshness} == expected
    assert expected["Caritasverband Salzgitter e.V."] == [1, 2]
    html = (
        client_for_role("directory_editor")
        .get(reverse("directory:roundtable", args=[directory.slug]))
        .content.decode()
    )
    rows = table_rows(html, "freshness")[1:]
    assert sorted(rows) == sorted(
        [name, f"{fresh} / {total}", f"{round(100 * fresh / total)} %"]
        for name, (fresh, total) in expected.items()
    )


def test_a_kreis_sees_the_offers_of_its_gemeinden_together(client, client_for_role):
    """A Gemeinde of the Kreis keeps its own directory: the Kreis's search, API and round table
    count its offers with the Kreis's own, the Gemeinde's directory shows only its own, and the
    Gemeinde's editor edits only its own directory while the Kreis's editor edits both."""
    import uuid

    from django.test import Client

    from accounts_helpers import ORGANISATION_KIND_FOR_ROLE, login_client, make_user
    from passgenau.apps.accounts.models import Organisation
    from passgenau.apps.directory.demo import offers_dataset
    from passgenau.apps.directory.models import Directory
    from passgenau.apps.directory.selectors.work import directories_for_editor
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.territories.models import Gemeinde, Kreis

    kreis_directory = make_kreis_directory()
    ammerbuch = Gemeinde.objects.get(name__startswith="Ammerbuch")
    own = Directory.objects.create(name="Ammerbuch", slug="ammerbuch", gemeinde=ammerbuch)
    offer = ("Helferkreis Ammerbuch", "Fahrradwerkstatt Ammerbuch", "mobilitaet", "de,fa",
             "Kirchstraße 6", "72119", "Ammerbuch", 48.553, 8.966, "SA", "10:00-13:00",
             True)  # fmt: skip
    directory_import_hsds(
        directory=own,
        dataset=offers_dataset([offer], ns=uuid.uuid5(uuid.NAMESPACE_URL, "ammerbuch")),
    )

    def names(slug):
        html = client.get(reverse("directory:search", args=[slug]), {"q": ""}).content.decode()
        return set(_cards(html))

    kreis_names = {o[1] for o in KREIS_OFFERS}
    assert names("tuebingen") == kreis_names | {"Fahrradwerkstatt Ammerbuch"}
    assert names("ammerbuch") == {"Fahrradwerkstatt Ammerbuch"}
    api = _api(client, "services", directory="tuebingen", per_page=50)
    assert api["total_items"] == len(KREIS_OFFERS) + 1

    kreis_editor = make_user(
        "directory_editor", username="landratsamt",
        organisation=Organisation.objects.create(
            name="Landratsamt Tübingen", kind=ORGANISATION_KIND_FOR_ROLE["directory_editor"],
            kreis=Kreis.objects.get(ags="08416"),
        ),
    )  # fmt: skip
    gemeinde_editor = make_user(
        "directory_editor", username="gemeinde-ammerbuch",
        organisation=Organisation.objects.create(
            name="Gemeinde Ammerbuch", kind=ORGANISATION_KIND_FOR_ROLE["directory_editor"],
            gemeinde=ammerbuch,
        ),
    )  # fmt: skip
    assert list(directories_for_editor(user=kreis_editor)) == [own, kreis_directory]
    assert list(directories_for_editor(user=gemeinde_editor)) == [own]
    kreis_desk = login_client(Client(), kreis_editor)
    report = kreis_desk.get(reverse("directory:roundtable", args=["tuebingen"])).context["report"]
    assert report.offers == len(KREIS_OFFERS) + 1
    gemeinde_desk = login_client(Client(), gemeinde_editor)
    assert gemeinde_desk.get(reverse("directory:roundtable", args=["ammerbuch"])).status_code == 200
    assert gemeinde_desk.get(reverse("directory:roundtable", args=["tuebingen"])).status_code == 403


LONG_LIST = (
    "Aufenthaltstitel oder Fiktionsbescheinigung, Mietvertrag, Bescheid des Jobcenters, "
    "Nachweise über Einkommen und Ausgaben der letzten drei Monate, Meldebescheinigung und "
    "Krankenversicherungskarte"
)
# the first line and the label of what to bring in the slip's second language
SECOND_SECTION = {
    "uk": ("Направлення", "Що взяти з собою"),
    "ru": ("Направление", "Что взять с собой"),
    "tr": ("Yönlendirme belgesi", "Yanınızda getirin"),
    "en": ("Referral slip", "What to bring"),
}


def test_the_referral_slip_renders_in_every_slip_language_without_overlapping_text(
    client_for_role,
):
    """The slip as the Lotse downloads it (issue 11: every PDF checked by rendering it), with a
    list of papers to bring long enough to wrap: PDFium draws every page and finds no text over
    other text, in German with Arabic, Farsi, Turkish, Ukrainian, Russian or English; read back,
    the German section comes first, then the other language's, each with the whole list."""
    from passgenau.apps.directory.models import NeedsRecord
    from pdf_helpers import assert_readable_pdf, pdf_text

    needs, referral = needs_with_referral()
    Service.objects.filter(pk=referral.service_id).update(what_to_bring=LONG_LIST)
    lotse = client_for_role("lotse")
    url = reverse("directory:referral_slip", args=[referral.pk])
    for language in ("ar", "fa", "tr", "uk", "ru", "en"):
        NeedsRecord.objects.filter(pk=needs.pk).update(reader_language=language)
        response = lotse.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert_readable_pdf(response.content)
        text = " ".join(pdf_text(response.content).split())
        assert text.startswith("Vermittlungszettel Angebot: Migrationsberatung für Erwachsene")
        assert text.count(LONG_LIST) == (1 if language in ("ar", "fa") else 2), language
        # in both sections (the lines of a right-to-left section read back in their own order)
        assert all(text.count(word) >= 2 for word in LONG_LIST.split()), language
        # the phone number as it is, also inside a right-to-left line (it read "0-839 05341")
        assert text.count("05341 839-0") + text.count("839-0 05341") == 2, language
        assert "0-839" not in text, language
        if language in SECOND_SECTION:
            heading, label = SECOND_SECTION[language]
            german_end = text.index(f"Vermittlungsnummer: {referral.pk}")
            assert text.index(heading, german_end) > german_end, language
            assert f"{label}: {LONG_LIST}" in text, language
