"""The web sub-commands of `passgenau`: registered, lazy about Django, demo hooks."""

from __future__ import annotations

import argparse
import subprocess
import sys

from passgenau.cli import web as commands


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="passgenau")
    commands.register(parser.add_subparsers(dest="command"))
    return parser


def test_serve_defaults_to_the_loopback_address():
    args = _parser().parse_args(["serve"])
    assert (args.host, args.port, args.func) == ("127.0.0.1", 8000, commands.cmd_serve)
    args = _parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)


def test_manage_passes_everything_through():
    args = _parser().parse_args(["manage", "migrate", "--noinput"])
    assert args.args == ["migrate", "--noinput"]


def test_registering_the_commands_does_not_import_django():
    code = (
        "import sys, argparse\n"
        "from passgenau.cli import web as commands\n"
        "commands.register(argparse.ArgumentParser().add_subparsers())\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_demo_loader_exists(db):
    loaders = commands.demo_loaders()
    assert commands.DEMO_LOADERS and len(loaders) == len(commands.DEMO_LOADERS)
    assert all(callable(load) for load in loaders)
