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
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED, ErrorOut, ServiceError

from . import indicators, policies, selectors, services
from .models import Plan
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
    latest_value: str | None
    latest_on: dt.date | None


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


class MeasuresDefinitionOut(Schema):
    code: str
    label: str
    unit: str
    parameters: list[str]


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
                "indicators": [
                    {
                        "id": s.indicator.pk,
                        "name": s.indicator.name,
                        "unit": s.indicator.unit,
                        "baseline": _money(s.indicator.baseline),
                        "target": _money(s.indicator.target),
                        "definition_code": s.indicator.definition_code,
                        "latest_value": _money(s.latest.value) if s.latest else None,
                        "latest_on": s.latest.on if s.latest else None,
                    }
                    for s in a.indicators
                ],
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
def definitions(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """The computed indicators the platform offers (code, label, unit, parameters)."""
    return [
        {
            "code": d.code,
            "label": str(d.label),
            "unit": str(d.unit),
            "parameters": list(d.parameters),
        }
        for _code, d in sorted(indicators.REGISTRY.items())
    ]


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
    spent = None
    if payload.spent is not None:
        try:
            spent = Decimal(payload.spent)
        except InvalidOperation:
            raise ServiceError({"spent": ["Not a number."]}) from None
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
