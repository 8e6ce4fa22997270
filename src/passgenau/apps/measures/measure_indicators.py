"""The computed indicators of the platform's own apps: households and persons received in the
territory and their follow-up answers (relocation), funds approved and paid (funding). Counted up
to a date, aggregates only. The directory and cases ship their own ``measure_indicators``
module, as any app added later does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.funding.models import Grant, Payment, Programme
from passgenau.apps.funding.selectors import APPROVED_STATES, grants_for_user, programmes_for_user
from passgenau.apps.measures.indicators import (
    Definition,
    Parameter,
    Scope,
    in_territory,
    register,
    whole_numbers,
)
from passgenau.apps.relocation.models import (
    Arrival,
    FollowUpSurvey,
    FollowUpWave,
    Member,
    SurveyStatus,
    YesNo,
)

from .models import Measure
from .selectors import grants_for_plan

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def _municipality_in(prefix: str, key: str) -> Q:
    """Proposals (via ``prefix``) addressed to a municipality in the territory ``key``."""
    municipality = f"{prefix}municipality__"
    return in_territory(key, gemeinde=f"{municipality}gemeinde", kreis=f"{municipality}kreis")


def _arrivals(scope: Scope) -> Any:
    return Arrival.objects.filter(
        _municipality_in("proposal__", scope.territory_key), arrived_on__lte=scope.on
    )


def households_received(scope: Scope, params: Mapping[str, Any]) -> int:
    return _arrivals(scope).values("proposal__household_id").distinct().count()


def persons_received(scope: Scope, params: Mapping[str, Any]) -> int:
    households = _arrivals(scope).values("proposal__household_id")
    return Member.objects.filter(household_id__in=households).count()


def _completed_surveys(scope: Scope, params: Mapping[str, Any]) -> Any:
    households = _arrivals(scope).values("proposal__household_id")
    surveys = FollowUpSurvey.objects.filter(
        household_id__in=households,
        status=SurveyStatus.COMPLETED,
        completed_on__lte=scope.on,
    )
    if params.get("wave"):
        surveys = surveys.filter(wave=int(params["wave"]))
    return surveys


def followups_completed(scope: Scope, params: Mapping[str, Any]) -> int:
    return _completed_surveys(scope, params).count()


def followups_in_work(scope: Scope, params: Mapping[str, Any]) -> int:
    return _completed_surveys(scope, params).filter(working=YesNo.YES).count()


def followups_in_language_course(scope: Scope, params: Mapping[str, Any]) -> int:
    return _completed_surveys(scope, params).filter(language_course=YesNo.YES).count()


def _wave_label(value: str) -> str:
    waves = dict(FollowUpWave.choices)
    return str(waves.get(int(value), value)) if value.isdigit() else value


WAVE = Parameter(
    "wave",
    _("Survey wave"),
    choices=lambda user, plan_id: [(str(v), str(label)) for v, label in FollowUpWave.choices],
    describe=_wave_label,
)


def plan_measures(plan_id: int | None) -> Any:
    """The measures of the plan ``plan_id`` (none for no plan): what parameters' choices add."""
    return (
        Measure.objects.filter(plan_id=plan_id) if plan_id is not None else Measure.objects.none()
    )


def grant_choices(user: Visitor, plan_id: int | None) -> list[tuple[str, str]]:
    return [(str(g.pk), str(g)) for g in grants_for_plan(user=user, plan_id=plan_id)]


def programme_choices(user: Visitor, plan_id: int | None) -> list[tuple[str, str]]:
    """The programmes ``user`` keeps or has a grant of, and those the plan's measures name."""
    measures = plan_measures(plan_id)
    programmes = Programme.objects.filter(
        Q(pk__in=programmes_for_user(user=user).values("pk"))
        | Q(pk__in=grants_for_user(user=user).values("programme_id"))
        | Q(pk__in=measures.values("programme_id"))
        | Q(pk__in=measures.values("grant__programme_id"))
    )
    return [(str(p.pk), p.name) for p in programmes.order_by("name", "pk")]


def name_of(model: Any) -> Callable[[str], str]:
    """A ``describe`` for a parameter naming a stored object by its number: the object's name."""

    def name(value: str) -> str:
        found = model.objects.filter(pk=int(value)).first() if value.isdigit() else None
        return str(found) if found is not None else value

    return name


PROGRAMME = Parameter(
    "programme", _("Funding programme"), choices=programme_choices, describe=name_of(Programme)
)
GRANT = Parameter("grant", _("Grant"), choices=grant_choices, describe=name_of(Grant))


register(
    Definition(
        "relocation.households_received",
        _("Households received (relocation)"),
        _("households"),
        households_received,
    )
)
register(
    Definition(
        "relocation.persons_received",
        _("Persons received (relocation)"),
        pgettext_lazy("measures", "persons"),
        persons_received,
    )
)
# Counts of follow-up answers, each of every survey wave or of the one given.
for code, label, count in (
    ("followups_completed", _("Follow-up surveys answered"), followups_completed),
    ("followups_in_work", _("Follow-up answers: in work"), followups_in_work),
    (
        "followups_in_language_course",
        _("Follow-up answers: in a language course"),
        followups_in_language_course,
    ),
):
    register(
        Definition(
            f"relocation.{code}",
            label,
            _("answers"),
            count,
            parameters=(WAVE,),
            check=whole_numbers("wave"),
        )
    )


def grants_in_scope(scope: Scope, params: Mapping[str, Any]) -> Any:
    """The grants counted: those given as parameters (``grant``, ``programme``), else the
    measure's grant or programme, else those of every measure of the plan. Other apps' money
    and hours indicators use it too."""
    if params.get("grant"):
        return Grant.objects.filter(pk=int(params["grant"]))
    if params.get("programme"):
        return Grant.objects.filter(programme_id=int(params["programme"]))
    measures = Measure.objects.filter(plan_id=scope.plan_id)
    if scope.measure_id is not None:
        measures = measures.filter(pk=scope.measure_id)
    by_grant = Q(pk__in=measures.filter(grant__isnull=False).values("grant_id"))
    by_programme = Q(
        programme_id__in=measures.filter(grant__isnull=True, programme__isnull=False).values(
            "programme_id"
        )
    )
    return Grant.objects.filter(by_grant | by_programme)


def funds_approved(scope: Scope, params: Mapping[str, Any]) -> Decimal:
    grants = grants_in_scope(scope, params).filter(status__in=APPROVED_STATES)
    grants = grants.filter(Q(notice_date__isnull=True) | Q(notice_date__lte=scope.on))
    return grants.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def funds_paid(scope: Scope, params: Mapping[str, Any]) -> Decimal:
    payments = Payment.objects.filter(
        grant__in=grants_in_scope(scope, params), planned=False, paid_on__lte=scope.on
    )
    return payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)


# Sums of money of the grants counted (``grants_in_scope``).
for code, label, total in (
    ("approved", _("Funds approved"), funds_approved),
    ("paid", _("Funds paid"), funds_paid),
):
    register(
        Definition(
            f"funding.{code}",
            label,
            "EUR",
            total,
            parameters=(PROGRAMME, GRANT),
            help_text=_("Without parameters: the grants and programmes named by the measures."),
            check=whole_numbers("programme", "grant"),
        )
    )
