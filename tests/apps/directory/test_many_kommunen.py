"""One installation, many Kommunen: each Gemeinde (or Kreis) has its own directory, editors,
languages and public address, and a Kreis's directory shows its Gemeinden's offers together."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client, make_user
from passgenau.apps.directory.models import Service

pytestmark = pytest.mark.django_db

# (slug, offer, street, postcode, town, latitude, longitude, languages of the directory)
GEMEINDEN = {
    "tuebingen-stadt": ("Sprachcafé Tübingen", "Neckarhalde 32", "72070", "Tübingen", 48.519,
                        9.052, ["uk", "ar"]),
    "rottenburg": ("Hausaufgabenhilfe Rottenburg", "Königstraße 2", "72108",
                   "Rottenburg am Neckar", 48.478, 8.935, ["ru"]),
    "salzgitter-stadt": ("Nähcafé Salzgitter", "Vorsalzer Straße 4", "38259", "Salzgitter",
                         52.047, 10.378, ["tr", "fa"]),
}  # fmt: skip


def _directories():
    """The Kreis Tübingen with a directory of its own (no offers), two of its Gemeinden with one
    offer each, and Salzgitter (another Kreis) with one offer."""
    from passgenau.apps.directory.demo import offers_dataset
    from passgenau.apps.directory.models import Directory, Taxonomy, TaxonomyTerm
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.directory.topics import topics_load
    from passgenau.apps.territories.demo import territories_load_demo
    from passgenau.apps.territories.models import Gemeinde, Kreis

    topics_load(Taxonomy, TaxonomyTerm)
    territories_load_demo()
    kreis = Directory.objects.create(
        name="Landkreis Tübingen", slug="kreis-tuebingen", kreis=Kreis.objects.get(ags="08416")
    )
    gemeinden = {
        "tuebingen-stadt": Gemeinde.objects.get(kreis__ags="08416", name__startswith="Tübingen"),
        "rottenburg": Gemeinde.objects.get(kreis__ags="08416", name__startswith="Rottenburg"),
        "salzgitter-stadt": Gemeinde.objects.filter(kreis__ags="03102").get(),
    }
    directories = {}
    for slug, (offer, street, postcode, town, lat, lon, languages) in GEMEINDEN.items():
        directory = Directory.objects.create(
            name=town, slug=slug, gemeinde=gemeinden[slug], languages=languages
        )
        row = (f"Verein {town}", offer, "begegnung", "de,ar", street, postcode, town, lat, lon,
               "MO", "15:00-17:00", True)  # fmt: skip
        dataset = offers_dataset([row], ns=uuid.uuid5(uuid.NAMESPACE_URL, slug))
        directory_import_hsds(directory=directory, dataset=dataset)
        directories[slug] = directory
    return kreis, directories, gemeinden


def _offers_listed(client, slug) -> set[str]:
    page = client.get(reverse("directory:search", args=[slug]), {"q": ""}).content.decode()
    return {offer for offer, *_ in GEMEINDEN.values() if offer in page}


def test_a_kreis_sees_its_gemeinden_offers_and_each_gemeinde_only_its_own(client):
    kreis, _directories_made, _ = _directories()
    assert _offers_listed(client, kreis.slug) == {
        "Sprachcafé Tübingen", "Hausaufgabenhilfe Rottenburg"
    }  # fmt: skip
    for slug, (offer, *_rest) in GEMEINDEN.items():
        assert _offers_listed(client, slug) == {offer}, slug
    # an offer's page is at its own Gemeinde's address and its Kreis's, not at another's
    rottenburg = Service.objects.get(name="Hausaufgabenhilfe Rottenburg")
    ok = [("rottenburg", 200), ("kreis-tuebingen", 200), ("tuebingen-stadt", 404),
          ("salzgitter-stadt", 404)]  # fmt: skip
    for slug, status in ok:
        url = reverse("directory:offer", args=[slug, rottenburg.pk])
        assert client.get(url).status_code == status, slug
    salzgitter = Service.objects.get(name="Nähcafé Salzgitter")
    url = reverse("directory:offer", args=["kreis-tuebingen", salzgitter.pk])
    assert client.get(url).status_code == 404


def _editor(username, **territory):
    from passgenau.apps.accounts.models import Organisation

    organisation = Organisation.objects.create(
        name=f"Verwaltung {username}", kind="municipality", **territory
    )
    return login_client(Client(), make_user("directory_editor", username=username,
                                            organisation=organisation))  # fmt: skip


def _status(client, name, *args) -> int:
    return client.get(reverse(name, args=args)).status_code


def _text_languages(response) -> list[str]:
    """The languages the texts page offers to choose (its select's options)."""
    select = response.content.decode().split('id="id_language"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]+)"', select)


def test_an_editor_of_a_gemeinde_edits_only_its_offers_in_its_languages():
    kreis, _directories_made, gemeinden = _directories()
    tuebingen = _editor("ed-tue", gemeinde=gemeinden["tuebingen-stadt"])
    own = Service.objects.get(name="Sprachcafé Tübingen")
    other = Service.objects.get(name="Hausaufgabenhilfe Rottenburg")
    assert tuebingen.get(reverse("directory:text_edit", args=[own.pk, "uk"])).status_code == 200
    assert tuebingen.get(reverse("directory:text_edit", args=[other.pk, "ru"])).status_code == 404
    posted = tuebingen.post(
        reverse("directory:text_edit", args=[other.pk, "ru"]),
        {"name": "Помощь", "description": "Текст"},
    )
    assert posted.status_code == 404
    assert not other.texts.filter(language="ru").exists()
    assert tuebingen.get(reverse("directory:texts", args=["rottenburg"])).status_code == 404
    assert tuebingen.get(reverse("directory:texts", args=["kreis-tuebingen"])).status_code == 404
    # the Kreis's editor works on both Gemeinden's directories, not on Salzgitter's
    kreis_editor = _editor("ed-kreis", kreis=kreis.kreis)
    assert _status(kreis_editor, "directory:text_edit", other.pk, "ru") == 200
    for slug, status in [("rottenburg", 200), ("tuebingen-stadt", 200), ("salzgitter-stadt", 404)]:
        assert kreis_editor.get(reverse("directory:texts", args=[slug])).status_code == status

    # each directory keeps its own languages: Tübingen uk and ar, Rottenburg ru
    page = tuebingen.get(reverse("directory:texts", args=["tuebingen-stadt"]))
    assert _text_languages(page) == ["uk", "ar", "de-x-simple"]
    assert tuebingen.get(reverse("directory:text_edit", args=[own.pk, "ru"])).status_code == 404
    page = kreis_editor.get(reverse("directory:texts", args=["rottenburg"]))
    assert _text_languages(page) == ["ru", "de-x-simple"]
    assert _status(kreis_editor, "directory:text_edit", other.pk, "uk") == 404


def test_each_public_address_offers_its_directory_s_languages(client):
    _directories()
    for slug, (*_rest, languages) in GEMEINDEN.items():
        page = client.get(reverse("directory:search", args=[slug]))
        menu = [item["code"] for item in page.context["directory_languages"]]
        assert menu == ["de", "de-x-simple", *languages], slug
