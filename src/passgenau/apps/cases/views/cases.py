"""Pages of case management: the caseload, opening a case (directly or from an arrival), the
case with its consent, plan, referrals, notes and hours, agreed plan versions, and the funding
contracts with their monthly statements.

Views parse input, call one service or selector, and render. Cases are reached only through
``selectors.case_get_for_user`` (its organisation's cases); everything else gets a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.audit.services import log_read
from passgenau.apps.listing import list_page

from .. import exports, policies
from ..forms.cases import (
    ArrivalOpenForm,
    CaseOpenForm,
    CloseForm,
    ConsentForm,
    ContractForm,
    ContractSearchForm,
    CorrectionForm,
    GoalForm,
    HealthForm,
    HoursForm,
    NoteForm,
    ReferralForm,
    ReferralOutcomeForm,
    StatementForm,
    StatusForm,
    StepForm,
    TransferForm,
    WithdrawForm,
)
from ..models import (
    Case,
    FundingContract,
    Goal,
    GoalArea,
    GoalStatus,
    PlanVersion,
    Referral,
    Step,
    StepStatus,
)
from ..selectors import cases as selectors
from ..selectors import housing as housing_selectors
from ..selectors import mediation as mediation_selectors
from ..selectors import mentoring as mentoring_selectors
from ..services import cases as services
from .common import kept_notes

M = TypeVar("M", bound=Model)

CASES_PER_PAGE = 25


def _case_or_404(request: AuthenticatedHttpRequest, pk: int, *, log: bool = True) -> Case:
    case = selectors.case_get_for_user(user=request.user, pk=pk, log=log)
    if case is None:
        raise Http404
    return case


@require("cases.view_cases")
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    only = request.GET.get("only", "")
    load = selectors.caseload_for_user(user=request.user, only=only)
    page = list_page(request, load.cases, CASES_PER_PAGE)
    log_read(actor=request.user, objects=page.object_list)
    return render(
        request,
        "cases/caseload.html",
        {
            "load": load,
            "page": page,
            "only": only,
            "may_keep": policies.may_keep_cases(user=request.user),
            "no_contact_days": selectors.NO_CONTACT_DAYS,
        },
    )


@require("cases.manage_cases")
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                persons=data["persons"],
                language=data["language"],
                consent=form.consent(),
            )
        except services.CasesError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case has been opened."))
            return redirect(case)
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "title": _("Open a case"),
            "submit": pgettext("open a case", "Open"),
            "kept": kept_notes()["case_files"],
        },
    )


@require("cases.manage_cases")
def case_open_arrival(request: AuthenticatedHttpRequest, arrival_pk: int) -> HttpResponse:
    arrival = selectors.arrival_get_for_user(user=request.user, pk=arrival_pk)
    if arrival is None:
        raise Http404
    form = ArrivalOpenForm(
        request.POST or None,
        initial={"purposes": ["case_management", "take_over"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open_from_arrival(
                actor=request.user, arrival=arrival, consent=form.consent()
            )
        except services.CasesError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case has been opened with the round's data."))
            return redirect(case)
    title = _("Open a case for %(reference)s") % {"reference": arrival.proposal.household.reference}
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "title": title,
            "submit": pgettext("open a case", "Open"),
            "intro": _(
                "The household's contact name, persons, language, needs and arrival date are "
                "taken over from the relocation round once the household consents."
            ),
            "kept": kept_notes()["case_files"],
        },
    )


def _case_context(request: AuthenticatedHttpRequest, case: Case, **forms: Form) -> dict[str, Any]:
    purposes = services.active_purposes(case)
    may_health, health = selectors.case_health_for_user(
        user=request.user, case=case, active_purposes=purposes
    )
    goals = list(selectors.goals_of_case(case=case))
    contracts = selectors.contracts_for_case(case=case)
    entries = list(selectors.hour_entries_of_case(case=case)[:50])
    may_housing = policies.may_manage_housing(user=request.user)
    may_mentoring = policies.may_manage_mentoring(user=request.user)
    may_mediation = policies.may_manage_mediation(user=request.user)
    return {
        "may_mediation": may_mediation,
        "mediation_requests": mediation_selectors.mediation_requests_of_case(
            user=request.user, case=case
        )
        if may_mediation
        else [],
        "may_mentoring": may_mentoring,
        "mentee_requests": mentoring_selectors.mentee_requests_of_case(user=request.user, case=case)
        if may_mentoring
        else [],
        "may_housing": may_housing,
        "housing_requests": housing_selectors.housing_requests_of_case(user=request.user, case=case)
        if may_housing
        else [],
        "case": case,
        "purposes": purposes,
        "consents": case.consents.select_related("recorded_by").order_by("-recorded_at"),
        "may_keep": policies.may_keep_cases(user=request.user),
        "may_erase": policies.may_erase_case(user=request.user, case=case),
        "may_log_hours": policies.may_log_hours(user=request.user),
        "may_health": may_health,
        "health": health,
        "health_kept_days": settings.RETENTION_DAYS["health_needs"],
        "kept": kept_notes(),
        "goals": goals,
        "open_goals": [g for g in goals if g.status in (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)],
        "goal_statuses": GoalStatus,
        "step_statuses": StepStatus,
        "referrals": case.referrals.select_related("goal").order_by("-referred_on", "-id"),
        "notes": case.notes.select_related("by").order_by("-on", "-id")[:20],
        "versions": case.plan_versions.order_by("-number"),
        "events": case.events.select_related("from_organisation", "to_organisation"),
        "entries": entries,
        "today": timezone.localdate(),
        "consent_form": forms.get("consent") or ConsentForm(),
        "withdraw_form": WithdrawForm(),
        "status_form": forms.get("status") or StatusForm(),
        "close_form": forms.get("close") or CloseForm(),
        "transfer_form": forms.get("transfer")
        or TransferForm(caseworkers=selectors.caseworkers_for_transfer(user=request.user)),
        "health_form": forms.get("health")
        or HealthForm(
            initial={
                "vaccination_status": getattr(health, "vaccination_status", "unknown"),
                "counselling_language": getattr(health, "counselling_language", ""),
                "needs": getattr(health, "needs", ""),
            }
        ),
        "goal_form": forms.get("goal") or GoalForm(),
        "step_form": forms.get("step") or StepForm(goals=selectors.open_goals_of_case(case=case)),
        "referral_form": forms.get("referral")
        or ReferralForm(goals=case.goals.all(), offers=selectors.offers_for_referral()),
        "outcome_form": ReferralOutcomeForm(),
        "note_form": forms.get("note") or NoteForm(),
        "hours_form": forms.get("hours") or HoursForm(contracts=contracts),
        "correction_form": forms.get("correct")
        or CorrectionForm(entries=selectors.correctable_entries(case=case)),
    }


@require("cases.view_cases")
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _form_for(action: str, request: AuthenticatedHttpRequest, case: Case) -> Form | None:
    data = request.POST
    builders: dict[str, Callable[[], Form]] = {
        "consent": lambda: ConsentForm(data),
        "withdraw": lambda: WithdrawForm(data),
        "status": lambda: StatusForm(data),
        "close": lambda: CloseForm(data),
        "transfer": lambda: TransferForm(
            data, caseworkers=selectors.caseworkers_for_transfer(user=request.user)
        ),
        "health": lambda: HealthForm(data),
        "goal": lambda: GoalForm(data),
        "step": lambda: StepForm(data, goals=selectors.open_goals_of_case(case=case)),
        "referral": lambda: ReferralForm(
            data, goals=case.goals.all(), offers=selectors.offers_for_referral()
        ),
        "referral_outcome": lambda: ReferralOutcomeForm(data),
        "note": lambda: NoteForm(data),
        "hours": lambda: HoursForm(data, contracts=selectors.contracts_for_case(case=case)),
        "correct": lambda: CorrectionForm(data, entries=selectors.correctable_entries(case=case)),
    }
    builder = builders.get(action)
    return builder() if builder else None


def _item(model: type[M], request: AuthenticatedHttpRequest, **lookup: Any) -> M:
    item = model._default_manager.filter(pk=request.POST.get("item"), **lookup).first()
    if item is None:
        raise Http404
    return item


def _apply(action: str, request: AuthenticatedHttpRequest, case: Case, data: dict[str, Any]) -> str:
    """Call the one service for ``action``; returns the message to show."""
    actor = request.user
    if action == "consent":
        services.consent_record(actor=actor, case=case, **data)
    elif action == "withdraw":
        services.consent_withdraw(actor=actor, case=case, purpose=data["purpose"])
    elif action == "status":
        services.case_transition(actor=actor, case=case, status=data["status"])
    elif action == "close":
        services.case_close(actor=actor, case=case, outcome=data["outcome"], on=data["on"])
    elif action == "transfer":
        services.case_transfer(actor=actor, case=case, caseworker=data["caseworker"])
        return _("The case has been handed over.")
    elif action == "health":
        services.health_update(actor=actor, case=case, **data)
    elif action == "goal":
        services.goal_create(actor=actor, case=case, **data)
    elif action == "goal_status":
        goal = _item(Goal, request, case=case)
        services.goal_transition(actor=actor, goal=goal, status=request.POST.get("status", ""))
    elif action == "step":
        services.step_create(actor=actor, **data)
    elif action == "step_status":
        step = _item(Step, request, goal__case=case)
        services.step_transition(actor=actor, step=step, status=request.POST.get("status", ""))
    elif action == "plan_agree":
        version = services.plan_agree(actor=actor, case=case)
        return _("Version %(n)s of the plan has been kept.") % {"n": version.number}
    elif action == "referral":
        services.referral_create(actor=actor, case=case, **data)
    elif action == "referral_outcome":
        referral = _item(Referral, request, case=case)
        services.referral_outcome(actor=actor, referral=referral, outcome=data["outcome"])
    elif action == "note":
        services.note_create(actor=actor, case=case, **data)
    elif action == "hours":
        logged = services.hours_log(actor=actor, case=case, **data)
        if over := logged.over_budget:
            # A part of an hour reads with the form of 2 ("1,50 Stunden", "1,5 часа").
            count = int(over) if over == int(over) else 2
            messages.warning(
                request,
                ngettext(
                    "The contract's hours budget is exceeded by %(hours)s hour.",
                    "The contract's hours budget is exceeded by %(hours)s hours.",
                    count,
                )
                % {"hours": floatformat(over, "-2g")},
            )
        return _("The hours have been logged.")
    elif action == "correct":
        services.hours_correct(actor=actor, **data)
        return _("The correction has been logged.")
    return _("The case has been updated.")


ACTIONS = {
    "consent",
    "withdraw",
    "status",
    "close",
    "transfer",
    "health",
    "goal",
    "goal_status",
    "step",
    "step_status",
    "plan_agree",
    "referral",
    "referral_outcome",
    "note",
    "hours",
    "correct",
}
HOURS_ACTIONS = {"hours", "correct"}


@require_POST
@require("cases.manage_cases")
def case_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """One change of a case (POST)."""
    if action not in ACTIONS:
        raise Http404
    if action in HOURS_ACTIONS and not policies.may_log_hours(user=request.user):
        raise PermissionDenied
    case = _case_or_404(request, pk, log=False)
    form = _form_for(action, request, case)
    if form is not None and not form.is_valid():
        context = _case_context(request, case, **{action: form})
        return render(request, "cases/case_detail.html", context, status=400)
    try:
        message = _apply(action, request, case, form.cleaned_data if form is not None else {})
    except services.CasesError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(case)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#{request.POST.get('anchor', '')}".rstrip("#"))


@require("cases.view_cases")
def plan_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    version = PlanVersion.objects.filter(case=case, number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "cases/plan_version.html",
        {"case": case, "version": version, "goals": _plan_version_shown(version.content)},
    )


def _plan_version_shown(content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored version (ISO dates, status codes, as agreed) for the page: dates as dates, so
    that the page formats them in its language, and areas and statuses in words."""
    goal_labels, step_labels = dict(GoalStatus.choices), dict(StepStatus.choices)
    area_labels = dict(GoalArea.choices)

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    return [
        goal
        | {
            "due_on": day(goal.get("due_on")),
            "review_on": day(goal.get("review_on")),
            "area": area_labels.get(goal.get("area", ""), goal.get("area", "")),
            "status": goal_labels.get(goal["status"], goal["status"]),
            "steps": [
                step
                | {
                    "due_on": day(step.get("due_on")),
                    "status": step_labels.get(step["status"], step["status"]),
                }
                for step in goal.get("steps", [])
            ],
        }
        for goal in content
    ]


# --- funding contracts and statements ---------------------------------------------------------


@require("cases.view_statements")
def contract_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ContractSearchForm(request.GET or None)
    page = list_page(
        request,
        selectors.contracts_search(
            user=request.user, query=form.query(), period=form.value("period") or ""
        ),
    )
    rows = [(c, selectors.contract_usage(c)) for c in page.object_list]
    return render(
        request,
        "cases/contract_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "may_agree": policies.may_agree_contracts(user=request.user),
        },
    )


@require("cases.manage_contracts")
def contract_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    grants = selectors.grants_for_contracts(user=request.user)
    form = ContractForm(request.POST or None, grants=grants)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(actor=request.user, **form.cleaned_data)
        except services.CasesError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contract has been agreed."))
            return redirect(contract)
    return render(
        request,
        "cases/form.html",
        {"form": form, "title": _("New funding contract"), "submit": _("Agree contract")},
    )


def _contract_or_404(request: AuthenticatedHttpRequest, pk: int) -> FundingContract:
    contract = selectors.contract_get_for_user(user=request.user, pk=pk)
    if contract is None:
        raise Http404
    return contract


def _period(form: StatementForm) -> tuple[dt.date, dt.date]:
    year = form.cleaned_data["year"]
    month = form.cleaned_data.get("month")
    if month:
        return selectors.month_bounds(year, month)
    return selectors.month_bounds(year, 1)[0], selectors.month_bounds(year, 12)[1]


@require("cases.view_statements")
def contract_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    today = timezone.localdate()
    form = StatementForm(request.GET or {"year": today.year, "month": today.month})
    statement = None
    if form.is_valid():
        first, last = _period(form)
        statement = selectors.statement(contract=contract, first_day=first, last_day=last)
    return render(
        request,
        "cases/contract_detail.html",
        {
            "contract": contract,
            "usage": selectors.contract_usage(contract),
            "form": form,
            "statement": statement,
            "query": request.GET.urlencode() or f"year={today.year}&month={today.month}",
        },
    )


@require("cases.view_statements")
def statement_download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "pdf"):
        raise Http404
    contract = _contract_or_404(request, pk)
    form = StatementForm(request.GET)
    if not form.is_valid():
        raise Http404
    first, last = _period(form)
    statement = selectors.statement(contract=contract, first_day=first, last_day=last)
    name = f"statement-{contract.pk}-{first:%Y-%m}"
    if fmt == "csv":
        response = HttpResponse(exports.statement_csv(statement), content_type="text/csv")
    else:
        response = HttpResponse(exports.statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
