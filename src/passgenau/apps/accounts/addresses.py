"""The client's address: for the lock-out, and (through the audit app's middleware) for the
audit trail."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, for the lock-out and the audit trail.

    The socket's address (REMOTE_ADDR), unless it is one of ``TRUSTED_PROXIES``: then the
    address that proxy appended to X-Forwarded-For, and so on for up to ``TRUSTED_PROXY_COUNT``
    proxies, each of which must itself be trusted. Without a configured proxy the header is
    ignored: anyone can write it.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None or hops <= 0 or not proxies:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    client = remote
    for _ in range(hops):
        current = _address(client)
        if current is None or not any(current in network for network in proxies):
            break  # not a proxy of ours: this is the client
        if not forwarded:
            break
        previous = _address(forwarded.pop())
        if previous is None:
            break  # not an address: keep the last one we can vouch for
        client = str(previous)
    return client
