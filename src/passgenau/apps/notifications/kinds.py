"""The kinds of notification: what each says, in the recipient's language.

A module registers its kinds in its own ``notification_kinds.py`` (found at start-up). A kind's
subject and text are translatable messages with ``%(name)s`` parameters (a date as ISO text,
named in the kind's ``dates``, so that each reader sees it in their own format); the parameters a
sender passes must be what every recipient may see anyway (counts, a round's name, a date, a
pseudonymous reference) — never names, contact data or needs of a person, because e-mail leaves
the platform.

Kinds that fall due on a date (a survey due, a deadline approaching) also register a *due check*:
a function of today's date that returns the notifications due; ``passgenau manage notify_due``
(a daily job) sends each one once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = ["Due", "Kind", "due_checks", "kind_get", "kinds", "register", "register_due_check"]


@dataclass(frozen=True)
class Kind:
    code: str  # "relocation.proposals_published"
    label: str | Promise  # shown on the preferences page
    subject: str | Promise
    text: str | Promise  # ngettext_lazy(..., "count") where a count is in the parameters
    # Roles that can receive it (the preferences page offers only these to a user).
    roles: frozenset[str] = field(default_factory=frozenset)
    # Parameters that are dates, passed as ISO text ("2026-12-03") and shown in the reader's
    # language ("03.12.2026" in German) when the notification is rendered.
    dates: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Due:
    """A notification that a due check found: sent once per recipient and ``key``."""

    recipients: list[User]
    kind: str
    params: dict[str, Any]
    url: str
    key: str


_KINDS: dict[str, Kind] = {}
_DUE_CHECKS: list[Callable[[dt.date], Iterable[Due]]] = []


def register(kind: Kind) -> Kind:
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"notification kind {kind.code!r} registered twice")
    _KINDS[kind.code] = kind
    return kind


def register_due_check(
    check: Callable[[dt.date], Iterable[Due]],
) -> Callable[[dt.date], Iterable[Due]]:
    if check not in _DUE_CHECKS:
        _DUE_CHECKS.append(check)
    return check


def kind_get(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise KeyError(f"unknown notification kind {code!r}; register it first") from None


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def due_checks() -> list[Callable[[dt.date], Iterable[Due]]]:
    return list(_DUE_CHECKS)
