"""Pages: the calculator and saved distributions; programmes, allocations and grants.

Views parse input, call one service or selector, and render. Programmes and grants are reached
only through the access functions in ``selectors`` (a funder: its own programmes; a recipient:
its own grants); everything else gets a 404, so that nobody learns what exists elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passgenau.apps.accounts.access import AuthenticatedHttpRequest, require
from passgenau.apps.core.ids import found_or_404, id_or_404
from passgenau.apps.core.pages import form_saved
from passgenau.apps.listing import list_page

from . import exports, policies, selectors, services
from .forms import (
    AllocateForm,
    ApproveForm,
    CalculatorForm,
    CostLineFormSet,
    FreezeForm,
    GrantFilterForm,
    GrantForm,
    ListSearchForm,
    PayForm,
    PaymentCorrectForm,
    ProgrammeForm,
    ReportForm,
    SaveDistributionForm,
)
from .models import Freeze, Grant, GrantStatus, Payment

# --- calculator and distributions ------------------------------------------------------------


CHART_BARS = 60  # more bars than this would make a chart nobody can read


def _chart(items: list[tuple[str, Decimal]], decimals: int) -> Any:
    title = _("Allocation per territory")
    if len(items) > CHART_BARS:
        items = sorted(items, key=lambda item: item[1], reverse=True)[:CHART_BARS]
        title = _("The %(n)s largest allocations") % {"n": CHART_BARS}
    return exports.bar_chart_svg(items, decimals=decimals, title=title)


@require("funding.apportion")
def calculator(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET computes and shows (nothing stored); POST with a name saves the distribution."""
    data = request.POST if request.method == "POST" else request.GET
    form = CalculatorForm(data or None, laender=selectors.laender_choices())
    context: dict[str, Any] = {"form": form, "save_form": SaveDistributionForm()}
    if form.is_bound and form.is_valid():
        try:
            computed = services.distribution_compute(inputs=form.to_input())
        except services.FundingError as exc:
            form.add_error(None, str(exc))
        else:
            decimals = 2 if computed.inputs.unit == "eur" else 0
            context.update(
                computed=computed,
                decimals=decimals,
                chart=_chart([(line.name, line.allocation) for line in computed.lines], decimals),
                lines_count=len(computed.lines),
            )
            if request.method == "POST":
                save_form = SaveDistributionForm(request.POST)
                if save_form.is_valid():
                    distribution = services.distribution_save(
                        actor=request.user, name=save_form.cleaned_data["name"], computed=computed
                    )
                    messages.success(request, _("The distribution has been saved."))
                    return redirect(distribution)
                context["save_form"] = save_form
    return render(request, "funding/calculator.html", context)


LIST_PAGE_SIZE = 50


@require("funding.apportion")
def distribution_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ListSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = list_page(request, selectors.distributions_search(q=q), LIST_PAGE_SIZE)
    return render(request, "funding/distribution_list.html", {"form": form, "page": page})


@require("funding.apportion")
def distribution_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    distribution = selectors.distribution_get(pk=pk)
    lines = list(distribution.lines.all())
    recomputed = services.distribution_recompute(distribution=distribution)
    scale = 100 if distribution.decimals == 2 else 1
    reproduced = [int(line.allocation * scale) for line in lines] == list(recomputed.allocations)
    return render(
        request,
        "funding/distribution_detail.html",
        {
            "distribution": distribution,
            "lines": lines,
            "total": sum((line.allocation for line in lines), Decimal(0)),
            "reproduced": reproduced,
            "chart": _chart(
                [(line.name, line.allocation) for line in lines], distribution.decimals
            ),
            "lines_count": len(lines),
        },
    )


DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", exports.distribution_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.distribution_xlsx,
    ),
    "pdf": ("application/pdf", exports.distribution_pdf),
}


@require("funding.apportion")
def distribution_download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404
    distribution = selectors.distribution_get(pk=pk)
    content_type, build = DOWNLOADS[fmt]
    response = HttpResponse(build(distribution), content_type=content_type)
    filename = f"{slugify(distribution.name) or 'distribution'}-{distribution.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- programmes ------------------------------------------------------------------------------


@require("funding.manage")
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ListSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = list_page(request, selectors.programmes_search(user=request.user, q=q), LIST_PAGE_SIZE)
    return render(request, "funding/programme_list.html", {"form": form, "page": page})


@require("funding.manage")
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    programme = form_saved(
        request,
        form,
        lambda data: services.programme_create(actor=request.user, **data),
        done=_("The programme has been created."),
        refused=services.FundingError,
    )
    if programme is not None:
        return redirect(programme)
    return render(request, "funding/programme_form.html", {"form": form})


@require("funding.manage")
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    allocate_form = AllocateForm(request.POST or None)
    if form_saved(
        request,
        allocate_form,
        lambda data: services.allocations_from_distribution(
            actor=request.user, programme=programme, distribution=data["distribution"]
        ),
        done=_("The programme has been allocated to the territories."),
        refused=services.FundingError,
    ):
        return redirect(programme)
    return render(
        request,
        "funding/programme_detail.html",
        {
            "programme": programme,
            "report": selectors.programme_report(programme=programme),
            "allocations": programme.allocations.all(),
            "grants": programme.grants.select_related("organisation"),
            "allocate_form": allocate_form,
        },
    )


@require("funding.manage")
def programme_report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The programme report as PDF (figures that add up, one line per grant)."""
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    grants = [
        (grant, selectors.grant_money(grant=grant))
        for grant in programme.grants.select_related("organisation")
    ]
    pdf = exports.programme_report_pdf(
        programme, selectors.programme_report(programme=programme), grants
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(programme.name) or 'programme'}-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require("funding.manage")
def grant_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for_user(user=request.user, pk=pk)
    form = GrantForm(request.POST or None)
    costs = CostLineFormSet(request.POST or None, prefix="costs")
    grant = (
        form_saved(
            request,
            form,
            lambda data: services.grant_create(
                actor=request.user,
                programme=programme,
                organisation=data["organisation"],
                title=data["title"],
                amount=data["amount"],
                own_funds=data["own_funds"] or Decimal(0),
                third_party_funds=data["third_party_funds"] or Decimal(0),
                cost_lines=[
                    (row["description"], row["amount"])
                    for row in costs.cleaned_data
                    if row.get("description")
                ],
            ),
            done=_("The application has been recorded."),
            refused=services.FundingError,
        )
        if costs.is_valid()
        else None
    )
    if grant is not None:
        return redirect(grant)
    return render(
        request, "funding/grant_form.html", {"programme": programme, "form": form, "costs": costs}
    )


# --- grants ----------------------------------------------------------------------------------


@require("funding.view_grants")
def grant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    programmes = [(p.pk, p.name) for p in selectors.programmes_for_user(user=request.user)]
    form = GrantFilterForm(request.GET or None, programmes=programmes)
    filters = form.cleaned_data if form.is_valid() else {}
    grants = selectors.grants_search(
        user=request.user,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        programme_id=filters.get("programme") or None,
    )
    page = list_page(request, grants, LIST_PAGE_SIZE)
    return render(request, "funding/grant_list.html", {"form": form, "page": page})


@require("funding.view_grants")
def grant_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get_for_user(user=request.user, pk=pk)
    return render(request, "funding/grant_detail.html", _grant_context(request, grant))


def _grant_context(request: HttpRequest, grant: Any, **forms: Any) -> dict[str, Any]:
    is_funder = policies.may_decide_grants(user=request.user)
    costs = sum((line.amount for line in grant.cost_lines.all()), Decimal(0))
    return {
        "grant": grant,
        "money": selectors.grant_money(grant=grant),
        "hours_budgets": selectors.grant_hours_budgets(grant=grant),
        "is_funder": is_funder,
        "costs": costs,
        "gap": services.financing_gap(grant=grant) if grant.cost_lines.all() else None,
        "approve_form": forms.get("approve") or ApproveForm(),
        "freeze_form": forms.get("freeze") or FreezeForm(),
        "pay_form": forms.get("pay") or PayForm(),
        "report_form": forms.get("report") or ReportForm(),
        "statuses": GrantStatus,
        "payments_correctable": is_funder
        and grant.status in services.CORRECTABLE_GRANT_STATES
        and policies.may_correct_payments(user=request.user, grant=grant),
    }


ACTIONS = {*policies.GRANT_DECISIONS, "report"}
# The changes that take a form: its class and the service that makes the change.
FORM_ACTIONS: dict[str, tuple[Any, Any]] = {
    "approve": (ApproveForm, services.grant_approve),
    "freeze": (FreezeForm, services.grant_freeze),
    "pay": (PayForm, services.grant_pay),
    "report": (ReportForm, services.grant_report),
}


M = TypeVar("M", Freeze, Payment)


def _grant_row_or_404(model: type[M], grant: Grant, posted: Any) -> M:
    """The grant's freeze or payment with the posted id; Http404 for any other id."""
    return found_or_404(model.objects.filter(grant=grant, pk=id_or_404(posted)).first())


@require_POST
@require("funding.view_grants")
def grant_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """One change of a grant (POST): approve, freeze, release, pay, report, close."""
    if action not in ACTIONS:
        raise Http404
    grant = selectors.grant_get_for_user(user=request.user, pk=pk)
    if action in policies.GRANT_DECISIONS and not policies.may_decide_grants(user=request.user):
        raise PermissionDenied
    actor = request.user
    form: Any = None
    try:
        if action in FORM_ACTIONS:
            form_class, service = FORM_ACTIONS[action]
            form = form_class(request.POST)
            if form.is_valid():
                service(actor=actor, grant=grant, **form.cleaned_data)
        elif action == "release":
            freeze = _grant_row_or_404(Freeze, grant, request.POST.get("freeze"))
            services.freeze_release(actor=actor, freeze=freeze)
        elif action == "confirm_payment":
            payment = _grant_row_or_404(Payment, grant, request.POST.get("payment"))
            services.payment_confirm(actor=actor, payment=payment)
        else:
            services.grant_close(actor=actor, grant=grant)
    except services.FundingError as exc:
        messages.error(request, str(exc))
        return redirect(grant)
    if form is not None and not form.is_valid():
        grant = selectors.grant_get_for_user(user=request.user, pk=pk)
        context = _grant_context(request, grant, **{action: form})
        return render(request, "funding/grant_detail.html", context, status=400)
    messages.success(request, _("The grant has been updated."))
    return redirect(grant)


@require("funding.manage")
def payment_correct(request: AuthenticatedHttpRequest, pk: int, payment: int) -> HttpResponse:
    """Correct a payment recorded in error, with a reason (kept with the old and new values)."""
    grant = selectors.grant_get_for_user(user=request.user, pk=pk)
    recorded = _grant_row_or_404(Payment, grant, payment)
    if not policies.may_correct_payments(user=request.user, grant=grant):
        raise PermissionDenied
    initial = {name: getattr(recorded, name) for name in services.PAYMENT_FIELDS}
    form = PaymentCorrectForm(request.POST or None, initial=initial)
    if form_saved(
        request,
        form,
        lambda data: services.payment_correct(actor=request.user, payment=recorded, **data),
        done=_("The payment has been corrected."),
        refused=services.FundingError,
    ):
        return redirect(grant)
    return render(
        request,
        "funding/payment_correct.html",
        {
            "grant": grant,
            "payment": recorded,
            "form": form,
            "corrections": recorded.corrections.select_related("corrected_by"),
            "correctable": grant.status in services.CORRECTABLE_GRANT_STATES,
        },
        status=400 if form.is_bound else 200,
    )


@require("funding.view_grants")
def grant_notice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The approval notice as PDF (only for an approved grant)."""
    grant = selectors.grant_get_for_user(user=request.user, pk=pk)
    if grant.status == GrantStatus.APPLIED:
        raise Http404
    notice = services.notice_for_download(grant=grant)
    response = HttpResponse(bytes(notice.content), content_type="application/pdf")
    filename = f"notice-{slugify(grant.notice_number) or grant.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


__all__ = [
    "calculator",
    "distribution_detail",
    "distribution_download",
    "distribution_list",
    "grant_action",
    "grant_create",
    "grant_detail",
    "grant_list",
    "grant_notice",
    "payment_correct",
    "programme_create",
    "programme_detail",
    "programme_list",
    "programme_report_download",
]
