"""One word for one thing in the directory's Arabic, Farsi and Turkish catalogues: an offer (HSDS
service) is always the same word, so are a provider, an organisation, the directory, the Lotse
and Einfache Sprache. The
Turkish catalogue used both "teklif" and "hizmet" for an offer, the Farsi one both "پیشنهاد"
and "خدمت", and each named Einfache Sprache two or three ways."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "passgenau"
# the directory's catalogue and the platform's (its navigation and role names on these pages)
CATALOGUES = [SRC / "apps" / "directory" / "locale", SRC / "locale"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

# language -> the English concept (a pattern on the msgid) -> (the term, a pattern on the
# translation; words never used for it)
TERMS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "tr": {
        r"\boffers?\b": ("hizmet", ("teklif",)),
        r"\bproviders?\b": ("sağlayıcı", ()),
        r"\borgani[sz]ations?\b": ("kuruluş", ("kurum", "örgüt")),
        r"Einfache Sprache": ("Sade Alman", ("Basit Alman",)),
        r"\bdirector(y|ies)\b": ("rehber", ()),
        r"\bLotse\b": ("yol gösterici", ("rehber",)),
    },
    "fa": {
        r"\boffers?\b": ("خدم", ("پیشنهاد",)),
        r"\bproviders?\b": ("ارائه‌دهنده", ("تأمین‌کننده",)),
        r"\borgani[sz]ations?\b": ("سازمان", ("نهاد",)),
        r"Einfache Sprache": ("آلمانی ساده", ("زبان ساده",)),
        r"\bdirector(y|ies)\b": ("فهرست", ("راهنما",)),
        r"\bLotse\b": ("راهنما", ()),
    },
    "ar": {
        r"\boffers?\b": ("عر", ()),  # عرض, عروض
        r"\bproviders?\b": ("مقدم", ("مزود", "مزوّد")),
        r"\borgani[sz]ations?\b": ("منظم", ("مؤسس",)),
        r"Einfache Sprache": ("الألمانية المبسطة", ("بلغة مبسطة",)),
        r"\bdirector(y|ies)\b": ("دليل|أدلة", ()),
        r"\bLotse\b": ("مرشد", ()),
    },
}


def _entries(language: str):
    for catalogue in CATALOGUES:
        for entry in polib.pofile(str(catalogue / language / "LC_MESSAGES" / "django.po")):
            if entry.obsolete:
                continue
            plural = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            yield PLACEHOLDER.sub("", entry.msgid), plural or [entry.msgstr]


@pytest.mark.parametrize("language", sorted(TERMS))
def test_one_term_for_an_offer_a_provider_an_organisation(language):
    wrong = []
    for msgid, texts in _entries(language):
        for concept, (term, others) in TERMS[language].items():
            if not re.search(concept, msgid, re.IGNORECASE):
                continue
            for text in texts:
                lowered = text.lower()
                used = re.search(term, text, re.IGNORECASE)
                if not used or any(other.lower() in lowered for other in others):
                    wrong.append((concept, msgid, text))
    assert wrong == []


def test_the_turkish_catalogue_never_says_teklif():
    said = [(msgid, t) for msgid, texts in _entries("tr") for t in texts if "teklif" in t.lower()]
    assert said == []
