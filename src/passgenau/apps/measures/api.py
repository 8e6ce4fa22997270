"""JSON API of the measures plan. The same access functions as the pages decide what a caller
sees (404 for a plan they may not see, 403 for an action they may not take on a visible one);
the same services make the changes (422 for bad input, 409 when the status table forbids it,
in the API's one error schema). The public operations show adopted plans only, without notes
or comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED, ErrorOut, ServiceError

from . import indicators, policies, selectors, services
from .models import Indicator, Plan
from .selectors import PlanProgress

router = Router(tags=["measures"])

VIEW_PLANS = ApiPermission("measures.view_plans")
COORDINATE = ApiPermission("measures.coordinate")
TAKE_PART = ApiPermission("measures.take_part")
VIEW_PUBLIC = ApiPermission("measures.view_public")


class MeasuresPlanOut(Schema):
    id: int
    name: str
    coordinating_office: str
    territory_key: str
    period_start: dt.date
    period_end: dt.date
    status: str
    adopted_on: dt.date | None
    predecessor_id: int | None


class MeasuresIndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: str | None
    target: str | None
    definition_code: str
    parameters: dict[str, str]
    # the definition and its parameters in words, e.g. "Angebote – Sprache: Arabisch"
    definition: str
    latest_value: str | None
    latest_on: dt.date | None


class MeasuresIndicatorIn(Schema):
    """A new indicator of an area or a measure (one of the two); computed from the platform's
    data when ``definition_code`` names a definition, with its ``parameters`` (see
    ``definitions``)."""

    name: str
    area_id: int | None = None
    measure_id: int | None = None
    unit: str = ""
    baseline: str | None = None
    baseline_date: dt.date | None = None
    target: str | None = None
    target_date: dt.date | None = None
    definition_code: str = ""
    parameters: dict[str, str | int] = {}


class MeasuresMeasureOut(Schema):
    id: int
    code: str
    title: str
    status: str
    start: dt.date | None
    end: dt.date | None
    responsible: list[str]
    partners: list[str]
    costs: str | None


class MeasuresAreaOut(Schema):
    id: int
    code: str
    title: str
    light: str
    counts: dict[str, int]
    spent: str
    measures: list[MeasuresMeasureOut]
    indicators: list[MeasuresIndicatorOut]


class MeasuresPlanDetailOut(MeasuresPlanOut):
    as_of: dt.date
    guidelines: list[str]
    areas: list[MeasuresAreaOut]


class MeasuresChoiceOut(Schema):
    value: str
    label: str


class MeasuresParameterOut(Schema):
    name: str
    label: str
    help_text: str
    # the values the caller may choose (for the plan asked about), or null for free input
    choices: list[MeasuresChoiceOut] | None


class MeasuresDefinitionOut(Schema):
    code: str
    label: str
    unit: str
    help_text: str
    parameters: list[MeasuresParameterOut]


class MeasuresUpdateIn(Schema):
    status: str
    on: dt.date
    note: str = ""
    spent: str | None = None


class MeasuresUpdateOut(Schema):
    id: int
    measure_id: int
    on: dt.date
    status_before: str
    status_after: str


class MeasuresRefreshOut(Schema):
    on: dt.date
    values: int


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _amount(value: str | None, field: str) -> Decimal | None:
    """An amount sent as a string ("12.50"); not a number is refused on its field."""
    if value is None or not value.strip():
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise ServiceError({field: [_("Not a number.")]}) from None


def _indicator(indicator: Indicator, latest: Any = None) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": _money(indicator.baseline),
        "target": _money(indicator.target),
        "definition_code": indicator.definition_code,
        "parameters": {str(k): str(v) for k, v in sorted(indicator.parameters.items())},
        "definition": indicator.definition_description,
        "latest_value": _money(latest.value) if latest else None,
        "latest_on": latest.on if latest else None,
    }


def _plan(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "name": plan.name,
        "coordinating_office": plan.coordinating_organisation.name,
        "territory_key": plan.territory_key,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "status": plan.status,
        "adopted_on": plan.adopted_on,
        "predecessor_id": plan.predecessor_id,
    }


def _detail(progress: PlanProgress) -> dict[str, Any]:
    plan = progress.plan
    return {
        **_plan(plan),
        "as_of": progress.as_of,
        "guidelines": [g.text for g in plan.guidelines.all()],
        "areas": [
            {
                "id": a.area.pk,
                "code": a.area.code,
                "title": a.area.title,
                "light": a.light,
                "counts": {code: count for code, _label, count in a.status_counts()},
                "spent": _money(a.spent),
                "measures": [
                    {
                        "id": m.pk,
                        "code": m.code,
                        "title": m.title,
                        "status": m.status_as_of,
                        "start": m.start,
                        "end": m.end,
                        "responsible": [x.name for x in m.lead_actors.all()],
                        "partners": [x.name for x in m.partners.all()],
                        "costs": _money(m.costs),
                    }
                    for m in a.measures
                ],
                "indicators": [_indicator(s.indicator, s.latest) for s in a.indicators],
            }
            for a in progress.areas
        ],
    }


@router.get("/plans", response=list[MeasuresPlanOut], auth=VIEW_PLANS)
def plans(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """Plans the caller's organisation coordinates or takes part in."""
    return [_plan(p) for p in selectors.plans_for_user(user=request.user)]


@router.get("/plans/{plan_id}", response=MeasuresPlanDetailOut, auth=VIEW_PLANS)
def plan(
    request: AuthenticatedHttpRequest, plan_id: int, as_of: dt.date | None = None
) -> dict[str, Any]:
    """A plan with its areas, measures and indicators as of a date (today by default)."""
    found = selectors.plan_get_for_user(user=request.user, pk=plan_id)
    on = min(as_of or timezone.localdate(), timezone.localdate())
    return _detail(selectors.plan_progress(plan=found, as_of=on))


@router.get("/definitions", response=list[MeasuresDefinitionOut], auth=VIEW_PLANS)
def definitions(request: AuthenticatedHttpRequest, plan: int | None = None) -> list[dict[str, Any]]:
    """The computed indicators the platform offers (code, label, unit) with their parameters:
    each with the values the caller may choose where they are a known set (with ``plan``, also
    the grants and programmes that plan's measures name)."""
    plan_id = selectors.plan_get_for_user(user=request.user, pk=plan).pk if plan else None
    return [
        {
            "code": d.code,
            "label": str(d.label),
            "unit": str(d.unit),
            "help_text": str(d.help_text),
            "parameters": [
                {
                    "name": p.name,
                    "label": str(p.label),
                    "help_text": str(p.help_text),
                    "choices": None
                    if p.choices is None
                    else [
                        {"value": value, "label": label}
                        for value, label in p.choices(request.user, plan_id)
                    ],
                }
                for p in d.parameter_list
            ],
        }
        for _code, d in sorted(indicators.REGISTRY.items())
    ]


@router.post(
    "/plans/{plan_id}/indicators",
    response={201: MeasuresIndicatorOut, 422: ErrorOut},
    auth=COORDINATE,
)
def indicator_create(
    request: AuthenticatedHttpRequest, plan_id: int, payload: MeasuresIndicatorIn
) -> Any:
    """Add an indicator to an area or a measure of the plan (the coordinating office). A bad
    parameter value is refused on its field: ``["body", "parameters", NAME]``."""
    found = selectors.plan_get_for_user(user=request.user, pk=plan_id)
    if not policies.may_change(user=request.user, plan=found):
        raise HttpError(403, "Forbidden")
    area = measure = None
    if payload.area_id is not None:
        area = found.areas.filter(pk=payload.area_id).first()
        if area is None:
            raise ServiceError({"area_id": [_("There is no such area in this plan.")]})
    if payload.measure_id is not None:
        measure = found.measures.filter(pk=payload.measure_id).first()
        if measure is None:
            raise ServiceError({"measure_id": [_("There is no such measure in this plan.")]})
    indicator = services.indicator_create(
        user=request.user,
        plan=found,
        name=payload.name,
        area=area,
        measure=measure,
        unit=payload.unit,
        baseline=_amount(payload.baseline, "baseline"),
        baseline_date=payload.baseline_date,
        target=_amount(payload.target, "target"),
        target_date=payload.target_date,
        definition_code=payload.definition_code,
        parameters=dict(payload.parameters),
    )
    return Status(201, _indicator(indicator))


@router.post(
    "/measures/{measure_id}/updates",
    response={201: MeasuresUpdateOut, **REFUSED},
    auth=TAKE_PART,
)
def measure_update(
    request: AuthenticatedHttpRequest, measure_id: int, payload: MeasuresUpdateIn
) -> Any:
    """Change a measure's status or report progress (the coordinating office; actors on the
    measures their organisation leads)."""
    measure = selectors.measure_get_for_user(user=request.user, pk=measure_id)
    if not policies.may_report_progress(user=request.user, measure=measure):
        raise HttpError(403, "Forbidden")
    spent = _amount(payload.spent, "spent")
    update = services.measure_status_change(
        user=request.user,
        measure=measure,
        status=payload.status,
        on=payload.on,
        note=payload.note,
        spent=spent,
    )
    return Status(
        201,
        MeasuresUpdateOut(
            id=update.pk,
            measure_id=measure.pk,
            on=update.on,
            status_before=update.status_before,
            status_after=update.status_after,
        ),
    )


@router.post(
    "/plans/{plan_id}/indicators/refresh",
    response={200: MeasuresRefreshOut, 422: ErrorOut},
    auth=COORDINATE,
)
def indicators_refresh(request: AuthenticatedHttpRequest, plan_id: int) -> Any:
    """Compute the plan's computed indicators for today and store them."""
    found = selectors.plan_get_for_user(user=request.user, pk=plan_id)
    if not policies.may_coordinate(user=request.user, plan=found):
        raise HttpError(403, "Forbidden")
    values = services.indicators_refresh(user=request.user, plan=found)
    return MeasuresRefreshOut(on=timezone.localdate(), values=len(values))


@router.get("/public/plans", response=list[MeasuresPlanOut], auth=VIEW_PUBLIC)
def public_plans(request: HttpRequest) -> list[dict[str, Any]]:
    """Adopted (and closed) plans, for everyone."""
    return [_plan(p) for p in selectors.plans_public()]


@router.get("/public/plans/{plan_id}", response=MeasuresPlanDetailOut, auth=VIEW_PUBLIC)
def public_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """An adopted plan and its progress today (no notes, no comments)."""
    found = selectors.plan_get_public(pk=plan_id)
    return _detail(selectors.plan_progress(plan=found, as_of=timezone.localdate()))
