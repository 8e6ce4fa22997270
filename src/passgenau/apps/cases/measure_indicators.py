"""The computed indicators of case management for measures plans, counted up to a date and only as
aggregates (numbers of cases, goals and hours; never a case, a name or a goal's text).

- Goals reached, and cases with at least one goal reached, in the plan's territory: a case counts
  there when it is kept by a municipality in the territory or was opened for a household whose
  arrival a municipality in the territory recorded. Parameter ``area``: one area of the
  integration plan (language, work, …).
- Specialist hours delivered: every hour entry up to the date, corrections included, under a
  funding contract (parameter ``contract``), the contracts of a grant or programme (``grant``,
  ``programme``), or by default those of the grants and programmes named by the measures, as the
  funding indicators count money.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.measures.indicators import (
    Definition,
    Parameter,
    Scope,
    in_territory,
    register,
    whole_numbers,
)
from passgenau.apps.measures.measure_indicators import (
    GRANT,
    PROGRAMME,
    grants_in_scope,
    name_of,
    plan_measures,
)
from passgenau.apps.relocation.models import Arrival

from .models import Case, FundingContract, Goal, GoalArea, HourEntry
from .policies import contract_scope

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def cases_in_territory(key: str) -> QuerySet[Case]:
    if not key:
        return Case.objects.all()
    arrived_here = Arrival.objects.filter(
        in_territory(
            key, gemeinde="proposal__municipality__gemeinde", kreis="proposal__municipality__kreis"
        )
    ).values("proposal__household_id")
    kept_here = in_territory(key, gemeinde="organisation__gemeinde", kreis="organisation__kreis")
    return Case.objects.filter(kept_here | Q(household_id__in=arrived_here))


def _goals_reached(scope: Scope, params: Mapping[str, Any]) -> QuerySet[Goal]:
    goals = Goal.objects.filter(
        case__in=cases_in_territory(scope.territory_key), reached_on__lte=scope.on
    )
    if params.get("area"):
        goals = goals.filter(area=params["area"])
    return goals


def goals_reached(scope: Scope, params: Mapping[str, Any]) -> int:
    return _goals_reached(scope, params).count()


def cases_with_goals_reached(scope: Scope, params: Mapping[str, Any]) -> int:
    return _goals_reached(scope, params).values("case_id").distinct().count()


def check_area(params: Mapping[str, Any]) -> dict[str, list[str]]:
    area = params.get("area")
    if area in (None, "") or area in GoalArea.values:
        return {}
    return {
        "area": [
            _("%(value)s is not one of %(areas)s.")
            % {"value": area, "areas": ", ".join(GoalArea.values)}
        ]
    }


def _area_label(value: str) -> str:
    return str(dict(GoalArea.choices).get(value, value))


AREA = Parameter(
    "area",
    gettext_lazy("Area of the integration plan"),
    choices=lambda user, plan_id: [(v, str(label)) for v, label in GoalArea.choices],
    describe=_area_label,
)


def contract_choices(user: Visitor, plan_id: int | None) -> list[tuple[str, str]]:
    """The funding contracts ``user`` sees and those on the grants the plan's measures name."""
    named = plan_measures(plan_id).filter(grant__isnull=False).values("grant_id")
    contracts = FundingContract.objects.filter(contract_scope(user=user) | Q(grant_id__in=named))
    return [(str(c.pk), c.name) for c in contracts.order_by("name", "pk")]


CONTRACT = Parameter(
    "contract",
    gettext_lazy("Funding contract"),
    choices=contract_choices,
    describe=name_of(FundingContract),
)


def hours_delivered(scope: Scope, params: Mapping[str, Any]) -> Decimal:
    entries = HourEntry.objects.filter(on__lte=scope.on)
    if params.get("contract"):
        entries = entries.filter(contract_id=int(params["contract"]))
    else:
        entries = entries.filter(contract__grant__in=grants_in_scope(scope, params))
    return entries.aggregate(s=Sum("hours"))["s"] or Decimal(0)


for code, label, unit, count, help_text in (
    (
        "cases.goals_reached",
        gettext_lazy("Goals reached (integration plans)"),
        gettext_lazy("goals"),
        goals_reached,
        gettext_lazy(
            "Goals of integration plans reached up to the date, of cases in the territory; "
            "parameter area: language, work, housing, health, school, residence or participation."
        ),
    ),
    (
        "cases.cases_with_goals_reached",
        gettext_lazy("Cases with a goal reached"),
        gettext_lazy("cases"),
        cases_with_goals_reached,
        gettext_lazy(
            "Cases in the territory with at least one goal reached up to the date; parameter "
            "area as for goals reached."
        ),
    ),
):
    register(
        Definition(
            code, label, unit, count, parameters=(AREA,), help_text=help_text, check=check_area
        )
    )
register(
    Definition(
        "cases.hours_delivered",
        gettext_lazy("Specialist hours delivered"),
        gettext_lazy("hours"),
        hours_delivered,
        parameters=(CONTRACT, GRANT, PROGRAMME),
        help_text=gettext_lazy(
            "Hours logged up to the date, corrections included; without parameters under the "
            "contracts of the grants and programmes named by the measures."
        ),
        check=whole_numbers("contract", "grant", "programme"),
    )
)
