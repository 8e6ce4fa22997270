"""Relocation rounds in the admin: for looking only.

Rounds change through their services (state rules, conditions, audit entries), so the admin does
not change them. Households, interviews, consent and decisions are personal data that the
administrator role does not hold (docs/roles.md); they are deliberately not registered here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from passgenau.apps.accounts.access import request_has_perm
from passgenau.apps.core.admin import ChangesNothing

from .models import MunicipalityProfile, Round


class ViewOnly(ChangesNothing):
    """Open to the administrator role (permission table) for viewing; nothing can be changed."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request_has_perm(request, "accounts.manage_users")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request_has_perm(request, "accounts.manage_users")


class MunicipalityProfileInline(ViewOnly, admin.TabularInline):
    model = MunicipalityProfile
    fields = ("municipality", "ags", "size_class", "region", "updated_at")
    readonly_fields = ("updated_at",)
    extra = 0


@admin.register(Round)
class RoundAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("name", "coordinating_organisation", "status", "mechanism", "created_at")
    list_filter = ("status", "mechanism")
    search_fields = ("name", "coordinating_organisation__name")
    inlines = [MunicipalityProfileInline]
