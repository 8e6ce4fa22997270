"""The one-time links that let a user set a password: Django's reset token (``settings.
PASSWORD_RESET_TIMEOUT``) and the invitation token of a new account, which lasts longer
(``settings.ACCOUNT_INVITATION_TIMEOUT``). Both depend on the password hash, so a link works
once: setting the password makes it invalid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

if TYPE_CHECKING:
    from .models import User

__all__ = ["default_token_generator", "invitation_token_generator"]


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's token with its own salt (a reset link is no invitation, nor the other way
    round) and its own lifetime."""

    key_salt = "passgenau.accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > settings.ACCOUNT_INVITATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()
