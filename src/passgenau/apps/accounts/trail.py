"""Entries for the audit trail from accounts, handed over without importing the audit app.

The audit app's pages ask the permission table (``access``, ``policies``), so the audit app
depends on accounts, and accounts may not depend on it (no cycle between apps). Accounts sends
its entries as these two signals instead; the audit app connects ``log_action`` and ``log_read``
to them when it is ready (``audit/receivers.py``). A signal that nobody receives raises, so that
no entry is lost silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

if TYPE_CHECKING:
    from .access import Actor

__all__ = ["action_logged", "log_action", "log_read", "read_logged"]

action_logged = Signal()  # action, actor, obj, data, ip_address: as audit.services.log_action
read_logged = Signal()  # actor, obj, objects, data: as audit.services.log_read


def _send(signal: Signal, **entry: Any) -> None:
    if not signal.has_listeners():
        raise ImproperlyConfigured("the audit app must be installed to record what accounts do")
    signal.send(sender=__name__, **entry)


def log_action(action: str, *, actor: Actor, **entry: Any) -> None:
    """Record that ``actor`` did ``action``; ``obj``, ``data`` and ``ip_address`` as in
    ``audit.services.log_action``."""
    _send(action_logged, action=action, actor=actor, **entry)


def log_read(*, actor: Actor, **entry: Any) -> None:
    """Record that ``actor`` saw accounts; ``obj`` or ``objects``, and ``data``, as in
    ``audit.services.log_read``."""
    _send(read_logged, actor=actor, **entry)
