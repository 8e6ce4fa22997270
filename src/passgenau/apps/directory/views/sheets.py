"""A directory editor imports the round table's offer spreadsheet: upload, map the columns to
fields (guessed, or as saved at the last import), preview the first rows with their problems,
then import all rows in one transaction (or, chosen explicitly, only the good ones)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404
from passgenau.apps.core.input_problems import ImportFailed

from ..forms import SheetUploadForm
from ..models import SheetUpload
from ..selectors import work
from ..services.sheet_import import (
    FIELDS,
    sheet_import,
    sheet_preview,
)


@require("directory.review_changes")
def sheet_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    directory = found_or_404(
        work.directories_for_editor(user=request.user).filter(slug=slug).first()
    )
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        sheet = SheetUpload.objects.create(
            directory=directory,
            uploaded_by=request.user,
            file_name=upload.name[:255],
            content=upload.read(),
        )
        return redirect("directory:sheet_map", sheet.pk)
    return render(request, "directory/sheet_upload.html", {"directory": directory, "form": form})


@require("directory.review_changes")
def sheet_map(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = found_or_404(
        SheetUpload.objects.filter(
            pk=pk,
            uploaded_by=request.user,
            directory__in=work.directories_for_editor(user=request.user),
        )
        .select_related("directory")
        .first()
    )
    directory = sheet.directory
    content = bytes(sheet.content)
    mapping = None
    problems = []
    try:
        header = sheet_preview(
            directory=directory, file_name=sheet.file_name, content=content
        ).header
    except ImportFailed as error:
        return render(
            request,
            "directory/sheet_map.html",
            {"directory": directory, "sheet": sheet, "problems": error.problems, "columns": []},
        )
    if request.method == "POST":
        mapping = {
            heading: request.POST.get(f"column-{index}", "")
            for index, heading in enumerate(header)
            if heading
        }
        if request.POST.get("action") == "import":
            try:
                result = sheet_import(
                    directory=directory,
                    file_name=sheet.file_name,
                    content=content,
                    mapping=mapping,
                    skip_bad_rows=request.POST.get("skip_bad_rows") == "on",
                    save_mapping=request.POST.get("save_mapping") == "on",
                    actor=request.user,
                )
            except ImportFailed as error:
                problems = error.problems
            else:
                sheet.delete()
                text = ngettext(
                    "%(n)d offer imported.", "%(n)d offers imported.", result.offers
                ) % {"n": result.offers}
                if result.skipped_rows:
                    text += " " + _("Rows skipped: %(rows)s.") % {
                        "rows": ", ".join(str(n) for n in result.skipped_rows)
                    }
                messages.success(request, text)
                return redirect("directory:search", directory.slug)
    preview = sheet_preview(
        directory=directory, file_name=sheet.file_name, content=content, mapping=mapping
    )
    columns = [
        {"index": index, "heading": heading, "field": preview.mapping.get(heading, "")}
        for index, heading in enumerate(preview.header)
        if heading
    ]
    chosen = [f for f in FIELDS if f.name in preview.mapping.values()]
    rows = [
        {
            "number": row.number,
            "values": [row.values.get(f.name, "") for f in chosen],
            "problems": row.problems,
        }
        for row in preview.rows
    ]
    return render(
        request,
        "directory/sheet_map.html",
        {
            "directory": directory,
            "sheet": sheet,
            "columns": columns,
            "fields": FIELDS,
            "chosen": chosen,
            "rows": rows,
            "problems": problems or preview.problems,
        },
    )
