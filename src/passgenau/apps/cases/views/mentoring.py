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

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require

from ..forms.mentoring import AcceptForm, MeetingForm, MenteeRequestForm, MentorForm
from ..models import Mentor, MentorProposal, ProposalStatus
from ..selectors import housing as housing_selectors
from ..selectors import mentoring as selectors
from ..services import mentoring as services
from .cases import _case_or_404 as case_or_404
from .common import form_page, kept_notes, pool_page
from .matching import RunPages, area_views, by_actor, overview_context

RIGHT = "cases.manage_mentoring"


def _overview() -> str:
    return reverse("cases:mentoring")


@require(RIGHT)
def mentoring(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pool = pool_page(request, model=Mentor, search=selectors.mentors_search)
    return render(
        request,
        "cases/mentoring.html",
        {
            **pool,
            "mentors": pool["page"].object_list,
            "requests": selectors.waiting_mentee_requests_for_user(user=user),
            "pairs": selectors.pairs_for_user(user=user),
            **overview_context(PAGES, request),
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
        kept=kept_notes()["case_mentoring"],
    )


def _accepted_on(request: AuthenticatedHttpRequest) -> Any:
    form = AcceptForm(request.POST)
    return form.cleaned_data["on"] if form.is_valid() else None


def _accept(side: str) -> Any:
    def decide(request: AuthenticatedHttpRequest, proposal: MentorProposal) -> MentorProposal:
        return services.mentor_proposal_accept(
            actor=request.user, proposal=proposal, side=side, on=_accepted_on(request)
        )

    return decide


PAGES = RunPages(
    area=services.MENTORING,
    right=RIGHT,
    names={
        "overview": "cases:mentoring",
        "run_start": "cases:mentoring_run_start",
        "run_detail": "cases:mentoring_run_detail",
        "export": "cases:mentoring_run_export",
        "reproduce": "cases:mentoring_run_reproduce",
        "decide": "cases:mentor_proposal_decide",
        "withdraw": "cases:mentee_request_withdraw",
    },
    area_title=gettext_lazy("Mentoring"),
    run_title=gettext_lazy("Matching run %(n)s"),
    runs_title=gettext_lazy("Matching runs"),
    start_label=gettext_lazy("Propose mentors"),
    waiting_label=gettext_lazy("Newcomers waiting"),
    places_label=gettext_lazy("Mentors with room"),
    place_header=gettext_lazy("Mentor"),
    why=gettext_lazy("Why this mentor"),
    nothing=gettext_lazy("The run proposed no mentor."),
    started=lambda n: (
        ngettext("The matching proposes %(n)d mentor.", "The matching proposes %(n)d mentors.", n)
        % {"n": n}
    ),
    unplaced=lambda n: (
        ngettext(
            "%(counter)s newcomer got no proposal: no mentor with room shares a language and a "
            "free time, or the fitting ones went to others.",
            "%(counter)s newcomers got no proposal: no mentor with room shares a language and a "
            "free time, or the fitting ones went to others.",
            n,
        )
        % {"counter": n}
    ),
    row_template="cases/_mentor_proposal_row.html",
    status_template="cases/_mentor_proposal_status.html",
    decisions={
        "mentee_accept": (
            _accept("mentee"),
            gettext_lazy("The newcomer's acceptance has been recorded."),
        ),
        "mentor_accept": (
            _accept("mentor"),
            gettext_lazy("The mentor's acceptance has been recorded."),
        ),
        "decline": (
            by_actor(services.mentor_proposal_decline),
            gettext_lazy("The proposal has been declined."),
        ),
        "end": (
            lambda request, pair: services.pair_end(
                actor=request.user, pair=pair, on=_accepted_on(request)
            ),
            gettext_lazy("The mentoring has ended."),
        ),
    },
    run=services.mentoring_run,
    withdraw=services.mentee_request_withdraw,
    withdrawn=gettext_lazy("The newcomer no longer waits for a mentor."),
)
RUN_VIEWS = area_views(PAGES)


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


__all__ = [
    "PAGES",
    "RUN_VIEWS",
    "mentee_request_create",
    "mentor_create",
    "mentor_edit",
    "mentor_pair",
    "mentoring",
]
