"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL is set)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
