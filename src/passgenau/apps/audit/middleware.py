from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from passgenau.apps.accounts.addresses import client_ip

from .context import current_ip


class RequestContextMiddleware:
    """Makes the client address available to ``log_action``/``log_read`` during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
