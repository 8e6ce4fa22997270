from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.access import request_has_perm, session_is_verified


class PassgenauAdminSite(admin.AdminSite):
    site_header = _("passgenau administration")
    site_title = _("passgenau")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # Only administrators who confirmed their one-time password; is_staff alone is not enough.
        return (
            request.user.is_active
            and request.user.is_staff
            and request_has_perm(request, "accounts.manage_users")
        )

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One log-in for the whole application: ours, with the lock-out and the second factor.
        # Logged-in users who are not administrators get a plain refusal, not a log-in loop.
        if request.user.is_authenticated and session_is_verified(request):
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", request.get_full_path()))
