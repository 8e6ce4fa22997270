"""Municipality profiles: kept by the municipal officer of that municipality, each figure with the
date it was last confirmed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.input_limits import count_problem
from passgenau.apps.territories.validators import validate_official_key

from .. import policies
from ..models import MunicipalityProfile, Round, RoundAction
from ..models.profiles import PROFILE_FIGURES
from ..models.vocab import (
    PRIORITY_GROUP_CHOICES,
    Occupation,
    Region,
    Service,
    SizeClass,
    SpokenLanguage,
)
from .rounds import round_require

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


def capacity_key(dimension: str) -> str:
    return f"capacity.{dimension}"


def profile_figure_keys(*, round_: Round) -> list[str]:
    return [*(capacity_key(d) for d in round_.capacity_dimensions), *PROFILE_FIGURES]


def soft_criterion_ids(round_: Round) -> list[str]:
    return [c.id for c in round_.catalogue().soft]


def _validate(profile: MunicipalityProfile, values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the given figures; raise one ValidationError naming every field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    round_ = profile.round
    if "capacities" in values:
        capacities: dict[str, int] = {}
        for dim, raw in dict(values["capacities"]).items():
            if dim not in round_.capacity_dimensions:
                errors[f"capacity_{dim}"] = _("“%(dim)s” is not a dimension of this round.") % {
                    "dim": dim
                }
                continue
            problem = count_problem(raw, _("Enter the capacity as a whole number of 0 or more."))
            if problem:
                errors[f"capacity_{dim}"] = problem
                continue
            capacities[dim] = raw
        out["capacities"] = {**profile.capacities, **capacities}
    if "services" in values:
        services = sorted(set(values["services"]))
        unknown = [s for s in services if s not in Service.values]
        if unknown:
            errors["services"] = _("Unknown service: %(names)s.") % {"names": ", ".join(unknown)}
        out["services"] = services
    for name, choices in (("size_class", SizeClass), ("region", Region)):
        if name in values:
            if values[name] and values[name] not in choices.values:
                errors[name] = _("Unknown value “%(value)s”.") % {"value": values[name]}
            out[name] = values[name] or ""
    if "labour_demand" in values:
        demand: dict[str, float] = {}
        for group, raw in dict(values["labour_demand"]).items():
            if group not in Occupation.values:
                errors["labour_demand"] = _("“%(group)s” is not an occupation group.") % {
                    "group": group
                }
            elif not isinstance(raw, int | float) or not 0 <= float(raw) <= 1:
                errors[f"labour_demand_{group}"] = _("Enter a demand between 0 and 1.")
            elif float(raw) > 0:
                demand[group] = round(float(raw), 3)
        out["labour_demand"] = demand
    if "communities" in values:
        communities: dict[str, int] = {}
        for language, raw in dict(values["communities"]).items():
            if language not in SpokenLanguage.values:
                errors["communities"] = _("“%(lang)s” is not a known language.") % {
                    "lang": language
                }
            elif problem := count_problem(raw, _("Enter a whole number of persons, 0 or more.")):
                errors[f"community_{language}"] = problem
            elif raw > 0:
                communities[language] = raw
        out["communities"] = communities
    if "language_course_places" in values:
        raw = values["language_course_places"]
        problem = count_problem(raw, _("Enter a whole number of places, 0 or more."))
        if problem:
            errors["language_course_places"] = problem
        out["language_course_places"] = raw
    if "priorities" in values:
        allowed = set(soft_criterion_ids(round_))
        priorities: dict[str, float] = {}
        for cid, raw in dict(values["priorities"]).items():
            if cid not in allowed:
                errors["priorities"] = _("“%(id)s” is not a criterion of this round.") % {"id": cid}
            elif not isinstance(raw, int | float) or not 0 <= float(raw) <= 3:
                errors[f"priority_{cid}"] = _("Choose a weight from 0 to 3.")
            else:
                priorities[cid] = float(raw)
        out["priorities"] = priorities
    if "priority_groups" in values:
        groups = sorted(set(values["priority_groups"]))
        allowed_groups = {value for value, _label in PRIORITY_GROUP_CHOICES}
        unknown = [g for g in groups if g not in allowed_groups]
        if unknown:
            errors["priority_groups"] = _("Unknown group: %(names)s.") % {
                "names": ", ".join(unknown)
            }
        out["priority_groups"] = groups
    for name in ("notes", "ags"):
        if name in values:
            out[name] = (values[name] or "").strip()
    if out.get("ags"):
        try:
            validate_official_key(out["ags"], levels=("kreis", "gemeinde"))
        except ValidationError as error:
            errors["ags"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def profile_update(
    *,
    actor: User,
    profile: MunicipalityProfile,
    confirm_all: bool = False,
    today: dt.date | None = None,
    **values: Any,
) -> MunicipalityProfile:
    """Change the figures given in ``values``; every changed figure (or all figures, with
    ``confirm_all``) is stamped as confirmed today."""
    if not policies.profile_may_keep(actor, profile):
        raise ValidationError(
            _("Only officers of this municipality keep its profile."), code="not_officer"
        )
    profile = (
        MunicipalityProfile.objects.select_for_update().select_related("round").get(pk=profile.pk)
    )
    round_require(round_=profile.round, action=RoundAction.EDIT_PROFILES)
    clean = _validate(profile, values)
    today_iso = (today or timezone.localdate()).isoformat()
    stamped = dict(profile.confirmed_at)
    changed: list[str] = []
    for name, value in clean.items():
        if name == "capacities":
            for dim in profile.round.capacity_dimensions:
                if profile.capacities.get(dim) != value.get(dim):
                    changed.append(capacity_key(dim))
        elif getattr(profile, name) != value:
            changed.append(name)
        setattr(profile, name, value)
    figures = [k for k in changed if k in profile_figure_keys(round_=profile.round)]
    if confirm_all:
        figures = profile_figure_keys(round_=profile.round)
    for key in figures:
        stamped[key] = today_iso
    profile.confirmed_at = stamped
    profile.updated_by = actor
    profile.save()
    log_action(
        "relocation.profile.updated",
        actor=actor,
        obj=profile,
        data={"changed": changed, "confirmed": figures},
    )
    return profile


def profile_missing_figures(*, profile: MunicipalityProfile) -> list[str]:
    """Figures never confirmed (shown as a to-do to the officer and the coordinator)."""
    return [k for k in profile_figure_keys(round_=profile.round) if k not in profile.confirmed_at]
