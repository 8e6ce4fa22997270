"""The pages of a matching run of a case area, shared by the housing transition, mentoring and
language mediation: start a run, a run with its proposals and their explanations, decide a
proposal, withdraw a request. An area declares its words, templates and decisions in a
:class:`RunPages`; the view functions are made from it (``views = area_views(PAGES)``).

Objects come from :mod:`..selectors.matching` (the user's organisation's, of its cases); anything
else is 404."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.forms import ProtectedExportForm
from passgenau.apps.core.protected_exports import protected_export_url

from ..models import EngineRun, ProposalStatus
from ..selectors.matching import (
    area_proposal_get_for_user,
    area_requests,
    area_run_get_for_user,
    area_run_proposals,
    area_runs_for_user,
)
from ..services import CasesError
from ..services.matching import (
    RUN_INPUT_REFUSED,
    MatchingArea,
    area_run_export,
    area_run_reproduce,
    may_read_run_input,
)
from .common import post_action, start_run

RUNS_SHOWN = 10

View = Callable[..., HttpResponse]
# what a decision does with the proposal (the request gives the actor and the POST)
Decide = Callable[[AuthenticatedHttpRequest, Any], Any]


def by_actor(service: Callable[..., Any]) -> Decide:
    """A decision that calls the area's ``service(actor=…, proposal=…)``."""
    return lambda request, proposal: service(actor=request.user, proposal=proposal)


@dataclass(frozen=True)
class RunPages:
    """What an area's run pages say and do. ``names`` are its URL names: ``overview``,
    ``run_start``, ``run_detail``, ``export`` and ``reproduce`` (run), ``decide`` (proposal,
    decision) and ``withdraw`` (request).
    ``row_template`` renders a proposal's case and place cells, ``status_template`` its status
    cell with the decisions' buttons; ``proposed``, ``pages`` and ``p`` are in their context."""

    area: MatchingArea
    right: str
    names: Mapping[str, str]
    area_title: Promise  # the overview's title
    run_title: Promise  # "Allocation run %(n)s"
    runs_title: Promise  # "Allocation runs"
    start_label: Promise  # the button that starts a run
    waiting_label: Promise  # "Households waiting"
    places_label: Promise  # "Flats free"
    place_header: Promise  # "Flat"
    why: Promise  # "Why this flat"
    nothing: Promise  # "The run proposed no flat."
    started: Callable[[int], str]  # the message after a run that proposed so many
    unplaced: Callable[[int], str]  # the sentence on so many requests without a proposal
    row_template: str
    status_template: str
    decisions: Mapping[str, tuple[Decide, Promise]]
    run: Callable[..., EngineRun]  # the area's run service (actor)
    withdraw: Callable[..., Any]  # the area's service (actor, request)
    withdrawn: Promise
    related: tuple[str, ...] = field(default=())  # of a run's proposals, for the rows

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(self.names[name], kwargs=kwargs or None)


def overview_context(pages: RunPages, request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """What ``cases/_matching_runs.html`` (the start button and the latest runs) needs."""
    runs = area_runs_for_user(pages.area, user=request.user)[:RUNS_SHOWN]
    return {"pages": pages, "runs": runs}


@dataclass(frozen=True)
class AreaViews:
    run_start: View
    run_detail: View
    proposal_decide: View
    request_withdraw: View
    run_export: View
    run_reproduce: View
    names: Mapping[str, str]

    def urls(self, prefix: str) -> list[URLPattern]:
        """The run pages under ``prefix/`` (``housing/runs/new/`` …), named as in ``names``."""

        def name(key: str) -> str:
            return self.names[key].removeprefix("cases:")

        return [
            path(f"{prefix}/runs/new/", self.run_start, name=name("run_start")),
            path(f"{prefix}/runs/<int:pk>/", self.run_detail, name=name("run_detail")),
            path(f"{prefix}/runs/<int:pk>/export/", self.run_export, name=name("export")),
            path(
                f"{prefix}/runs/<int:pk>/reproduce/",
                self.run_reproduce,
                name=name("reproduce"),
            ),
            path(
                f"{prefix}/proposals/<int:pk>/<str:decision>/",
                self.proposal_decide,
                name=name("decide"),
            ),
            path(
                f"{prefix}/requests/<int:pk>/withdraw/",
                self.request_withdraw,
                name=name("withdraw"),
            ),
        ]


def area_views(pages: RunPages) -> AreaViews:
    """The run pages of ``pages``'s area, each behind the area's right."""
    area = pages.area

    def _run_context(run: EngineRun, **extra: Any) -> dict[str, Any]:
        title = str(pages.run_title) % {"n": run.number}
        return {"pages": pages, "run": run, "title": title, **extra}

    @require_POST
    @require(pages.right)
    def run_start(request: AuthenticatedHttpRequest) -> HttpResponse:
        return start_run(
            request,
            lambda: pages.run(actor=request.user),
            detail=pages.names["run_detail"],
            done=pages.started,
            back=pages.url("overview"),
        )

    @require(pages.right)
    def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        run = area_run_get_for_user(area, user=request.user, pk=pk)
        if run is None:
            raise Http404
        unplaced = len(run.result.get("unplaced", []))
        return render(
            request,
            "cases/matching_run.html",
            _run_context(
                run,
                proposals=area_run_proposals(
                    area, user=request.user, run=run, related=pages.related
                ),
                proposed=ProposalStatus.PROPOSED,
                unplaced=pages.unplaced(unplaced) if unplaced else "",
                may_export=may_read_run_input(area, request.user, run),
                refused=RUN_INPUT_REFUSED,
            ),
        )

    @require_POST
    @require(pages.right)
    def proposal_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
        if decision not in pages.decisions:
            raise Http404
        proposal = area_proposal_get_for_user(area, user=request.user, pk=pk)
        if proposal is None:
            raise Http404
        decide, done = pages.decisions[decision]
        back = request.POST.get("back") == "proposal" and proposal.get_absolute_url()
        return post_action(
            request,
            lambda: decide(request, proposal),
            done=str(done),
            back=back or pages.url("run_detail", pk=proposal.run_id),
        )

    @require_POST
    @require(pages.right)
    def request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        found = area_requests(area, request.user).filter(pk=pk).first()
        if found is None:
            raise Http404
        return post_action(
            request,
            lambda: pages.withdraw(actor=request.user, request=found),
            done=str(pages.withdrawn),
            back=found,
        )

    def _run_or_404(request: AuthenticatedHttpRequest, pk: int) -> EngineRun:
        run = area_run_get_for_user(area, user=request.user, pk=pk)
        if run is None:
            raise Http404
        return run

    @require(pages.right)
    def run_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        """The engine's inputs in a zip encrypted with the password the user chooses, on its
        own expiring download page (docs/adr/0008); refused (403, saying why) where they carry
        health data of cases the user may not see (docs/adr/0009)."""
        run = _run_or_404(request, pk)
        if not may_read_run_input(area, request.user, run):
            return render(
                request,
                "cases/matching_run_export.html",
                _run_context(run, refused=RUN_INPUT_REFUSED),
                status=403,
            )
        form = ProtectedExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                export = area_run_export(
                    area, request.user, run, password=form.cleaned_data["password"]
                )
            except CasesError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(pages.url("run_detail", pk=run.pk))
            return redirect(protected_export_url(export))
        return render(
            request,
            "cases/matching_run_export.html",
            _run_context(run, form=form, PROTECTED_EXPORT_HOURS=settings.PROTECTED_EXPORT_HOURS),
        )

    @require_POST
    @require(pages.right)
    def run_reproduce(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        run = _run_or_404(request, pk)
        back = pages.url("run_detail", pk=run.pk)
        try:
            same = area_run_reproduce(area, request.user, run)
        except CasesError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        if same:
            messages.success(request, _("Run again on its inputs, the engine proposes the same."))
        else:
            messages.error(request, _("Run again on its inputs, the engine proposes otherwise."))
        return redirect(back)

    return AreaViews(
        run_start,
        run_detail,
        proposal_decide,
        request_withdraw,
        run_export,
        run_reproduce,
        pages.names,
    )


__all__ = ["AreaViews", "RunPages", "area_views", "by_actor", "overview_context"]
