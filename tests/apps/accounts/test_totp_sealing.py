"""TOTP secrets are encrypted in the database and read back as plain text."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pyotp
import pytest
from django.apps import apps
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
    with override_settings(SECRET_KEY="a-new-secret-key-" + "x" * 32):
        # without the old key the account still loads, but no code is accepted ...
        lost = User.objects.get(pk=user.pk)
        assert lost.totp_secret.startswith(PREFIX)
        assert not services.totp_verify(user=lost, code=pyotp.TOTP(secret).now())
        lost.save()  # ... and saving it keeps the token as it is (no double encryption)
        assert _stored(user) == lost.totp_secret
    new_key = "a-new-secret-key-" + "x" * 32
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        fresh = User.objects.get(pk=user.pk)
        assert fresh.totp_secret == secret
        # a log-in re-encrypts the secret with the new key ...
        assert services.totp_verify(user=fresh, code=pyotp.TOTP(secret).now())
    # ... so that it no longer needs the old one
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
        assert User.objects.get(pk=user.pk).totp_secret == secret


def test_an_administrator_can_reset_a_secret_whose_key_is_gone():
    user = _enrolled(pyotp.random_base32())
    with override_settings(SECRET_KEY="a-new-secret-key-" + "y" * 32):
        lost = User.objects.get(pk=user.pk)
        services.totp_reset(actor=None, user=lost)
        fresh = User.objects.get(pk=user.pk)
        assert fresh.totp_secret == "" and not fresh.has_totp  # enrols again at the next log-in


def test_dumpdata_writes_the_token_not_the_secret():
    import io
    import json

    from django.core.management import call_command

    secret = pyotp.random_base32()
    user = _enrolled(secret)
    out = io.StringIO()
    call_command("dumpdata", "accounts.user", stdout=out)
    dumped = {row["pk"]: row["fields"]["totp_secret"] for row in json.loads(out.getvalue())}
    assert secret not in out.getvalue()
    assert dumped[user.pk].startswith(PREFIX)


def test_the_migration_can_be_reversed_to_plain_text():
    secret = pyotp.random_base32()
    user = _enrolled(secret)
    migration = importlib.import_module(
        "passgenau.apps.accounts.migrations.0003_totp_secret_sealed"
    )
    # the parts of a schema editor the function uses (a real one cannot open inside the test's
    # transaction on SQLite)
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.unseal_stored_secrets(apps, editor)
    assert _stored(user) == secret
