"""What the pages of the case-management areas share: a page with one form that calls one
service, and a POST that calls one service and goes back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.db.models import Field, Model, QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from passgenau.apps.accounts.access import AuthenticatedHttpRequest
from passgenau.apps.audit.services import log_read
from passgenau.apps.listing import list_page

from ..forms.cases import PoolSearchForm
from ..models import EngineRun
from ..services import CasesError


def pool_page(
    request: AuthenticatedHttpRequest, *, model: type[Model], search: Callable[..., QuerySet[Any]]
) -> dict[str, Any]:
    """The search box, filter and page of a pool of people (mentors, language mediators):
    ``search`` takes the user, the text and whether they take on work; the page shown is
    logged."""
    active = cast(Field[Any, Any], model._meta.get_field("active"))
    form = PoolSearchForm(request.GET or None, active_label=active.verbose_name)
    page = list_page(
        request, search(user=request.user, query=form.query(), active=form.taking_work())
    )
    log_read(actor=request.user, objects=list(page.object_list))
    return {"form": form, "page": page}


def kept_notes() -> dict[str, str]:
    """How long each part of a case is kept (settings ``RETENTION_DAYS``, applied by the daily
    retention job), said where it is recorded."""
    days = settings.RETENTION_DAYS
    texts = {
        "case_files": ngettext(
            "The case file is deleted %(days)s day after the case is closed; of a case with "
            "specialist hours only the hours are kept, under its pseudonymous reference.",
            "The case file is deleted %(days)s days after the case is closed; of a case with "
            "specialist hours only the hours are kept, under its pseudonymous reference.",
            days["case_files"],
        ),
        "case_plans": ngettext(
            "Goals, steps and agreed plan versions are deleted %(days)s day after the case is "
            "closed.",
            "Goals, steps and agreed plan versions are deleted %(days)s days after the case is "
            "closed.",
            days["case_plans"],
        ),
        "case_notes": ngettext(
            "Contact notes are deleted %(days)s day after the case is closed.",
            "Contact notes are deleted %(days)s days after the case is closed.",
            days["case_notes"],
        ),
        "case_referrals": ngettext(
            "Referrals are deleted %(days)s day after the case is closed.",
            "Referrals are deleted %(days)s days after the case is closed.",
            days["case_referrals"],
        ),
        "case_housing": ngettext(
            "The request and the flats proposed for it are deleted %(days)s day after the case "
            "is closed.",
            "The request and the flats proposed for it are deleted %(days)s days after the case "
            "is closed.",
            days["case_housing"],
        ),
        "case_mentoring": ngettext(
            "The request, the pair and its meetings are deleted %(days)s day after the case is "
            "closed.",
            "The request, the pair and its meetings are deleted %(days)s days after the case is "
            "closed.",
            days["case_mentoring"],
        ),
        "case_mediation": ngettext(
            "The appointment and its booking are deleted %(days)s day after the case is closed; "
            "the hours logged for it stay for the funder's statement.",
            "The appointment and its booking are deleted %(days)s days after the case is closed; "
            "the hours logged for it stay for the funder's statement.",
            days["case_mediation"],
        ),
    }
    return {c: text % {"days": days[c]} for c, text in texts.items()}


def form_page(
    request: AuthenticatedHttpRequest,
    form: Form,
    *,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    submit: str,
    done: str,
    intro: str = "",
    kept: str = "",
    links: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save`` with its data and go to what it returns (a
    model with a URL or a path). A refusal of the service is shown on the form. ``links``
    (URL, label) lead to further steps from the page."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except CasesError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect(target)
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "kept": kept,
            "links": links,
        },
    )


def post_action(
    request: AuthenticatedHttpRequest, change: Callable[[], Any], *, done: str, back: Any
) -> HttpResponse:
    """Call ``change``; show ``done`` or the service's refusal, and go back to ``back``."""
    try:
        change()
    except CasesError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


def start_run(
    request: AuthenticatedHttpRequest,
    run: Callable[[], EngineRun],
    *,
    detail: str,
    done: Callable[[int], str],
    back: str,
) -> HttpResponse:
    """Start a run of the engine; on success go to its page (``detail``, a URL name) with
    ``done(proposals)``, on a refusal back to ``back`` with the reason."""
    try:
        started = run()
    except CasesError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, done(int(started.result.get("proposals", 0))))
    return redirect(detail, pk=started.pk)
