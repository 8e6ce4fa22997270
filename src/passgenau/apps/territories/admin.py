"""Read-only admin: territories change only through the importer, which reports every change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Gemeinde, Kreis, Land, Regierungsbezirk


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Land)
class LandAdmin(ReadOnlyAdmin):
    list_display = ["ags", "name", "population", "area_km2", "reference_date"]
    search_fields = ["ags", "name"]


@admin.register(Regierungsbezirk)
class RegierungsbezirkAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "land"]
    list_select_related = ["land"]
    search_fields = ["key", "name"]


@admin.register(Kreis)
class KreisAdmin(ReadOnlyAdmin):
    list_display = ["ags", "name", "kind", "land", "population", "area_km2", "reference_date"]
    list_filter = ["kind", "land"]
    list_select_related = ["land"]
    search_fields = ["ags", "name"]


@admin.register(Gemeinde)
class GemeindeAdmin(ReadOnlyAdmin):
    list_display = ["ags", "name", "kind", "kreis", "population", "area_km2", "reference_date"]
    list_filter = ["kind", "urbanisation", "land"]
    list_select_related = ["kreis"]
    search_fields = ["ags", "ars", "name", "postcode"]
