"""The client address of the request being served, for entries written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

current_ip: ContextVar[str | None] = ContextVar("passgenau_current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address a trusted reverse proxy put into X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
