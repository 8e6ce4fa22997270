"""The public directory as its readers use it without an account: printed (the search results
and an offer's page on paper), on a phone, and by a newcomer in Arabic or Farsi."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# The demo's "Migrationsberatung für Erwachsene" is open on Monday and Wednesday 09:00–12:00:
# Monday as each directory language names it.
MONDAY = {
    "de": "Montag",
    "de-x-simple": "Montag",
    "en": "Monday",
    "uk": "понеділок",
    "ru": "понедельник",
    "tr": "Pazartesi",
    "ar": "الاثنين",
    "fa": "دوشنبه",
}


@pytest.fixture
def directory(transactional_db):
    from directory_helpers import make_directory

    return make_directory()


def pdf_text(data: bytes) -> str:
    """The text of a PDF as printed (pdfium's text layer, page after page)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def squeezed(text: str) -> str:
    """Text without white space: a line broken on paper reads as one."""
    return re.sub(r"\s+", "", text)


def after_content(locator) -> str:
    """What CSS prints after an element (its ``::after`` content, quotes removed)."""
    content = locator.evaluate("e => getComputedStyle(e, '::after').content")
    return "" if content in ("none", "normal") else content.strip('"')


def phone_reads_left_to_right(container) -> bool:
    """The phone number is set left to right, also on a right-to-left page (else "05341 839-0"
    reads "839-0 05341")."""
    link = container.locator("a[href^='tel:']").first
    return (
        link.inner_text() == "05341 839-0"
        and link.evaluate("e => getComputedStyle(e).direction") == "ltr"
    )


@pytest.mark.parametrize("language", list(MONDAY))
def test_the_results_and_an_offer_print_well(watched, directory, language):
    """Printed, the results keep what a reader needs on paper: no navigation, filters or
    language menu; under each offer's link its full address (a relative one leads nowhere from
    paper); the opening hours with the day's name in the page's language, the address and the
    phone. An offer's own page likewise."""
    page = watched.page
    base = watched.base_url
    assert watched.goto(f"/directory/salzgitter/?place=38226&lang={language}").status == 200
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", "nav.directory-languages",
                   "form.directory-search", "svg.directory-map"):  # fmt: skip
        assert page.locator(hidden).count() == 1, hidden
        assert not page.locator(hidden).is_visible(), f"{hidden} is printed"
    results = page.locator("ol.results > li")
    assert results.count() == 6
    for index in range(results.count()):
        link = results.nth(index).get_by_role("link").first
        href = link.get_attribute("href")
        assert re.fullmatch(r"/directory/salzgitter/\d+/\?lang=[a-z-]+", href), href
        assert after_content(link) == base + href
    mbe = results.filter(has_text="09:00–12:00").first
    card = " ".join(mbe.inner_text().split())
    assert f"{MONDAY[language]} 09:00–12:00" in card
    assert "Hinter dem Salzgittersee 12, 38226 Salzgitter" in card
    assert "05341 839-0" in card
    printed = pdf_text(page.pdf())
    assert squeezed("Hinter dem Salzgittersee 12, 38226 Salzgitter") in squeezed(printed)
    for index in range(results.count()):  # the full addresses are on the paper
        href = results.nth(index).get_by_role("link").first.get_attribute("href")
        assert squeezed(base + href) in squeezed(printed), href
    assert phone_reads_left_to_right(mbe)
    if language not in ("ar", "fa"):  # pdfium gives right-to-left lines in visual order
        assert "05341 839-0" in printed
        name = mbe.get_by_role("link").first.inner_text()
        url = base + mbe.get_by_role("link").first.get_attribute("href")
        assert squeezed(f"{name}{url}") in squeezed(printed)  # the address under the name
        assert f"{MONDAY[language]} 09:00–12:00" in " ".join(printed.split())
        for navigation in ("Anmelden", "Log in", "Suchen", "English", "Einfache Sprache"):
            assert navigation not in printed

    page.emulate_media(media="screen")
    mbe.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/salzgitter/\d+/"))
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", "nav.directory-languages"):
        assert not page.locator(hidden).is_visible(), f"{hidden} is printed"
    facts = " ".join(page.locator("dl.offer-facts").inner_text().split())
    assert f"{MONDAY[language]} 09:00–12:00" in facts
    assert "Hinter dem Salzgittersee 12, 38226 Salzgitter" in facts
    assert "05341 839-0" in facts
    assert phone_reads_left_to_right(page.locator("dl.offer-facts"))
    printed = pdf_text(page.pdf())
    assert squeezed("Hinter dem Salzgittersee 12, 38226 Salzgitter") in squeezed(printed)
    if language not in ("ar", "fa"):
        assert "05341 839-0" in printed
        assert f"{MONDAY[language]} 09:00–12:00" in " ".join(printed.split())
        assert "Einfache Sprache" not in printed and "English" not in printed
