"""Read-only admin: territories change only through the importer, which reports every change."""

from __future__ import annotations

from django.contrib import admin

from passgenau.apps.core.admin import ReadOnlyAdmin

from .models import Gemeinde, Kreis, Land, Regierungsbezirk


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
