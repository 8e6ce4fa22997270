"""The round-table report of a directory: a page and the same as PDF (aggregates only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404

from ..exports import roundtable_pdf
from ..models import Directory, ReferralOutcome
from ..selectors import analysis, search, work


def _directory(request: AuthenticatedHttpRequest, slug: str) -> Directory:
    directory = found_or_404(search.directory_get(slug=slug))
    if not work.directories_for_editor(user=request.user).filter(pk=directory.pk).exists():
        raise PermissionDenied
    return directory


@require("directory.analyse")
def report(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    directory = _directory(request, slug)
    result = analysis.roundtable_report(directory=directory)
    outcomes = [(ReferralOutcome(k).label, n) for k, n in result.outcomes]
    largest = max([n for _t, n in result.topics] or [1])
    return render(
        request,
        "directory/roundtable.html",
        {"directory": directory, "report": result, "outcomes": outcomes, "largest": largest},
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
