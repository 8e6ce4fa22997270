"""TOTP secrets are encrypted in the database and read back as plain text."""

from __future__ import annotations

import importlib

import pyotp
import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts_helpers import make_user
from passgenau.apps.accounts import services
from passgenau.apps.accounts.models import User
from passgenau.apps.accounts.sealing import PREFIX

pytestmark = pytest.mark.django_db


def _stored(user: User) -> str:
    """The value in the database column, bypassing the field."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT totp_secret FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        return str(cursor.fetchone()[0])


def _store_raw(user: User, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET totp_secret = %s WHERE id = %s", [value, user.pk]
        )


def _enrolled(secret: str) -> User:
    user = make_user("coordinator")
    user.totp_secret, user.totp_confirmed_at = secret, timezone.now()
    user.save()
    return user


def test_the_secret_is_stored_encrypted_and_read_back_plain():
    secret = pyotp.random_base32()
    user = _enrolled(secret)
    stored = _stored(user)
    assert stored.startswith(PREFIX) and secret not in stored
    fresh = User.objects.get(pk=user.pk)
    assert fresh.totp_secret == secret
    assert services.totp_verify(user=fresh, code=pyotp.TOTP(secret).now())


def test_an_unenrolled_user_stores_nothing():
    user = make_user("coordinator")
    assert _stored(user) == ""
    assert User.objects.get(pk=user.pk).totp_secret == ""


def test_a_secret_stored_before_encryption_still_works_and_the_migration_encrypts_it():
    secret = pyotp.random_base32()
    user = _enrolled(secret)
    _store_raw(user, secret)  # as written before encryption was introduced
    assert User.objects.get(pk=user.pk).totp_secret == secret
    migration = importlib.import_module(
        "passgenau.apps.accounts.migrations.0003_totp_secret_sealed"
    )
    migration.seal_stored_secrets(apps, None)
    stored = _stored(user)
    assert stored.startswith(PREFIX) and secret not in stored
    assert User.objects.get(pk=user.pk).totp_secret == secret


def test_a_rotated_secret_key_still_decrypts_through_the_fallbacks():
    from django.conf import settings

    old_key = settings.SECRET_KEY
    secret = pyotp.random_base32()
    user = _enrolled(secret)
    with (
        override_settings(SECRET_KEY="a-new-secret-key-" + "x" * 32),
        pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"),
    ):
        User.objects.get(pk=user.pk)
    new_key = "a-new-secret-key-" + "x" * 32
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        fresh = User.objects.get(pk=user.pk)
        assert fresh.totp_secret == secret
        # a log-in re-encrypts the secret with the new key ...
        assert services.totp_verify(user=fresh, code=pyotp.TOTP(secret).now())
    # ... so that it no longer needs the old one
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
        assert User.objects.get(pk=user.pk).totp_secret == secret
