"""``passgenau import-territories FILE``: load the official Destatis directory into the database.

Exit codes: 0 imported (or nothing to change), 2 bad input (unreadable or malformed file, bad
option), 1 anything else. A malformed file changes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from ._django import setup_django


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import-territories",
        help="import Länder, Kreise and Gemeinden from a Destatis directory file",
        description=(
            "Import the official Destatis Gemeindeverzeichnis extract (CSV with record types "
            "10-60) or the Destatis table of Kreise and kreisfreie Städte (';'-separated). "
            "The format is detected from the header. Territories are matched by their official "
            "key (AGS) and created or updated in one transaction; a malformed file changes "
            "nothing and every problem is reported with file, line and field."
        ),
    )
    parser.add_argument("file", type=Path, help="the CSV file as published by Destatis")
    parser.add_argument(
        "--reference-date",
        type=parse_reference_date,
        default=None,
        metavar="DATE",
        help=(
            "the date the area and population figures refer to (2019-12-31 or 31.12.2019); "
            "without it, a year in the file name (e.g. kreise-2018) means 31 December of that "
            "year, otherwise the figures are stored without a date"
        ),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would change, save nothing"
    )
    parser.add_argument(
        "--allow-older",
        action="store_true",
        help=(
            "replace figures even where the stored ones refer to a later date than the file's "
            "(without it such territories are kept and counted in the report)"
        ),
    )
    parser.set_defaults(func=run)


def parse_reference_date(text: str) -> dt.date:
    """Accept ISO (2019-12-31) and German (31.12.2019) dates."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a date: {text!r} (use 2019-12-31 or 31.12.2019)")


def reference_date_from_name(path: Path) -> dt.date | None:
    """31 December of the single year named in the file name (Destatis' annual figures)."""
    years = set(re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", path.name))
    if len(years) != 1:
        return None
    return dt.date(int(years.pop()), 12, 31)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError

    from passgenau.apps.territories.destatis import DirectoryFormatError
    from passgenau.apps.territories.services import territories_import

    reference_date = args.reference_date
    if reference_date is None:
        reference_date = reference_date_from_name(args.file)
        if reference_date is not None:
            print(f"Reference date {reference_date.isoformat()} taken from the file name.")
    try:
        report = territories_import(
            path=args.file,
            reference_date=reference_date,
            dry_run=args.dry_run,
            allow_older=args.allow_older,
        )
    except DirectoryFormatError as exc:
        print(f"Nothing imported: {len(exc.problems)} problem(s) in the file.", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(
            f"Nothing imported: the database refused the data ({exc}). "
            "Is it migrated (passgenau serve or make run does this)?",
            file=sys.stderr,
        )
        return 1
    print(report.as_text())
    return 0
