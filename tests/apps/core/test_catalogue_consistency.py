"""One translation per message: Django merges the platform's and every app's catalogue of a
language into one, so a message (with the same context) translated differently in two catalogues
shows only one of them everywhere (the platform's, else the first app's in INSTALLED_APPS). A
message that needs two translations gets a context (pgettext, {% translate … context … %})."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "passgenau"
CATALOGUES = [SRC / "locale", *sorted((SRC / "apps").glob("*/locale"))]
LANGUAGES = sorted({p.name for c in CATALOGUES for p in c.iterdir() if p.is_dir()})


def _name(catalogue: Path) -> str:
    return "platform" if catalogue == SRC / "locale" else catalogue.parent.name


def _translation(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_has_one_translation_in_all_catalogues(language):
    found: dict[tuple[str | None, str], dict[str, tuple[str, ...]]] = defaultdict(dict)
    for catalogue in CATALOGUES:
        po_file = catalogue / language / "LC_MESSAGES" / "django.po"
        if not po_file.exists():
            continue
        for entry in polib.pofile(str(po_file)):
            if not entry.obsolete and entry.translated():
                found[(entry.msgctxt, entry.msgid)][_name(catalogue)] = _translation(entry)
    differing = {}
    for key, translations in found.items():
        # catalogues may count plural forms differently (uk: 3 or 4, the 4th for fractions)
        shortest = min(len(t) for t in translations.values())
        if len({t[:shortest] for t in translations.values()}) > 1:
            differing[key] = translations
    assert differing == {}, f"{language}: {len(differing)} messages translated differently"
