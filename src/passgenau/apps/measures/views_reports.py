"""Pages that move files: the spreadsheet import and export of a plan, and the council's progress
report (issued, stored with its SHA-256, downloaded as issued)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.input_problems import ImportFailed, ImportProblem

from . import imports, policies, reports, selectors, services
from .forms import ImportForm, ReportForm
from .models import ReportFormat

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require("measures.coordinate")
def plan_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not policies.may_change(user=request.user, plan=plan):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.plan_import(
                user=request.user,
                plan=plan,
                file_name=upload.name,
                content=upload.read(imports.MAX_BYTES + 1),
                mapping=form.mapping(),
            )
        except ImportFailed as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "%(file)s imported: %(created)d measures created, %(updated)d updated, "
                    "%(areas)d areas and %(actors)d actors added."
                )
                % {
                    "file": result.file,
                    "created": result.created,
                    "updated": result.updated,
                    "areas": result.areas_created,
                    "actors": result.actors_created,
                },
            )
            if result.status_kept:
                messages.warning(
                    request,
                    _(
                        "The status in the file differs for %(codes)s; a status changes only "
                        "through a dated update of the measure."
                    )
                    % {"codes": ", ".join(result.status_kept)},
                )
            return redirect(plan)
    return render(
        request,
        "measures/plan_import.html",
        {"plan": plan, "form": form, "problems": problems, "columns": imports.COLUMNS},
    )


@require("measures.view_plans")
def import_template(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return _download(imports.template(fmt), fmt, f"massnahmenplan-vorlage.{fmt}")


@require("measures.view_plans")
def plan_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if fmt == "xlsx":
        content = imports.plan_export_xlsx(plan=plan)
    elif fmt == "csv":
        content = imports.plan_export_csv(plan=plan)
    else:
        raise Http404
    return _download(content, fmt, f"massnahmenplan-{plan.pk}.{fmt}")


@require("measures.coordinate")
def report_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not policies.may_coordinate(user=request.user, plan=plan):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        as_of, fmt = form.cleaned_data["as_of"], form.cleaned_data["format"]
        progress = selectors.plan_progress(plan=plan, as_of=as_of)
        build = reports.report_pdf if fmt == ReportFormat.PDF else reports.report_docx
        report = services.report_store(
            user=request.user, plan=plan, as_of=as_of, fmt=fmt, content=build(progress)
        )
        messages.success(request, _("The progress report has been issued and stored."))
        return redirect("measures:report_download", pk=report.pk)
    return render(
        request,
        "measures/report_form.html",
        {"plan": plan, "form": form, "reports": plan.reports.defer("content")},
    )


@require("measures.view_plans")
def report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report exactly as issued."""
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return _download(bytes(report.content), report.format, report.filename)
