"""Pages of language mediation: the overview (the pool, appointments waiting, runs, booked
appointments), a mediator, a case's request for one, a run with its proposals and their
explanations, the mediator's confirmation, and an assignment: what the mediator is told (the
sheet, from :func:`..policies.for_the_mediator` only) and its hours.

Objects come from :mod:`..selectors.mediation` (the user's organisation's); anything else is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require

from .. import policies
from ..forms.mediation import AssignmentHoursForm, MediationRequestForm, MediatorForm
from ..models import Mediator, ProposalStatus
from ..selectors import cases as case_selectors
from ..selectors import housing as housing_selectors
from ..selectors import mediation as selectors
from ..services import mediation as services
from .cases import _case_or_404 as case_or_404
from .common import form_page, kept_notes, pool_page
from .matching import RunPages, area_views, by_actor, overview_context

RIGHT = "cases.manage_mediation"


def _overview() -> str:
    return reverse("cases:mediation")


@require(RIGHT)
def mediation(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pool = pool_page(request, model=Mediator, search=selectors.mediators_search)
    return render(
        request,
        "cases/mediation.html",
        {
            **pool,
            "mediators": pool["page"].object_list,
            "requests": selectors.waiting_mediation_requests_for_user(user=user),
            "assignments": selectors.assignments_for_user(user=user),
            **overview_context(PAGES, request),
        },
    )


def _mediator_page(request: AuthenticatedHttpRequest, mediator: Mediator | None) -> HttpResponse:
    initial = None
    if mediator is not None:
        initial = {name: getattr(mediator, name) for name in MediatorForm.base_fields} | {
            "districts": [d.pk for d in mediator.districts.all()]
        }
    form = MediatorForm(
        request.POST or None,
        initial=initial,
        districts=housing_selectors.districts_for_user(user=request.user),
    )

    def save(data: dict[str, Any]) -> str:
        if mediator is None:
            services.mediator_create(actor=request.user, **data)
        else:
            services.mediator_update(actor=request.user, mediator=mediator, **data)
        return _overview()

    return form_page(
        request,
        form,
        save=save,
        title=_("New language mediator") if mediator is None else mediator.name,
        submit=_("Save language mediator"),
        done=_("The language mediator has been saved."),
    )


@require(RIGHT)
def mediator_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _mediator_page(request, None)


@require(RIGHT)
def mediator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mediator = selectors.mediator_get_for_user(user=request.user, pk=pk)
    if mediator is None:
        raise Http404
    return _mediator_page(request, mediator)


@require(RIGHT)
def mediation_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = MediationRequestForm(
        request.POST or None,
        initial={"language": case.language},
        districts=housing_selectors.districts_for_user(user=request.user),
    )
    return form_page(
        request,
        form,
        save=lambda data: services.mediation_request_create(actor=request.user, case=case, **data),
        title=_("%(reference)s needs a language mediator") % {"reference": case.reference},
        submit=_("Save request"),
        done=_("The appointment waits for a language mediator now."),
        intro=_(
            "The proposals name only mediators who speak the language, work in this area and "
            "are free at the time; the mediator is told the kind of appointment, the time, the "
            "place and the case's reference, nothing more."
        ),
        kept=kept_notes()["case_mediation"],
    )


PAGES = RunPages(
    area=services.MEDIATION,
    right=RIGHT,
    names={
        "overview": "cases:mediation",
        "run_start": "cases:mediation_run_start",
        "run_detail": "cases:mediation_run_detail",
        "export": "cases:mediation_run_export",
        "reproduce": "cases:mediation_run_reproduce",
        "decide": "cases:mediator_proposal_decide",
        "withdraw": "cases:mediation_request_withdraw",
    },
    area_title=gettext_lazy("Language mediation"),
    run_title=gettext_lazy("Mediation run %(n)s"),
    runs_title=gettext_lazy("Mediation runs"),
    start_label=gettext_lazy("Propose language mediators"),
    waiting_label=gettext_lazy("Appointments waiting"),
    places_label=gettext_lazy("Free half-days of mediators"),
    place_header=gettext_lazy("Language mediator"),
    why=gettext_lazy("Why this language mediator"),
    nothing=gettext_lazy("The run proposed no language mediator."),
    started=lambda n: (
        ngettext(
            "The run proposes %(n)d language mediator.",
            "The run proposes %(n)d language mediators.",
            n,
        )
        % {"n": n}
    ),
    unplaced=lambda n: (
        ngettext(
            "%(counter)s appointment got no proposal: no free mediator speaks the language in "
            "this area at the time, or the fitting ones went to others.",
            "%(counter)s appointments got no proposal: no free mediator speaks the language in "
            "this area at the time, or the fitting ones went to others.",
            n,
        )
        % {"counter": n}
    ),
    row_template="cases/_mediator_proposal_row.html",
    status_template="cases/_mediator_proposal_status.html",
    decisions={
        "confirm": (
            by_actor(services.mediator_proposal_confirm),
            gettext_lazy("The mediator confirmed: the appointment is booked."),
        ),
        "decline": (
            by_actor(services.mediator_proposal_decline),
            gettext_lazy("The proposal has been declined."),
        ),
    },
    run=services.mediation_run,
    withdraw=services.mediation_request_withdraw,
    withdrawn=gettext_lazy("The appointment no longer needs a language mediator."),
)
RUN_VIEWS = area_views(PAGES)


@require(RIGHT)
def mediation_assignment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An assignment: the sheet for the mediator, its hours, and a form to log them."""
    assignment = selectors.assignment_get_for_user(user=request.user, pk=pk)
    if assignment is None:
        raise Http404
    case = assignment.request.case
    form = AssignmentHoursForm(
        request.POST or None, contracts=case_selectors.contracts_for_case(case=case)
    )
    if request.method == "POST":

        def save(data: dict[str, Any]) -> str:
            services.assignment_hours_log(actor=request.user, assignment=assignment, **data)
            return assignment.get_absolute_url()

        return form_page(
            request,
            form,
            save=save,
            title=_("Hours of the language mediation"),
            submit=_("Log the hours"),
            done=_("The hours have been logged."),
        )
    return render(
        request,
        "cases/mediation_assignment.html",
        {
            "assignment": assignment,
            "sheet": policies.for_the_mediator(assignment.request),
            "form": form,
            "confirmed": ProposalStatus.CONFIRMED,
            "may_log_hours": policies.may_log_hours(user=request.user),
        },
    )


__all__ = [
    "PAGES",
    "RUN_VIEWS",
    "mediation",
    "mediation_assignment",
    "mediation_request_create",
    "mediator_create",
    "mediator_edit",
]
