"""``passgenau retention`` (or ``passgenau manage retention``): the daily job that removes what
the retention periods make due, and says how much per category; it also deletes the expired
password-protected exports (as ``exports_expire`` does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from passgenau.apps.core.jobs import dry_run_argument
from passgenau.apps.core.protected_exports import protected_exports_expire
from passgenau.apps.privacy.services import retention_apply


class Command(BaseCommand):
    help = (
        "Remove the data whose retention period has passed (settings RETENTION_DAYS) and report "
        "how much per category; run daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        dry_run_argument(parser)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="the day to count from (YYYY-MM-DD; default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        report = retention_apply(today=today, dry_run=options["dry_run"])
        head = "dry run, nothing changed" if report.dry_run else "removed"
        self.stdout.write(f"retention {today} ({head})")
        for line in report.lines:
            self.stdout.write(line.as_text())
        exports = protected_exports_expire(dry_run=report.dry_run)
        self.stdout.write(f"protected_exports: expired {len(exports)}")
