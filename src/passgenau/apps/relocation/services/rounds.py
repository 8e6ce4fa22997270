"""Rounds: create, change (only what the round's state allows), move between states."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import Organisation, OrganisationKind
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.errors import StateError

from .. import policies
from ..models import (
    GUARDED_TRANSITIONS,
    ROUND_RULES,
    Interview,
    Mechanism,
    MunicipalityProfile,
    Round,
    RoundAction,
    RoundStatus,
    RunStatus,
)
from ..models.profiles import PROFILE_FIGURES
from ..models.vocab import CapacityDimension

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

AVAILABLE_CRITERIA_VERSIONS = ("1",)

# Which state rule guards which field of a round.
SETTINGS_FIELDS = ("mechanism", "criteria_version", "capacity_dimensions")
SCHEDULE_FIELDS = ("name", "description", "profiles_due", "interviews_close", "decisions_due")


class RoundStateError(StateError):
    """The round's state does not allow the change."""


def round_require(*, round_: Round, action: str) -> None:
    """Raise RoundStateError unless the round's state allows ``action``."""
    if round_.status not in ROUND_RULES[action]:
        allowed = ", ".join(str(RoundStatus(s).label) for s in sorted(ROUND_RULES[action]))
        raise RoundStateError(
            _("This cannot be done while the round is “%(status)s” (only when: %(allowed)s).")
            % {"status": round_.get_status_display(), "allowed": allowed},
            code="round_state",
        )


def _require_coordinator(*, actor: User, round_: Round | None = None) -> int:
    """Refuses all but coordinators (of ``round_``); returns the organisation they coordinate
    for (a coordinator has one)."""
    organisation_id = actor.organisation_id
    if organisation_id is None or not policies.coordinates_rounds(actor):
        raise ValidationError(_("Only coordinators manage rounds."), code="not_coordinator")
    if round_ is not None and not policies.round_is_coordinated_by(actor, round_):
        raise ValidationError(
            _("Only the coordinating organisation manages this round."), code="not_coordinator"
        )
    return organisation_id


def _validate_settings(
    *, mechanism: str, criteria_version: str, capacity_dimensions: Iterable[str]
) -> list[str]:
    errors: dict[str, str] = {}
    if mechanism not in Mechanism.values:
        errors["mechanism"] = _("Unknown mechanism “%(value)s”.") % {"value": mechanism}
    if criteria_version not in AVAILABLE_CRITERIA_VERSIONS:
        errors["criteria_version"] = _("Unknown criteria catalogue version “%(value)s”.") % {
            "value": criteria_version
        }
    dims = list(dict.fromkeys(capacity_dimensions))
    unknown = [d for d in dims if d not in CapacityDimension.values]
    if unknown:
        errors["capacity_dimensions"] = _("Unknown capacity dimension: %(names)s.") % {
            "names": ", ".join(unknown)
        }
    elif CapacityDimension.PERSONS not in dims:
        errors["capacity_dimensions"] = _(
            "Persons must be a capacity dimension: every household needs room."
        )
    if errors:
        raise ValidationError(errors)
    # keep the catalogue's order so that every export lists dimensions the same way
    return [d for d in CapacityDimension.values if d in dims]


def _validate_schedule(
    *,
    name: str,
    profiles_due: dt.date | None,
    interviews_close: dt.date | None,
    decisions_due: dt.date | None,
) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the round a name.")
    if interviews_close and decisions_due and decisions_due < interviews_close:
        errors["decisions_due"] = _(
            "Decisions cannot be due before the interviews close (%(date)s)."
        ) % {"date": date_format(interviews_close, "SHORT_DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)


def _validate_municipalities(organisations: Iterable[Organisation]) -> list[Organisation]:
    chosen = list(organisations)
    wrong = [o.name for o in chosen if o.kind != OrganisationKind.MUNICIPALITY]
    if wrong:
        raise ValidationError(
            {
                "municipalities": _("These organisations are not municipalities: %(names)s.")
                % {"names": ", ".join(wrong)}
            }
        )
    return chosen


@transaction.atomic
def round_create(
    *,
    actor: User,
    name: str,
    description: str = "",
    municipalities: Iterable[Organisation] = (),
    profiles_due: dt.date | None = None,
    interviews_close: dt.date | None = None,
    decisions_due: dt.date | None = None,
    criteria_version: str = "1",
    mechanism: str = Mechanism.AUTO,
    capacity_dimensions: Iterable[str] | None = None,
) -> Round:
    """A new round in draft, coordinated by the actor's organisation."""
    organisation_id = _require_coordinator(actor=actor)
    dims = _validate_settings(
        mechanism=mechanism,
        criteria_version=criteria_version,
        capacity_dimensions=capacity_dimensions
        if capacity_dimensions is not None
        else [CapacityDimension.PERSONS, CapacityDimension.SCHOOL, CapacityDimension.KITA],
    )
    _validate_schedule(
        name=name,
        profiles_due=profiles_due,
        interviews_close=interviews_close,
        decisions_due=decisions_due,
    )
    chosen = _validate_municipalities(municipalities)
    if Round.objects.filter(
        coordinating_organisation_id=organisation_id, name=name.strip()
    ).exists():
        raise ValidationError({"name": _("Your organisation already has a round of this name.")})
    round_ = Round.objects.create(
        name=name.strip(),
        description=description,
        coordinating_organisation_id=organisation_id,
        profiles_due=profiles_due,
        interviews_close=interviews_close,
        decisions_due=decisions_due,
        criteria_version=criteria_version,
        mechanism=mechanism,
        capacity_dimensions=dims,
        created_by=actor,
        status_changed_at=timezone.now(),
    )
    _profiles_start(round_=round_, municipalities=chosen)
    log_action(
        "relocation.round.created",
        actor=actor,
        obj=round_,
        data={"municipalities": [m.pk for m in chosen], "mechanism": mechanism},
    )
    return round_


@transaction.atomic
def round_update(
    *,
    actor: User,
    round_: Round,
    municipalities: Iterable[Organisation] | None = None,
    **fields: Any,
) -> Round:
    """Change a round's fields and participants; each group only in the states that allow it.

    Fields not passed stay as they are; passing a field with its current value is no change.
    """
    _require_coordinator(actor=actor, round_=round_)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    unknown = set(fields) - set(SETTINGS_FIELDS) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"round_update got unknown fields {sorted(unknown)}")
    empty = {
        name: _("This field cannot be emptied.")
        for name, value in fields.items()
        if value is None and not getattr(Round._meta.get_field(name), "null", False)
    }
    if empty:  # (a JSON null); else the database refuses it
        raise ValidationError(empty, code="empty")
    if "capacity_dimensions" in fields:
        fields["capacity_dimensions"] = list(fields["capacity_dimensions"])
    changed = [name for name, value in fields.items() if getattr(round_, name) != value]
    if any(name in SETTINGS_FIELDS for name in changed):
        round_require(round_=round_, action=RoundAction.EDIT_SETTINGS)
    if any(name in SCHEDULE_FIELDS for name in changed):
        round_require(round_=round_, action=RoundAction.EDIT_SCHEDULE)
    merged = {name: fields.get(name, getattr(round_, name)) for name in SETTINGS_FIELDS}
    merged["capacity_dimensions"] = _validate_settings(**merged)
    fields["capacity_dimensions"] = merged["capacity_dimensions"]
    schedule = {name: fields.get(name, getattr(round_, name)) for name in SCHEDULE_FIELDS}
    schedule.pop("description")
    _validate_schedule(**schedule)
    if (
        "name" in changed
        and Round.objects.filter(
            coordinating_organisation_id=round_.coordinating_organisation_id,
            name=fields["name"].strip(),
        )
        .exclude(pk=round_.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Your organisation already has a round of this name.")})

    added: list[int] = []
    removed: list[int] = []
    if municipalities is not None:
        chosen = {m.pk: m for m in _validate_municipalities(municipalities)}
        current = set(round_.profiles.values_list("municipality_id", flat=True))
        added = sorted(set(chosen) - current)
        removed = sorted(current - set(chosen))
        if added or removed:
            round_require(round_=round_, action=RoundAction.EDIT_PARTICIPANTS)
        _profiles_start(round_=round_, municipalities=[chosen[pk] for pk in added])
        round_.profiles.filter(municipality_id__in=removed).delete()
        _forget_places(round_=round_, removed=set(removed))

    for name in changed:
        setattr(round_, name, fields[name])
    if changed:
        round_.save(update_fields=[*changed, "updated_at"])
    if changed or added or removed:
        log_action(
            "relocation.round.updated",
            actor=actor,
            obj=round_,
            data={
                "fields": changed,
                "municipalities_added": added,
                "municipalities_removed": removed,
            },
        )
    return round_


def _profiles_start(*, round_: Round, municipalities: Iterable[Organisation]) -> None:
    """Create the round's profiles of these municipalities, each starting from the figures its
    officer last confirmed in an earlier round (capacities only in this round's dimensions,
    priorities only for this round's criteria). Taken-over figures are not confirmed for this
    round: the page shows them with the date confirmed there, for the officer to confirm again."""
    chosen = list(municipalities)
    latest: dict[int, MunicipalityProfile] = {}
    earlier = (
        MunicipalityProfile.objects.filter(municipality__in=chosen)
        .exclude(round=round_)
        .exclude(confirmed_at={})
        .order_by("municipality_id", "-round__created_at", "-round_id")
    )
    for profile in earlier:
        latest.setdefault(profile.municipality_id, profile)
    criteria = {c.id for c in round_.catalogue().soft}
    new = []
    for municipality in chosen:
        before = latest.get(municipality.pk)
        profile = MunicipalityProfile(round=round_, municipality=municipality)
        if before is not None:
            profile.carried_from = before
            profile.ags = before.ags
            profile.capacities = {
                d: v for d, v in before.capacities.items() if d in round_.capacity_dimensions
            }
            for name in PROFILE_FIGURES:
                setattr(profile, name, getattr(before, name))
            profile.priorities = {c: w for c, w in before.priorities.items() if c in criteria}
        new.append(profile)
    MunicipalityProfile.objects.bulk_create(new)


def _forget_places(*, round_: Round, removed: set[int]) -> None:
    """Take municipalities that left the round out of the interviews' places (ties, ranking,
    exclusions), so that no answer points at a place the engine does not know."""
    if not removed:
        return
    changed = []
    for interview in Interview.objects.filter(household__round=round_):
        before = (interview.ties, interview.ranked_places, interview.excluded_places)
        interview.ties = [pk for pk in interview.ties if pk not in removed]
        interview.ranked_places = [pk for pk in interview.ranked_places if pk not in removed]
        interview.excluded_places = [pk for pk in interview.excluded_places if pk not in removed]
        if before != (interview.ties, interview.ranked_places, interview.excluded_places):
            changed.append(interview)
    Interview.objects.bulk_update(changed, ["ties", "ranked_places", "excluded_places"])


def _transition_problems(round_: Round, to_status: str) -> list[str]:
    """Why the round cannot move to ``to_status`` now (empty when it can)."""
    move = (round_.status, to_status)
    has_municipalities = round_.profiles.exists()
    problems: list[str] = []
    if move in GUARDED_TRANSITIONS and round_.households.exists():
        problems.append(
            _("Households are already registered; a round with households cannot go back to draft.")
        )
    needs_municipalities = {
        (RoundStatus.DRAFT, RoundStatus.OPEN),
        (RoundStatus.OPEN, RoundStatus.MATCHING),
    }
    if move in needs_municipalities and not has_municipalities:
        problems.append(_("Add at least one participating municipality first."))
    if (
        move == (RoundStatus.OPEN, RoundStatus.MATCHING)
        and not Interview.objects.filter(household__round=round_, completed=True).exists()
    ):
        problems.append(_("No household has a complete interview yet."))
    running = round_.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    if move == (RoundStatus.MATCHING, RoundStatus.OPEN) and running.exists():
        problems.append(_("A matching run is still in progress."))
    finished = round_.runs.filter(status=RunStatus.SUCCEEDED)
    if to_status == RoundStatus.PROPOSALS and not finished.exists():
        problems.append(_("No matching run has finished yet."))
    return problems


def round_transition_problems(*, round_: Round, to_status: str) -> list[str]:
    """Every reason why the round cannot move to ``to_status`` (for pages that explain)."""
    if to_status not in RoundStatus.values:
        return [_("Unknown status “%(value)s”.") % {"value": to_status}]
    if not round_.can_move_to(to_status):
        return [
            _("A round cannot move from “%(from)s” to “%(to)s”.")
            % {"from": round_.get_status_display(), "to": RoundStatus(to_status).label}
        ]
    return _transition_problems(round_, to_status)


@transaction.atomic
def round_transition(*, actor: User, round_: Round, to_status: str) -> Round:
    """Move the round to ``to_status`` if the transition table and its conditions allow it."""
    _require_coordinator(actor=actor, round_=round_)
    # lock the round: two coordinators clicking at once must not both pass the checks
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    problems = round_transition_problems(round_=locked, to_status=to_status)
    if problems:
        raise RoundStateError(problems, code="round_transition")
    previous = locked.status
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    log_action(
        "relocation.round.status_changed",
        actor=actor,
        obj=locked,
        data={"from": previous, "to": to_status},
    )
    round_.status = locked.status
    round_.status_changed_at = locked.status_changed_at
    return locked


__all__ = [
    "AVAILABLE_CRITERIA_VERSIONS",
    "RoundStateError",
    "round_create",
    "round_require",
    "round_transition",
    "round_transition_problems",
    "round_update",
]
