"""What the daily jobs (management commands run from cron) have in common."""

from __future__ import annotations

from django.core.management.base import CommandParser


def dry_run_argument(parser: CommandParser, *, what: str = "count what is due") -> None:
    """The ``--dry-run`` option every removing job offers."""
    parser.add_argument("--dry-run", action="store_true", help=f"{what}, change nothing")
