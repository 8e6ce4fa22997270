"""Read-only admin without personal data in lists: cases change only through the services,
which check the rules and audit every change."""

from __future__ import annotations

from django.contrib import admin

from passgenau.apps.core.admin import ReadOnlyAdmin

from .models import Case, FundingContract, HourEntry


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
