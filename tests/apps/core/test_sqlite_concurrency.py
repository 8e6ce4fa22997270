"""SQLite, the embedded default: concurrent writers wait for each other instead of failing with
"database is locked" (issue 10, item 9).

Each thread has its own connection (Django's connections are per thread) to one database file
configured exactly like ``DATABASES["default"]``, and runs the pattern every service uses: read,
then write, in one transaction. Without WAL, a busy timeout and ``BEGIN IMMEDIATE`` two such
transactions deadlock on the lock upgrade and SQLite gives up at once.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite only",
)

ALIAS = "concurrency_check"
THREADS = 8
ROUNDS = 5


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A database file outside the test database (which lives in memory), opened with the same
    settings; pytest-django's blocker is lifted for it only while the test runs."""
    with django_db_blocker.unblock():
        yield from _file_database(tmp_path)


def _file_database(tmp_path):
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "concurrency.sqlite3")}
    config.pop("TEST", None)
    configured = connections.configure_settings({"default": config})["default"]
    connections.settings[ALIAS] = configured
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
    connections[ALIAS].close()
    yield ALIAS
    connections[ALIAS].close()
    del connections.settings[ALIAS]


def test_the_default_database_settings_use_wal_and_wait():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_concurrent_read_then_write_transactions_never_fail(file_database):
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                with (
                    transaction.atomic(using=file_database),
                    connections[file_database].cursor() as cursor,
                ):
                    cursor.execute("SELECT value FROM counter WHERE id = 1")
                    (value,) = cursor.fetchone()
                    time.sleep(0.01)  # the work between reading and writing
                    cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            connections[file_database].close()

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connections[file_database].cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        assert cursor.fetchone() == (THREADS * ROUNDS,)  # no update lost either
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
