"""Data protection sub-commands of ``passgenau``: ``retention``, the daily job, and
``processing-record``, the record of processing activities (Art. 30 GDPR) as Markdown. Django is
imported inside the command functions only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._django import setup_django


def register(subparsers: Any) -> None:
    retention = subparsers.add_parser(
        "retention",
        help="remove the data whose retention period has passed and report it (run daily)",
    )
    retention.add_argument(
        "--dry-run", action="store_true", help="count what is due, change nothing"
    )
    retention.add_argument("--today", help="the day to count from (YYYY-MM-DD; default: today)")
    retention.set_defaults(func=cmd_retention)

    record = subparsers.add_parser(
        "processing-record",
        help="print the record of processing activities (Art. 30 GDPR) generated from the code",
    )
    record.set_defaults(func=cmd_processing_record)


def cmd_retention(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options: list[str] = ["--dry-run"] if args.dry_run else []
    if args.today:
        options += ["--today", args.today]
    try:
        call_command("retention", *options)
    except CommandError as error:
        print(f"passgenau retention: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_processing_record(args: argparse.Namespace) -> int:
    setup_django()
    from passgenau.apps.privacy.record import record_markdown

    print(record_markdown(), end="")
    return 0
