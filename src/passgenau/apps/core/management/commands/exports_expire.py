"""``passgenau manage exports_expire``: delete the password-protected exports whose time has
passed (settings ``PROTECTED_EXPORT_HOURS``) and name each; the daily ``retention`` job does the
same."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from passgenau.apps.core.jobs import dry_run_argument
from passgenau.apps.core.protected_exports import protected_exports_expire


class Command(BaseCommand):
    help = "Delete the expired password-protected exports and list what was removed."

    def add_arguments(self, parser: CommandParser) -> None:
        dry_run_argument(parser, what="list what is due")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = protected_exports_expire(dry_run=options["dry_run"])
        head = "due (dry run, nothing changed)" if options["dry_run"] else "removed"
        self.stdout.write(f"exports_expire: {len(removed)} {head}")
        for filename, expired_at in removed:
            self.stdout.write(f"  {filename} (expired {expired_at})")
