"""The backup and restore round trip of docs/production.md on PostgreSQL: ``pg_dump`` in the
custom format, a fresh database, ``pg_restore``; afterwards every table has the same rows and the
audit trail is the same sequence of entries (a digest over all its rows, in order)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from accounts_helpers import make_user
from funding_helpers import make_distribution
from passgenau.apps.audit.services import log_action

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="PostgreSQL only (DATABASE_URL)",
    ),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]

AUDIT_DIGEST = (
    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) "
    "FROM audit_auditentry t"
)


def _client_args(settings_dict: dict) -> list[str]:
    args = [
        "-h",
        settings_dict.get("HOST") or "127.0.0.1",
        "-p",
        str(settings_dict.get("PORT") or 5432),
    ]
    return [*args, "-U", settings_dict.get("USER") or "postgres"]


def _env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _snapshot(conninfo: dict) -> tuple[dict[str, int], tuple]:
    with psycopg.connect(**conninfo) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute(AUDIT_DIGEST)
        return counts, cursor.fetchone()


def test_dump_drop_restore_keeps_every_row_and_the_audit_trail(transactional_db, tmp_path):
    administrator = make_user("administrator", username="backup-admin")
    make_user("caseworker", username="backup-caseworker")
    make_distribution()
    for number in range(25):
        log_action("test.backup.entry", actor=administrator, data={"n": number})

    settings_dict = connection.settings_dict
    source = settings_dict["NAME"]
    scratch = f"passgenau_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "passgenau.dump"
    args, env = _client_args(settings_dict), _env(settings_dict)
    base = {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or "postgres",
        "password": settings_dict.get("PASSWORD") or None,
    }
    before = _snapshot({**base, "dbname": source})
    assert before[1][0] >= 25

    subprocess.run(
        ["pg_dump", *args, "--format=custom", f"--file={dump}", source], env=env, check=True
    )
    subprocess.run(["createdb", *args, scratch], env=env, check=True)
    try:
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--exit-on-error",
                f"--dbname={scratch}",
                str(dump),
            ],
            env=env,
            check=True,
        )
        after = _snapshot({**base, "dbname": scratch})
        # the append-only trigger came back with the restore: the restored trail cannot be edited
        with (
            psycopg.connect(**base, dbname=scratch) as db,
            db.cursor() as cursor,
            pytest.raises(psycopg.Error),
        ):
            cursor.execute("UPDATE audit_auditentry SET action = 'tampered'")
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", scratch], env=env, check=True)
    assert after[0] == before[0]
    assert after[1] == before[1]
