"""The household import from CSV or Excel and its template (interviewer)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.input_problems import ImportFailed, ImportProblem

from ..forms.imports import ImportForm
from ..models import (
    RoundAction,
)
from ..selectors import rounds as round_selectors
from ..services import imports


@require("relocation.register_households")
def household_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.households_import(
                actor=request.user, round_=round_, file_name=upload.name, content=upload.read()
            )
        except ImportFailed as error:
            problems = error.problems
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d household was imported from %(file)s.",
                    "%(n)d households were imported from %(file)s.",
                    len(result.households),
                )
                % {"n": len(result.households), "file": result.file},
            )
            url = reverse("relocation:household_list")
            return redirect(f"{url}?round={round_.pk}")
    return render(
        request,
        "relocation/household_import.html",
        {
            "form": form,
            "round": round_,
            "problems": problems,
            "columns": imports.import_columns(round_=round_),
            "required": imports.REQUIRED_COLUMNS,
            "codes": imports.import_codes(round_=round_),
            "open": round_.allows(RoundAction.REGISTER_HOUSEHOLDS),
        },
    )


@require("relocation.register_households")
def import_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(
        imports.import_template_csv(round_=round_), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="households-round-{round_.pk}.csv"'
    return response
