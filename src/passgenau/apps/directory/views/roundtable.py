"""The round-table report of a directory: a page and the same as PDF (aggregates only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404

from ..exports import roundtable_pdf
from ..models import Directory, Service
from ..policies import may_review
from ..selectors import analysis, search, work
from ..services import duplicates


def _directory(request: AuthenticatedHttpRequest, slug: str) -> Directory:
    directory = found_or_404(search.directory_get(slug=slug))
    if not work.directories_for_editor(user=request.user).filter(pk=directory.pk).exists():
        raise PermissionDenied
    return directory


@require("directory.analyse")
def report(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    directory = _directory(request, slug)
    result = analysis.roundtable_report(directory=directory)
    largest = max([n for _t, n in result.topics] or [1])
    gap_largest = max([n for _t, n in result.gap_topics] or [1])
    return render(
        request,
        "directory/roundtable.html",
        {
            "directory": directory,
            "report": result,
            "largest": largest,
            "gap_largest": gap_largest,
            "may_decide": may_review(user=request.user),
        },
    )


@require("directory.analyse")
def report_pdf(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    directory = _directory(request, slug)
    result = analysis.roundtable_report(directory=directory)
    response = HttpResponse(
        roundtable_pdf(report=result, directory=directory), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="round-table-{directory.slug}.pdf"'
    return response


@require("directory.review_changes")
def duplicate_decide(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Merge a likely duplicate pair (keeping the one chosen) or mark it as distinct."""
    directory = _directory(request, slug)
    if request.method != "POST":
        return redirect("directory:roundtable", directory.slug)
    scope = search.directory_scope(directory)
    offers = Service.objects.filter(directory_id__in=scope)
    a = found_or_404(offers.filter(pk=_int(request.POST.get("a"))).first())
    b = found_or_404(offers.filter(pk=_int(request.POST.get("b"))).first())
    action = request.POST.get("action")
    try:
        if action == "distinct":
            duplicates.pair_mark_distinct(actor=request.user, a=a, b=b)
            messages.success(request, _("The pair is marked as distinct."))
        elif action in ("keep_a", "keep_b"):
            keep, other = (a, b) if action == "keep_a" else (b, a)
            duplicates.services_merge(actor=request.user, keep=keep, other=other)
            messages.success(
                request,
                _("“%(other)s” was merged into “%(keep)s” and closed.")
                % {"other": other.name, "keep": keep.name},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("directory:roundtable", directory.slug)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0
