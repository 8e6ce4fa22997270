"""Shared fixtures: one user per role, logged-in clients (second factor confirmed).

Use ``user_for_role("caseworker")`` / ``client_for_role("caseworker")`` in any test, or the
``<role>_user`` / ``<role>_client`` fixtures; ``ROLES_AND_PUBLIC`` to parametrise over every role.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from passgenau.apps.accounts.roles import PUBLIC

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this is intended (only the tests do this).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from accounts_helpers import ROLES, login_client, make_user


@pytest.fixture(autouse=True, scope="session")
def _requests_keep_the_test_transaction():
    """A request served in the test's own thread (a plain WSGI call, as schemathesis makes)
    ends with Django's close_old_connections, which closes a connection whose autocommit differs
    from the settings, as it does inside the test's transaction: on PostgreSQL that ends the test
    (SQLite's in-memory database is never closed). Django's test client avoids this by
    disconnecting the signal; here every such call is covered. Connections outside a transaction
    (the live server's threads) are still closed as usual."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def close_unless_in_a_transaction(self):
        if self.in_atomic_block:
            return
        original(self)

    BaseDatabaseWrapper.close_if_unusable_or_obsolete = close_unless_in_a_transaction
    yield
    BaseDatabaseWrapper.close_if_unusable_or_obsolete = original


@pytest.fixture
def user_for_role(db) -> Callable[[str], object]:
    """``user_for_role(role)`` → the (one) test user of that role; None for ``public``."""
    cache: dict[str, object] = {}

    def get(role: str):
        if role == PUBLIC:
            return None
        if role not in cache:
            cache[role] = make_user(role)
        return cache[role]

    return get


@pytest.fixture
def client_for_role(db, user_for_role) -> Callable[[str], object]:
    """``client_for_role(role)`` → a Django test client logged in as that role (anonymous for
    ``public``). Each call gives a fresh client."""
    from django.test import Client

    def get(role: str):
        client = Client()
        user = user_for_role(role)
        if user is not None:
            login_client(client, user)
        return client

    return get


def _user_fixture(role: str):
    @pytest.fixture(name=f"{role}_user")
    def fixture(user_for_role):
        return user_for_role(role)

    return fixture


def _client_fixture(role: str):
    @pytest.fixture(name=f"{role}_client")
    def fixture(client_for_role):
        return client_for_role(role)

    return fixture


for _role in ROLES:
    globals()[f"{_role}_user"] = _user_fixture(_role)
    globals()[f"{_role}_client"] = _client_fixture(_role)
