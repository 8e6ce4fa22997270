"""The directory's part of the daily cleanup: offer spreadsheets uploaded for the column mapping
but not imported within ``DIRECTORY_SHEET_UPLOAD_HOURS`` (from the environment, default 24) are
deleted; an import deletes its upload itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from ..models import SheetUpload

__all__ = ["RemovedUpload", "sheet_uploads_abandoned_remove"]


@dataclass(frozen=True)
class RemovedUpload:
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
        RemovedUpload(directory_slug, file_name, uploaded_at)
        for directory_slug, file_name, uploaded_at in due.values_list(
            "directory__slug", "file_name", "uploaded_at"
        )
    ]
    if not dry_run:
        due.delete()
    return before, removed
