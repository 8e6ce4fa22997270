"""Municipality profiles of a round: all of them for its coordinator, one's own for an officer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from passgenau.apps.accounts.access import user_role
from passgenau.apps.accounts.roles import Role

from ..models import MunicipalityProfile, Round


def profiles_of_round(*, round_: Round) -> QuerySet[MunicipalityProfile]:
    return (
        MunicipalityProfile.objects.filter(round=round_)
        .select_related("municipality", "round")
        .order_by("municipality__name")
    )


def profiles_for_user(*, user: Any, round_: Round) -> QuerySet[MunicipalityProfile]:
    """The profiles of ``round_`` the user may see (the round itself must be visible already)."""
    role = user_role(user)
    profiles = profiles_of_round(round_=round_)
    if role == Role.COORDINATOR and round_.coordinating_organisation_id == user.organisation_id:
        return profiles
    if role == Role.MUNICIPAL_OFFICER and user.organisation_id is not None:
        return profiles.filter(municipality_id=user.organisation_id)
    return profiles.none()


def profile_get_for_officer(*, user: Any, round_pk: int) -> MunicipalityProfile:
    """The profile of the officer's own municipality in a round, or Http404."""
    if user_role(user) != Role.MUNICIPAL_OFFICER or user.organisation_id is None:
        raise Http404("no such profile")
    found = (
        MunicipalityProfile.objects.select_related("round", "municipality")
        .filter(round_id=round_pk, municipality_id=user.organisation_id)
        .first()
    )
    if found is None:
        raise Http404("no such profile")
    return found


def confirmation_dates(confirmed_at: dict[str, str]) -> dict[str, date]:
    """The profile's confirmation dates (stored as ISO text) as dates, which templates show in
    the reader's language ("21. November 2026") rather than as "2026-11-21"."""
    dates = {}
    for key, value in confirmed_at.items():
        try:
            dates[key] = date.fromisoformat(str(value)[:10])
        except ValueError:  # not a date: show nothing rather than fail the page
            continue
    return dates
