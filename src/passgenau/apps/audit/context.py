"""The client address of the request being served, for entries written deep inside services
(set by ``middleware.RequestContextMiddleware`` from ``accounts.addresses.client_ip``)."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("passgenau_current_ip", default=None)
