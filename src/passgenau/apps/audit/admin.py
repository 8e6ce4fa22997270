from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from passgenau.apps.accounts.access import request_has_perm

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (the model refuses changes as well)."""

    list_display = ["at", "actor_repr", "action", "object_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_repr", "action", "object_id", "object_repr"]
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request_has_perm(request, "audit.view_log")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request_has_perm(request, "audit.view_log")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
