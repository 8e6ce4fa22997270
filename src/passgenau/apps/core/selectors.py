"""Reads for the platform itself."""

from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError


def database_status() -> str:
    """``ok`` when the default database answers a trivial query, ``unavailable`` otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"
