"""Pages of the housing transition: the overview (districts, flats, waiting households, runs),
a district, a flat, a case's housing request, an allocation run with its proposals and their
explanations, confirming or declining a proposal, and the move.

Objects come from :mod:`..selectors.housing` (the user's organisation's); anything else is 404.
"""

from __future__ import annotations

from typing import Any

from django.forms import ModelChoiceField
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require

from ..forms.housing import DistrictForm, FlatForm, HousingRequestForm, MoveForm
from ..models import Flat, FlatProposal, HousingRequest, ProposalStatus
from ..selectors import housing as selectors
from ..services import housing as services
from .cases import _case_or_404 as case_or_404
from .common import form_page, post_action, start_run

RIGHT = "cases.manage_housing"
RUNS_SHOWN = 10


def _overview() -> str:
    return reverse("cases:housing")


@require(RIGHT)
def housing(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "cases/housing.html",
        {
            "districts": selectors.districts_for_user(user=user),
            "flats": selectors.flats_for_user(user=user),
            "requests": selectors.waiting_requests_for_user(user=user),
            "runs": selectors.housing_runs_for_user(user=user)[:RUNS_SHOWN],
        },
    )


@require(RIGHT)
def district_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DistrictForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        services.district_create(actor=request.user, **data)
        return _overview()

    return form_page(
        request,
        form,
        save=save,
        title=_("New district"),
        submit=_("Save district"),
        done=_("The district has been saved."),
    )


def _flat_form(request: AuthenticatedHttpRequest, flat: Flat | None = None) -> FlatForm:
    initial = None
    if flat is not None:
        initial = {  # a choice of a row (provider, district) by its key
            name: getattr(flat, f"{name}_id" if isinstance(field, ModelChoiceField) else name)
            for name, field in FlatForm.base_fields.items()
        }
    return FlatForm(
        request.POST or None,
        initial=initial,
        providers=selectors.providers(),
        districts=selectors.districts_for_user(user=request.user),
    )


def _flat_page(request: AuthenticatedHttpRequest, flat: Flat | None) -> HttpResponse:
    def save(data: dict[str, Any]) -> str:
        if flat is None:
            services.flat_create(actor=request.user, **data)
        else:
            services.flat_update(actor=request.user, flat=flat, **data)
        return _overview()

    title = _("New flat") if flat is None else _("Flat %(address)s") % {"address": flat.address}
    return form_page(
        request,
        _flat_form(request, flat),
        save=save,
        title=title,
        submit=_("Save flat"),
        done=_("The flat has been saved."),
    )


@require(RIGHT)
def flat_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _flat_page(request, None)


@require(RIGHT)
def flat_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flat = selectors.flat_get_for_user(user=request.user, pk=pk)
    if flat is None:
        raise Http404
    return _flat_page(request, flat)


@require(RIGHT)
def housing_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = HousingRequestForm(
        request.POST or None,
        initial={"adults": case.persons},
        districts=selectors.districts_for_user(user=request.user),
    )
    return form_page(
        request,
        form,
        save=lambda data: services.housing_request_create(actor=request.user, case=case, **data),
        title=_("%(reference)s waits for a flat") % {"reference": case.reference},
        submit=_("Save request"),
        done=_("The household waits for a flat now."),
        intro=_(
            "Who lives in the household, what it needs and what it wishes for: the allocation "
            "proposes only flats large enough and, where needed, barrier-free."
        ),
    )


@require_POST
@require(RIGHT)
def housing_run_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    return start_run(
        request,
        lambda: services.allocation_run(actor=request.user),
        detail="cases:housing_run_detail",
        done=lambda n: (
            ngettext(
                "The allocation proposes %(n)d flat.", "The allocation proposes %(n)d flats.", n
            )
            % {"n": n}
        ),
        back=_overview(),
    )


@require(RIGHT)
def housing_run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = selectors.housing_run_get_for_user(user=request.user, pk=pk)
    if run is None:
        raise Http404
    return render(
        request,
        "cases/housing_run.html",
        {
            "run": run,
            "proposals": selectors.run_proposals(user=request.user, run=run),
            "proposed": ProposalStatus.PROPOSED,
        },
    )


DECISIONS = {
    "confirm": (services.flat_proposal_confirm, gettext_lazy("The flat has been allocated.")),
    "decline": (services.flat_proposal_decline, gettext_lazy("The proposal has been declined.")),
}


@require_POST
@require(RIGHT)
def flat_proposal_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in DECISIONS:
        raise Http404
    proposal = FlatProposal.objects.filter(
        pk=pk, run__in=selectors.housing_runs_for_user(user=request.user)
    ).first()
    if proposal is None:
        raise Http404
    decide, done = DECISIONS[decision]
    return post_action(
        request,
        lambda: decide(actor=request.user, proposal=proposal),
        done=str(done),
        back=reverse("cases:housing_run_detail", kwargs={"pk": proposal.run_id}),
    )


def _request_or_404(request: AuthenticatedHttpRequest, pk: int) -> HousingRequest:
    found = selectors.housing_request_get_for_user(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


@require(RIGHT)
def housing_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    housing_request = _request_or_404(request, pk)
    return form_page(
        request,
        MoveForm(request.POST or None),
        save=lambda data: services.move_record(
            actor=request.user, request=housing_request, moved_on=data["moved_on"]
        ),
        title=_("%(reference)s moves into %(address)s")
        % {
            "reference": housing_request.case.reference,
            "address": housing_request.flat.address if housing_request.flat else "–",
        },
        submit=_("Record the move"),
        done=_("The move has been recorded."),
    )


@require_POST
@require(RIGHT)
def housing_request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    housing_request = _request_or_404(request, pk)
    return post_action(
        request,
        lambda: services.housing_request_withdraw(actor=request.user, request=housing_request),
        done=_("The household no longer waits for a flat."),
        back=housing_request,
    )


__all__ = [
    "district_create",
    "flat_create",
    "flat_edit",
    "flat_proposal_decide",
    "housing",
    "housing_move",
    "housing_request_create",
    "housing_request_withdraw",
    "housing_run_detail",
    "housing_run_start",
]
