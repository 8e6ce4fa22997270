"""Keep the platform's Arabic, Farsi and Turkish catalogues to the strings the public directory
pages show: the base layout, the navigation (any role's: staff open the public pages too) and the
role names of the user menu. The directory's own strings are in its catalogue
(apps/directory/locale); a message that catalogue already translates is left out here.

Run by ``make messages`` after makemessages has refreshed the German catalogue: adds the public
strings new in the source (untranslated), drops those gone, refreshes the source references, and
fails listing the strings still to translate. tests/apps/directory/test_public_languages.py
renders the public pages as each role in these languages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

SRC = Path(__file__).resolve().parents[1] / "src" / "passgenau"
LANGUAGES = ["ar", "fa", "tr"]
# The sources whose strings the public directory pages show (paths as in the catalogues).
PUBLIC_SOURCES = {"web/templates/base.html", "apps/core/navigation.py", "apps/accounts/roles.py"}


def _catalogue(root: Path, language: str) -> Path:
    return root / language / "LC_MESSAGES" / "django.po"


def public_entries() -> dict[tuple[str | None, str], polib.POEntry]:
    german = polib.pofile(str(_catalogue(SRC / "locale", "de")))
    return {
        (entry.msgctxt, entry.msgid): entry
        for entry in german
        if not entry.obsolete and any(path in PUBLIC_SOURCES for path, _ in entry.occurrences)
    }


def keep(language: str, wanted: dict[tuple[str | None, str], polib.POEntry]) -> list[str]:
    """Restrict the ``language`` catalogue to ``wanted``; the msgids still to translate."""
    path = _catalogue(SRC / "locale", language)
    catalogue = polib.pofile(str(path), wrapwidth=79)
    directory = polib.pofile(str(_catalogue(SRC / "apps" / "directory" / "locale", language)))
    elsewhere = {(e.msgctxt, e.msgid) for e in directory if e.translated() and not e.obsolete}
    have = {(entry.msgctxt, entry.msgid): entry for entry in catalogue}
    for key, entry in have.items():
        if key not in wanted or key in elsewhere:
            catalogue.remove(entry)
    for key, source in wanted.items():
        if key in elsewhere:
            continue
        entry = have.get(key)
        if entry is None:
            entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, msgstr="")
            if source.msgid_plural:
                entry.msgid_plural = source.msgid_plural
                entry.msgstr_plural = {0: ""}
            catalogue.append(entry)
        entry.occurrences = list(source.occurrences)
        entry.flags = [flag for flag in source.flags if flag != "fuzzy"]
    order = {key: number for number, key in enumerate(wanted)}  # as makemessages wrote them
    catalogue.sort(key=lambda e: order.get((e.msgctxt, e.msgid), -1))
    catalogue.save(str(path))
    if shutil.which("msgcat"):  # wrapped as gettext's tools wrap (makemessages, msgmerge)
        subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)  # noqa: S603, S607
    return [entry.msgid for entry in catalogue if not entry.translated()]


def main() -> int:
    wanted = public_entries()
    missing = {language: keep(language, wanted) for language in LANGUAGES}
    for language, msgids in missing.items():
        for msgid in msgids:
            print(f"{language}: not translated: {msgid!r}", file=sys.stderr)
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
