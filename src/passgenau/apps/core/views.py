from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from passgenau.apps.accounts.access import public, require

from . import selectors
from .todo import todo_for_request


@require("core.view_start")
def home(request: HttpRequest) -> HttpResponse:
    """The start page; for a logged-in user, the to-do list of the role (``core/todo.py``)."""
    todo = todo_for_request(request)
    return render(
        request,
        "core/home.html",
        {
            "todo": todo,
            "todo_total": sum(kind.total for kind in todo),
            "todo_overdue": sum(kind.overdue for kind in todo),
        },
    )


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
