"""Web sub-commands of ``passgenau``: serve, demo, manage. Django is imported inside the command
functions only, so that the engine's commands start fast."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

DEFAULT_SETTINGS = "passgenau.web.settings.dev"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve", help="serve the web application (gunicorn; static files by whitenoise)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["passgenau manage", *args.args])
    return 0


def demo_loaders() -> list[Any]:
    """``demo.load`` of every installed passgenau app that has one, in INSTALLED_APPS order."""
    from django.apps import apps

    loaders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("passgenau.apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        loaders.append(module.load)
    return loaders


def cmd_demo(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings

    if not settings.DEBUG:
        print(
            "passgenau demo: refused because DEBUG is off (demo log-ins have published "
            "passwords). Use the development settings or DEBUG=1.",
            file=sys.stderr,
        )
        return 2
    for load in demo_loaders():
        summary = load()
        if summary:
            print(summary)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
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
    _Server().run()
    return 0
