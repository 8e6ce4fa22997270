"""The ``passgenau`` command line: one module per area, each with ``register(subparsers)``.

An area module adds its sub-commands and sets ``func`` on each parser (a callable taking the
parsed arguments and returning the exit code). To add an area, write ``cli/<area>.py`` with a
``register`` function and add the module to ``AREAS`` below. Area modules import neither Django
nor the apps at module level (only inside the command functions that need them), so that the
engine's commands start fast and without the web application.
Exit codes: 0 success, 1 internal failure, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import apportionment, directory, matching, privacy, territories, web

# the areas, in the order their sub-commands are listed in ``passgenau --help``
AREAS = (matching, apportionment, web, territories, directory, privacy)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passgenau",
        description="passgenau: matching, distribution by key and the web application.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        area.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
