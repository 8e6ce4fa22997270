"""The core app registers no models (the admin site itself is in admin_site.py); it holds what the
apps' model admins share."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ChangesNothing:
    """Mixin for model admins and inlines that show records and change none: the app changes them
    only through its services (or its importer), which check the rules and record every change."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ChangesNothing, admin.ModelAdmin):
    """A model admin that changes nothing."""
