"""Self-service password reset by e-mail, with Django's views and tokens.

The answer to a request is the same whether or not an account has that address, and whether or
not the request is past the rate limit (``services.password_reset_request_allowed``: then no
e-mail goes out); the link in the e-mail works once (the token depends on the password hash)
and for ``PASSWORD_RESET_TIMEOUT`` seconds. A new password ends every session of the user (the
session hash changes); the second factor stays as it is: a lost authenticator app is re-enrolled
only after an administrator resets it. An invitation to a new account is a link of the same kind
(``tokens.invitation_token_generator``, valid longer) to set the first password.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from .access import public
from .addresses import client_ip
from .services import language_of, password_reset_request_allowed
from .tokens import invitation_token_generator
from .trail import log_action


class _PasswordResetForm(PasswordResetForm):
    """Django's form, writing the e-mail in the language of the account it goes to (not in the
    one of the page it was asked from)."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context = kwargs["context"] if "context" in kwargs else args[2]
        with translation.override(language_of(context["user"])):
            super().send_mail(*args, **kwargs)


class _PasswordReset(auth_views.PasswordResetView):
    form_class = _PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        allowed = password_reset_request_allowed(
            email=form.cleaned_data["email"], ip_address=client_ip(self.request)
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())  # the same answer, no e-mail
        return super().form_valid(form)


class _PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False
    action = "accounts.user.password_reset"

    @method_decorator(sensitive_post_parameters("new_password1", "new_password2"))
    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_action(self.action, actor=None, obj=form.user)
        return response


class _InvitationAccept(_PasswordResetConfirm):
    """The link of an invitation (``services.user_invite``): the new user sets a first password,
    then logs in and enrols the second factor."""

    template_name = "accounts/invitation_accept.html"
    token_generator = invitation_token_generator
    action = "accounts.user.invitation_accepted"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if form.user.requires_totp:
            text = _("Your password is set. Log in: you then set up your authenticator app.")
        else:
            text = _("Your password is set. You can log in now.")
        messages.success(self.request, text)
        return response


password_reset = public(_PasswordReset.as_view())
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(_PasswordResetConfirm.as_view())
invitation_accept = public(_InvitationAccept.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
