"""Web sub-commands of ``passgenau``: serve, demo, manage. Django is imported inside the command
functions only, so that the engine's commands start fast."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from ._django import setup_django, use_default_settings


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve", help="serve the web application (gunicorn; static files by whitenoise)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    serve.add_argument(
        "--no-task-worker",
        dest="task_worker",
        action="store_false",
        help="do not start the background task worker (matching runs) next to the web server",
    )
    serve.set_defaults(func=cmd_serve)

    demo = subparsers.add_parser(
        "demo", help="load the demo data (idempotent; only when DEBUG is on) and print log-ins"
    )
    demo.set_defaults(func=cmd_demo)

    manage = subparsers.add_parser(
        "manage", help="run a Django management command (migrate, createsuperuser, …)"
    )
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its arguments")
    manage.set_defaults(func=cmd_manage)


def cmd_manage(args: argparse.Namespace) -> int:
    use_default_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["passgenau manage", *args.args])
    return 0


# The demo data, one loader per module (dotted path to a function without arguments), loaded in
# this order. Each is idempotent; what it returns is printed (``str()``, or the ``as_line()`` of
# each level of a report that has ``levels``).
DEMO_LOADERS: list[str] = [
    "passgenau.apps.territories.demo.territories_load_demo",
    "passgenau.apps.accounts.demo.load",
    "passgenau.apps.relocation.demo.load",
    "passgenau.apps.funding.demo.load",
    "passgenau.apps.directory.demo.load",
    "passgenau.apps.measures.demo.load",
]


def demo_loaders() -> list[Any]:
    """The loaders of DEMO_LOADERS whose app is installed."""
    from django.apps import apps

    loaders = []
    for dotted in DEMO_LOADERS:
        module_name, _, function = dotted.rpartition(".")
        app_name = module_name.rpartition(".")[0]
        if not apps.is_installed(app_name):
            continue
        loaders.append(getattr(importlib.import_module(module_name), function))
    return loaders


def _summary(result: Any) -> str:
    if result is None:
        return ""
    levels = getattr(result, "levels", None)
    if levels is not None:
        return "\n".join(f"territories: {level.as_line()}" for level in levels)
    return str(result)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    if not settings.DEBUG:
        print(
            "passgenau demo: refused because DEBUG is off (demo log-ins have published "
            "passwords). Use the development settings or DEBUG=1.",
            file=sys.stderr,
        )
        return 2
    for load in demo_loaders():
        summary = _summary(load())
        if summary:
            print(summary)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from passgenau.web.wsgi import application

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)

        def load(self) -> Any:
            return application

    where = f"http://{args.host}:{args.port}/"
    mode = "DEBUG" if settings.DEBUG else "production"
    print(f"passgenau: serving {where} ({mode}; {settings.DATABASES['default']['ENGINE']})")
    if settings.DEBUG:
        print(
            "passgenau: development settings with DEBUG on - for a real server set "
            "DJANGO_SETTINGS_MODULE=passgenau.web.settings.production (docs/production.md)"
        )
    # Matching runs are background tasks in the database queue: without a worker they would stay
    # queued, so the server starts one beside itself unless told not to (production runs its own).
    worker = None
    if args.task_worker:
        import subprocess

        worker = subprocess.Popen([sys.executable, "-m", "passgenau", "manage", "db_worker"])
        print(f"passgenau: background task worker started (pid {worker.pid})")
    try:
        _Server().run()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0
