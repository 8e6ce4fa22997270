"""The public directory pages in Arabic, Farsi and Turkish show no English or German string of a
catalogue, for the public and for staff of any role: the base layout (skip link, navigation,
user menu with the role's name, language switch, footer) comes from the platform's catalogue
for these languages (src/passgenau/locale/{ar,fa,tr}, kept to those strings by
tools/public_catalogues.py, translated by hand), the pages' own strings from the directory's
catalogue, form errors from Django's."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC
from directory_helpers import make_directory
from passgenau.apps.accounts.roles import PUBLIC
from passgenau.apps.directory.forms import SPOKEN_LANGUAGES
from passgenau.apps.directory.models import Service

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[3] / "src" / "passgenau"
CATALOGUES = [SRC / "locale", SRC / "apps" / "directory" / "locale"]
READER_LANGUAGES = ["ar", "fa", "tr"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Texts(HTMLParser):
    """Text nodes and labelling attributes of a page, each with the language it is marked in."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = [("", language)]
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        language = values.get("lang") or self.stack[-1][1]
        for name in ("aria-label", "title", "placeholder", "alt"):
            if values.get(name):
                self.texts.append((str(values[name]).strip(), language))
        if tag not in VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack[-1][0] not in ("script", "style"):
            self.texts.append((data.strip(), self.stack[-1][1]))


def _foreign_strings(language: str) -> set[str]:
    """The English messages and their German translations of the catalogues these pages use,
    less what the reader's language writes the same (passgenau; Turkish Telefon)."""
    foreign: set[str] = set()
    own: set[str] = set()
    for catalogue in CATALOGUES:
        for entry in polib.pofile(str(catalogue / "de" / "LC_MESSAGES" / "django.po")):
            if not (entry.obsolete or entry.msgid_plural or "%" in entry.msgid):
                foreign |= {entry.msgid, entry.msgstr}
        path = catalogue / language / "LC_MESSAGES" / "django.po"
        if path.exists():
            own |= {entry.msgstr for entry in polib.pofile(str(path))}
    return foreign - own - {""} - {str(name) for _code, name in SPOKEN_LANGUAGES}


def _pages() -> list[str]:
    directory = make_directory()
    search = reverse("directory:search", args=[directory.slug])
    arabic = Service.objects.get(directory=directory, name="Migrationsberatung für Erwachsene")
    german = Service.objects.get(directory=directory, name="Psychosoziale Beratung für Geflüchtete")
    return [
        reverse("directory:index"),
        search,
        f"{search}?q=beratung&place=38226",
        f"{search}?place=Atlantis",
        f"{search}?km=many",  # a filter not valid: the form with its error
        reverse("directory:offer", args=[directory.slug, arabic.pk]),
        reverse("directory:offer", args=[directory.slug, german.pk]),
    ]


def _shown_foreign(client, url: str, language: str, foreign: set[str]) -> tuple[str, list[str]]:
    """The page at ``url`` in ``language``, and the foreign strings it shows marked as that
    language (the user menu's "name · role" taken apart)."""
    url += ("&" if "?" in url else "?") + f"lang={language}"
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    direction = "rtl" if language in ("ar", "fa") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in page, url
    parser = _Texts(language)
    parser.feed(page)
    texts = [
        part.strip()
        for text, marked in parser.texts
        if marked == language
        for part in text.split(" · ")
    ]
    return page, [text for text in texts if text in foreign]


@pytest.mark.parametrize("language", READER_LANGUAGES)
def test_public_pages_show_no_english_or_german_interface_text(client, language):
    foreign = _foreign_strings(language)
    assert {"Skip to main content", "Zum Hauptinhalt springen", "Change language"} <= foreign
    for url in _pages():
        _page, shown = _shown_foreign(client, url, language, foreign)
        assert shown == [], f"{url} shows {shown}"


@pytest.mark.parametrize("language", READER_LANGUAGES)
def test_a_filter_not_valid_shows_the_form_with_its_error(client, language):
    directory = make_directory()
    url = reverse("directory:search", args=[directory.slug])
    response = client.get(url, {"km": "many", "lang": language})
    assert response.status_code == 200  # was a server error: no results to count
    page = response.content.decode()
    assert 'class="errors" role="alert"' in page
    assert 'id="results-heading"' not in page


def _offer_pages() -> list[str]:
    directory = make_directory()
    search = reverse("directory:search", args=[directory.slug])
    arabic = Service.objects.get(directory=directory, name="Migrationsberatung für Erwachsene")
    offer = reverse("directory:offer", args=[directory.slug, arabic.pk])
    return [reverse("directory:index"), search, f"{search}?q=beratung", offer]


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_public_pages_logged_in_show_no_german_navigation(client_for_role, role):
    """A logged-in member of staff (any role) who opens the public pages in Arabic, Farsi or
    Turkish sees the navigation, the user menu (role, Log out), the skip link, the language
    switch and the footer in that language, not in German; Arabic and Farsi right-to-left."""
    client = client_for_role(role)
    pages = _offer_pages()
    for language in READER_LANGUAGES:
        foreign = _foreign_strings(language)
        assert {"Abmelden", "Hauptnavigation", "Meine Angebote"} <= foreign
        for url in pages:
            page, shown = _shown_foreign(client, url, language, foreign)
            assert (reverse("accounts:logout") in page) == (role != PUBLIC), url
            assert shown == [], f"{role} {url} shows {shown}"
