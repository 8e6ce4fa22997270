"""Writes to measures plans. Every change goes through a function here, in one transaction with
its entry in the audit trail (ids and codes only, never the text of a note or comment)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.errors import ServiceError, StateError

from . import indicators
from .models import (
    MEASURE_TRANSITIONS,
    PLAN_TRANSITIONS,
    STATUS_CARRIED_OVER,
    STATUS_NEEDS_REASON,
    Actor,
    ActorKind,
    Area,
    Comment,
    Guideline,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureProposal,
    MeasureStatus,
    MeasureUpdate,
    Plan,
    PlanStatus,
    ProposalStatus,
    Report,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User
    from passgenau.apps.funding.models import Grant, Programme

__all__ = [
    "MeasuresError",
    "TransitionError",
    "actor_add",
    "actor_get_or_create",
    "actor_link",
    "area_create",
    "comment_add",
    "indicator_create",
    "indicator_value_record",
    "indicators_refresh",
    "measure_create",
    "measure_edit",
    "measure_status_change",
    "plan_create",
    "plan_transition",
    "proposal_decide",
    "proposal_submit",
    "report_store",
]


class MeasuresError(ServiceError):
    """Input that the rules do not allow (shown to the user; the API answers 422)."""


class TransitionError(StateError):
    """A status change that the transition table does not allow (the API answers 409)."""

    default_code = "transition"


def _user_org(user: User | None) -> Organisation | None:
    return user.organisation if user is not None else None


def _author(user: User | None) -> User | None:
    """Who is recorded as having made an entry: the user, or nobody for an anonymous caller."""
    return user if getattr(user, "is_authenticated", False) else None


def _not_in_future(on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise MeasuresError({field: [_("The date cannot be in the future.")]})


def _dates_in_order(start: dt.date | None, end: dt.date | None, field: str = "end") -> None:
    if start is not None and end is not None and end < start:
        raise MeasuresError({field: [_("The end cannot be before the start.")]})


# --- plans ----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    user: User | None,
    name: str,
    organisation: Organisation,
    period_start: dt.date,
    period_end: dt.date,
    guidelines: Sequence[str] = (),
    predecessor: Plan | None = None,
) -> Plan:
    """A new plan in draft. From a ``predecessor`` it takes the guidelines, areas, actors,
    indicators (without values) and every measure not done or dropped, each linked to the one it
    was carried over from so that its history stays visible."""
    _dates_in_order(period_start, period_end, "period_end")
    plan = Plan.objects.create(
        name=name,
        coordinating_organisation=organisation,
        period_start=period_start,
        period_end=period_end,
        predecessor=predecessor,
        created_by=_author(user),
    )
    texts = list(guidelines)
    if predecessor is not None:
        if not texts:
            texts = [g.text for g in predecessor.guidelines.all()]
        _carry_over(predecessor, plan)
    Guideline.objects.bulk_create(
        Guideline(plan=plan, position=i, text=text) for i, text in enumerate(texts)
    )
    log_action(
        "measures.plan.created",
        actor=user,
        obj=plan,
        data={"predecessor": predecessor.pk if predecessor else None},
    )
    return plan


def _carry_over(old: Plan, new: Plan) -> None:
    areas = {}
    for area in old.areas.all():
        areas[area.pk] = Area.objects.create(
            plan=new,
            code=area.code,
            title=area.title,
            description=area.description,
            position=area.position,
        )
    actors = {}
    for actor in old.actors.all():
        actors[actor.pk] = Actor.objects.create(
            plan=new, name=actor.name, kind=actor.kind, organisation_id=actor.organisation_id
        )
    measures = {}
    carried = old.measures.filter(status__in=STATUS_CARRIED_OVER).prefetch_related(
        "lead_actors", "partners"
    )
    for measure in carried:
        copy = Measure.objects.create(
            plan=new,
            area=areas[measure.area_id],
            code=measure.code,
            title=measure.title,
            objective=measure.objective,
            start=measure.start,
            end=measure.end,
            status=measure.status,
            costs=measure.costs,
            spent=measure.spent,
            programme_id=measure.programme_id,
            grant_id=measure.grant_id,
            carried_from=measure,
            position=measure.position,
        )
        copy.lead_actors.set([actors[a.pk] for a in measure.lead_actors.all()])
        copy.partners.set([actors[a.pk] for a in measure.partners.all()])
        measures[measure.pk] = copy
    for indicator in old.indicators.all():
        if indicator.measure_id is not None and indicator.measure_id not in measures:
            continue
        Indicator.objects.create(
            plan=new,
            area=areas.get(indicator.area_id) if indicator.area_id else None,
            measure=measures.get(indicator.measure_id) if indicator.measure_id else None,
            name=indicator.name,
            unit=indicator.unit,
            baseline=indicator.baseline,
            baseline_date=indicator.baseline_date,
            target=indicator.target,
            target_date=indicator.target_date,
            definition_code=indicator.definition_code,
            parameters=indicator.parameters,
            position=indicator.position,
        )


@transaction.atomic
def plan_transition(
    *, user: User | None, plan: Plan, status: str, on: dt.date | None = None, decision: str = ""
) -> Plan:
    """Move the plan along ``PLAN_TRANSITIONS``; adopting it records the council's date."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if status not in PLAN_TRANSITIONS.get(plan.status, frozenset()):
        raise TransitionError(
            _("A plan cannot go from “%(old)s” to “%(new)s”.")
            % {"old": plan.get_status_display(), "new": PlanStatus(status).label}
            if status in PlanStatus.values
            else _("Unknown status.")
        )
    before = plan.status
    plan.status = status
    fields = ["status"]
    if status == PlanStatus.ADOPTED:
        adopted_on = on or timezone.localdate()
        _not_in_future(adopted_on, "adopted_on")
        plan.adopted_on = adopted_on
        plan.council_decision = decision[:100]
        fields += ["adopted_on", "council_decision"]
    plan.save(update_fields=fields)
    log_action(
        "measures.plan.status_changed",
        actor=user,
        obj=plan,
        data={"from": before, "to": status},
    )
    return plan


# --- areas, actors, measures ------------------------------------------------------------------


@transaction.atomic
def area_create(
    *, user: User | None, plan: Plan, code: str, title: str, description: str = "", log: bool = True
) -> Area:
    code, title = code.strip(), " ".join(title.split())
    errors = {}
    if not code:
        errors["code"] = [_("Give the area a number.")]
    elif plan.areas.filter(code=code).exists():
        errors["code"] = [_("This plan already has an area with this number.")]
    if not title:
        errors["title"] = [_("Give the area a title.")]
    if errors:
        raise MeasuresError(errors)
    position = plan.areas.count()
    area = Area.objects.create(
        plan=plan, code=code, title=title, description=description, position=position
    )
    if log:
        log_action("measures.area.created", actor=user, obj=area, data={"plan": plan.pk})
    return area


def actor_get_or_create(*, plan: Plan, name: str, kind: str = ActorKind.ORGANISATION) -> Actor:
    """The plan's actor of that name (created when new; linked to the platform organisation of
    the same name, if there is one)."""
    name = " ".join(name.split())
    actor = plan.actors.filter(name=name).first()
    if actor is not None:
        return actor
    organisation = Organisation.objects.filter(name=name).first()
    return Actor.objects.create(plan=plan, name=name, kind=kind, organisation=organisation)


@transaction.atomic
def actor_add(*, user: User | None, plan: Plan, name: str, kind: str) -> Actor:
    """A new actor of the plan, added by the coordinating office. Named like an organisation on
    the platform, it is linked to it, so that its staff take part: audited with that link."""
    name = " ".join(name.split())
    if not name:
        raise MeasuresError({"name": [_("Give the actor a name.")]})
    if kind not in ActorKind.values:
        raise MeasuresError({"kind": [_("Unknown kind of actor.")]})
    if plan.actors.filter(name=name).exists():
        raise MeasuresError({"name": [_("The plan already has an actor of this name.")]})
    actor = actor_get_or_create(plan=plan, name=name, kind=kind)
    log_action(
        "measures.actor.added",
        actor=user,
        obj=actor,
        data={"plan": plan.pk, "kind": kind, "organisation": actor.organisation_id},
    )
    return actor


@transaction.atomic
def actor_link(
    *, user: User | None, actor: Actor, organisation: Organisation | None, coordinates: bool = False
) -> Actor:
    """Let (or stop letting) the staff of ``organisation`` act as ``actor`` — with
    ``coordinates``, as part of the plan's steering group."""
    actor.organisation = organisation
    actor.coordinates = coordinates and organisation is not None
    actor.save(update_fields=["organisation", "coordinates"])
    log_action(
        "measures.actor.linked",
        actor=user,
        obj=actor,
        data={
            "organisation": organisation.pk if organisation else None,
            "coordinates": actor.coordinates,
        },
    )
    return actor


def _validate_measure(
    *,
    plan: Plan,
    code: str,
    title: str,
    start: dt.date | None,
    end: dt.date | None,
    costs: Decimal | None,
    exclude: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    same_code = plan.measures.filter(code=code)
    if exclude is not None:
        same_code = same_code.exclude(pk=exclude)
    if not code.strip():
        errors["code"] = [_("Give the measure a number.")]
    elif same_code.exists():
        errors["code"] = [_("This plan already has a measure with this number.")]
    if not title.strip():
        errors["title"] = [_("Give the measure a title.")]
    if start is not None and end is not None and end < start:
        errors["end"] = [_("The end cannot be before the start.")]
    if costs is not None and costs < 0:
        errors["costs"] = [_("Costs cannot be negative.")]
    if errors:
        raise MeasuresError(errors)


@transaction.atomic
def measure_create(
    *,
    user: User | None,
    plan: Plan,
    area: Area,
    code: str,
    title: str,
    objective: str = "",
    lead: Iterable[Actor] = (),
    partners: Iterable[Actor] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    costs: Decimal | None = None,
    programme: Programme | None = None,
    grant: Grant | None = None,
    status: str = MeasureStatus.PLANNED,
    log: bool = True,
) -> Measure:
    _validate_measure(plan=plan, code=code, title=title, start=start, end=end, costs=costs)
    if area.plan_id != plan.pk:
        raise MeasuresError({"area": [_("The area belongs to another plan.")]})
    measure = Measure.objects.create(
        plan=plan,
        area=area,
        code=code,
        title=title,
        objective=objective,
        start=start,
        end=end,
        costs=costs,
        programme=programme if programme is not None or grant is None else grant.programme,
        grant=grant,
        status=status,
        position=plan.measures.filter(area=area).count(),
    )
    measure.lead_actors.set(list(lead))
    measure.partners.set(list(partners))
    if log:
        log_action("measures.measure.created", actor=user, obj=measure, data={"plan": plan.pk})
    return measure


EDITABLE_FIELDS = ("area", "code", "title", "objective", "start", "end", "costs", "programme")


@transaction.atomic
def measure_edit(
    *,
    user: User | None,
    measure: Measure,
    lead: Iterable[Actor] | None = None,
    partners: Iterable[Actor] | None = None,
    **fields: Any,
) -> Measure:
    """Change the measure's description (never its status: that is ``measure_status_change``)."""
    unknown = set(fields) - {*EDITABLE_FIELDS, "grant"}
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(measure, name, value)
    _validate_measure(
        plan=measure.plan,
        code=measure.code,
        title=measure.title,
        start=measure.start,
        end=measure.end,
        costs=measure.costs,
        exclude=measure.pk,
    )
    if measure.area.plan_id != measure.plan_id:
        raise MeasuresError({"area": [_("The area belongs to another plan.")]})
    measure.save(update_fields=[f"{name}_id" if name in {"area"} else name for name in fields])
    if lead is not None:
        measure.lead_actors.set(list(lead))
    if partners is not None:
        measure.partners.set(list(partners))
    log_action(
        "measures.measure.edited",
        actor=user,
        obj=measure,
        data={"fields": sorted(fields) + (["lead"] if lead is not None else [])},
    )
    return measure


@transaction.atomic
def measure_status_change(
    *,
    user: User | None,
    measure: Measure,
    status: str,
    on: dt.date,
    note: str = "",
    spent: Decimal | None = None,
) -> MeasureUpdate:
    """Record a dated change of status along ``MEASURE_TRANSITIONS`` — or, with the status
    unchanged, a progress report. Delays and drops need a reason; the date is not in the future
    nor before the last recorded one."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    before = measure.status
    if status != before and status not in MEASURE_TRANSITIONS.get(before, frozenset()):
        label = MeasureStatus(status).label if status in MeasureStatus.values else status
        raise TransitionError(
            _("A measure cannot go from “%(old)s” to “%(new)s”.")
            % {"old": measure.get_status_display(), "new": label}
        )
    _not_in_future(on, "on")
    last = measure.updates.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise MeasuresError({"on": [_("The date cannot be before the last recorded change.")]})
    note = note.strip()
    if status != before and status in STATUS_NEEDS_REASON and not note:
        raise MeasuresError({"note": [_("Give the reason for the delay or the drop.")]})
    if status == before and not note and spent is None:
        raise MeasuresError({"note": [_("Describe the progress.")]})
    if spent is not None and spent < 0:
        raise MeasuresError({"spent": [_("Costs cannot be negative.")]})
    update = MeasureUpdate.objects.create(
        measure=measure,
        on=on,
        status_before=before,
        status_after=status,
        note=note,
        author=_author(user),
        organisation=_user_org(user),
    )
    fields = []
    if status != before:
        measure.status = status
        fields.append("status")
    if spent is not None:
        measure.spent = spent
        fields.append("spent")
    if fields:
        measure.save(update_fields=fields)
    log_action(
        "measures.measure.status_changed" if status != before else "measures.measure.progress",
        actor=user,
        obj=measure,
        data={"update": update.pk, "from": before, "to": status, "on": on.isoformat()},
    )
    return update


# --- participation --------------------------------------------------------------------------


@transaction.atomic
def comment_add(*, user: User | None, measure: Measure, text: str) -> Comment:
    text = text.strip()
    if not text:
        raise MeasuresError({"text": [_("Write a comment.")]})
    comment = Comment.objects.create(
        measure=measure, text=text, author=user, organisation=_user_org(user)
    )
    log_action("measures.comment.added", actor=user, obj=comment, data={"measure": measure.pk})
    return comment


@transaction.atomic
def proposal_submit(
    *, user: User | None, plan: Plan, area: Area, title: str, objective: str = ""
) -> MeasureProposal:
    if plan.status != PlanStatus.CONSULTATION:
        raise TransitionError(_("New measures can be proposed during the consultation only."))
    if area.plan_id != plan.pk:
        raise MeasuresError({"area": [_("The area belongs to another plan.")]})
    if not title.strip():
        raise MeasuresError({"title": [_("Give the measure a title.")]})
    organisation = _user_org(user)
    if organisation is None:
        raise MeasuresError(_("Only members of an organisation can propose measures."))
    proposal = MeasureProposal.objects.create(
        plan=plan,
        area=area,
        title=title.strip(),
        objective=objective.strip(),
        organisation=organisation,
        author=user,
    )
    log_action("measures.proposal.submitted", actor=user, obj=proposal, data={"plan": plan.pk})
    return proposal


@transaction.atomic
def proposal_decide(
    *, user: User | None, proposal: MeasureProposal, accept: bool, note: str = "", code: str = ""
) -> MeasureProposal:
    """The coordinating office accepts a proposal (it becomes a planned measure, the proposing
    organisation its responsible actor) or rejects it with a reason."""
    proposal = MeasureProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise TransitionError(_("This proposal has been decided already."))
    if not accept and not note.strip():
        raise MeasuresError({"note": [_("Give the reason for rejecting the proposal.")]})
    plan = proposal.plan
    if accept:
        code = code.strip() or _next_code(plan, proposal.area)
        lead = actor_get_or_create(plan=plan, name=proposal.organisation.name)
        if lead.organisation_id is None:
            lead.organisation = proposal.organisation
            lead.save(update_fields=["organisation"])
        proposal.measure = measure_create(
            user=user,
            plan=plan,
            area=proposal.area,
            code=code,
            title=proposal.title,
            objective=proposal.objective,
            lead=[lead],
        )
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decision_note = note.strip()
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decision_note", "decided_at", "measure"])
    log_action(
        "measures.proposal.decided",
        actor=user,
        obj=proposal,
        data={"status": proposal.status, "measure": proposal.measure_id},
    )
    return proposal


def _next_code(plan: Plan, area: Area) -> str:
    number = plan.measures.filter(area=area).count() + 1
    while plan.measures.filter(code=f"{area.code}.{number}").exists():
        number += 1
    return f"{area.code}.{number}"


# --- indicators -----------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    user: User | None,
    plan: Plan,
    name: str,
    area: Area | None = None,
    measure: Measure | None = None,
    unit: str = "",
    baseline: Decimal | None = None,
    baseline_date: dt.date | None = None,
    target: Decimal | None = None,
    target_date: dt.date | None = None,
    definition_code: str = "",
    parameters: dict[str, Any] | None = None,
    log: bool = True,
) -> Indicator:
    """An indicator of an area or a measure; computed by ``definition_code`` with
    ``parameters`` (refused by parameter, ``parameters.NAME``, when the definition's check
    or, for a ``user``, the choices that user has do not allow a value)."""
    errors: dict[str, list[str]] = {}
    if (area is None) == (measure is None):
        errors["area"] = [_("Choose either an area or a measure.")]
    for item, label in ((area, "area"), (measure, "measure")):
        if item is not None and item.plan_id != plan.pk:
            errors[label] = [_("It belongs to another plan.")]
    if not name.strip():
        errors["name"] = [_("Give the indicator a name.")]
    definition = indicators.REGISTRY.get(definition_code) if definition_code else None
    if definition_code and definition is None:
        errors["definition_code"] = [_("Unknown definition.")]
    # an empty value is no value: the definition's default applies
    params = {
        str(name): str(value).strip()
        for name, value in (parameters or {}).items()
        if value is not None and str(value).strip()
    }
    if definition is None and params:
        errors["parameters"] = [
            _("Only an indicator computed from the platform's data takes parameters.")
        ]
    if definition is not None:
        problems = indicators.parameter_problems(definition, params, user=user, plan_id=plan.pk)
        for name, messages in problems.items():
            errors[f"parameters.{name}" if name else "parameters"] = messages
    if errors:
        raise MeasuresError(errors)
    indicator = Indicator.objects.create(
        plan=plan,
        area=area,
        measure=measure,
        name=name.strip(),
        unit=unit or (str(definition.unit) if definition else ""),
        baseline=baseline,
        baseline_date=baseline_date,
        target=target,
        target_date=target_date,
        definition_code=definition_code,
        parameters=params,
        position=plan.indicators.count(),
    )
    if log:
        log_action("measures.indicator.created", actor=user, obj=indicator, data={"plan": plan.pk})
    return indicator


@transaction.atomic
def indicator_value_record(
    *, user: User | None, indicator: Indicator, on: dt.date, value: Decimal, note: str = ""
) -> IndicatorValue:
    """A value entered by hand (an indicator computed from the platform's data takes none)."""
    if indicator.computed:
        raise MeasuresError(_("This indicator is computed from the platform's data."))
    _not_in_future(on, "on")
    stored, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        on=on,
        defaults={
            "value": value,
            "definition_code": "",
            "parameters": {},
            "territory_key": "",
            "note": note[:300],
            "recorded_by": _author(user),
        },
    )
    log_action(
        "measures.indicator.value_recorded",
        actor=user,
        obj=indicator,
        data={"value": f"{value:.2f}", "on": on.isoformat()},
    )
    return stored


@transaction.atomic
def indicators_refresh(
    *, user: User | None, plan: Plan, on: dt.date | None = None
) -> list[IndicatorValue]:
    """Compute every computed indicator of the plan for ``on`` (today by default) and store the
    values with their definition, parameters and territory."""
    on = on or timezone.localdate()
    _not_in_future(on, "on")
    stored = []
    for indicator in plan.indicators.exclude(definition_code=""):
        scope = indicators.Scope(
            territory_key=plan.territory_key,
            on=on,
            plan_id=plan.pk,
            measure_id=indicator.measure_id,
        )
        value = indicators.compute(indicator.definition_code, scope, indicator.parameters)
        row, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator,
            on=on,
            defaults={
                "value": value,
                "definition_code": indicator.definition_code,
                "parameters": indicator.parameters,
                "territory_key": plan.territory_key,
                "note": "",
                "recorded_by": _author(user),
            },
        )
        stored.append(row)
    log_action(
        "measures.indicators.refreshed",
        actor=user,
        obj=plan,
        data={"on": on.isoformat(), "values": len(stored)},
    )
    return stored


# --- reports --------------------------------------------------------------------------------


@transaction.atomic
def report_store(
    *, user: User | None, plan: Plan, as_of: dt.date, fmt: str, content: bytes
) -> Report:
    """Keep a progress report exactly as issued (file and SHA-256)."""
    report = Report.objects.create(
        plan=plan,
        as_of=as_of,
        format=fmt,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        issued_by=_author(user),
    )
    log_action(
        "measures.report.issued",
        actor=user,
        obj=report,
        data={"plan": plan.pk, "format": fmt, "as_of": as_of.isoformat(), "sha256": report.sha256},
    )
    return report
