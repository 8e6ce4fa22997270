"""Municipality profiles of a round (coordinator: all; municipal officer: their own)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED

from ..models import (
    MunicipalityProfile,
)
from ..selectors import profiles as profile_selectors
from ..selectors import rounds as round_selectors
from ..services import profiles
from .common import MunicipalityRef

router = Router(tags=["relocation"])

VIEW_PROFILES = ApiPermission("relocation.view_profiles")
KEEP_PROFILE = ApiPermission("relocation.keep_profile")


class ProfileOut(Schema):
    round_id: int
    municipality: MunicipalityRef
    site_id: str
    ags: str
    capacities: dict[str, int]
    services: list[str]
    size_class: str
    region: str
    labour_demand: dict[str, float]
    communities: dict[str, int]
    language_course_places: int
    priorities: dict[str, float]
    priority_groups: list[str]
    confirmed_at: dict[str, str]
    notes: str


class ProfileIn(Schema):
    ags: str | None = None
    capacities: dict[str, int] | None = None
    services: list[str] | None = None
    size_class: str | None = None
    region: str | None = None
    labour_demand: dict[str, float] | None = None
    communities: dict[str, int] | None = None
    language_course_places: int | None = None
    priorities: dict[str, float] | None = None
    priority_groups: list[str] | None = None
    notes: str | None = None
    confirm_all: bool = False


def _profile_out(profile: MunicipalityProfile) -> ProfileOut:
    return ProfileOut(
        round_id=profile.round_id,
        municipality=MunicipalityRef(id=profile.municipality_id, name=profile.municipality.name),
        site_id=profile.site_id,
        ags=profile.ags,
        capacities={
            d: int(profile.capacities.get(d, 0)) for d in profile.round.capacity_dimensions
        },
        services=list(profile.services),
        size_class=profile.size_class,
        region=profile.region,
        labour_demand=dict(profile.labour_demand),
        communities=dict(profile.communities),
        language_course_places=profile.language_course_places,
        priorities=dict(profile.priorities),
        priority_groups=list(profile.priority_groups),
        confirmed_at=dict(profile.confirmed_at),
        notes=profile.notes,
    )


@router.get("/rounds/{round_id}/profiles", response=list[ProfileOut], auth=VIEW_PROFILES)
def profile_list(request: AuthenticatedHttpRequest, round_id: int) -> list[ProfileOut]:
    """Coordinators: every profile of their round. Officers: their municipality's."""
    round_ = round_selectors.round_get_for_user(user=request.user, pk=round_id)
    return [
        _profile_out(p)
        for p in profile_selectors.profiles_for_user(user=request.user, round_=round_)
    ]


@router.put(
    "/rounds/{round_id}/profile",
    response={200: ProfileOut, **REFUSED},
    auth=KEEP_PROFILE,
)
def profile_update(request: AuthenticatedHttpRequest, round_id: int, payload: ProfileIn) -> Any:
    """Change the caller's municipality profile; changed figures are confirmed today."""
    profile = profile_selectors.profile_get_for_officer(user=request.user, round_pk=round_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    confirm_all = data.pop("confirm_all", False)
    profile = profiles.profile_update(
        actor=request.user, profile=profile, confirm_all=confirm_all, **data
    )
    return Status(200, _profile_out(profile))
