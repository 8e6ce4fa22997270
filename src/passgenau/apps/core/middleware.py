from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults


class SecurityHeadersMiddleware:
    """Adds the Content Security Policy and Permissions-Policy to every response (the other
    security headers come from Django's SecurityMiddleware and settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class OwnErrorPagesMiddleware:
    """With DEBUG on (``make run``), Django answers a missing page or a crash with its technical
    page, which lists the URL map or settings and is English only. Show our translated 404 and 500
    pages instead, unless a developer asks for the technical ones (``DEBUG_ERROR_PAGES=1``).
    With DEBUG off Django already uses our ``404.html``/``500.html``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not settings.DEBUG
            or settings.DEBUG_ERROR_PAGES
            or response.status_code not in (404, 500)
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        if response.status_code == 404:
            return defaults.page_not_found(request, Http404())
        return defaults.server_error(request)
