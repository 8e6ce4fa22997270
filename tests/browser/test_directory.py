"""The directory in a real browser: a newcomer searching in Arabic on a phone (right-to-left),
a provider's change approved by the editor, a Lotse printing a referral slip, the round-table
report; axe-core finds no serious violation on the pages."""

from __future__ import annotations

import pytest

from browser.watch import WatchedPage, serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(transactional_db):
    from directory_helpers import make_directory

    return make_directory()


def log_in(watched, username: str) -> None:
    from accounts_helpers import TEST_PASSWORD

    page = watched.page
    watched.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(watched.base_url + "/")


def test_a_newcomer_searches_in_arabic_on_a_phone(browser, live_server, directory):
    context = browser.new_context(
        locale="ar", base_url=live_server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    watched = WatchedPage(page, live_server.url)
    try:
        assert watched.goto("/directory/salzgitter/?lang=ar").status == 200
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"
        page.get_by_label("الرمز البريدي أو المدينة").fill("38226")
        page.get_by_label("اللغة المحكية").select_option("ar")
        page.get_by_role("button", name="بحث").click()
        page.wait_for_url("**language=ar**")
        results = page.locator("ol.results > li")
        assert results.count() == 3
        first = results.first.inner_text()
        assert "استشارة الهجرة للبالغين" in first  # Arabic text, nearest first
        assert results.nth(1).get_by_text("بالألمانية فقط").is_visible()  # fallback marked
        assert page.locator("svg.directory-map circle").count() == 3
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"
        assert serious_violations(page) == []
        results.first.get_by_role("heading", level=3).get_by_role("link").click()
        assert page.get_by_role("heading", level=1).inner_text() == "استشارة الهجرة للبالغين"
        assert serious_violations(page) == []
    finally:
        context.close()
    assert watched.foreign_requests() == []
    assert watched.csp_violations == []


def test_provider_edits_and_editor_approves(watched, directory):
    from accounts_helpers import make_user
    from directory_helpers import role_organisation

    make_user("provider", username="caritas", organisation=role_organisation("provider"))
    make_user(
        "directory_editor", username="stadt", organisation=role_organisation("directory_editor")
    )
    page = watched.page
    log_in(watched, "caritas")
    watched.goto("/directory/offers/mine/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Bearbeiten Migrationsberatung für Erwachsene").click()
    page.get_by_label("Name", exact=True).fill("Migrationsberatung für Erwachsene (MBE)")
    page.get_by_label("Українська").check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Zur Prüfung senden").click()
    assert "Redaktion" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Abmelden").click()

    # until an editor approves, the public sees the offer as it was
    watched.goto("/directory/salzgitter/?q=Migrationsberatung")
    results = page.locator("ol.results")
    assert results.get_by_text("Migrationsberatung für Erwachsene", exact=True).is_visible()
    assert results.get_by_text("(MBE)").count() == 0
    watched.goto("/directory/salzgitter/?q=MBE")
    assert page.locator("ol.results").count() == 0 or results.get_by_text("(MBE)").count() == 0

    log_in(watched, "stadt")
    watched.goto("/directory/changes/")
    page.get_by_role("link", name="Migrationsberatung für Erwachsene").click()
    assert serious_violations(page) == []
    page.get_by_label("Freigeben und veröffentlichen").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    page.wait_for_url("**/directory/changes/")
    watched.goto("/directory/salzgitter/?q=MBE")
    assert (
        page.locator("ol.results")
        .get_by_text("Migrationsberatung für Erwachsene (MBE)")
        .is_visible()
    )


def test_lotse_prints_a_slip_and_the_round_table_report(watched, directory):
    from accounts_helpers import make_user
    from directory_helpers import role_organisation

    make_user("lotse", username="lotsin", organisation=role_organisation("lotse"))
    page = watched.page
    log_in(watched, "lotsin")
    watched.goto("/directory/lotse/")
    page.locator("fieldset").first.get_by_label("Beratung", exact=True).check()
    page.locator("fieldset").nth(1).get_by_label("العربية").check()
    page.get_by_label("Zweite Sprache des Vermittlungszettels").select_option("ar")
    page.get_by_label("Postleitzahl oder Ort").fill("38226")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Angebote finden").click()
    table = page.get_by_role("table", name="Angebote nach Passung geordnet")
    assert (
        table.get_by_role("rowheader")
        .first.inner_text()
        .startswith("Migrationsberatung für Erwachsene")
    )
    assert serious_violations(page) == []
    table.get_by_role("button").first.click()
    link = page.get_by_role("link", name="Vermittlungszettel (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    page.get_by_role("button", name="Abmelden").click()

    make_user(
        "directory_editor", username="stadt", organisation=role_organisation("directory_editor")
    )
    log_in(watched, "stadt")
    watched.goto("/directory/salzgitter/round-table/")
    assert "6 Angebote an 5 Standorten in 6 Sprachen." in page.locator("p.lead").inner_text()
    assert page.get_by_role("table", name="Wahrscheinliche Dubletten").is_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_a_logged_in_editor_reads_the_public_pages_right_to_left(watched, directory, language):
    """Staff who open the public pages in Arabic or Farsi see the whole page in that language
    and right-to-left: navigation, user menu, log-out button, language switch, footer."""
    import re

    from accounts_helpers import make_user
    from directory_helpers import role_organisation

    make_user(
        "directory_editor", username="stadt", organisation=role_organisation("directory_editor")
    )
    page = watched.page
    log_in(watched, "stadt")
    assert watched.goto(f"/directory/salzgitter/?q=beratung&lang={language}").status == 200
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == language
    latin = re.compile("[A-Za-zÄÖÜäöüß]{2,}")
    header = page.locator("header.site-header").inner_text().replace("passgenau", "")
    header = header.replace("stadt", "")  # the user name
    footer = page.locator("footer.site-footer").inner_text().replace("passgenau", "")
    footer = re.sub(r"AGPL-3\.0-or-later|Deutsch|English", "", footer)
    assert latin.findall(header) == [], header
    assert latin.findall(footer) == [], footer
    logout = {"ar": "تسجيل الخروج", "fa": "خروج"}[language]
    assert page.get_by_role("button", name=logout).is_visible()
    assert serious_violations(page) == []
    page.locator("ol.results > li").first.get_by_role("link").first.click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    header = page.locator("header.site-header").inner_text()
    assert latin.findall(header.replace("passgenau", "").replace("stadt", "")) == [], header
