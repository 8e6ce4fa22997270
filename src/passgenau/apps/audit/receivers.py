"""Writes the entries that accounts hands over as signals (``accounts/trail.py``)."""

from __future__ import annotations

from typing import Any

from passgenau.apps.accounts import trail

from .services import log_action, log_read


def _action(sender: Any, signal: Any, action: str, **entry: Any) -> None:
    log_action(action, **entry)


def _read(sender: Any, signal: Any, **entry: Any) -> None:
    log_read(**entry)


def connect() -> None:
    trail.action_logged.connect(_action, dispatch_uid="audit.accounts.action")
    trail.read_logged.connect(_read, dispatch_uid="audit.accounts.read")
