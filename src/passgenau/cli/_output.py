"""What the command-line areas share in their output."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO


def bad_input(problems: Iterable[object], stream: TextIO | None = None) -> int:
    """One ``error:`` line per problem (on stderr unless ``stream``); the exit code for bad
    input (2)."""
    for problem in problems:
        print(f"error: {problem}", file=stream or sys.stderr)
    return 2
