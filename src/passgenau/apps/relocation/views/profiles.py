"""The municipality profile of a round (municipal officer)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from ..forms.lists import ListFilterForm
from ..forms.profiles import ProfileForm
from ..models import (
    RoundAction,
    RoundStatus,
)
from ..selectors import profiles as profile_selectors
from ..services import profiles


@require("relocation.keep_profile")
def profile_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The officer's profiles in every round, with what is still to confirm and the due date."""
    form = ListFilterForm(
        request.GET or None, statuses=RoundStatus.choices, search_label=_("Round")
    )
    page = list_page(
        request, profile_selectors.profiles_kept_by(user=request.user, filters=form.filters())
    )
    rows = [
        {
            "profile": profile,
            "missing": len(profiles.profile_missing_figures(profile=profile)),
            "editable": profile.round.allows(RoundAction.EDIT_PROFILES),
        }
        for profile in page.object_list
    ]
    return render(
        request, "relocation/profile_list.html", {"form": form, "page": page, "rows": rows}
    )


@require("relocation.keep_profile")
def profile_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    profile = profile_selectors.profile_get_for_officer(user=request.user, round_pk=pk)
    editable = profile.round.allows(RoundAction.EDIT_PROFILES)
    form = ProfileForm(request.POST or None, profile=profile)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    saved = (
        form_saved(
            request,
            form,
            lambda data: profiles.profile_update(
                actor=request.user,
                profile=profile,
                confirm_all=data["confirm_all"],
                **form.service_values(),
            ),
            done=_("The profile was saved."),
        )
        if editable
        else None
    )
    if saved is not None:
        return redirect("relocation:profile_edit", pk=pk)
    confirmed = profile_selectors.confirmation_dates(profile.confirmed_at)
    carried = profile_selectors.carried_dates(profile)

    def group(names: list[str], key: Any = None) -> list[dict[str, Any]]:
        return [
            {
                "field": form[name],
                "confirmed": confirmed.get(key(name) if key else name),
                "carried": carried.get(key(name) if key else name),
            }
            for name in names
        ]

    return render(
        request,
        "relocation/profile_form.html",
        {
            "form": form,
            "profile": profile,
            "round": profile.round,
            "editable": editable,
            "capacity_rows": group(
                form.capacity_fields, lambda n: "capacity." + n.removeprefix("capacity_")
            ),
            "labour_rows": group(form.labour_fields),
            "community_rows": group(form.community_fields),
            "priority_rows": group(form.priority_fields),
            "confirmed": confirmed,
            "carried": carried,
            "missing": profiles.profile_missing_figures(profile=profile),
        },
    )
