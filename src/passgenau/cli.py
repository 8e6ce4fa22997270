"""The ``passgenau`` command line.

Each area registers its own sub-commands (``register(subparsers)``), so that the engine commands
never import Django and start fast; the commands that need the web application import it lazily.
Exit codes: 0 success, 1 internal failure, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that contribute sub-commands; each defines ``register(subparsers) -> None`` and sets
# ``func`` on its parsers (a callable taking the parsed arguments and returning an exit code).
COMMAND_MODULES: tuple[str, ...] = (
    "passgenau.engine.matching.commands",
    "passgenau.engine.apportionment_commands",
    "passgenau.web.commands",
    "passgenau.apps.territories.commands",
    "passgenau.apps.directory.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="passgenau",
        description="passgenau: matching, distribution by key and the web application.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency inside the module
                raise
            continue
        module.register(subparsers)
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
