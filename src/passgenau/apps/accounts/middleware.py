from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .access import session_is_verified


class TwoFactorMiddleware:
    """Sends a user whose role needs a one-time password to the code (or enrolment) page until
    the code is confirmed; until then the session only has public rights anyway."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not session_is_verified(request) and not self._exempt(request.path):
            enrolled = getattr(request.user, "has_totp", False)  # only users need a second factor
            target = "accounts:totp_verify" if enrolled else "accounts:totp_enrol"
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (
            reverse("accounts:login"),
            reverse("accounts:logout"),
            reverse("accounts:totp_verify"),
            reverse("accounts:totp_enrol"),
            reverse("set_language"),
            reverse("core:healthz"),
            "/" + settings.STATIC_URL.lstrip("/"),
            "/api/",  # the API answers 403 itself
        )
        return path.startswith(exempt)
