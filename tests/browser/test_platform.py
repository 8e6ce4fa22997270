"""Log-in as every demo role, the navigation each role sees, the language switch, and axe-core
checks of the public pages, in a real browser."""

from __future__ import annotations

import pyotp
import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED
from passgenau.apps.accounts.roles import Role
from passgenau.apps.core.navigation import navigation_for_request


def expected_navigation(user) -> set[str]:
    """The links the permission table promises to ``user`` (None: an anonymous visitor)."""
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = {SESSION_OTP_VERIFIED: True}
    return {entry["url"] for entry in navigation_for_request(request)}


def shown_navigation(page) -> set[str]:
    links = page.locator("nav.main-nav a")
    return set(links.evaluate_all("links => links.map(a => a.getAttribute('href'))"))


@pytest.fixture
def demo_logins(transactional_db):
    from passgenau.apps.accounts.demo import load_demo_accounts

    logins, _ = load_demo_accounts()
    return {login.role: login for login in logins}


def log_in(watched, login) -> None:
    page = watched.page
    watched.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill(login.username)
    page.get_by_label("Passwort").fill(login.password)
    page.get_by_role("button", name="Anmelden").click()
    if login.totp_secret:
        page.wait_for_url("**/accounts/login/code/")
        page.get_by_label("Sechsstelliger Code").fill(pyotp.TOTP(login.totp_secret).now())
        page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(watched.base_url + "/")


@pytest.mark.parametrize("role", list(Role.values))
def test_each_demo_role_logs_in_and_sees_its_navigation(watched, demo_logins, role):
    from passgenau.apps.accounts.models import User

    login = demo_logins[role]
    log_in(watched, login)
    page = watched.page
    assert page.locator(".account .who").inner_text().startswith(login.username)
    shown = shown_navigation(page)
    assert shown == expected_navigation(User.objects.get(username=login.username))
    # the administrator's pages really are the administrator's
    assert (reverse("audit:entry_list") in shown) is (role == Role.ADMINISTRATOR)
    assert reverse("accounts:profile") in shown
    # and log out again
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(watched.base_url + "/")
    assert shown_navigation(page) == expected_navigation(None)


def test_anonymous_navigation(watched, transactional_db):
    watched.goto("/")
    shown = shown_navigation(watched.page)
    assert shown == expected_navigation(None)
    assert reverse("accounts:profile") not in shown


def test_keyboard_reaches_the_skip_link_first(watched, transactional_db):
    page = watched.page
    watched.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    ("language", "login_label", "html_lang"),
    [("en", "Log in", "en"), ("uk", "Увійти", "uk"), ("ru", "Войти", "ru")],
)
def test_language_switch(watched, transactional_db, language, login_label, html_lang):
    page = watched.page
    watched.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_label("Sprache").select_option(language)
    page.get_by_role("button", name="Sprache wechseln").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == html_lang
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("link", name=login_label).first.is_visible()


def _territory_pages() -> list[str]:
    try:
        index = reverse("territories:index")
    except NoReverseMatch:
        return []
    return [index, "territory-detail"]


AXE_PAGES = ["/", "/accounts/login/", *_territory_pages()]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_serious_violation(watched, transactional_db, path):
    from axe_playwright_python.sync_playwright import Axe

    if path == "territory-detail":
        from passgenau.apps.territories.demo import territories_load_demo
        from passgenau.apps.territories.models import Kreis

        territories_load_demo()
        path = reverse("territories:detail", kwargs={"key": Kreis.objects.first().ags})
    response = watched.goto(path)
    assert response.status == 200
    results = Axe().run(watched.page)
    serious = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == []


def test_axe_on_a_logged_in_page(watched, demo_logins):
    from axe_playwright_python.sync_playwright import Axe

    log_in(watched, demo_logins[Role.ADMINISTRATOR])
    watched.goto(reverse("audit:entry_list"))
    violations = Axe().run(watched.page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []


def test_request_watch_flags_other_hosts():
    """The watch itself: only the live server's own address counts as local."""
    from browser.watch import WatchedPage

    class FakePage:
        def on(self, *_):
            pass

    watched = WatchedPage(FakePage(), "http://127.0.0.1:5000")
    watched.requests += [
        "http://127.0.0.1:5000/static/x.css",
        "data:image/png;base64,AAAA",
        "http://localhost:5000/",
        "https://fonts.example.org/a.woff2",
        "http://127.0.0.1:6000/",
    ]
    assert watched.foreign_requests() == [
        "http://localhost:5000/",
        "https://fonts.example.org/a.woff2",
        "http://127.0.0.1:6000/",
    ]
