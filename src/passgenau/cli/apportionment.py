"""``passgenau apportion``: distribute a total (persons, seats, money) by a key from a CSV file.

Input: a CSV file with a header and the columns ``id`` and ``weight`` (other columns are carried
through to the output); UTF-8 with or without byte order mark; ``,``, ``;`` or tab as delimiter.

Numbers (weights, ``--total``, ``--min``, ``--max``) may be written in English (``8000000.00``,
``8,000,000.00``) or German notation (``8.000.000,00``), with spaces grouping thousands. With
``--number-format auto`` (the default) a value that means different numbers in the two notations
(``1.234``) is refused unless other values in the same file show the notation; pass
``--number-format de`` or ``en`` to say it.

Money: ``--decimals 2`` apportions in cents, so that ``--total 8000000`` distributes 800,000,000
cents and every allocation is a whole number of cents; the allocations add up exactly to the total.

Output: ``id,quota,allocation`` and the carried columns. The allocation is printed with exactly
``--decimals`` decimals; the quota (the exact proportional share) is rounded for display to
``--decimals`` + 4 decimals. ``--output-format de`` writes ``;``-separated CSV with decimal commas
(for spreadsheet programs set to German). Without ``--out`` a readable table is printed.

Exit codes: 0 success, 2 bad input (one message per problem, naming file, row and field).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from passgenau.engine.apportionment import METHODS, TIE_RULES, ApportionmentError, apportion
from passgenau.engine.keys import (
    NUMBER_FORMATS,
    KeyFileError,
    KeyTable,
    NumberError,
    parse_number,
    read_key_csv,
)
from passgenau.engine.problems import InputProblem

__all__ = ["format_amount", "register", "run"]

PROG = "passgenau apportion"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``apportion`` to the ``passgenau`` command line."""
    parser = subparsers.add_parser(
        "apportion",
        help="distribute a total by a key (largest remainder, Sainte-Laguë, D'Hondt)",
        description=(
            "Distribute an integer total (persons, seats) or an amount of money (--decimals 2) "
            "among the units of a CSV key, exactly: the allocations add up to the total."
        ),
    )
    parser.add_argument("--total", required=True, metavar="AMOUNT", help="what to distribute")
    parser.add_argument(
        "--weights", required=True, metavar="FILE.csv", help="key file with columns id,weight"
    )
    parser.add_argument("--method", choices=METHODS, default="largest-remainder")
    parser.add_argument(
        "--decimals",
        type=int,
        default=0,
        metavar="D",
        help="apportion in units of 10^-D (2: euro cents); default 0",
    )
    parser.add_argument("--min", metavar="X", help="minimum for every unit (same unit as total)")
    parser.add_argument("--max", metavar="Y", help="maximum for every unit (same unit as total)")
    parser.add_argument("--min-column", metavar="NAME", help="per-unit minimums from this column")
    parser.add_argument("--max-column", metavar="NAME", help="per-unit maximums from this column")
    parser.add_argument(
        "--ties",
        choices=TIE_RULES,
        default="order",
        help="order: the unit earlier in the file wins a tie; lot: a seeded lot decides",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="seed of the lot (--ties lot)")
    parser.add_argument(
        "--number-format",
        choices=NUMBER_FORMATS,
        default="auto",
        help="how input numbers are written: de (1.234,5), en (1,234.5) or auto (default: "
        "decide from the values, refuse ones like 1.234 that read differently)",
    )
    parser.add_argument("--id-column", default="id", metavar="NAME", help="default: id")
    parser.add_argument("--weight-column", default="weight", metavar="NAME", help="default: weight")
    parser.add_argument(
        "--out", metavar="FILE.csv", help="write CSV here ('-' for standard output)"
    )
    parser.add_argument(
        "--output-format",
        choices=("en", "de"),
        default="en",
        help="en: ',' separated, decimal point; de: ';' separated, decimal comma",
    )
    parser.set_defaults(func=run)


# --- formatting ------------------------------------------------------------------------------


def format_amount(
    value: Fraction | int, decimals: int, fmt: str = "en", group: bool = False
) -> str:
    """``value`` (in whole units, not scaled) with exactly ``decimals`` decimals, half-even.

    >>> format_amount(Fraction(16_000_001, 2), 2, "de", group=True)
    '8.000.000,50'
    >>> format_amount(Fraction(2, 3), 4)
    '0.6667'
    """
    # round() on a Fraction is exact and rounds half to even.
    number = Decimal(round(Fraction(value) * 10**decimals)).scaleb(-decimals)
    text = f"{number:,.{decimals}f}" if group else f"{number:.{decimals}f}"
    if fmt == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


# --- the command -----------------------------------------------------------------------------


def _amount_problem(option: str, text: str, message: str) -> str:
    return f"{option} {text!r}: {message}"


def _scaled(
    text: str, option: str, decimals: int, number_format: str, problems: list[str]
) -> int | None:
    """Parse an amount and scale it to an integer number of 10^-decimals units."""
    try:
        value = parse_number(text, number_format)
    except ValueError as exc:
        problems.append(_amount_problem(option, text, str(exc)))
        return None
    if value < 0:
        problems.append(_amount_problem(option, text, "must not be negative"))
        return None
    scaled = value * 10**decimals
    if scaled.denominator != 1:
        problems.append(
            _amount_problem(option, text, f"has more decimals than --decimals {decimals} allows")
        )
        return None
    return int(scaled)


def _column_bounds(
    table: KeyTable,
    column: str,
    option: str,
    decimals: int,
    number_format: str,
    problems: list[InputProblem],
) -> dict[str, int]:
    if column not in table.columns:
        unknown = {"option": option}
        problems.append(InputProblem(table.file, 1, column, "keys.no_such_column", unknown))
        return {}
    bounds: dict[str, int] = {}
    fmt = table.number_format  # what the weights showed, or the format the user chose
    for uid in table.ids:
        text = table.extra[uid][column].strip()
        if not text:
            continue  # no bound for this unit
        row = table.rows[uid]
        try:
            value = parse_number(text, fmt)
        except NumberError as exc:
            problems.append(exc.problems[0].at(table.file, row, column))
            continue
        scaled = value * 10**decimals
        if value < 0 or scaled.denominator != 1:
            bad = {"value": text, "decimals": decimals}
            problems.append(InputProblem(table.file, row, column, "keys.bound_decimals", bad))
            continue
        bounds[uid] = int(scaled)
    return bounds


def _fail(messages: Sequence[object], stream: TextIO) -> int:
    for message in messages:
        print(f"{PROG}: error: {message}", file=stream)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run ``passgenau apportion`` with parsed arguments; returns the exit code."""
    out_stream, err_stream = sys.stdout, sys.stderr
    decimals: int = args.decimals
    if not 0 <= decimals <= 9:
        return _fail([f"--decimals {decimals}: choose 0 to 9"], err_stream)
    if args.ties == "lot" and args.seed is None:
        return _fail(["--ties lot needs --seed N so that the lot can be reproduced"], err_stream)

    problems: list[str] = []
    total = _scaled(args.total, "--total", decimals, args.number_format, problems)
    global_min = (
        _scaled(args.min, "--min", decimals, args.number_format, problems) if args.min else None
    )
    global_max = (
        _scaled(args.max, "--max", decimals, args.number_format, problems) if args.max else None
    )
    if args.min and args.min_column:
        problems.append("give either --min or --min-column, not both")
    if args.max and args.max_column:
        problems.append("give either --max or --max-column, not both")

    try:
        table = read_key_csv(
            args.weights,
            id_column=args.id_column,
            weight_column=args.weight_column,
            number_format=args.number_format,
        )
    except KeyFileError as exc:
        return _fail([*problems, *exc.problems], err_stream)

    file_problems: list[InputProblem] = []
    minimum: int | dict[str, int] | None = global_min
    maximum: int | dict[str, int] | None = global_max
    if args.min_column:
        minimum = _column_bounds(
            table, args.min_column, "--min-column", decimals, args.number_format, file_problems
        )
    if args.max_column:
        maximum = _column_bounds(
            table, args.max_column, "--max-column", decimals, args.number_format, file_problems
        )
    if problems or file_problems or total is None:
        return _fail([*problems, *file_problems], err_stream)

    try:
        result = apportion(
            total,
            table.weights,
            method=args.method,
            minimum=minimum,
            maximum=maximum,
            ties=args.ties,
            seed=args.seed,
        )
    except ApportionmentError as exc:
        return _fail([f"{table.file}: {p}" for p in exc.problems], err_stream)

    unit = Fraction(1, 10**decimals)
    header = [args.id_column, "quota", "allocation", *table.columns]

    def rows(group: bool) -> list[list[str]]:
        return [
            [
                uid,
                format_amount(quota * unit, decimals + 4, args.output_format, group),
                format_amount(allocation * unit, decimals, args.output_format, group),
                *(table.extra[uid][c] for c in table.columns),
            ]
            for uid, quota, allocation in zip(
                result.ids, result.quotas, result.allocations, strict=True
            )
        ]

    if result.tied:
        rule = "input order" if args.ties == "order" else f"lot (seed {args.seed})"
        print(
            f"{PROG}: note: {', '.join(result.tied)} tied for {result.tie_seats} "
            f"unit(s) of {format_amount(unit, decimals)}; decided by {rule}",
            file=err_stream,
        )

    if args.out:
        delimiter = ";" if args.output_format == "de" else ","
        if args.out == "-":
            csv.writer(out_stream, delimiter=delimiter, lineterminator="\n").writerows(
                [header, *rows(group=False)]
            )
            return 0
        try:
            with Path(args.out).open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(
                    [header, *rows(group=False)]
                )
        except OSError as exc:
            return _fail([f"--out {args.out}: {exc.strerror or exc}"], err_stream)
        print(
            f"wrote {len(result.ids)} rows to {args.out}; allocations add up to "
            f"{format_amount(total * unit, decimals, args.output_format, group=True)} "
            f"({result.method})",
            file=out_stream,
        )
        return 0

    _print_table(
        out_stream,
        header,
        rows(group=True),
        total * unit,
        decimals,
        args.output_format,
        result.method,
    )
    return 0


def _print_table(
    stream: TextIO,
    header: list[str],
    rows: list[list[str]],
    total: Fraction,
    decimals: int,
    fmt: str,
    method: str,
) -> None:
    numeric = {1, 2}  # quota and allocation are right-aligned
    footer = [
        "total",
        "",
        format_amount(total, decimals, fmt, group=True),
        *([""] * (len(header) - 3)),
    ]
    widths = [max(len(r[i]) for r in [header, *rows, footer]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(line(header), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    for row in rows:
        print(line(row), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    print(line(footer), file=stream)
    print(f"({len(rows)} units, {method})", file=stream)
