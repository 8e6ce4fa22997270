"""Pages of the measures plan: plans, measures with their history and comments, proposals,
indicators, the council's reports, and the public page of adopted plans.

Each view parses input, calls one selector or service and renders. The decorator checks the right
from the permission table; the policy functions check the object (the plan of one's own
organisation, one's own measures): a plan one cannot see answers 404, an action one may not take
on a visible plan 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.forms import add_service_errors
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from . import policies, selectors, services
from .forms import (
    ActorForm,
    ActorLinkForm,
    AdoptForm,
    AreaForm,
    CommentForm,
    DecisionForm,
    IndicatorForm,
    IndicatorValueForm,
    MeasureForm,
    PlanForm,
    PlanSearchForm,
    ProposalForm,
    StatusForm,
)
from .models import MEASURE_TRANSITIONS, PLAN_TRANSITIONS, Plan, PlanStatus, ProposalStatus


def _coordinated_plan(request: AuthenticatedHttpRequest, pk: int) -> Plan:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not policies.may_coordinate(user=request.user, plan=plan):
        raise PermissionDenied
    return plan


def _changeable_plan(request: AuthenticatedHttpRequest, pk: int) -> Plan:
    """A plan whose areas, measures, actors and indicators the user may change (not closed)."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not policies.may_change(user=request.user, plan=plan):
        raise PermissionDenied
    return plan


# --- plans ------------------------------------------------------------------------------------


@require("measures.view_plans")
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlanSearchForm(request.GET or None)
    plans = selectors.plans_search(
        user=request.user, query=form.query(), status=form.value("status") or ""
    )
    return render(
        request,
        "measures/plan_list.html",
        {
            "form": form,
            "page": list_page(request, plans),
            "may_create": policies.may_coordinate_any(user=request.user),
        },
    )


@require("measures.coordinate")
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = request.user.organisation  # the policy asks for one
    if organisation is None or not policies.may_coordinate_any(user=request.user):
        raise PermissionDenied
    own = selectors.plans_for_user(user=request.user).filter(
        coordinating_organisation_id=request.user.organisation_id
    )
    form = PlanForm(request.POST or None, plans=own)
    plan = form_saved(
        request,
        form,
        lambda data: services.plan_create(
            user=request.user,
            name=data["name"],
            organisation=organisation,
            period_start=data["period_start"],
            period_end=data["period_end"],
            guidelines=form.guideline_lines(),
            predecessor=data["predecessor"],
        ),
        done=_("The plan has been created."),
    )
    if plan is not None:
        return redirect(plan)
    return render(request, "measures/plan_form.html", {"form": form})


@require("measures.view_plans")
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    user = request.user
    progress = selectors.plan_progress(plan=plan, as_of=timezone.localdate())
    return render(
        request,
        "measures/plan_detail.html",
        {
            "plan": plan,
            "progress": progress,
            "guidelines": plan.guidelines.all(),
            "proposals": plan.proposals.select_related("area", "organisation"),
            "reports": plan.reports.defer("content"),
            "transitions": sorted(PLAN_TRANSITIONS[plan.status]),
            "may_coordinate": policies.may_coordinate(user=user, plan=plan),
            "may_change": policies.may_change(user=user, plan=plan),
            "may_propose": policies.may_propose(user=user, plan=plan),
        },
    )


@require("measures.coordinate")
def plan_transition(request: AuthenticatedHttpRequest, pk: int, status: str) -> HttpResponse:
    plan = _coordinated_plan(request, pk)
    if status not in PLAN_TRANSITIONS[plan.status]:
        raise Http404
    form = AdoptForm(request.POST or None) if status == PlanStatus.ADOPTED else None
    if request.method == "POST" and (form is None or form.is_valid()):
        extra = form.cleaned_data if form is not None else {}
        try:
            services.plan_transition(
                user=request.user,
                plan=plan,
                status=status,
                on=extra.get("on"),
                decision=extra.get("decision", ""),
            )
        except ValidationError as error:
            if form is None:
                raise PermissionDenied from error
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan's status has been changed."))
            return redirect(plan)
    return render(
        request,
        "measures/plan_transition.html",
        {"plan": plan, "status": PlanStatus(status), "form": form},
    )


@require("measures.coordinate")
def actor_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan's actors; link each to an organisation of the platform, add new ones."""
    plan = _changeable_plan(request, pk)
    form = ActorForm(request.POST or None, prefix="new")
    if request.method == "POST":
        actor_id = request.POST.get("actor")
        if actor_id:
            actor = plan.actors.filter(pk=actor_id).first()
            link = ActorLinkForm(request.POST)
            if actor is None or not link.is_valid():
                raise Http404
            services.actor_link(
                user=request.user,
                actor=actor,
                organisation=link.cleaned_data["organisation"],
                coordinates=link.cleaned_data["coordinates"],
            )
            messages.success(request, _("The actor has been linked."))
            return redirect("measures:actor_list", pk=plan.pk)
        added = form_saved(
            request,
            form,
            lambda data: services.actor_add(user=request.user, plan=plan, **data),
        )
        if added is not None:
            messages.success(request, _("%(name)s has been added.") % {"name": added.name})
            return redirect("measures:actor_list", pk=plan.pk)
    actors = plan.actors.select_related("organisation")
    rows = [
        (
            a,
            ActorLinkForm(
                initial={"organisation": a.organisation_id, "coordinates": a.coordinates}
            ),
        )
        for a in actors
    ]
    return render(request, "measures/actor_list.html", {"plan": plan, "rows": rows, "form": form})


@require("measures.coordinate")
def area_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new area (Handlungsfeld) of the plan, for a plan not imported from a spreadsheet."""
    plan = _changeable_plan(request, pk)
    form = AreaForm(request.POST or None)
    area = form_saved(
        request, form, lambda data: services.area_create(user=request.user, plan=plan, **data)
    )
    if area is not None:
        messages.success(request, _("The area %(area)s has been added.") % {"area": area})
        return redirect(plan)
    return render(request, "measures/area_form.html", {"plan": plan, "form": form})


# --- measures ---------------------------------------------------------------------------------


@require("measures.coordinate")
def measure_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _changeable_plan(request, pk)
    form = MeasureForm(request.POST or None, plan=plan, user=request.user)
    measure = form_saved(
        request, form, lambda data: services.measure_create(user=request.user, plan=plan, **data)
    )
    if measure is not None:
        return redirect(measure)
    return render(request, "measures/measure_form.html", {"plan": plan, "form": form})


@require("measures.coordinate")
def measure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    plan = measure.plan
    if not policies.may_change(user=request.user, plan=plan):
        raise PermissionDenied
    form = MeasureForm(
        request.POST or None,
        plan=plan,
        user=request.user,
        initial=MeasureForm.initial_for(measure),
    )
    if form_saved(
        request,
        form,
        lambda data: services.measure_edit(user=request.user, measure=measure, **data),
    ):
        return redirect(measure)
    return render(
        request, "measures/measure_form.html", {"plan": plan, "form": form, "measure": measure}
    )


@require("measures.view_plans")
def measure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The measure, its history across plans, indicators and comments; actors comment here."""
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    plan = measure.plan
    may_comment = policies.may_comment(user=request.user, plan=plan)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not may_comment:
            raise PermissionDenied
        if form.is_valid():
            services.comment_add(user=request.user, measure=measure, text=form.cleaned_data["text"])
            messages.success(request, _("Your comment has been added."))
            return redirect(measure)
    return render(
        request,
        "measures/measure_detail.html",
        {
            "measure": measure,
            "plan": plan,
            "history": selectors.measure_history(measure=measure),
            "comments": measure.comments.select_related("organisation"),
            "indicators": measure.indicators.prefetch_related("values"),
            "form": form,
            "may_comment": may_comment,
            "may_report": policies.may_report_progress(user=request.user, measure=measure),
            "may_change": policies.may_change(user=request.user, plan=plan),
        },
    )


@require("measures.take_part")
def measure_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change the status or report progress (the coordinating office; actors on their own)."""
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    if not policies.may_report_progress(user=request.user, measure=measure):
        raise PermissionDenied
    allowed = sorted(MEASURE_TRANSITIONS[measure.status])
    form = StatusForm(request.POST or None, measure=measure, allowed=allowed)
    if form_saved(
        request,
        form,
        lambda data: services.measure_status_change(user=request.user, measure=measure, **data),
        done=_("The progress has been recorded."),
    ):
        return redirect(measure)
    return render(request, "measures/measure_update.html", {"measure": measure, "form": form})


# --- proposals --------------------------------------------------------------------------------


@require("measures.take_part")
def proposal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    if not policies.may_propose(user=request.user, plan=plan):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, plan=plan)
    if form_saved(
        request,
        form,
        lambda data: services.proposal_submit(user=request.user, plan=plan, **data),
        done=_("Your proposal has been sent to the coordinating office."),
    ):
        return redirect(plan)
    return render(request, "measures/proposal_form.html", {"plan": plan, "form": form})


@require("measures.coordinate")
def proposal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(user=request.user, pk=pk)
    if not policies.may_change(user=request.user, plan=proposal.plan):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda data: services.proposal_decide(
            user=request.user,
            proposal=proposal,
            accept=data["decision"] == "accept",
            note=data["note"],
            code=data["code"],
        ),
        done=_("The proposal has been decided."),
    ):
        return redirect(proposal.plan)
    return render(
        request,
        "measures/proposal_decide.html",
        {"proposal": proposal, "form": form, "open": proposal.status == ProposalStatus.OPEN},
    )


# --- indicators -------------------------------------------------------------------------------


@require("measures.coordinate")
def indicator_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _changeable_plan(request, pk)
    form = IndicatorForm(request.POST or None, plan=plan, user=request.user)
    if form_saved(
        request,
        form,
        lambda _data: services.indicator_create(
            user=request.user, plan=plan, **form.indicator_data()
        ),
        done=_("The indicator has been added."),
    ):
        return redirect(plan)
    return render(request, "measures/indicator_form.html", {"plan": plan, "form": form})


@require("measures.take_part")
def indicator_value(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enter a value by hand: the coordinating office, or the actor of the indicator's measure."""
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    plan = indicator.plan
    allowed = policies.may_coordinate(user=request.user, plan=plan) or (
        indicator.measure is not None
        and policies.may_report_progress(user=request.user, measure=indicator.measure)
    )
    if not allowed:
        raise PermissionDenied
    form = IndicatorValueForm(request.POST or None)
    if form_saved(
        request,
        form,
        lambda data: services.indicator_value_record(
            user=request.user, indicator=indicator, **data
        ),
        done=_("The value has been recorded."),
    ):
        return redirect(indicator.measure or plan)
    return render(
        request,
        "measures/indicator_value.html",
        {"indicator": indicator, "plan": plan, "form": form, "values": indicator.values.all()},
    )


@require_POST
@require("measures.coordinate")
def indicators_refresh(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _coordinated_plan(request, pk)
    with transaction.atomic():
        values = services.indicators_refresh(user=request.user, plan=plan)
    count = len(values)
    messages.success(
        request,
        ngettext(
            "%(count)s computed indicator has been refreshed for today.",
            "%(count)s computed indicators have been refreshed for today.",
            count,
        )
        % {"count": count},
    )
    return redirect(plan)


# --- public -----------------------------------------------------------------------------------


@require("measures.view_public")
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/public_list.html", {"plans": selectors.plans_public()})


@require("measures.view_public")
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An adopted plan and its progress: guidelines, areas, measures with their status, indicators.
    No names of people, no comments, no notes (those may name people)."""
    plan = selectors.plan_get_public(pk=pk)
    return render(
        request,
        "measures/public_detail.html",
        {
            "plan": plan,
            "guidelines": plan.guidelines.all(),
            "progress": selectors.plan_progress(plan=plan, as_of=timezone.localdate()),
        },
    )
