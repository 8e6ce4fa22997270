"""Sub-commands of the matching engine: the plain-instance commands and the profile commands."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from . import cli_plain, cli_profiles

    cli_plain.register(subparsers)  # solve, convert-hias
    cli_profiles.register(subparsers)  # match, generate
