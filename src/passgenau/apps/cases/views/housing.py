"""Pages of the housing transition: the overview (districts, flats, waiting households, runs),
a district, a flat, a housing provider's own flats (listed, offered, changed), a case's housing
request, an allocation run with its proposals and their explanations, confirming or declining a
proposal, and the move.

Objects come from :mod:`..selectors.housing` (the user's organisation's); anything else is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms import ModelChoiceField
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.listing import list_page

from ..forms.housing import (
    DistrictForm,
    FlatForm,
    FlatSearchForm,
    FlatWithdrawForm,
    HousingRequestForm,
    MoveForm,
    OfferedFlatForm,
)
from ..models import Flat, FlatStatus, HousingRequest
from ..selectors import housing as selectors
from ..services import housing as services
from .cases import _case_or_404 as case_or_404
from .common import form_page, kept_notes
from .matching import RunPages, area_views, by_actor, overview_context

RIGHT = "cases.manage_housing"
OFFERING = "cases.offer_flats"  # a housing provider's own flats


def _overview() -> str:
    return reverse("cases:housing")


@require(RIGHT)
def housing(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    districts = selectors.districts_for_user(user=user)
    form = FlatSearchForm(request.GET or None, districts=districts)
    flats = selectors.flats_search(
        user=user,
        query=form.query(),
        status=form.value("status") or "",
        district=form.value("district"),
    )
    page = list_page(request, flats)
    return render(
        request,
        "cases/housing.html",
        {
            "districts": districts,
            "form": form,
            "page": page,
            "flats": page.object_list,
            "requests": selectors.waiting_requests_for_user(user=user),
            **overview_context(PAGES, request),
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


def _flat_initial(flat: Flat | None) -> dict[str, Any] | None:
    if flat is None:
        return None
    return {  # a choice of a row (provider, district) by its key
        name: getattr(flat, f"{name}_id" if isinstance(field, ModelChoiceField) else name)
        for name, field in FlatForm.base_fields.items()
    }


def _flat_page(
    request: AuthenticatedHttpRequest,
    flat: Flat | None,
    form: FlatForm,
    *,
    create: Callable[..., Flat],
    update: Callable[..., Flat],
    overview: str,
    withdraw: str,
) -> HttpResponse:
    def save(data: dict[str, Any]) -> str:
        if flat is None:
            create(actor=request.user, **data)
        else:
            update(actor=request.user, flat=flat, **data)
        return overview

    title = _("New flat") if flat is None else _("Flat %(address)s") % {"address": flat.address}
    links = []
    if flat is not None and flat.status == FlatStatus.AVAILABLE:
        links.append((reverse(withdraw, args=[flat.pk]), _("Withdraw the flat")))
    return form_page(
        request,
        form,
        save=save,
        title=title,
        submit=_("Save flat"),
        done=_("The flat has been saved."),
        links=links,
    )


def _withdraw_page(request: AuthenticatedHttpRequest, flat: Flat, back: str) -> HttpResponse:
    """What withdrawing the flat means, why (a choice) and the button (POST): the confirmation
    before the flat is no longer offered."""

    def save(data: dict[str, Any]) -> str:
        services.flat_withdraw(actor=request.user, flat=flat, reason=data["reason"])
        return back

    return form_page(
        request,
        FlatWithdrawForm(request.POST or None),
        save=save,
        title=_("Withdraw the flat %(address)s") % {"address": flat.address},
        submit=_("Withdraw the flat"),
        done=_("The flat has been withdrawn: it is proposed to no household any more."),
        intro=_(
            "A withdrawn flat is proposed to no household any more. A flat that is allocated, "
            "let or proposed in an allocation run cannot be withdrawn."
        ),
    )


def _kept_flat_page(request: AuthenticatedHttpRequest, flat: Flat | None) -> HttpResponse:
    form = FlatForm(
        request.POST or None,
        initial=_flat_initial(flat),
        providers=selectors.providers(),
        districts=selectors.districts_for_user(user=request.user),
    )
    return _flat_page(
        request,
        flat,
        form,
        create=services.flat_create,
        update=services.flat_update,
        overview=_overview(),
        withdraw="cases:flat_withdraw",
    )


@require(RIGHT)
def flat_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _kept_flat_page(request, None)


@require(RIGHT)
def flat_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flat = selectors.flat_get_for_user(user=request.user, pk=pk)
    if flat is None:
        raise Http404
    return _kept_flat_page(request, flat)


# --------------------------------------------------------------------------------------------
# A housing provider's own flats
# --------------------------------------------------------------------------------------------


@require(OFFERING)
def offered_flats(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/offered_flats.html",
        {"flats": selectors.offered_flats_for_user(user=request.user)},
    )


def _offered_flat_page(request: AuthenticatedHttpRequest, flat: Flat | None) -> HttpResponse:
    form = OfferedFlatForm(
        request.POST or None,
        initial=_flat_initial(flat),
        districts=selectors.districts_for_providers(),
    )
    return _flat_page(
        request,
        flat,
        form,
        create=services.offered_flat_create,
        update=services.offered_flat_update,
        overview=reverse("cases:offered_flats"),
        withdraw="cases:offered_flat_withdraw",
    )


@require(OFFERING)
def offered_flat_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _offered_flat_page(request, None)


@require(OFFERING)
def offered_flat_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flat = selectors.offered_flat_get_for_user(user=request.user, pk=pk)
    if flat is None:
        raise Http404
    return _offered_flat_page(request, flat)


@require(OFFERING)
def offered_flat_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flat = selectors.offered_flat_get_for_user(user=request.user, pk=pk)
    if flat is None:
        raise Http404
    return _withdraw_page(request, flat, reverse("cases:offered_flats"))


@require(RIGHT)
def flat_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flat = selectors.flat_get_for_user(user=request.user, pk=pk)
    if flat is None:
        raise Http404
    return _withdraw_page(request, flat, _overview())


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
        kept=kept_notes()["case_housing"],
    )


PAGES = RunPages(
    area=services.HOUSING,
    right=RIGHT,
    names={
        "overview": "cases:housing",
        "run_start": "cases:housing_run_start",
        "run_detail": "cases:housing_run_detail",
        "export": "cases:housing_run_export",
        "reproduce": "cases:housing_run_reproduce",
        "decide": "cases:flat_proposal_decide",
        "withdraw": "cases:housing_request_withdraw",
    },
    area_title=gettext_lazy("Housing transition"),
    run_title=gettext_lazy("Allocation run %(n)s"),
    runs_title=gettext_lazy("Allocation runs"),
    start_label=gettext_lazy("Propose flats"),
    waiting_label=gettext_lazy("Households waiting"),
    places_label=gettext_lazy("Flats free"),
    place_header=gettext_lazy("Flat"),
    why=gettext_lazy("Why this flat"),
    nothing=gettext_lazy("The run proposed no flat."),
    started=lambda n: (
        ngettext("The allocation proposes %(n)d flat.", "The allocation proposes %(n)d flats.", n)
        % {"n": n}
    ),
    unplaced=lambda n: (
        ngettext(
            "%(counter)s household got no proposal: no free flat meets its needs, or the "
            "fitting ones went to others.",
            "%(counter)s households got no proposal: no free flat meets their needs, or the "
            "fitting ones went to others.",
            n,
        )
        % {"counter": n}
    ),
    row_template="cases/_flat_proposal_row.html",
    status_template="cases/_flat_proposal_status.html",
    decisions={
        "confirm": (
            by_actor(services.flat_proposal_confirm),
            gettext_lazy("The flat has been allocated."),
        ),
        "decline": (
            by_actor(services.flat_proposal_decline),
            gettext_lazy("The proposal has been declined."),
        ),
    },
    run=services.allocation_run,
    withdraw=services.housing_request_withdraw,
    withdrawn=gettext_lazy("The household no longer waits for a flat."),
    related=("flat__district",),
)
RUN_VIEWS = area_views(PAGES)


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


__all__ = [
    "PAGES",
    "RUN_VIEWS",
    "district_create",
    "flat_create",
    "flat_edit",
    "housing",
    "housing_move",
    "housing_request_create",
    "offered_flat_create",
    "offered_flat_edit",
    "offered_flats",
]
