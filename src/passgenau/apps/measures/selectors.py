"""Reads of measures plans: access functions (404 for what a user may not see), the overview of a
plan by area, the history of a measure across plans, indicator series and the figures of the
progress report. Plans hold no personal data; reads are not written to the audit trail."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from passgenau.apps.accounts.access import user_has_perm
from passgenau.apps.funding.models import Grant, Payment
from passgenau.apps.funding.selectors import grants_for_user
from passgenau.apps.listing import text_matching

from . import policies
from .models import (
    Area,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureProposal,
    MeasureStatus,
    MeasureUpdate,
    Plan,
    PlanStatus,
    Report,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "AreaProgress",
    "IndicatorSeries",
    "PlanProgress",
    "grants_for_plan",
    "indicator_get_for_user",
    "measure_get_for_user",
    "measure_history",
    "measures_of_plan",
    "plan_get_for_user",
    "plan_get_public",
    "plan_progress",
    "plans_for_user",
    "plans_public",
    "proposal_get_for_user",
    "report_get_for_user",
]


def grants_for_plan(*, user: Visitor, plan_id: int | None) -> QuerySet[Grant]:
    """The grants ``user`` may name in a plan: those funding lets the user see (funders: of their
    programmes; recipients: their own) and those the plan's measures name already (shown on the
    plan's pages), never every grant of the platform."""
    wanted = Q(pk__in=grants_for_user(user=user).values("pk"))
    if plan_id is not None:
        named = Measure.objects.filter(plan_id=plan_id, grant__isnull=False)
        wanted |= Q(pk__in=named.values("grant_id"))
    return Grant.objects.filter(wanted).select_related("organisation").order_by("title", "pk")


# The order of the traffic light: red, amber, green, grey (done and dropped are not "open").
STATUS_ORDER = [
    MeasureStatus.DELAYED,
    MeasureStatus.PLANNED,
    MeasureStatus.RUNNING,
    MeasureStatus.DONE,
    MeasureStatus.DROPPED,
]


def plans_for_user(*, user: Visitor) -> QuerySet[Plan]:
    """Plans coordinated by the user's organisation or in which it is an actor."""
    organisation_id = getattr(user, "organisation_id", None)
    if not user_has_perm(user, "measures.view_plans") or organisation_id is None:
        return Plan.objects.none()
    return (
        Plan.objects.filter(
            Q(coordinating_organisation_id=organisation_id)
            | Q(pk__in=Plan.objects.filter(actors__organisation_id=organisation_id).values("pk"))
        )
        .select_related("coordinating_organisation")
        .order_by("-period_start", "name")
    )


def plans_search(*, user: Visitor, query: str = "", status: str = "") -> QuerySet[Plan]:
    """The user's plans (:func:`plans_for_user`) whose name or coordinating office contains the
    search text, of one status unless empty. Plans name offices, no person."""
    plans = plans_for_user(user=user).filter(
        text_matching(query, "name", "coordinating_organisation__name")
    )
    return plans.filter(status=status) if status else plans


def plan_get_for_user(*, user: Visitor, pk: int) -> Plan:
    plan = plans_for_user(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plans_public() -> QuerySet[Plan]:
    """Adopted and closed plans, for everyone."""
    return (
        Plan.objects.filter(status__in=[PlanStatus.ADOPTED, PlanStatus.CLOSED])
        .select_related("coordinating_organisation")
        .order_by("-period_start", "name")
    )


def plan_get_public(*, pk: int) -> Plan:
    plan = plans_public().filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def measures_of_plan(*, plan: Plan) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(plan=plan)
        .select_related("area", "programme", "grant")
        .prefetch_related("lead_actors", "partners")
        .order_by("area__position", "area_id", "position", "id")
    )


def measure_get_for_user(*, user: Visitor, pk: int) -> Measure:
    measure = (
        Measure.objects.select_related(
            "plan", "plan__coordinating_organisation", "area", "programme", "grant"
        )
        .prefetch_related("lead_actors", "partners")
        .filter(pk=pk)
        .first()
    )
    if measure is None or not policies.may_view_plan(user=user, plan=measure.plan):
        raise Http404
    return measure


def proposal_get_for_user(*, user: Visitor, pk: int) -> MeasureProposal:
    proposal = (
        MeasureProposal.objects.select_related("plan", "area", "organisation").filter(pk=pk).first()
    )
    if proposal is None or not policies.may_view_plan(user=user, plan=proposal.plan):
        raise Http404
    return proposal


def indicator_get_for_user(*, user: Visitor, pk: int) -> Indicator:
    indicator = Indicator.objects.select_related("plan", "area", "measure").filter(pk=pk).first()
    if indicator is None or not policies.may_view_plan(user=user, plan=indicator.plan):
        raise Http404
    return indicator


def report_get_for_user(*, user: Visitor, pk: int) -> Report:
    report = Report.objects.select_related("plan").filter(pk=pk).first()
    if report is None or not policies.may_view_plan(user=user, plan=report.plan):
        raise Http404
    return report


def measure_history(*, measure: Measure) -> list[MeasureUpdate]:
    """The dated changes and progress reports of the measure, including those recorded on the
    measures it was carried over from in earlier plans (oldest first)."""
    chain = []
    current: Measure | None = measure
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current.pk)
        current = current.carried_from
    return list(
        MeasureUpdate.objects.filter(measure_id__in=chain)
        .select_related("measure__plan", "organisation")
        .order_by("on", "id")
    )


# --- progress ---------------------------------------------------------------------------------


@dataclass
class IndicatorSeries:
    indicator: Indicator
    values: list[IndicatorValue]

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def share_of_target(self) -> float | None:
        """How far the latest value is from the baseline towards the target (0…1, may exceed)."""
        latest = self.latest
        target = self.indicator.target
        if latest is None or target is None:
            return None
        base = self.indicator.baseline or Decimal(0)
        if target == base:
            return 1.0 if latest.value >= target else 0.0
        return float((latest.value - base) / (target - base))


@dataclass
class AreaProgress:
    area: Area
    measures: list[Measure]
    counts: Counter[str] = field(default_factory=Counter)
    delayed: list[tuple[Measure, MeasureUpdate | None]] = field(default_factory=list)
    indicators: list[IndicatorSeries] = field(default_factory=list)
    costs: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    @property
    def light(self) -> str:
        """``red`` when a measure is delayed, ``green`` when every open measure runs or is done,
        ``amber`` otherwise; ``grey`` without measures."""
        if not self.measures:
            return "grey"
        if self.counts[MeasureStatus.DELAYED]:
            return "red"
        if self.counts[MeasureStatus.PLANNED]:
            return "amber"
        return "green"

    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(s.value, str(s.label), self.counts[s]) for s in STATUS_ORDER]


@dataclass
class PlanProgress:
    plan: Plan
    as_of: dt.date
    areas: list[AreaProgress]

    @property
    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for area in self.areas:
            total.update(area.counts)
        return total

    @property
    def measures_count(self) -> int:
        return sum(len(area.measures) for area in self.areas)

    @property
    def costs(self) -> Decimal:
        return sum((a.costs for a in self.areas), Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((a.spent for a in self.areas), Decimal(0))

    def status_counts(self) -> list[tuple[str, str, int]]:
        counts = self.counts
        return [(s.value, str(s.label), counts[s]) for s in STATUS_ORDER]


def plan_progress(*, plan: Plan, as_of: dt.date) -> PlanProgress:
    """Status at a glance, delayed measures with their reasons, indicators against targets and
    money per area, as recorded up to ``as_of`` (a fixed number of queries)."""
    measures = list(measures_of_plan(plan=plan))
    updates: dict[int, list[MeasureUpdate]] = {}
    for update in MeasureUpdate.objects.filter(measure__plan=plan, on__lte=as_of).order_by(
        "on", "id"
    ):
        updates.setdefault(update.measure_id, []).append(update)
    later = set(
        MeasureUpdate.objects.filter(measure__plan=plan, on__gt=as_of).values_list(
            "measure_id", flat=True
        )
    )
    first_later: dict[int, MeasureUpdate] = {}
    for update in MeasureUpdate.objects.filter(measure_id__in=later, on__gt=as_of).order_by(
        "-on", "-id"
    ):
        first_later[update.measure_id] = update  # ends as the earliest after as_of
    paid = dict(
        Payment.objects.filter(
            grant_id__in=[m.grant_id for m in measures if m.grant_id],
            planned=False,
            paid_on__lte=as_of,
        )
        .values_list("grant_id")
        .annotate(s=Sum("amount"))
        .values_list("grant_id", "s")
    )
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .select_related("measure")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.filter(on__lte=as_of).order_by("on"),
                to_attr="values_as_of",
            )
        )
    )
    areas = {
        area.pk: AreaProgress(area=area, measures=[])
        for area in Area.objects.filter(plan=plan).order_by("position", "id")
    }
    for measure in measures:
        history = updates.get(measure.pk, [])
        if history:
            status = history[-1].status_after
        elif measure.pk in first_later:
            status = first_later[measure.pk].status_before
        else:
            status = measure.status
        measure.status_as_of = status
        progress = areas[measure.area_id]
        progress.measures.append(measure)
        progress.counts[status] += 1
        if status == MeasureStatus.DELAYED:
            reason = next((u for u in reversed(history) if u.status_after == status), None)
            progress.delayed.append((measure, reason))
        progress.costs += measure.costs or Decimal(0)
        if measure.grant_id:
            progress.spent += paid.get(measure.grant_id) or Decimal(0)
        else:
            progress.spent += measure.spent or Decimal(0)
    for indicator in indicators:
        if indicator.area_id is not None:
            area_id = indicator.area_id
        elif indicator.measure is not None:
            area_id = indicator.measure.area_id
        else:  # not stored: a check constraint wants an area or a measure
            continue
        areas[area_id].indicators.append(
            IndicatorSeries(indicator=indicator, values=list(indicator.values_as_of))
        )
    return PlanProgress(plan=plan, as_of=as_of, areas=list(areas.values()))
