"""``passgenau directory import-hsds PATH``, ``import-sheet PATH``, ``export-hsds OUT_DIR`` and
``duplicates PATH``.

``duplicates`` runs on an HSDS folder or file without a database (the engine only); the other two
set up Django lazily. Exit codes: 0 success, 2 bad input (every problem with file, row and field;
nothing imported), 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from ._django import setup_django
from ._output import bad_input

# the fields of the offer spreadsheet (passgenau.apps.directory.services.sheet_import.FIELDS)
SHEET_FIELDS = (
    "name", "organization", "description", "street", "postcode", "city", "phone", "email", "web",
    "topics", "languages", "hours", "target_groups", "free_of_charge", "barrier_free",
    "what_to_bring",
)  # fmt: skip


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "directory", help="the directory of offers: HSDS import and export, duplicates"
    )
    commands = parser.add_subparsers(dest="directory_command", metavar="COMMAND")

    importer = commands.add_parser(
        "import-hsds",
        help="import an HSDS 3.0 CSV package (folder with datapackage.json) or HSDS JSON",
        description=(
            "Import HSDS 3.0 data into a directory in one transaction. Objects are matched by "
            "their HSDS id (created or replaced); a problem anywhere imports nothing."
        ),
    )
    importer.add_argument("path", type=Path)
    importer.add_argument("--directory", required=True, metavar="SLUG", help="the directory")
    importer.add_argument("--name", default="", help="name of a directory to be created")
    importer.add_argument("--kreis", default="", metavar="AGS", help="its Kreis (5 digits)")
    importer.add_argument("--gemeinde", default="", metavar="AGS", help="its Gemeinde (8 digits)")
    importer.set_defaults(func=run_import)

    sheet = commands.add_parser(
        "import-sheet",
        help="import the round table's offer spreadsheet (.xlsx or .csv, one row per offer)",
        description=(
            "Import a spreadsheet of offers into an existing directory in one transaction. The "
            "columns are mapped to fields by their headings (German or English), by the mapping "
            "saved with the directory, or by --map; a bad row imports nothing unless "
            "--skip-bad-rows. Fields: " + ", ".join(SHEET_FIELDS) + "."
        ),
    )
    sheet.add_argument("path", type=Path)
    sheet.add_argument("--directory", required=True, metavar="SLUG")
    sheet.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADING=FIELD",
        help="the column HEADING holds FIELD (repeat; the rest is guessed)",
    )
    sheet.add_argument(
        "--skip-bad-rows", action="store_true", help="import the good rows, report the bad ones"
    )
    sheet.add_argument(
        "--save-mapping", action="store_true", help="keep the mapping for the next import"
    )
    sheet.set_defaults(func=run_import_sheet)

    exporter = commands.add_parser(
        "export-hsds",
        help="export a directory as an HSDS 3.0 CSV package and JSON",
        description=(
            "Write OUT_DIR/*.csv with datapackage.json and OUT_DIR/json/*.json (services, "
            "organizations, taxonomies, taxonomy_terms as the HSDS API returns them)."
        ),
    )
    exporter.add_argument("out_dir", type=Path)
    exporter.add_argument("--directory", required=True, metavar="SLUG")
    exporter.add_argument(
        "--validate",
        type=Path,
        default=None,
        metavar="SCHEMA_DIR",
        help="validate the JSON against the official HSDS schemas in this folder",
    )
    exporter.set_defaults(func=run_export)

    duplicates = commands.add_parser(
        "duplicates",
        help="likely duplicate offers in an HSDS folder or file (no database needed)",
    )
    duplicates.add_argument("path", type=Path)
    duplicates.add_argument(
        "--json", action="store_true", help='print [{"a", "b", "score", "reasons"}]'
    )
    duplicates.set_defaults(func=run_duplicates)

    def usage(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=usage)


def run_duplicates(args: argparse.Namespace) -> int:
    return duplicates_run(args.path, as_json=args.json)


def duplicates_run(
    path: Path,
    *,
    as_json: bool = False,
    threshold: float | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Likely duplicate offers in an HSDS folder or JSON file, printed as JSON or a table;
    ``threshold`` defaults to the engine's ``DUPLICATE_THRESHOLD``."""
    from passgenau.engine.directory import (
        DUPLICATE_THRESHOLD,
        find_duplicates,
        offer_records_from_hsds,
    )
    from passgenau.engine.hsds import HsdsError, read_hsds

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        dataset = read_hsds(path)
    except HsdsError as exc:
        return bad_input(exc.problems, err)
    records = offer_records_from_hsds(dataset)
    pairs = find_duplicates(
        records, threshold=DUPLICATE_THRESHOLD if threshold is None else threshold
    )
    if as_json:
        json.dump([p.as_dict() for p in pairs], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    names = {r.id: r.name for r in records}
    print(f"{len(records)} offers, {len(pairs)} likely duplicate pairs", file=out)
    for pair in pairs:
        print(
            f"{pair.score:.2f}  {names[pair.a]} [{pair.a}]  ~  {names[pair.b]} [{pair.b}]  "
            f"({', '.join(pair.reasons)})",
            file=out,
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError, transaction

    from passgenau.apps.directory.services.hsds_io import directory_import_hsds
    from passgenau.apps.directory.services.setup import directory_get_or_create
    from passgenau.engine import hsds

    try:
        dataset = hsds.read_hsds(args.path)
        # one transaction: an import that fails leaves no new, empty directory behind
        with transaction.atomic():
            directory = directory_get_or_create(
                slug=args.directory, name=args.name, kreis=args.kreis, gemeinde=args.gemeinde
            )
            report = directory_import_hsds(directory=directory, dataset=dataset)
    except hsds.HsdsError as exc:
        print(f"Nothing imported: {len(exc.problems)} problem(s).", file=sys.stderr)
        return bad_input(exc.problems)
    except ValueError as exc:
        print(f"Nothing imported: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"Nothing imported: the database refused the data ({exc}).", file=sys.stderr)
        return 1
    print(report.as_text())
    return 0


def run_import_sheet(args: argparse.Namespace) -> int:
    setup_django()
    from passgenau.apps.core.input_problems import ImportFailed
    from passgenau.apps.directory.models import Directory
    from passgenau.apps.directory.services.sheet_import import (
        mapping_guess,
        sheet_import,
    )
    from passgenau.apps.directory.services.sheet_import import (
        sheet_preview as preview,
    )

    directory = Directory.objects.filter(slug=args.directory).first()
    if directory is None:
        print(f"error: no directory {args.directory!r}", file=sys.stderr)
        return 2
    try:
        content = args.path.read_bytes()
    except OSError as exc:
        print(f"error: {args.path}: {exc.strerror}", file=sys.stderr)
        return 2
    chosen: dict[str, str] = {}
    for item in args.map:
        heading, sep, name = item.partition("=")
        if not sep or name.strip() not in SHEET_FIELDS:
            print(f"error: --map {item!r}: write HEADING=FIELD", file=sys.stderr)
            return 2
        chosen[heading.strip()] = name.strip()
    try:
        header = preview(directory=directory, file_name=args.path.name, content=content).header
        guessed = mapping_guess(header, directory.sheet_mapping)
        mapping = {h: n for h, n in guessed.items() if n not in chosen.values()} | chosen
        result = sheet_import(
            directory=directory,
            file_name=args.path.name,
            content=content,
            mapping=mapping,
            skip_bad_rows=args.skip_bad_rows,
            save_mapping=args.save_mapping,
        )
    except ImportFailed as exc:
        print(f"Nothing imported: {len(exc.problems)} problem(s).", file=sys.stderr)
        for problem in exc.problems[:200]:
            print(problem, file=sys.stderr)
        return 2
    print(f"{result.offers} offers imported")
    if result.skipped_rows:
        print("rows skipped: " + ", ".join(str(n) for n in result.skipped_rows))
    print(result.report.as_text())
    return 0


def run_export(args: argparse.Namespace) -> int:
    setup_django()
    from passgenau.apps.directory.models import Directory
    from passgenau.apps.directory.services.hsds_io import (
        directory_export_hsds,
        export_validate,
    )

    directory = Directory.objects.filter(slug=args.directory).first()
    if directory is None:
        print(f"error: no directory {args.directory!r}", file=sys.stderr)
        return 2
    counts = directory_export_hsds(directory=directory, out_dir=args.out_dir)
    for table, number in counts.items():
        print(f"{table}: {number}")
    if args.validate is not None:
        errors = export_validate(out_dir=args.out_dir, schema_dir=args.validate)
        for error in errors[:50]:
            print(f"invalid: {error}", file=sys.stderr)
        if errors:
            return 1
        print("valid against the HSDS 3.0 schemas")
    return 0
