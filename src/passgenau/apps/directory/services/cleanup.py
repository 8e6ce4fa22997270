"""The directory's part of the daily cleanup: offer spreadsheets uploaded for the column mapping
but not imported within ``DIRECTORY_SHEET_UPLOAD_HOURS`` (from the environment, default 24) are
deleted; an import deletes its upload itself. The run is audited (``directory.cleanup.completed``)
with the uploads' ids, the directories' codes and the count, never the file names (free text
that may name a person)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from passgenau.apps.audit.services import log_action

from ..models import SheetUpload

__all__ = ["RemovedUpload", "sheet_uploads_abandoned_remove"]


@dataclass(frozen=True)
class RemovedUpload:
    pk: int
    directory: str
    file_name: str
    uploaded_at: dt.datetime

    def as_text(self) -> str:
        return f"{self.directory}: {self.file_name} (uploaded {self.uploaded_at:%Y-%m-%d %H:%M})"


@transaction.atomic
def sheet_uploads_abandoned_remove(
    *, now: dt.datetime, dry_run: bool = False
) -> tuple[dt.datetime, list[RemovedUpload]]:
    """Delete the uploads older than the configured hours at ``now`` (``dry_run``: only list
    them); returns the cut-off and what was (or would be) removed, oldest first."""
    before = now - dt.timedelta(hours=settings.DIRECTORY_SHEET_UPLOAD_HOURS)
    due = SheetUpload.objects.filter(uploaded_at__lt=before).order_by("uploaded_at", "pk")
    removed = [
        RemovedUpload(pk, directory_slug, file_name, uploaded_at)
        for pk, directory_slug, file_name, uploaded_at in due.values_list(
            "pk", "directory__slug", "file_name", "uploaded_at"
        )
    ]
    if not dry_run:
        due.delete()
        log_action(
            "directory.cleanup.completed",
            actor=None,
            data={
                "before": before.isoformat(),
                "sheet_uploads": len(removed),
                "sheet_upload_ids": [upload.pk for upload in removed],
                "directories": sorted({upload.directory for upload in removed}),
            },
        )
    return before, removed
