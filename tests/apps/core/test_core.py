"""Start page, health check, security headers, languages, navigation, settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts_helpers import ROLES_AND_PUBLIC
from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.core.navigation import NAVIGATION


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_503_when_the_database_fails(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "vendor": mock.ANY}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/healthz", "/nowhere/"])
def test_security_headers(client, db, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("public", "/"),
        ("public", "/accounts/login/"),
        ("administrator", "/audit/"),
        ("administrator", "/accounts/users/"),
        ("caseworker", "/accounts/me/"),
        ("caseworker", "/accounts/totp/enrol/"),
    ],
)
def test_pages_have_no_inline_code_and_no_third_party_links(client_for_role, role, path):
    client = client_for_role(role)
    if path.endswith("enrol/"):
        from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED

        session = client.session
        session[SESSION_OTP_VERIFIED] = True
        session.save()
    body = client.get(path).content.decode()
    assert not INLINE_SCRIPT.search(body)
    assert not INLINE_STYLE.search(body)
    assert not EXTERNAL.search(body)


def test_static_files_are_served_by_the_application(client, db):
    response = client.get("/static/passgenau/css/passgenau.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"--brand" in body


def test_start_page_is_german_by_default(client, db):
    response = client.get("/")
    assert '<html lang="de" dir="ltr">' in response.content.decode()
    assert "Anmelden" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("en", "Log in"), ("uk", "Увійти"), ("ru", "Войти"), ("de", "Anmelden")],
)
def test_language_switch(client, db, language, phrase):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert f'lang="{language}"' in page
    assert phrase in page


def test_right_to_left_languages_set_dir(client, db, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "Arabic")]
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert 'dir="rtl"' in client.get("/").content.decode()


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_navigation_follows_the_table(client_for_role, role):
    body = client_for_role(role).get("/").content.decode()
    nav = body.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    with translation.override("de"):
        for entry in NAVIGATION:
            try:
                url = reverse(entry.url_name)
            except Exception:
                continue
            shown = f'href="{url}"' in nav
            assert shown == (
                role in roles_with(entry.permission) or "public" in roles_with(entry.permission)
            ), (
                role,
                entry.url_name,
            )


def _import_settings(
    module: str, *, show: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess:
    """Import the settings ``module`` in a fresh interpreter with ``env``; it prints the settings
    named in ``show`` as JSON."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG"} and not k.startswith("EMAIL_")
    }
    environment.pop("DEFAULT_FROM_EMAIL", None)
    environment.update(env)
    code = (
        f"import importlib, json; s = importlib.import_module({module!r}); "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(show)!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )


EMAIL_SETTINGS = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
)


def test_email_settings_come_from_the_environment():
    """Notifications and password resets go out by the SMTP server the environment names."""
    import json

    env = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "passgenau@example.org",
        "EMAIL_HOST_PASSWORD": "s3cret pass",
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "Passgenau Kreis <noreply@example.org>",
    }
    result = _import_settings("passgenau.web.settings.production", show=EMAIL_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",  # production's default
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "passgenau@example.org",
        "EMAIL_HOST_PASSWORD": "s3cret pass",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Passgenau Kreis <noreply@example.org>",
    }
    # the backend too, and TLS off when it says so
    env.update(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_USE_TLS="0")
    result = _import_settings("passgenau.web.settings.production", show=EMAIL_SETTINGS, **env)
    values = json.loads(result.stdout)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_USE_TLS"] is False


def test_without_email_settings_development_writes_mail_to_the_console():
    import json

    result = _import_settings("passgenau.web.settings.dev", show=EMAIL_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "localhost",
        25,
        False,
    )


def test_production_refuses_without_secret_key():
    result = _import_settings("passgenau.web.settings.production", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = _import_settings(
        "passgenau.web.settings.production",
        SECRET_KEY="x" * 50,
        DEBUG="1",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_a_proper_environment():
    result = _import_settings(
        "passgenau.web.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org"
    )
    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql(monkeypatch):
    import dj_database_url

    config = dj_database_url.parse("postgres://app:pw@db.example:5432/passgenau")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "passgenau"


def test_production_health_check_is_not_redirected_to_https():
    code = (
        "import os, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'passgenau.web.settings.production'\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "assert c.get('/healthz').status_code in (200, 503), 'healthz redirected'\n"
        "assert c.get('/').status_code == 301, 'no https redirect'\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    environment.update(
        SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver", PASSGENAU_VAR_DIR="/nonexistent-passgenau"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.django_db
@override_settings(DEBUG=True, DEBUG_ERROR_PAGES=False)
def test_missing_page_shows_our_translated_page_even_with_debug_on(client) -> None:
    """Bug: with DEBUG on (make run) a wrong address showed Django's technical 404 page."""
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html and "URLconf" not in html
    client.cookies["django_language"] = "uk"
    html = client.get("/relocation/no-such/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert 'lang="uk"' in html and "URLconf" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_crash_shows_our_translated_error_page(debug) -> None:
    from django.test import Client

    with override_settings(
        DEBUG=debug, DEBUG_ERROR_PAGES=False, ROOT_URLCONF="apps.core.crash_urls"
    ):
        response = Client(raise_request_exception=False).get("/crash/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Etwas ist schiefgelaufen" in html and "Traceback" not in html and "boom" not in html


@pytest.mark.django_db
def test_favicon_ico_points_at_the_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


@pytest.mark.django_db
def test_every_page_links_our_favicon_and_it_is_served(client) -> None:
    """The layout links our own icon (no browser asks elsewhere), and the link works."""
    html = client.get(reverse("accounts:login")).content.decode()
    [href] = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert href.endswith("/passgenau/favicon.svg") and href.startswith("/static/")
    icon = client.get(href)
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    svg = b"".join(icon.streaming_content).decode() if icon.streaming else icon.content.decode()
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    assert "href=" not in svg  # draws itself: nothing fetched from elsewhere
    assert client.get("/favicon.ico", follow=True).status_code == 200


@pytest.mark.django_db
def test_german_admin_says_speichern_and_no_english(client_for_role) -> None:
    """Bug: the admin said "Sichern" next to our "Speichern" and showed an English sentence."""
    admin = client_for_role("administrator")
    html = admin.get("/admin/accounts/user/add/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Speichern und weiter bearbeiten" in html
    assert "Sichern" not in html and "you’ll be able" not in html


def _error_client(language: str | None, *, cookie: bool = False):
    from django.conf import settings
    from django.test import Client

    client = Client(raise_request_exception=False)
    if language and cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language and not cookie else {}
    return client, headers


ERROR_PAGE_LANGUAGES = [
    pytest.param(None, False, "de", id="default-german"),
    pytest.param("en", False, "en", id="accept-language-en"),
    pytest.param("en", True, "en", id="cookie-en"),
    pytest.param("de", True, "de", id="cookie-de"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "cookie", "expected"), ERROR_PAGE_LANGUAGES)
@override_settings(DEBUG=False, ROOT_URLCONF="apps.core.crash_urls")
def test_error_pages_without_debug_speak_german_or_the_readers_english(
    language, cookie, expected
) -> None:
    client, headers = _error_client(language, cookie=cookie)
    missing = client.get("/no-such-page/", **headers)
    crashed = client.get("/crash/", **headers)
    assert (missing.status_code, crashed.status_code) == (404, 500)
    texts = {
        "de": ("Seite nicht gefunden", "Etwas ist schiefgelaufen"),
        "en": ("Page not found", "Something went wrong"),
    }
    for response, text in zip((missing, crashed), texts[expected], strict=True):
        html = response.content.decode()
        assert text in html and f'lang="{expected}"' in html
        other = texts["en" if expected == "de" else "de"]
        assert not any(t in html for t in other)
        for leak in ("Traceback", "boom", "URLconf", "RuntimeError", "crash_urls"):
            assert leak not in html
