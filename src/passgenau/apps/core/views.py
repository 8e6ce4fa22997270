from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from passgenau.apps.accounts.access import public, require

from . import selectors


@require("core.view_start")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    database = selectors.database_status()
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "error",
            "database": database,
            "vendor": connection.vendor,
        },
        status=status,
    )


@public
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page says: point them at ours."""
    return redirect(static("passgenau/favicon.svg"), permanent=True)
