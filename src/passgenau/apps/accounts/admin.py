from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .access import request_has_perm
from .models import LoginAttempt, Organisation, User
from .services import totp_reset, user_sessions_end
from .trail import log_action


class ManagedByAdministrators(admin.ModelAdmin):
    """Model admin open to the administrator role (permission table), not to Django's flags,
    and writing every change to the audit trail."""

    permission = "accounts.manage_users"

    def _allowed(self, request: HttpRequest) -> bool:
        return request_has_perm(request, self.permission)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = "changed" if change else "created"
        fields = sorted(form.changed_data) if form is not None else []
        log_action(
            f"{obj._meta.label_lower}.{verb}", actor=request.user, obj=obj, data={"fields": fields}
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        log_action(f"{obj._meta.label_lower}.deleted", actor=request.user, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            log_action(f"{obj._meta.label_lower}.deleted", actor=request.user, obj=obj)
        super().delete_queryset(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(ManagedByAdministrators):
    list_display = ["name", "kind", "kreis", "gemeinde"]
    raw_id_fields = ["kreis", "gemeinde"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(ManagedByAdministrators, DjangoUserAdmin):
    list_display = ["username", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation and role"), {"fields": ("organisation", "role")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "organisation", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_one_time_password"]

    @admin.action(description=_("Reset the one-time password (the user enrols again)"))
    def reset_one_time_password(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            totp_reset(actor=request.user, user=user)
        self.message_user(
            request, _("One-time passwords reset: %(count)d") % {"count": len(queryset)}
        )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("organisation")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """A new role, organisation or active flag ends the user's sessions, as on the
        application's pages."""
        super().save_model(request, obj, form, change)
        if change and {"role", "organisation", "is_active"} & set(form.changed_data):
            user_sessions_end(user=obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Django's page; a password set (the answer sends to the user's page) is audited."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and getattr(response, "url", request.get_full_path()) != (
            request.get_full_path()
        ):
            user = self.get_object(request, id)
            log_action("accounts.user.password_set", actor=request.user, obj=user)
        return response


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ManagedByAdministrators):
    list_display = ["at", "username", "ip_address", "step", "succeeded"]
    list_filter = ["succeeded", "step"]
    search_fields = ["username", "ip_address"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
