from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from passgenau.apps.accounts.access import require
from passgenau.apps.listing import list_page

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


@require("audit.view_log")
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = None
    if form.is_bound and not form.is_valid():
        entries = selectors.audit_entries_for_user(user=request.user).none()
    else:
        entries = selectors.audit_entries_filter(user=request.user, filters=filters)
    page = list_page(request, entries, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require("audit.view_log")
def entry_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    filters = form.cleaned_data if form.is_bound else {}
    rows = selectors.audit_entries_csv_rows(user=request.user, filters=filters)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
