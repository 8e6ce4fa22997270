"""Reads of the audit trail (it holds personal data itself: who looked at whom)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from passgenau.apps.core.spreadsheets import csv_lines

from . import policies
from .models import AuditEntry
from .services import log_action

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def audit_entries_for_user(*, user: Visitor) -> QuerySet[AuditEntry]:
    """All entries for roles holding ``audit.view_log``; refused for everybody else."""
    if not policies.may_view_log(user=user):
        raise PermissionDenied
    return AuditEntry.objects.select_related("content_type")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries_filter(
    *, user: Visitor, filters: dict[str, Any], purpose: str = "list"
) -> QuerySet[AuditEntry]:
    """Entries matching the cleaned filter form; the search itself is logged (``purpose`` is
    ``list`` or ``exported``)."""
    entries = audit_entries_for_user(user=user)
    if filters.get("action"):
        entries = entries.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        entries = entries.filter(actor_repr=filters["actor"])
    if filters.get("object_type"):
        app_label, _, model = filters["object_type"].lower().partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.get("object_id"):
        entries = entries.filter(object_id=filters["object_id"])
    if filters.get("ip_address"):
        entries = entries.filter(ip_address=filters["ip_address"])
    if filters.get("date_from"):
        entries = entries.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        next_day = filters["date_to"] + dt.timedelta(days=1)
        entries = entries.filter(Q(at__lt=_day_start(next_day)))
    used = {key: str(value) for key, value in filters.items() if value}
    log_action(f"audit.auditentry.{purpose}", actor=user, data={"filters": used})
    return entries


CSV_COLUMNS = [
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object",
    "ip_address",
    "data",
]


def audit_entries_csv_rows(*, user: Visitor, filters: dict[str, Any]) -> Iterator[str]:
    """CSV lines of the filtered entries, to be streamed. The right is checked and the export
    logged now, before the first line is produced."""
    entries = audit_entries_filter(user=user, filters=filters, purpose="exported")
    return _csv_lines(entries)


def _csv_lines(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    return csv_lines(_csv_rows(entries))


def _csv_rows(entries: QuerySet[AuditEntry]) -> Iterator[list[Any]]:
    yield list(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        content_type = entry.content_type
        yield [
            entry.pk,
            entry.at.isoformat(),
            entry.actor_repr,
            entry.action,
            f"{content_type.app_label}.{content_type.model}" if content_type else "",
            entry.object_id,
            entry.object_repr,
            entry.ip_address or "",
            _json(entry.data),
        ]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
