"""Starting Django for the commands that need the web application (called inside the command
functions, never at import time, so that the other commands do not load it)."""

from __future__ import annotations

import os

DEFAULT_SETTINGS = "passgenau.web.settings.dev"


def use_default_settings() -> None:
    """The development settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)


def setup_django() -> None:
    use_default_settings()
    import django

    django.setup()
