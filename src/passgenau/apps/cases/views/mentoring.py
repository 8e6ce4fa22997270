"""Pages of mentoring: the overview (mentors, newcomers waiting, runs, pairs), a mentor, a
case's request for a mentor, a matching run with its proposals and their explanations, both
sides' acceptance, and a pair with its meetings.

Objects come from :mod:`..selectors.mentoring` (the user's organisation's); anything else is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require

from ..forms.mentoring import AcceptForm, MeetingForm, MenteeRequestForm, MentorForm
from ..models import Mentor, MentorProposal, ProposalStatus
from ..selectors import housing as housing_selectors
from ..selectors import mentoring as selectors
from ..services import mentoring as services
from .cases import _case_or_404 as case_or_404
from .common import form_page, post_action, start_run

RIGHT = "cases.manage_mentoring"
RUNS_SHOWN = 10


def _overview() -> str:
    return reverse("cases:mentoring")


@require(RIGHT)
def mentoring(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "cases/mentoring.html",
        {
            "mentors": selectors.mentors_for_user(user=user),
            "requests": selectors.waiting_mentee_requests_for_user(user=user),
            "pairs": selectors.pairs_for_user(user=user),
            "runs": selectors.mentoring_runs_for_user(user=user)[:RUNS_SHOWN],
        },
    )


def _mentor_page(request: AuthenticatedHttpRequest, mentor: Mentor | None) -> HttpResponse:
    initial = None
    if mentor is not None:
        initial = {name: getattr(mentor, name) for name in MentorForm.base_fields} | {
            "district": mentor.district_id
        }
    form = MentorForm(
        request.POST or None,
        initial=initial,
        districts=housing_selectors.districts_for_user(user=request.user),
    )

    def save(data: dict[str, Any]) -> str:
        if mentor is None:
            services.mentor_create(actor=request.user, **data)
        else:
            services.mentor_update(actor=request.user, mentor=mentor, **data)
        return _overview()

    return form_page(
        request,
        form,
        save=save,
        title=_("New mentor") if mentor is None else mentor.name,
        submit=_("Save mentor"),
        done=_("The mentor has been saved."),
    )


@require(RIGHT)
def mentor_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _mentor_page(request, None)


@require(RIGHT)
def mentor_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentor = selectors.mentor_get_for_user(user=request.user, pk=pk)
    if mentor is None:
        raise Http404
    return _mentor_page(request, mentor)


@require(RIGHT)
def mentee_request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = MenteeRequestForm(
        request.POST or None,
        initial={"own_language": case.language},
        districts=housing_selectors.districts_for_user(user=request.user),
    )
    return form_page(
        request,
        form,
        save=lambda data: services.mentee_request_create(actor=request.user, case=case, **data),
        title=_("%(reference)s asks for a mentor") % {"reference": case.reference},
        submit=_("Save request"),
        done=_("The newcomer waits for a mentor now."),
        intro=_(
            "The matching proposes only mentors with room for another newcomer who speak a "
            "language with them and are free at a time they are."
        ),
    )


@require_POST
@require(RIGHT)
def mentoring_run_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    return start_run(
        request,
        lambda: services.mentoring_run(actor=request.user),
        detail="cases:mentoring_run_detail",
        done=lambda n: (
            ngettext(
                "The matching proposes %(n)d mentor.", "The matching proposes %(n)d mentors.", n
            )
            % {"n": n}
        ),
        back=_overview(),
    )


@require(RIGHT)
def mentoring_run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = selectors.mentoring_run_get_for_user(user=request.user, pk=pk)
    if run is None:
        raise Http404
    return render(
        request,
        "cases/mentoring_run.html",
        {
            "run": run,
            "proposals": selectors.mentor_run_proposals(user=request.user, run=run),
            "proposed": ProposalStatus.PROPOSED,
            "accept_form": AcceptForm(),
        },
    )


DONE = {
    "mentee_accept": gettext_lazy("The newcomer's acceptance has been recorded."),
    "mentor_accept": gettext_lazy("The mentor's acceptance has been recorded."),
    "decline": gettext_lazy("The proposal has been declined."),
    "end": gettext_lazy("The mentoring has ended."),
}


def _decide(
    request: AuthenticatedHttpRequest, proposal: MentorProposal, decision: str
) -> MentorProposal:
    actor = request.user
    if decision == "decline":
        return services.mentor_proposal_decline(actor=actor, proposal=proposal)
    form = AcceptForm(request.POST)
    on = form.cleaned_data["on"] if form.is_valid() else None
    if decision == "end":
        return services.pair_end(actor=actor, pair=proposal, on=on)
    side = decision.removesuffix("_accept")
    return services.mentor_proposal_accept(actor=actor, proposal=proposal, side=side, on=on)


@require_POST
@require(RIGHT)
def mentor_proposal_decide(
    request: AuthenticatedHttpRequest, pk: int, decision: str
) -> HttpResponse:
    if decision not in DONE:
        raise Http404
    proposal = MentorProposal.objects.filter(
        pk=pk, run__in=selectors.mentoring_runs_for_user(user=request.user)
    ).first()
    if proposal is None:
        raise Http404
    back = request.POST.get("back") == "pair" and proposal.get_absolute_url()
    return post_action(
        request,
        lambda: _decide(request, proposal, decision),
        done=str(DONE[decision]),
        back=back or reverse("cases:mentoring_run_detail", kwargs={"pk": proposal.run_id}),
    )


@require(RIGHT)
def mentor_pair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_get_for_user(user=request.user, pk=pk)
    if pair is None:
        raise Http404
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        return form_page(
            request,
            form,
            save=lambda data: services.meeting_record(actor=request.user, pair=pair, **data).pair,
            title=_("A meeting of %(mentor)s and %(reference)s")
            % {"mentor": pair.mentor.name, "reference": pair.request.case.reference},
            submit=_("Record the meeting"),
            done=_("The meeting has been recorded."),
        )
    return render(
        request,
        "cases/mentor_pair.html",
        {"pair": pair, "form": form, "accepted": ProposalStatus.ACCEPTED},
    )


@require_POST
@require(RIGHT)
def mentee_request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.waiting_mentee_requests_for_user(user=request.user)
    mentee_request = next((r for r in found if r.pk == pk), None)
    if mentee_request is None:
        raise Http404
    return post_action(
        request,
        lambda: services.mentee_request_withdraw(actor=request.user, request=mentee_request),
        done=_("The newcomer no longer waits for a mentor."),
        back=mentee_request,
    )


__all__ = [
    "mentee_request_create",
    "mentee_request_withdraw",
    "mentor_create",
    "mentor_edit",
    "mentor_pair",
    "mentor_proposal_decide",
    "mentoring",
    "mentoring_run_detail",
    "mentoring_run_start",
]
