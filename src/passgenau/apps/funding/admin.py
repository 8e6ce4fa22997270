"""Read-only admin: funding data changes only through the services, which audit every change."""

from __future__ import annotations

from django.contrib import admin

from passgenau.apps.core.admin import ReadOnlyAdmin

from .models import Allocation, Distribution, Grant, Programme


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyAdmin):
    list_display = ["name", "level", "land_name", "key_kind", "method", "amount", "created_at"]
    list_filter = ["level", "key_kind", "method"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "funder", "budget", "period_start", "period_end"]
    list_select_related = ["funder"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["programme", "territory_key", "name", "amount"]
    list_select_related = ["programme"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "organisation", "amount", "status", "notice_number"]
    list_filter = ["status"]
    list_select_related = ["programme", "organisation"]
