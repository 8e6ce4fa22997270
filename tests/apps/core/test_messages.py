"""Message catalogues: complete for the platform's own strings, and the committed .mo files
compiled from the current .po files (so a fresh clone shows translated pages)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[3] / "src" / "passgenau" / "locale"
TRANSLATED = ["de", "uk", "ru"]  # English is the source language
# Strings of these modules must be translated here; other modules' strings are reported by
# `make messages` and translated by whoever owns them.
OWN_PREFIXES = ("apps/accounts/", "apps/audit/", "apps/core/", "web/")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: references, flags, msgid, msgid_plural and msgstr(s)."""
    entries: list[dict] = []
    current: dict = {"refs": [], "flags": "", "strings": {}}
    key = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in current["strings"]:
                entries.append(current)
            current, key = {"refs": [], "flags": "", "strings": {}}, None
        elif line.startswith("#:"):
            current["refs"] += line[2:].split()
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current["strings"][key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current["strings"][key] = ast.literal_eval(value)
    return [e for e in entries if e["strings"]["msgid"]]


@pytest.mark.parametrize("language", TRANSLATED)
def test_own_strings_are_translated(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    missing = [
        entry["strings"]["msgid"]
        for entry in parse_po(po)
        if any(ref.startswith(OWN_PREFIXES) for ref in entry["refs"])
        and (
            "fuzzy" in entry["flags"]
            or not all(v for k, v in entry["strings"].items() if k.startswith("msgstr"))
        )
    ]
    assert missing == [], f"untranslated in {po}: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_mo_matches_po(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in parse_po(folder / "django.po"):
        strings = entry["strings"]
        if "fuzzy" in entry["flags"] or "msgid_plural" in strings or not strings["msgstr"]:
            continue
        found = (
            catalogue.pgettext(strings["msgctxt"], strings["msgid"])
            if "msgctxt" in strings
            else catalogue.gettext(strings["msgid"])
        )
        assert found == strings["msgstr"], (
            f"{folder}/django.mo is older than django.po: run `make messages`"
        )
