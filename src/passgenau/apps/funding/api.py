"""JSON API of funding: apportion a total by any key (stateless), saved distributions, and the
funder's own programmes with their report. Same rights and access functions as the pages."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Router, Schema, Status
from pydantic import Field

from passgenau.apps.accounts.access import ApiPermission
from passgenau.apps.core.errors import ErrorItem, ErrorOut
from passgenau.apps.core.input_problems import problem_text, problem_texts
from passgenau.engine.apportionment import METHODS, TIE_RULES, ApportionmentError, apportion
from passgenau.engine.keys import parse_number
from passgenau.engine.problems import InputError, InputProblem

from . import selectors
from .models import Distribution

router = Router(tags=["funding"])

APPORTION = ApiPermission("funding.apportion")
MANAGE = ApiPermission("funding.manage")


def _invalid(problems: list[ErrorItem]) -> Status[ErrorOut]:
    return Status(422, ErrorOut(detail=problems))


def _problem(loc: list[str | int], msg: str, type_: str = "invalid") -> ErrorItem:
    return ErrorItem(loc=["body", *loc] if loc else [], msg=msg, type=type_)


# Numbers arrive as text, read exactly; a cap on their length keeps them computable.
NumberText = Annotated[str, Field(max_length=60)]


class WeightIn(Schema):
    id: str = Field(max_length=100)
    weight: NumberText  # a number in English or German notation ("13.01280", "1.234,5")


class ApportionIn(Schema):
    total: NumberText  # e.g. "8000000.00" or "8.000.000,00"
    decimals: int = 0  # 2: apportion euro cents
    method: str = "largest-remainder"
    minimum: NumberText | None = None
    maximum: NumberText | None = None
    ties: str = "order"
    seed: int | None = None
    weights: list[WeightIn] = Field(max_length=20_000)


class AllocationOut(Schema):
    id: str
    quota: str  # exact quota as a fraction "n/d" of the smallest unit
    allocation: str  # with exactly `decimals` decimals


class ApportionOut(Schema):
    method: str
    total: str
    decimals: int
    allocations: list[AllocationOut]
    tied: list[str]
    tie_seats: int


def _scaled(text: str, decimals: int, field: str, problems: list[ErrorItem]) -> int | None:
    """``text`` in the smallest unit (``decimals`` places), or None with the problem noted."""
    try:
        value = parse_number(text) * 10**decimals
    except InputError as exc:
        problems.extend(_problem([field], msg) for msg in problem_texts(exc.problems))
        return None
    if value.denominator != 1 or value < 0:
        message = ngettext(
            "“%(value)s” must be a number of 0 or more with at most %(decimals)s decimal.",
            "“%(value)s” must be a number of 0 or more with at most %(decimals)s decimals.",
            decimals,
        ) % {"value": text, "decimals": decimals}
        problems.append(_problem([field], message))
        return None
    return int(value)


def _choose(value: str, allowed: tuple[str, ...] | list[str]) -> str:
    problem = InputProblem(
        "", None, None, "field.not_choice", {"value": value, "expected": ", ".join(allowed)}
    )
    return problem_text(problem)


def _shown(units: int, decimals: int) -> str:
    if decimals == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), 10**decimals)
    return f"{sign}{whole}.{part:0{decimals}d}"


@router.post("/apportion", response={200: ApportionOut, 422: ErrorOut}, auth=APPORTION)
def apportion_total(request: HttpRequest, payload: ApportionIn) -> object:
    """Distribute a total by the given weights; the allocations add up exactly to the total."""
    problems: list[ErrorItem] = []
    if not 0 <= payload.decimals <= 9:
        return _invalid([_problem(["decimals"], _("Choose from 0 to 9 decimals."))])
    if payload.method not in METHODS:
        problems.append(_problem(["method"], _choose(payload.method, METHODS)))
    if payload.ties not in TIE_RULES:
        problems.append(_problem(["ties"], _choose(payload.ties, TIE_RULES)))
    total = _scaled(payload.total, payload.decimals, "total", problems)
    minimum = (
        _scaled(payload.minimum, payload.decimals, "minimum", problems) if payload.minimum else None
    )
    maximum = (
        _scaled(payload.maximum, payload.decimals, "maximum", problems) if payload.maximum else None
    )
    weights: dict[str, Fraction] = {}
    seen: set[str] = set()
    for index, row in enumerate(payload.weights):
        if row.id in seen:
            message = _("The id “%(id)s” appears twice.") % {"id": row.id}
            problems.append(_problem(["weights", index, "id"], message))
            continue
        seen.add(row.id)
        try:
            weights[row.id] = parse_number(row.weight)
        except InputError as exc:
            problems.extend(
                _problem(["weights", index, "weight"], msg) for msg in problem_texts(exc.problems)
            )
    if problems or total is None:
        return _invalid(problems)
    try:
        result = apportion(
            total,
            weights,
            method=payload.method,
            minimum=minimum,
            maximum=maximum,
            ties=payload.ties,
            seed=payload.seed,
        )
    except ApportionmentError as exc:
        return _invalid(
            [_problem([], msg, "cannot_apportion") for msg in problem_texts(exc.problems)]
        )
    return ApportionOut(
        method=result.method,
        total=_shown(total, payload.decimals),
        decimals=payload.decimals,
        allocations=[
            AllocationOut(
                id=uid,
                quota=f"{quota.numerator}/{quota.denominator}",
                allocation=_shown(allocation, payload.decimals),
            )
            for uid, quota, allocation in zip(
                result.ids, result.quotas, result.allocations, strict=True
            )
        ],
        tied=list(result.tied),
        tie_seats=result.tie_seats,
    )


class DistributionOut(Schema):
    id: int
    name: str
    level: str
    land_key: str
    key_kind: str
    key_year: int | None
    reference_date: dt.date | None
    method: str
    unit: str
    amount: str
    created_at: dt.datetime


class LineOut(Schema):
    territory_key: str
    name: str
    weight: str
    quota: str
    allocation: str


class DistributionDetailOut(DistributionOut):
    lines: list[LineOut]
    tied: list[str]


def _distribution(d: Distribution, *, lines: bool = False) -> dict[str, object]:
    data: dict[str, object] = {
        "id": d.pk,
        "name": d.name,
        "level": d.level,
        "land_key": d.land_key,
        "key_kind": d.key_kind,
        "key_year": d.key_year,
        "reference_date": d.reference_date,
        "method": d.method,
        "unit": d.unit,
        "amount": f"{d.amount:.2f}",
        "created_at": d.created_at,
    }
    if lines:
        data["tied"] = list(d.tied)
        data["lines"] = [
            {
                "territory_key": line.territory_key,
                "name": line.name,
                "weight": line.weight,
                "quota": f"{line.quota}",
                "allocation": f"{line.allocation:.2f}",
            }
            for line in d.lines.all()
        ]
    return data


@router.get("/distributions", response=list[DistributionOut], auth=APPORTION)
def distributions(request: HttpRequest, limit: int = 100) -> list[dict[str, object]]:
    """Saved distributions, newest first."""
    limit = max(1, min(limit, 1000))
    return [_distribution(d) for d in selectors.distributions_list()[:limit]]


@router.get("/distributions/{pk}", response=DistributionDetailOut, auth=APPORTION)
def distribution(request: HttpRequest, pk: int) -> dict[str, object]:
    """One saved distribution with its lines."""
    return _distribution(selectors.distribution_get(pk=pk), lines=True)


class ProgrammeOut(Schema):
    id: int
    name: str
    budget: str
    period_start: dt.date
    period_end: dt.date
    approved: str
    frozen: str
    paid: str
    remaining: str
    adds_up: bool


@router.get("/programmes", response=list[ProgrammeOut], auth=MANAGE)
def programmes(request: HttpRequest) -> list[ProgrammeOut]:
    """The programmes of the caller's own organisation with their report figures."""
    out = []
    for programme in selectors.programmes_for_user(user=request.user):
        report = selectors.programme_report(programme=programme)
        out.append(
            ProgrammeOut(
                id=programme.pk,
                name=programme.name,
                budget=f"{report.budget:.2f}",
                period_start=programme.period_start,
                period_end=programme.period_end,
                approved=f"{report.approved:.2f}",
                frozen=f"{report.frozen:.2f}",
                paid=f"{report.paid:.2f}",
                remaining=f"{report.remaining:.2f}",
                adds_up=report.adds_up,
            )
        )
    return out
