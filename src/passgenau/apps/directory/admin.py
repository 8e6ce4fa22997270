"""Admin: directories are set up here by the operator; offers change through the review
workflow (read-only here, so that every change goes through the history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ChangeRequest, Directory, Organization, Service


@admin.register(Directory)
class DirectoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kreis", "gemeinde", "stale_after_days"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["kreis", "gemeinde"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "directory", "provider"]
    list_filter = ["directory"]
    search_fields = ["name"]
    fields = ["name", "provider"]
    readonly_fields = ["name"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(ReadOnly):
    list_display = ["name", "directory", "organization", "status", "last_confirmed"]
    list_filter = ["directory", "status"]
    search_fields = ["name"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnly):
    list_display = ["pk", "directory", "organization", "status", "proposed_at"]
    list_filter = ["status"]
