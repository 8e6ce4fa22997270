from django.conf import settings
from django.http import HttpRequest

from passgenau.apps.accounts.access import request_role

from .navigation import navigation_for_request


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "navigation": navigation_for_request(request),
        "current_role": request_role(request),
        "interface_languages": settings.INTERFACE_LANGUAGES,
    }
