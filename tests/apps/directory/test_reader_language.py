"""Results in the reader's language, with German as the fallback marked as such: the German text
carries lang="de" (so a screen reader switches) and a translated "only in German" marker; a text
in the reader's language is shown without either."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from directory_helpers import make_directory
from passgenau.apps.directory.models import Service
from passgenau.apps.directory.services.offers import service_text_save

pytestmark = pytest.mark.django_db

GERMAN_ONLY = "Psychosoziale Beratung für Geflüchtete"
UKRAINIAN = ("Допомога з домашніми завданнями", "Допомагаємо дітям з домашніми завданнями.")


class Elements(HTMLParser):
    """Each element's tag, attributes and own text (nested text included), in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[dict] = []
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "link", "meta", "input", "hr", "source"):
            return
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.open.append(element)
        self.found.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def _elements(html: str) -> list[dict]:
    parser = Elements()
    parser.feed(html)
    return parser.found


def _innermost(elements, text: str, tag: str | None = None) -> dict:
    """The element of ``tag`` whose own text is ``text`` (whitespace folded)."""
    fold = lambda s: " ".join(s.split())  # noqa: E731
    matches = [e for e in elements if fold(e["text"]) == fold(text) and tag in (None, e["tag"])]
    assert matches, f"no <{tag}> reading {text!r}"
    return matches[-1]


def _setup():
    directory = make_directory()
    easy = Service.objects.get(name="Hausaufgabenhilfe")
    service_text_save(actor=None, service=easy, language="uk", name=UKRAINIAN[0],
                      description=UKRAINIAN[1])  # fmt: skip
    return directory, Service.objects.get(name=GERMAN_ONLY), easy


@pytest.mark.parametrize("language", ["uk", "ar"])
def test_a_german_only_offer_is_marked_and_tagged_german(client, language):
    directory, german, _ = _setup()
    with translation.override(language):
        marker = gettext("This offer is only described in German.")
        badge = gettext("Only in German")
    assert marker != "This offer is only described in German." and badge != "Only in German"
    page = client.get(
        reverse("directory:offer", args=[directory.slug, german.pk]), {"lang": language}
    ).content.decode()
    elements = _elements(page)
    assert _elements(page)[0]["attrs"]["lang"] == language  # the page is in the reader's language
    heading = _innermost(elements, GERMAN_ONLY, "h1")
    assert heading["attrs"].get("lang") == "de"
    description = f"{GERMAN_ONLY} – Caritasverband Salzgitter e.V."
    text = next(e for e in elements if e["tag"] == "div" and description in e["text"]
                and "lang" in e["attrs"])  # fmt: skip
    assert text["attrs"]["lang"] == "de"
    shown = _innermost(elements, marker)
    assert "dir-badge-fallback" in shown["attrs"].get("class", "")
    assert "lang" not in shown["attrs"]  # the marker is in the reader's language
    # the results: the German name, tagged German, with the marker next to it
    results = client.get(
        reverse("directory:search", args=[directory.slug]), {"q": "", "lang": language}
    ).content.decode()
    elements = _elements(results)
    link = _innermost(elements, GERMAN_ONLY, "a")
    assert link["attrs"].get("lang") == "de"
    card = results.split(f'id="offer-{german.pk}"')[1].split("<h3")[0]
    assert f'class="dir-badge dir-badge-fallback">{badge}</span>' in card


@pytest.mark.parametrize("language", ["uk", "ar"])
def test_an_offer_in_the_reader_s_language_has_no_marker(client, language):
    directory, _, easy = _setup()
    page = client.get(
        reverse("directory:offer", args=[directory.slug, easy.pk]), {"lang": language}
    ).content.decode()
    if language == "uk":
        heading = _innermost(_elements(page), UKRAINIAN[0], "h1")
        assert "lang" not in heading["attrs"]  # the page's own language
        assert UKRAINIAN[1] in page and "Hausaufgabenhilfe –" not in page
        assert "dir-badge-fallback" not in page
        results = client.get(
            reverse("directory:search", args=[directory.slug]), {"q": "", "lang": "uk"}
        ).content.decode()
        card = results.split(f'id="offer-{easy.pk}"')[1].split("<h3")[0]
        assert UKRAINIAN[0] in card and "dir-badge-fallback" not in card
    else:  # no Arabic text: German, marked
        assert re.search(r'<h1 lang="de">Hausaufgabenhilfe</h1>', page)
        assert "dir-badge-fallback" in page


def _found(directory, words: str, language: str) -> list[str]:
    """The names of the offers a words search finds, read in ``language``."""
    from passgenau.apps.directory.selectors.search import SearchQuery, offers_search

    results, _place, _total = offers_search(
        directory=directory, query=SearchQuery(words=words), language=language
    )
    return [view.service.name for view in results]


def test_a_reader_finds_an_offer_by_words_of_their_language():
    """The words search compares the offer's texts in every language and the topics' names in
    every language: an Arabic reader typing Arabic words of the offer's Arabic text, a Farsi
    reader typing the topic's Farsi name, find it (the German text was all that was searched);
    a re-import keeps the translations searchable, an edited text is searched as edited."""
    from passgenau.apps.directory.demo import demo_dataset
    from passgenau.apps.directory.services.hsds_io import directory_import_hsds

    directory = make_directory()  # the Migrationsberatung has an Arabic text
    found = functools.partial(_found, directory)

    mbe = "Migrationsberatung für Erwachsene"
    assert found("الهجرة للبالغين", "ar") == [mbe]
    assert found("مشاوره مهاجرت", "fa") == [mbe]  # the topic Migrationsberatung in Farsi
    assert found("الهجرة", "de") == [mbe]  # whatever the page's language
    directory_import_hsds(directory=directory, dataset=demo_dataset())
    assert found("الهجرة للبالغين", "ar") == [mbe]
    service_text_save(actor=None, service=Service.objects.get(name=mbe), language="ar",
                      name="مكتب الهجرة", description="نساعدك.")  # fmt: skip
    assert found("للبالغين", "ar") == []
    assert found("مكتب", "ar") == [mbe]


@pytest.mark.django_db(transaction=True)
def test_offers_translated_before_are_found_by_their_words_after_the_migration():
    """directory 0012 stores every offer's search document again: an Arabic text saved before
    (its document then German only) is searched, and so are the topics' names in Farsi."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    found = functools.partial(_found, make_directory())
    mbe = Service.objects.get(name="Migrationsberatung für Erwachsene")
    executor = MigrationExecutor(connection)
    executor.migrate([("directory", "0011_search_filter_indexes")])
    # as the import and the text's saving left it before: German, the German topic names
    Service.objects.filter(pk=mbe.pk).update(
        search_document="migrationsberatung für erwachsene caritasverband migrationsberatung"
    )
    MigrationExecutor(connection).migrate([("directory", "0012_search_every_language")])

    assert found("الهجرة للبالغين", "ar") == [mbe.name]
    assert found("مشاوره مهاجرت", "fa") == [mbe.name]
    assert found("Migrationsberatung", "de") == [mbe.name]
