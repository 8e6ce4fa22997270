"""Admin: plans and their parts for the operator; issued reports are read-only (kept as issued)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Actor, Area, Indicator, IndicatorValue, Measure, MeasureUpdate, Plan, Report


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "coordinating_organisation", "status", "period_start", "period_end"]
    list_filter = ["status"]
    list_select_related = ["coordinating_organisation"]
    search_fields = ["name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_select_related = ["plan"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "plan"]
    list_select_related = ["plan", "organisation"]
    search_fields = ["name"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "status", "area", "plan"]
    list_filter = ["status"]
    list_select_related = ["plan", "area"]
    search_fields = ["code", "title"]
    # the status changes only through the transition table (services.measure_status_change)
    readonly_fields = ["status"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MeasureUpdate)
class MeasureUpdateAdmin(ReadOnlyAdmin):
    list_display = ["measure", "on", "status_before", "status_after"]
    list_select_related = ["measure"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "definition_code", "plan"]
    list_select_related = ["plan"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "on", "value", "definition_code"]
    list_select_related = ["indicator"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["plan", "as_of", "format", "issued_at", "sha256"]
    list_select_related = ["plan"]
    exclude = ["content"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
