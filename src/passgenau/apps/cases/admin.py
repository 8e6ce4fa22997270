"""Read-only admin without personal data in lists: cases change only through the services,
which check the rules and audit every change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Case, FundingContract, HourEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "organisation", "status", "opened_on", "closed_on"]
    list_filter = ["status", "kind"]
    fields = ["reference", "kind", "organisation", "status", "opened_on", "closed_on", "outcome"]


@admin.register(FundingContract)
class FundingContractAdmin(ReadOnlyAdmin):
    list_display = ["name", "grant", "hourly_rate", "hours_budget", "valid_from", "valid_to"]


@admin.register(HourEntry)
class HourEntryAdmin(ReadOnlyAdmin):
    list_display = ["case", "contract", "on", "activity", "hours", "corrects"]
    list_filter = ["activity"]
