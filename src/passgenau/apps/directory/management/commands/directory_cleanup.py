"""``passgenau manage directory_cleanup``: the directory's daily job; deletes the offer
spreadsheets whose column mapping was not completed in time and lists them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from passgenau.apps.core.jobs import dry_run_argument
from passgenau.apps.directory.services.cleanup import sheet_uploads_abandoned_remove


class Command(BaseCommand):
    help = (
        "Delete uploaded offer spreadsheets not imported within DIRECTORY_SHEET_UPLOAD_HOURS "
        "and report them; run daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        dry_run_argument(parser, what="list what is due")

    def handle(self, *args: Any, **options: Any) -> None:
        before, removed = sheet_uploads_abandoned_remove(
            now=timezone.now(), dry_run=options["dry_run"]
        )
        head = "dry run, nothing changed" if options["dry_run"] else "removed"
        self.stdout.write(
            f"directory cleanup ({head}): {len(removed)} spreadsheet upload(s) "
            f"not imported, uploaded before {timezone.localtime(before):%Y-%m-%d %H:%M}"
        )
        for upload in removed:
            self.stdout.write(upload.as_text())
