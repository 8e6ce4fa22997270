"""The public directory as its readers use it without an account: printed (the search results
and an offer's page on paper), on a phone, and by a newcomer in Arabic or Farsi."""

from __future__ import annotations

import re

import pytest

from browser.watch import serious_violations
from pdf_helpers import pdf_text

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


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# The newcomer's language: the name the menu shows, the topic "Beratung" and a word of the
# offer's text in that language.
NEWCOMER = {
    "ar": {"menu": "العربيّة", "topic": "استشارة", "word": "الهجرة",
           "offer": "استشارة الهجرة للبالغين"},
    "fa": {"menu": "فارسی", "topic": "مشاوره", "word": "مهاجرت",
           "offer": "مشاوره مهاجرت برای بزرگسالان"},
}  # fmt: skip
LATIN = re.compile("[A-Za-zÄÖÜäöüß]{2,}")


def same_origin(urls: list[str], base_url: str) -> list[str]:
    """The requests not to the origin (scheme, host and port) of ``base_url``."""
    from urllib.parse import urlsplit

    origin = urlsplit(base_url)[:2]
    return [url for url in urls if urlsplit(url)[:2] != origin]


@pytest.fixture
def phone(browser, live_server):
    """A page on a phone set to German, nobody logged in, and every address it requested; when
    the test ends, each must be of the site itself."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page, requests
    context.close()
    assert same_origin(requests, live_server.url) == []


@pytest.mark.parametrize("language", list(NEWCOMER))
def test_a_newcomer_on_a_phone_finds_an_offer_in_arabic_or_farsi(phone, directory, language):
    """No account, a phone set to German: the newcomer switches the directory to Arabic or Farsi,
    reads the page right to left in that language, looks for advice by topic (offers not
    translated are marked German, lang="de"), then by a word of their language, and opens the
    offer. Every request goes to the site itself."""
    from passgenau.apps.directory.models import Service
    from passgenau.apps.directory.services.offers import service_text_save

    words = NEWCOMER[language]
    if language == "fa":  # the fixture holds Arabic texts only
        service_text_save(
            actor=None, service=Service.objects.get(name="Migrationsberatung für Erwachsene"),
            language="fa", name=words["offer"],
            description="در اقامت، کار، مسکن و مدرسه به شما کمک می‌کنیم. رایگان و محرمانه.",
        )  # fmt: skip
    page, requests = phone
    page.goto("/directory/salzgitter/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("link", name="Anmelden").is_visible()  # nobody logged in
    menu = page.get_by_role("navigation", name="Sprache des Verzeichnisses")
    menu.get_by_role("link", name=words["menu"], exact=True).tap()
    page.wait_for_url(f"**lang={language}**")
    html = page.locator("html")
    assert (html.get_attribute("dir"), html.get_attribute("lang")) == ("rtl", language)
    form = page.get_by_role("search")
    interface = [page.get_by_role("heading", level=1).inner_text().replace("Salzgitter", ""),
                 *form.locator("label").all_inner_texts(),
                 form.get_by_role("button").inner_text()]  # fmt: skip
    assert all(text.strip() for text in interface)
    assert [text for text in interface if LATIN.search(text)] == []

    results = page.locator("ol.results > li")
    names = results.locator("h3 a")
    form.locator("select[name=topic]").select_option(label=words["topic"])
    form.get_by_role("button").tap()
    page.wait_for_url("**topic=beratung**")
    assert names.all_inner_texts() == [words["offer"]]
    assert names.first.get_attribute("lang") is None  # in the page's language
    heading = page.get_by_role("heading", level=2).inner_text()
    assert heading.strip() and not LATIN.search(heading)

    form = page.get_by_role("search")
    form.locator("input[name=q]").fill(words["word"])
    form.get_by_role("button").tap()
    page.wait_for_url("**q=*%**")
    assert names.all_inner_texts() == [words["offer"]]

    # everything near the postcode: the offers not translated are shown in German, marked
    form = page.get_by_role("search")
    form.locator("input[name=q]").fill("")
    form.locator("select[name=topic]").select_option("")
    form.locator("input[name=place]").fill("38226")
    form.get_by_role("button").tap()
    page.wait_for_url("**place=38226**")
    assert results.count() == 6
    in_german = [n for n in range(6) if names.nth(n).get_attribute("lang") == "de"]
    assert len(in_german) == 5
    assert words["offer"] in names.all_inner_texts()
    for n in in_german:  # each marked in the reader's language as only in German
        badge = results.nth(n).locator(".dir-badge-fallback")
        assert badge.is_visible() and not LATIN.search(badge.inner_text())
        assert LATIN.search(names.nth(n).inner_text())  # the German name
    names.get_by_text(words["offer"], exact=True).tap()
    page.wait_for_url(re.compile(r".*/salzgitter/\d+/\?lang=" + language))
    assert (html.get_attribute("dir"), html.get_attribute("lang")) == ("rtl", language)
    assert page.get_by_role("heading", level=1).inner_text() == words["offer"]
    assert page.locator("dl.offer-facts").get_by_text("05341 839-0").is_visible()
    assert serious_violations(page) == []
    assert len(requests) >= 8  # pages and their style sheets


# Every target a finger taps: its box (a checkbox's or an input's own, not its label's).
TARGETS_JS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect();
    return {name: e.name || e.textContent.trim().slice(0, 40),
            width: r.width, height: r.height}; })"""
FILTERS = ["q", "topic", "language", "place", "km", "group", "open_now", "free", "barrier_free"]


def small_targets(page) -> list[dict]:
    """Targets smaller than 24 × 24 CSS pixels (WCAG 2.2, 2.5.8 Target Size (Minimum))."""
    return [t for t in page.evaluate(TARGETS_JS) if t["width"] < 24 or t["height"] < 24]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth > innerWidth")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_search_works_on_a_phone(phone, directory, language):
    """On a phone (390 × 844, touch) the search form, the results and an offer's page fit the
    screen's width, every target is at least 24 × 24 pixels, and the filters are reached and
    used with the keyboard alone (Tab in the order shown, focus visible, Space ticks a box,
    Enter searches)."""
    page, _requests = phone
    pages = [f"/directory/salzgitter/?lang={language}",
             f"/directory/salzgitter/?place=38226&lang={language}"]  # fmt: skip
    for path in pages:
        page.goto(path)
        assert not scrolls_sideways(page), path
        assert small_targets(page) == [], path
    assert page.locator("ol.results > li").count() == 6
    page.locator("ol.results h3 a").first.tap()
    page.wait_for_url(re.compile(r".*/salzgitter/\d+/"))
    assert not scrolls_sideways(page)
    assert small_targets(page) == []

    page.goto(f"/directory/salzgitter/?lang={language}")
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.name || '', e.type || '', s.outlineStyle, s.outlineWidth]; }"
        )
        if focused[0] in FILTERS or focused[1] == "submit":
            assert focused[2] != "none" and focused[3] != "0px", f"{focused} focus not shown"
        if focused[0] in FILTERS and focused[0] not in reached:
            reached.append(focused[0])
        if focused[1] == "submit":
            break
    assert reached == FILTERS  # every filter, in the order the form shows them
    page.locator("input[name=free]").focus()
    page.keyboard.press("Space")
    assert page.locator("input[name=free]").is_checked()
    page.locator("input[name=place]").focus()
    page.keyboard.type("38226")
    page.keyboard.press("Enter")
    page.wait_for_url("**free=on**")
    assert "place=38226" in page.url
    assert page.locator("ol.results > li").count() == 5  # the VHS course is not free
    assert not scrolls_sideways(page)
