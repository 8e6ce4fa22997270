"""Directory editors review the providers' changes before they are public."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404
from passgenau.apps.core.pages import form_saved

from ..forms import DecisionForm
from ..models import ChangeStatus
from ..selectors import work
from ..services import offers


@require("directory.review_changes")
def change_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", ChangeStatus.PENDING)
    if status not in ChangeStatus.values:
        status = ChangeStatus.PENDING
    return render(
        request,
        "directory/change_list.html",
        {
            "changes": work.changes_for_editor(user=request.user, status=status),
            "status": status,
            "statuses": ChangeStatus.choices,
            "directories": work.directories_for_editor(user=request.user),
        },
    )


@require("directory.review_changes")
def change_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change = found_or_404(work.change_get_for_editor(user=request.user, pk=pk))
    form = DecisionForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda data: offers.change_decide(
            actor=request.user, change=change, to=data["decision"], note=data["note"]
        ),
        done=_("The decision was saved."),
    ):
        return redirect("directory:change_list")
    rows = []
    service = change.service
    for name, value in change.fields.items():
        before = ""
        if service is not None:
            if name == "topics":
                before = ", ".join(service.topics.values_list("code", flat=True))
            elif name == "languages":
                before = ", ".join(service.spoken.values_list("code", flat=True))
            elif name in offers.EASY_FIELDS:
                easy = service.texts.filter(language="de", easy_language=True).first()
                before = getattr(easy, offers.EASY_FIELDS[name], "") if easy else ""
            else:
                before = getattr(service, name, "")
        after = ", ".join(value) if isinstance(value, list) else value
        rows.append({"field": name, "before": before, "after": after})
    return render(
        request, "directory/change_detail.html", {"change": change, "rows": rows, "form": form}
    )
