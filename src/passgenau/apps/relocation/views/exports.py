"""Downloads of a municipality's own proposals and arrivals (CSV or Excel)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.spreadsheets import TABLE_FORMATS, table_bytes

from ..selectors import exports

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(
    request: AuthenticatedHttpRequest, name: str, table: Callable[..., list[list[Any]]]
) -> HttpResponse:
    fmt = request.GET.get("format", "csv")
    if fmt not in TABLE_FORMATS:
        return HttpResponseBadRequest(
            _("Choose the format csv or xlsx."), content_type="text/plain; charset=utf-8"
        )
    rows = table(user=request.user, fmt=fmt)
    response = HttpResponse(table_bytes(rows, fmt=fmt, title=name), content_type=CONTENT_TYPES[fmt])
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.{fmt}"'
    return response


@require("relocation.view_proposals")
def proposal_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _download(request, "proposals", exports.proposal_table)


@require("relocation.record_arrival")
def arrival_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _download(request, "arrivals", exports.arrival_table)
