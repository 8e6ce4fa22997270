from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpRequest, HttpResponse

from passgenau.apps.accounts.access import request_has_perm

from .models import AuditEntry
from .services import log_action, log_read

# the admin's own parameters of a list page (paging, sorting), not filters
_LIST_PARAMETERS = {"p", "o", "_changelist_filters", "_to_field", "_popup", "e", "all"}


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (the model refuses changes as well). Looking at it is
    audited like the trail's own pages: the trail holds who looked at whom."""

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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and self.has_view_permission(request):
            filters = {
                key: value
                for key, value in request.GET.items()
                if key not in _LIST_PARAMETERS and key != SEARCH_VAR and value
            }
            # the search text is typed (it may be a name): only that there was one
            data = {
                "via": "admin",
                "filters": filters,
                "searched": bool(request.GET.get(SEARCH_VAR)),
            }
            log_action("audit.auditentry.list", actor=request.user, data=data)
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        entry = self.get_object(request, object_id)
        if response.status_code == 200 and entry is not None:
            log_read(actor=request.user, obj=entry)
        return response
