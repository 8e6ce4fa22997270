"""Log-in in two steps (password, then one-time code for roles that need it), enrolment of the
authenticator app, one's own account, and the administrators' list of accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from passgenau.apps.listing import list_page

from . import permissions, selectors, services
from .access import SESSION_OTP_VERIFIED, AuthenticatedHttpRequest, public, require
from .addresses import client_ip
from .forms import (
    LoginForm,
    OneTimeCodeForm,
    OwnLanguageForm,
    UserEditForm,
    UserInviteForm,
    UserRoleForm,
    UserSearchForm,
)
from .models import LoginStep, User
from .trail import log_action

SESSION_NEXT = "passgenau_next"
SESSION_ENROL_SECRET = "passgenau_totp_enrol_secret"  # noqa: S105 - a session key name
LOGIN_STEP = "login_step"  # access rule: any logged-in user, before or after the second factor


def login_step(view: Any) -> Any:
    """Views of the log-in itself: for logged-in users whose second factor may still be pending."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    wrapped.access_rule = LOGIN_STEP  # type: ignore[attr-defined]
    return wrapped


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def _finish_login(request: HttpRequest) -> HttpResponse:
    request.session[SESSION_OTP_VERIFIED] = True
    log_action("accounts.user.logged_in", actor=request.user, obj=request.user)
    return redirect(_safe_next(request, request.session.pop(SESSION_NEXT, None)))


@public
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        status = services.lockout_status(username=username, ip_address=ip)
        if status.locked:
            locked = True
            log_action("accounts.login.locked_out", actor=None, **services.login_target(username))
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            services.login_attempt_record(
                username=username, ip_address=ip, succeeded=user is not None
            )
            if user is None:
                form.add_error(None, _("User name or password is wrong."))
            else:
                login(request, user)  # rotates the session key
                request.session[SESSION_NEXT] = _safe_next(
                    request, request.POST.get("next") or request.GET.get("next")
                )
                if user.requires_totp:
                    request.session[SESSION_OTP_VERIFIED] = False
                    return redirect(
                        "accounts:totp_verify" if user.has_totp else "accounts:totp_enrol"
                    )
                return _finish_login(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": locked, "next": request.GET.get("next", "")},
        status=403 if locked else 200,
    )


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        log_action("accounts.user.logged_out", actor=request.user, obj=request.user)
    logout(request)
    return redirect("core:home")


@login_step
@never_cache
@require_http_methods(["GET", "POST"])
def totp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Second step of the log-in: the code from the authenticator app."""
    user = request.user
    if request.session.get(SESSION_OTP_VERIFIED) or not user.requires_totp:
        return redirect("core:home")
    if not user.has_totp:
        return redirect("accounts:totp_enrol")
    form = OneTimeCodeForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        username = user.get_username()
        if services.code_lockout_status(username=username).locked:
            locked = True
        elif services.totp_verify(user=user, code=form.cleaned_data["code"]):
            services.login_attempt_record(
                username=username, ip_address=ip, succeeded=True, step=LoginStep.CODE
            )
            request.session.cycle_key()
            return _finish_login(request)
        else:
            services.login_attempt_record(
                username=username, ip_address=ip, succeeded=False, step=LoginStep.CODE
            )
            form.add_error("code", _("This code is wrong or was already used."))
    if locked:
        logout(request)
        messages.error(request, _("Too many failed attempts. Please try again later."))
        return redirect("accounts:login")
    return render(request, "accounts/totp_verify.html", {"form": form})


@login_step
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if user.has_totp and not request.session.get(SESSION_OTP_VERIFIED):
        return redirect("accounts:totp_verify")  # an enrolled user proves the old factor first
    secret = request.session.get(SESSION_ENROL_SECRET)
    if not secret:
        secret = services.totp_new_secret()
        request.session[SESSION_ENROL_SECRET] = secret
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_enrol(user=user, secret=secret, code=form.cleaned_data["code"]):
            del request.session[SESSION_ENROL_SECRET]
            update_session_auth_hash(request, user)  # the new factor ends other sessions only
            messages.success(request, _("Your authenticator app is set up."))
            if not request.session.get(SESSION_OTP_VERIFIED):
                request.session.cycle_key()
                return _finish_login(request)
            return redirect("accounts:profile")
        form.add_error("code", _("This code is wrong. Check the time on your phone and retry."))
    uri = services.totp_provisioning_uri(user=user, secret=secret)
    # segno writes a plain <svg> with no scripts or style attributes: safe under our CSP.
    qr_svg = mark_safe(  # noqa: S308 - generated by segno from our own URI, not user input
        segno.make(uri, error="m").svg_inline(scale=5, title=_("QR code for the authenticator app"))
    )
    return render(
        request,
        "accounts/totp_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret,
            "rights": [p.description for p in permissions.rights_of_role(user.role)],
        },
    )


@require("accounts.view_own_account")
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's own account, and the language the application writes to one in."""
    form = OwnLanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        services.user_language_set(
            actor=request.user, user=request.user, language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your language of e-mails has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"account": request.user, "form": form})


@require("accounts.view_own_account")
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay logged in with the new password
        log_action("accounts.user.password_changed", actor=user, obj=user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@require("accounts.manage_users")
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    filters = form.filters()
    page = list_page(request, selectors.users_search(user=request.user, **filters))
    selectors.users_log_shown(
        user=request.user, accounts=page.object_list, searched=bool(filters.get("query"))
    )
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@require("accounts.manage_users")
def user_detail(request: AuthenticatedHttpRequest, id: int) -> HttpResponse:
    account = selectors.user_get_for_user(user=request.user, id=id)
    locked = selectors.accounts_locked_out(user=request.user).filter(pk=account.pk).exists()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "invitation_open": services.invitation_open(account),
            "locked": locked,
            "lockout_minutes": max(1, settings.LOCKOUT_WINDOW_SECONDS // 60),
        },
    )


def _base_url(request: HttpRequest) -> str:
    """Where links in e-mails point: ``SITE_URL`` when set, else this request's host."""
    return settings.SITE_URL or request.build_absolute_uri("/")


@require("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def user_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new account; the user is invited by e-mail to set a password."""
    form = UserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_invite(
                actor=request.user, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)  # its fields are the form's
        else:
            messages.success(request, _("The account has been created and the invitation sent."))
            return redirect("accounts:user_detail", id=account.pk)
    return render(request, "accounts/user_invite.html", {"form": form})


def _account_form_page(
    request: AuthenticatedHttpRequest,
    id: int,
    *,
    form_class: type[forms.Form],
    change: Callable[..., bool],
    done: str,
    template: str,
) -> HttpResponse:
    """A form over fields of an account: shown with the account's values, its data handed to
    ``change`` (a service: True when something changed), whose refusal names the form's fields."""
    account = selectors.user_get_for_user(user=request.user, id=id)
    initial = {name: getattr(account, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = change(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # its fields are the form's
        else:
            if changed:
                messages.success(request, done)
            return redirect("accounts:user_detail", id=account.pk)
    return render(request, template, {"account": account, "form": form})


@require("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedHttpRequest, id: int) -> HttpResponse:
    """An account's name, e-mail address and language of e-mails."""
    return _account_form_page(
        request,
        id,
        form_class=UserEditForm,
        change=services.user_update,
        done=_("The account has been changed."),
        template="accounts/user_edit.html",
    )


@require("accounts.manage_users")
@require_http_methods(["GET", "POST"])
def user_role_change(request: AuthenticatedHttpRequest, id: int) -> HttpResponse:
    """Another role or organisation for an account: that user's sessions end."""
    return _account_form_page(
        request,
        id,
        form_class=UserRoleForm,
        change=services.user_change_role,
        done=_("The role has been changed; the user has been logged out."),
        template="accounts/user_role_form.html",
    )


@dataclass(frozen=True)
class _AccountAction:
    """A change to an account that an administrator confirms on a page of its own (a GET shows
    what it does, the POST with CSRF does it)."""

    title: Promise
    explanation: Promise
    button: Promise
    done: Promise
    run: Callable[[AuthenticatedHttpRequest, User], object]


def _confirmed(request: AuthenticatedHttpRequest, id: int, action: _AccountAction) -> HttpResponse:
    account = selectors.user_get_for_user(user=request.user, id=id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            action.run(request, account)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, str(action.done))
            return redirect("accounts:user_detail", id=account.pk)
    return render(
        request,
        "accounts/user_confirm.html",
        {"account": account, "action": action, "errors": errors},
    )


DEACTIVATE = _AccountAction(
    title=gettext_lazy("Deactivate the account"),
    explanation=gettext_lazy(
        "The user is logged out everywhere and can no longer log in. Their entries stay; you "
        "can reactivate the account later."
    ),
    button=gettext_lazy("Deactivate"),
    done=gettext_lazy("The account has been deactivated; the user has been logged out."),
    run=lambda request, account: services.user_deactivate(actor=request.user, user=account),
)
REACTIVATE = _AccountAction(
    title=gettext_lazy("Reactivate the account"),
    explanation=gettext_lazy(
        "The user can log in again with their password and second factor, in a new session."
    ),
    button=gettext_lazy("Reactivate"),
    done=gettext_lazy("The account has been reactivated."),
    run=lambda request, account: services.user_reactivate(actor=request.user, user=account),
)


RESET_SECOND_FACTOR = _AccountAction(
    title=gettext_lazy("Reset the second factor"),
    explanation=gettext_lazy(
        "For a lost or replaced phone: the user is logged out everywhere and sets up the "
        "authenticator app again at the next log-in."
    ),
    button=gettext_lazy("Reset the second factor"),
    done=gettext_lazy("The second factor has been reset; the user has been logged out."),
    run=lambda request, account: services.totp_reset(actor=request.user, user=account),
)
SEND_PASSWORD_LINK = _AccountAction(
    title=gettext_lazy("Send a password link"),
    explanation=gettext_lazy(
        "The user gets an e-mail with a link to set a new password; it works once, for a "
        "limited time. The second factor stays as it is."
    ),
    button=gettext_lazy("Send the e-mail"),
    done=gettext_lazy("The e-mail with the password link has been sent."),
    run=lambda request, account: services.user_password_link_send(
        actor=request.user, user=account, base_url=_base_url(request)
    ),
)

RESEND_INVITATION = _AccountAction(
    title=gettext_lazy("Send the invitation again"),
    explanation=gettext_lazy(
        "The user has not accepted the invitation yet. They get it again by e-mail, with a new "
        "link to choose their password; it works once, for a limited time."
    ),
    button=gettext_lazy("Send the e-mail"),
    done=gettext_lazy("The invitation has been sent again."),
    run=lambda request, account: services.user_invitation_resend(
        actor=request.user, user=account, base_url=_base_url(request)
    ),
)


def _action_page(name: str, action: _AccountAction) -> Any:
    """The confirmation page of ``action`` as a view guarded by the right to manage users."""

    def view(request: AuthenticatedHttpRequest, id: int) -> HttpResponse:
        return _confirmed(request, id, action)

    view.__name__ = view.__qualname__ = name
    return require("accounts.manage_users")(require_http_methods(["GET", "POST"])(view))


user_totp_reset = _action_page("user_totp_reset", RESET_SECOND_FACTOR)
user_password_link = _action_page("user_password_link", SEND_PASSWORD_LINK)
user_invitation_resend = _action_page("user_invitation_resend", RESEND_INVITATION)
user_deactivate = _action_page("user_deactivate", DEACTIVATE)
user_reactivate = _action_page("user_reactivate", REACTIVATE)
