"""Pages of relocation rounds (coordinator: create, edit, change the state; everyone in the
round: its overview)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, request_has_perm, require
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from .. import policies
from ..forms.base import TransitionForm
from ..forms.lists import ListFilterForm
from ..forms.rounds import RoundForm
from ..models import (
    ROUND_TRANSITIONS,
    HouseholdStatus,
    RoundStatus,
)
from ..models.vocab import (
    CapacityDimension,
)
from ..selectors import profiles as profile_selectors
from ..selectors import rounds as round_selectors
from ..services import profiles, rounds


@require("relocation.view_rounds")
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ListFilterForm(
        request.GET or None,
        statuses=RoundStatus.choices,
        municipalities=None
        if policies.acts_for_municipality(request.user)
        else round_selectors.round_municipalities(user=request.user),
        search_label=_("Name"),
    )
    page = list_page(
        request, round_selectors.rounds_search(user=request.user, filters=form.filters())
    )
    return render(
        request,
        "relocation/round_list.html",
        {
            "form": form,
            "page": page,
            "rounds": page.object_list,
            "can_create": request_has_perm(request, "relocation.manage_rounds"),
        },
    )


@require("relocation.view_rounds")
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_user(user=request.user, pk=pk)
    coordinator = policies.round_is_coordinated_by(request.user, round_)
    context: dict[str, Any] = {
        "round": round_,
        "is_coordinator": coordinator,
        "is_officer": policies.acts_for_municipality(request.user),
        "is_interviewer": policies.interviews_households(request.user),
        "dimension_labels": dict(CapacityDimension.choices),
        "can_register": policies.round_may_register(request.user, round_),
    }
    if request_has_perm(request, "relocation.view_profiles"):
        rows = []
        for profile in profile_selectors.profiles_for_user(user=request.user, round_=round_):
            dates = sorted(profile_selectors.confirmation_dates(profile.confirmed_at).values())
            rows.append(
                {
                    "profile": profile,
                    "capacities": [
                        profile.capacities.get(d, 0) for d in round_.capacity_dimensions
                    ],
                    "oldest_confirmation": dates[0] if dates else None,
                    "missing": profiles.profile_missing_figures(profile=profile),
                }
            )
        context["profile_rows"] = rows
        context["show_profiles"] = True
    if coordinator:
        counts = round_selectors.round_household_counts(round_=round_)
        context["household_counts"] = [
            (HouseholdStatus(status).label, n) for status, n in counts.items()
        ]
        context["transitions"] = [
            {
                "status": target,
                "label": RoundStatus(target).label,
                "problems": rounds.round_transition_problems(round_=round_, to_status=target),
            }
            for target in sorted(ROUND_TRANSITIONS[round_.status])
        ]
    return render(request, "relocation/round_detail.html", context)


@require("relocation.manage_rounds")
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    round_ = form_saved(
        request,
        form,
        lambda data: rounds.round_create(actor=request.user, **data),
        done=_("The round was created as a draft."),
    )
    if round_ is not None:
        return redirect("relocation:round_detail", pk=round_.pk)
    return render(request, "relocation/round_form.html", {"form": form, "round": None})


@require("relocation.manage_rounds")
def round_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    form = RoundForm(request.POST or None, round_=round_)
    if form_saved(
        request,
        form,
        lambda data: rounds.round_update(actor=request.user, round_=round_, **data),
        done=_("The round was saved."),
    ):
        return redirect("relocation:round_detail", pk=round_.pk)
    return render(request, "relocation/round_form.html", {"form": form, "round": round_})


@require("relocation.manage_rounds")
def round_transition(request: AuthenticatedHttpRequest, pk: int, status: str) -> HttpResponse:
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=pk)
    if status not in RoundStatus.values:
        raise Http404("no such status")
    problems = rounds.round_transition_problems(round_=round_, to_status=status)
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_transition(actor=request.user, round_=round_, to_status=status)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("The round is now “%(status)s”.") % {"status": RoundStatus(status).label},
            )
            return redirect("relocation:round_detail", pk=round_.pk)
    return render(
        request,
        "relocation/round_transition.html",
        {
            "round": round_,
            "target": RoundStatus(status),
            "problems": problems,
            "form": form,
        },
    )
