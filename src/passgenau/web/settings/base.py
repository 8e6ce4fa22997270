"""Settings shared by every environment; values come from the environment with safe defaults."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]  # src/passgenau
PROJECT_DIR = BASE_DIR.parents[1]  # repository root (when run from a checkout)
VAR_DIR = Path(os.environ.get("PASSGENAU_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of IP addresses or networks; refuses to start on a typo."""
    entries = env_list(name, default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {entry!r} is no address or network") from exc
    return entries


def env_count(name: str, default: int, unit: str) -> int:
    """A number of ``unit`` (1 or more) from the environment; refuses to start on anything
    else."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name}: {value!r} is no number of {unit} (1 or more)")
    return int(value)


def env_days(name: str, default: int) -> int:
    return env_count(name, default, "days")


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# earlier secret keys, comma-separated: sessions signed and TOTP secrets encrypted with them
# stay valid while a new key is rolled out
SECRET_KEY_FALLBACKS = [
    k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
]
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # our own admin site (password log-in and TOTP go through our views)
    "passgenau.apps.core.admin_config.PassgenauAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves its API docs from local static files when installed
    "django_tasks",
    "passgenau.apps.core.admin_config.TasksConfig",  # django_tasks_db, with a translated name
    "passgenau.apps.core",
    "passgenau.apps.accounts",
    "passgenau.apps.audit",
    "passgenau.apps.territories",
    "passgenau.apps.funding",
    "passgenau.apps.relocation",
    "passgenau.apps.directory",
    "passgenau.apps.cases",
    "passgenau.apps.measures",
    "passgenau.apps.notifications",
    "passgenau.apps.privacy",
    # further apps: one line each
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "passgenau.apps.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "passgenau.apps.core.input_limits.InputCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "passgenau.apps.accounts.middleware.TwoFactorMiddleware",
    "passgenau.apps.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "passgenau.apps.core.middleware.OwnErrorPagesMiddleware",
]
# With DEBUG on, show Django's technical 404/500 pages instead of ours (developers only).
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)

ROOT_URLCONF = "passgenau.web.urls"
WSGI_APPLICATION = "passgenau.web.wsgi.application"
ASGI_APPLICATION = "passgenau.web.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "passgenau.apps.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'passgenau.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests wait for each other instead of failing with "database is locked":
    # write-ahead log (readers do not block the writer), a busy timeout, and transactions that
    # take the write lock when they begin (a read-then-write transaction cannot deadlock on the
    # lock upgrade, which SQLite would refuse at once, whatever the timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "30")),
        }
    )

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# argon2 first: new and re-hashed passwords use it; the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password reset links work once and for this many seconds.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60)))
# The link in an invitation to a new account (to set its first password) works once and for
# this many seconds.
ACCOUNT_INVITATION_TIMEOUT = int(
    os.environ.get("ACCOUNT_INVITATION_TIMEOUT", str(7 * 24 * 60 * 60))
)
# Reset e-mails: at most this many requests per e-mail address and per client address within
# the window; past that the answer is the same but no e-mail goes out.
PASSWORD_RESET_MAX_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_MAX_PER_EMAIL", "3"))
PASSWORD_RESET_MAX_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_MAX_PER_ADDRESS", "10"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))

# Lock-out: this many failed log-ins for one user name from one address within the window.
LOCKOUT_MAX_FAILURES = int(os.environ.get("LOCKOUT_MAX_FAILURES", "5"))
LOCKOUT_WINDOW_SECONDS = int(os.environ.get("LOCKOUT_WINDOW_SECONDS", "900"))
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "passgenau")

# Sessions and CSRF: not readable by scripts, same-site, short-lived; secure flags in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)

# Security headers (the CSP and Permissions-Policy come from core.middleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
# The global language switch offers only languages into which every page is translated (a test
# checks the catalogues). Questionnaires and surveys may be shown in more languages (Polish):
# they switch the language for their own page only.
INTERFACE_LANGUAGES = ["de", "en", "uk", "ru"]
# The public directory of offers is also shown in Arabic, Farsi (both right-to-left) and
# Turkish: its pages switch the language for themselves (``?lang=ar``).
DIRECTORY_LANGUAGES = ["de", "en", "uk", "ru", "ar", "fa", "tr"]
# An offer spreadsheet uploaded for the column mapping and not imported within this many hours
# is deleted by `passgenau manage directory_cleanup`, run daily.
DIRECTORY_SHEET_UPLOAD_HOURS = env_count("DIRECTORY_SHEET_UPLOAD_HOURS", 24, "hours")
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "static/"
# Only production collects static files (into STATIC_ROOT); elsewhere whitenoise uses the finders.
STATIC_ROOT: Path | None = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps' static folders unless collectstatic ran (production does).
WHITENOISE_USE_FINDERS = True

# Matching runs go to the database queue; `passgenau manage db_worker` executes them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Retention (docs/privacy.md): how many days the data of each category are kept, counted for a
# household from the end of its part in the round (withdrawal, last follow-up survey after
# arrival, or closing of the round), for a closed case's health data from its closing, for a
# survey from the day it was held (or due), for an audit entry from the day it was written.
# `passgenau retention`, run daily, removes what is due.
# Exports holding personal data are AES-encrypted zips kept this many hours (docs/adr/0008).
PROTECTED_EXPORT_HOURS = env_days("PROTECTED_EXPORT_HOURS", 24)

RETENTION_DAYS = {
    "health_needs": env_days("RETENTION_HEALTH_NEEDS_DAYS", 30),
    "contact_data": env_days("RETENTION_CONTACT_DATA_DAYS", 90),
    "interview_answers": env_days("RETENTION_INTERVIEW_ANSWERS_DAYS", 180),
    "surveys": env_days("RETENTION_SURVEYS_DAYS", 730),
    # case management: from the closing of the case (a reopened case is kept again)
    "case_plans": env_days("RETENTION_CASE_PLANS_DAYS", 365),
    "case_notes": env_days("RETENTION_CASE_NOTES_DAYS", 365),
    "case_referrals": env_days("RETENTION_CASE_REFERRALS_DAYS", 365),
    "case_housing": env_days("RETENTION_CASE_HOUSING_DAYS", 180),
    "case_mentoring": env_days("RETENTION_CASE_MENTORING_DAYS", 180),
    "case_mediation": env_days("RETENTION_CASE_MEDIATION_DAYS", 180),
    # the rest of the file (name, needs, link to the household); a case with specialist hours
    # keeps a pseudonymous shell with them for the funders' statements (never deleted here)
    "case_files": env_days("RETENTION_CASE_FILES_DAYS", 1095),
    "audit_entries": env_days("RETENTION_AUDIT_ENTRIES_DAYS", 730),
}

# Reverse proxies in front of the application: X-Forwarded-For is read only when the request comes
# from one of TRUSTED_PROXIES (addresses or networks, comma-separated), for up to
# TRUSTED_PROXY_COUNT proxies. Otherwise the client address is the socket's (REMOTE_ADDR); it is
# recorded in the audit trail and used by the lock-out.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])

# E-mail (notifications, password reset): the console in development; in production SMTP from
# the environment. SITE_URL makes the links in e-mails absolute.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "passgenau <noreply@localhost>")
SITE_URL = os.environ.get("SITE_URL", "")
