"""Organisations, users with one role each, and the record of log-in attempts for the lock-out."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .permissions import role_requires_second_factor
from .roles import Role
from .sealing import is_sealed, seal, unseal

logger = logging.getLogger(__name__)


class OrganisationKind(models.TextChoices):
    COORDINATING = "coordinating", _("Coordinating organisation")
    NGO = "ngo", _("Non-governmental organisation")
    MUNICIPALITY = "municipality", _("Municipality")
    PROVIDER = "provider", _("Provider")
    FUNDER = "funder", _("Funder")
    OPERATOR = "operator", _("Operator")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    # A municipality is a Kreis (Landkreis, kreisfreie Stadt) or a Gemeinde; at most one is set.
    kreis = models.ForeignKey(
        "territories.Kreis",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    gemeinde = models.ForeignKey(
        "territories.Gemeinde",
        verbose_name=_("Gemeinde"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kreis__isnull=True) | Q(gemeinde__isnull=True),
                name="organisation_one_territory_at_most",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def territory(self) -> Any:
        """The Kreis or Gemeinde of a municipality, or None."""
        return self.gemeinde or self.kreis

    def clean(self) -> None:
        if self.kreis_id and self.gemeinde_id:
            raise ValidationError(_("Choose either a Kreis or a Gemeinde, not both."))
        if (self.kreis_id or self.gemeinde_id) and self.kind != OrganisationKind.MUNICIPALITY:
            raise ValidationError(_("Only a municipality is linked to a territory."))


class SealedCharField(models.CharField):  # type: ignore[type-arg]
    """Text that is stored encrypted (:mod:`.sealing`) and reads back as plain text.

    A value that cannot be decrypted (its key is gone) reads back as the stored token, which
    :mod:`.services` never accepts as a secret: the user cannot log in with a one-time code until
    an administrator resets it, but the account can still be loaded, listed and reset.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        try:
            return unseal(value)
        except ImproperlyConfigured as exc:
            logger.error("%s (user row with totp_secret %s…)", exc, value[:16])
            return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or is_sealed(value):
            return value  # already a token (e.g. one that could not be decrypted): keep it
        return seal(value)

    def value_to_string(self, obj: models.Model) -> str:
        """Serialised (dumpdata) as the token, never as the secret."""
        return str(self.get_prep_value(self.value_from_object(obj)))


def platform_language() -> str:
    """The language of a new account's e-mails until the user or an administrator picks one."""
    return str(settings.LANGUAGE_CODE)


class User(AbstractUser):
    """A staff member: one organisation and one role (administrators may have no organisation)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    # encrypted in the database: a dump must not give away the second factor
    totp_secret = SealedCharField(_("TOTP secret"), max_length=255, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(
        _("TOTP confirmed at"), null=True, blank=True, editable=False
    )
    # The last accepted time step, so that one code cannot be used twice.
    totp_last_counter = models.BigIntegerField(
        _("last TOTP time step"), null=True, blank=True, editable=False
    )
    # Raised to end every session of the user (a new role or organisation, deactivation).
    session_generation = models.PositiveIntegerField(
        _("session generation"), default=0, editable=False
    )

    # The language the application writes to the user in (account e-mails, notifications): a code
    # of settings.INTERFACE_LANGUAGES, checked by the forms and services (no choices, which would
    # freeze the list of languages into a migration).
    language = models.CharField(_("language"), max_length=10, default=platform_language)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Sessions are bound to the password, to the second factor and to the session
        generation: a new password, a reset (or new) one-time password or a raised generation
        (``services.user_sessions_end``) ends every session of the user."""
        bound = [self.password]
        if self.totp_confirmed_at is not None:
            bound.append(self.totp_confirmed_at.isoformat())
        if self.session_generation:
            bound.append(f"generation:{self.session_generation}")
        if len(bound) == 1:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "passgenau.accounts.User.session_auth_hash",
            "|".join(bound),
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def requires_totp(self) -> bool:
        return role_requires_second_factor(self.role)

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret) and self.totp_confirmed_at is not None


class LoginStep(models.TextChoices):
    PASSWORD = "password", _("password")
    CODE = "code", _("one-time code")
    RESET = "reset", _("password reset e-mail")


class LoginAttempt(models.Model):
    """One log-in attempt (password or one-time code), kept for the lock-out rule."""

    username = models.CharField(_("user name"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    # Wrong passwords count per user name and address; wrong codes per account, from anywhere;
    # requests for a reset e-mail per address and per (hashed) e-mail address.
    step = models.CharField(
        _("step"), max_length=10, choices=LoginStep.choices, default=LoginStep.PASSWORD
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("log-in attempt")
        verbose_name_plural = _("log-in attempts")
        indexes = [models.Index(fields=["username", "ip_address", "at"])]

    def __str__(self) -> str:
        return (
            f"{self.username} {self.ip_address} {self.step} {self.at:%Y-%m-%d %H:%M:%S} "
            f"{self.succeeded}"
        )
