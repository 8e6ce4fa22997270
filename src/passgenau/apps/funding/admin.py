"""Read-only admin: funding data changes only through the services, which audit every change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Allocation, Distribution, Grant, Programme


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
