"""Encryption at rest for the TOTP secrets (the second factor's shared keys).

A database dump must not give away the second factor, so the secrets are stored as Fernet tokens
(AES-128-CBC with an HMAC-SHA256, from the ``cryptography`` package) under a key derived from
the ``SECRET_KEY`` with HKDF-SHA256; keys derived from ``SECRET_KEY_FALLBACKS`` still decrypt,
so the secret key can be rotated the way Django documents it. Values written before encryption
was introduced (no ``fernet:`` prefix) are read as they are and encrypted at the next save.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["PREFIX", "is_sealed", "seal", "unseal"]

PREFIX = "fernet:"
_INFO = b"passgenau: TOTP secrets at rest"


def _key(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY is needed to encrypt the TOTP secrets")
    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
    return MultiFernet([_key(settings.SECRET_KEY), *(_key(k) for k in fallbacks)])


def is_sealed(value: str) -> bool:
    """True for a stored token (as opposed to a secret)."""
    return value.startswith(PREFIX)


def seal(plain: str) -> str:
    """The stored form of a secret ("" stays "")."""
    if not plain:
        return ""
    return PREFIX + _keys().encrypt(plain.encode()).decode("ascii")


def unseal(stored: str) -> str:
    """The secret from its stored form; a value without the prefix is an unencrypted one."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return _keys().decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A TOTP secret cannot be decrypted: the SECRET_KEY it was encrypted with is neither "
            "SECRET_KEY nor in SECRET_KEY_FALLBACKS"
        ) from exc
