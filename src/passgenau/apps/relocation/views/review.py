"""Review of a run before it goes out (coordinator): publish, change a proposal."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.core.pages import form_saved

from ..forms.review import OverrideForm
from ..models import ProposalStatus
from ..selectors import decisions as decision_selectors
from ..selectors import runs as run_selectors
from ..services import review
from ..wording import placement_problems
from .common import errors_to_messages


@require("relocation.manage_rounds")
@require_http_methods(["GET", "POST"])
def run_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing would send out, and a confirmation; POST: publish (cannot be undone:
    the municipalities see their proposals at once)."""
    run = run_selectors.run_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            review.run_publish(actor=request.user, run=run)
        except ValidationError as error:
            errors_to_messages(request, error)
        else:
            messages.success(request, _("The proposals are published."))
        return redirect("relocation:run_detail", pk=run.pk)
    reason = review.run_publish_problem(run=run)
    return render(
        request,
        "relocation/run_publish.html",
        {
            "run": run,
            "round": run.round,
            "reason": reason,
            "summary": run_selectors.run_publish_summary(run=run),
        },
    )


@require("relocation.manage_rounds")
def proposal_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = decision_selectors.proposal_for_coordinator(user=request.user, pk=pk)
    problems: dict[int, list[str]] = {}
    if proposal.status == ProposalStatus.DRAFT:
        options = review.proposal_options(proposal=proposal)
        problems = {pk: placement_problems(check) for pk, check in options.items()}
    form = OverrideForm(request.POST or None, problems=problems)
    municipalities = Organisation.objects.filter(
        relocation_profiles__round_id=proposal.run.round_id
    ).order_by("name")
    cast(forms.ModelChoiceField, form.fields["municipality"]).queryset = municipalities
    if form_saved(
        request,
        form,
        lambda data: review.proposal_override(actor=request.user, proposal=proposal, **data),
        done=_("The proposal was changed."),
    ):
        return redirect("relocation:run_detail", pk=proposal.run_id)
    return render(
        request, "relocation/proposal_override.html", {"proposal": proposal, "form": form}
    )
