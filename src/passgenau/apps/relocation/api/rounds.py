"""Rounds: list, create, change, move to another state (coordinator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Field, Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.accounts.models import Organisation, OrganisationKind
from passgenau.apps.core.errors import REFUSED, ErrorOut

from ..models import (
    ROUND_TRANSITIONS,
    MunicipalityProfile,
    Round,
)
from ..selectors import rounds as round_selectors
from ..services import rounds
from .common import MunicipalityRef

router = Router(tags=["relocation"])

VIEW_ROUNDS = ApiPermission("relocation.view_rounds")
MANAGE_ROUNDS = ApiPermission("relocation.manage_rounds")


class RoundOut(Schema):
    id: int
    name: str
    description: str
    status: str
    coordinating_organisation: str
    municipalities: list[MunicipalityRef]
    profiles_due: dt.date | None
    interviews_close: dt.date | None
    decisions_due: dt.date | None
    mechanism: str
    criteria_version: str
    capacity_dimensions: list[str]
    allowed_transitions: list[str]


class RoundIn(Schema):
    name: str = Field(..., max_length=200)
    description: str = ""
    municipality_ids: list[int] = []
    profiles_due: dt.date | None = None
    interviews_close: dt.date | None = None
    decisions_due: dt.date | None = None
    mechanism: str = "auto"
    criteria_version: str = "1"
    capacity_dimensions: list[str] = ["persons", "school", "kita"]


class RoundPatch(Schema):
    name: str | None = None
    description: str | None = None
    municipality_ids: list[int] | None = None
    profiles_due: dt.date | None = None
    interviews_close: dt.date | None = None
    decisions_due: dt.date | None = None
    mechanism: str | None = None
    criteria_version: str | None = None
    capacity_dimensions: list[str] | None = None


class TransitionIn(Schema):
    status: str


def _round_out(round_: Round) -> RoundOut:
    return RoundOut(
        id=round_.pk,
        name=round_.name,
        description=round_.description,
        status=round_.status,
        coordinating_organisation=round_.coordinating_organisation.name,
        municipalities=[
            MunicipalityRef(id=p.municipality_id, name=p.municipality.name)
            for p in round_.profiles.all()
        ],
        profiles_due=round_.profiles_due,
        interviews_close=round_.interviews_close,
        decisions_due=round_.decisions_due,
        mechanism=round_.mechanism,
        criteria_version=round_.criteria_version,
        capacity_dimensions=list(round_.capacity_dimensions),
        allowed_transitions=sorted(ROUND_TRANSITIONS[round_.status]),
    )


def _with_profiles(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch(
            "profiles",
            queryset=MunicipalityProfile.objects.select_related("municipality").order_by(
                "municipality__name"
            ),
        )
    )


def _municipalities(ids: list[int]) -> list[Organisation]:
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"municipality_ids": [f"unknown organisation ids: {missing}"]}, code="unknown"
        )
    wrong = [o.name for o in found.values() if o.kind != OrganisationKind.MUNICIPALITY]
    if wrong:
        raise ValidationError({"municipality_ids": [f"not municipalities: {wrong}"]})
    return [found[pk] for pk in ids]


@router.get("/rounds", response=list[RoundOut], auth=VIEW_ROUNDS)
def round_list(request: AuthenticatedHttpRequest) -> list[RoundOut]:
    """The rounds the caller may see."""
    return [
        _round_out(r) for r in _with_profiles(round_selectors.rounds_for_user(user=request.user))
    ]


@router.post("/rounds", response={201: RoundOut, **REFUSED}, auth=MANAGE_ROUNDS)
def round_create(request: AuthenticatedHttpRequest, payload: RoundIn) -> Any:
    """Create a round in draft, coordinated by the caller's organisation."""
    data = payload.dict()
    municipalities = _municipalities(data.pop("municipality_ids"))
    round_ = rounds.round_create(actor=request.user, municipalities=municipalities, **data)
    created = _with_profiles(Round.objects.select_related("coordinating_organisation"))
    return Status(201, _round_out(created.get(pk=round_.pk)))


@router.get("/rounds/{round_id}", response=RoundOut, auth=VIEW_ROUNDS)
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> RoundOut:
    round_selectors.round_get_for_user(user=request.user, pk=round_id)
    queryset = _with_profiles(round_selectors.rounds_for_user(user=request.user))
    return _round_out(queryset.get(pk=round_id))


@router.patch("/rounds/{round_id}", response={200: RoundOut, **REFUSED}, auth=MANAGE_ROUNDS)
def round_update(request: AuthenticatedHttpRequest, round_id: int, payload: RoundPatch) -> Any:
    """Change the fields given; each only in the states that allow it (409 otherwise)."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    data = payload.dict(exclude_unset=True)
    ids = data.pop("municipality_ids", None)
    municipalities = _municipalities(ids) if ids is not None else None
    rounds.round_update(actor=request.user, round_=round_, municipalities=municipalities, **data)
    return Status(200, round_detail(request, round_id))


@router.post(
    "/rounds/{round_id}/transition",
    response={200: RoundOut, 409: ErrorOut},
    auth=MANAGE_ROUNDS,
)
def round_transition(
    request: AuthenticatedHttpRequest, round_id: int, payload: TransitionIn
) -> Any:
    """Move the round to another status; 409 with the reasons when that is not possible."""
    round_ = round_selectors.round_get_for_coordinator(user=request.user, pk=round_id)
    rounds.round_transition(actor=request.user, round_=round_, to_status=payload.status)
    return Status(200, round_detail(request, round_id))
