"""Municipality profiles of a round: all of them for its coordinator, one's own for an officer."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from .. import policies
from ..models import MunicipalityProfile, Round
from .lists import ListFields, ListFilters, list_filtered

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def profiles_of_round(*, round_: Round) -> QuerySet[MunicipalityProfile]:
    return (
        MunicipalityProfile.objects.filter(round=round_)
        .select_related("municipality", "round")
        .order_by("municipality__name")
    )


def profiles_for_user(*, user: Visitor, round_: Round) -> QuerySet[MunicipalityProfile]:
    """The profiles of ``round_`` the user may see (the round itself must be visible already)."""
    return policies.scoped(profiles_of_round(round_=round_), policies.profiles_scope(user, round_))


def profile_get_for_officer(*, user: Visitor, round_pk: int) -> MunicipalityProfile:
    """The profile of the officer's own municipality in a round, or Http404."""
    profiles = MunicipalityProfile.objects.select_related(
        "round", "municipality", "carried_from__round"
    )
    found = (
        policies.scoped(profiles, policies.profile_kept_scope(user))
        .filter(round_id=round_pk)
        .first()
    )
    if found is None:
        raise Http404("no such profile")
    return found


# a profile list's search text looks at the round's name; the status is the round's
PROFILE_FIELDS = ListFields(
    household=None, text="round__name", status="round__status", round_=None, municipality=None
)


def profiles_kept_by(
    *, user: Visitor, filters: ListFilters | None = None
) -> QuerySet[MunicipalityProfile]:
    """The profiles the officer keeps, newest round first (no personal data in them), narrowed
    by ``filters`` (a round's name, its status)."""
    profiles = MunicipalityProfile.objects.select_related("round", "municipality").order_by(
        "-round__created_at", "-round_id"
    )
    profiles = policies.scoped(profiles, policies.profile_kept_scope(user))
    return list_filtered(
        profiles, user=user, filters=filters or ListFilters(), fields=PROFILE_FIELDS
    )


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


def carried_dates(profile: MunicipalityProfile) -> dict[str, date]:
    """For each figure taken over from an earlier round and not yet confirmed in this one, the
    date it was confirmed there (the officer is asked to confirm it again)."""
    if profile.carried_from is None:
        return {}
    earlier = confirmation_dates(profile.carried_from.confirmed_at)
    return {key: day for key, day in earlier.items() if key not in profile.confirmed_at}
