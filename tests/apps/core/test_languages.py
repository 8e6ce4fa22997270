"""The languages the global switch offers are complete: every catalogue of the platform and of
every app translates every message into them (or the language is not offered)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

SRC = Path(__file__).resolve().parents[3] / "src" / "passgenau"
# English is the source language: an empty translation shows the (English) message itself.
TRANSLATED = [code for code in settings.INTERFACE_LANGUAGES if code != "en"]


def _catalogues() -> list[Path]:
    return [SRC / "locale", *sorted(p for p in (SRC / "apps").glob("*/locale"))]


def test_the_switch_offers_only_configured_languages() -> None:
    codes = {code for code, _name in settings.LANGUAGES}
    assert set(settings.INTERFACE_LANGUAGES) <= codes
    assert settings.LANGUAGE_CODE in settings.INTERFACE_LANGUAGES


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("catalogue", _catalogues(), ids=lambda p: p.parent.name)
def test_every_message_is_translated(catalogue: Path, language: str) -> None:
    po_file = catalogue / language / "LC_MESSAGES" / "django.po"
    assert po_file.exists(), f"{po_file} is missing: {language} is offered in the switch"
    po = polib.pofile(str(po_file))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert not missing, f"{po_file}: {len(missing)} untranslated or fuzzy, e.g. {missing[:3]}"


@pytest.mark.django_db
def test_switch_lists_the_interface_languages(client) -> None:
    html = client.get("/").content.decode()
    switch = html.split('id="language-select"')[1].split("</select>")[0]
    for code in settings.INTERFACE_LANGUAGES:
        assert f'value="{code}"' in switch
    assert 'value="pl"' not in switch  # Polish translates only the questionnaire
