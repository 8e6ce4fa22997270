"""Reads of cases. Cases are reached only through the access functions here (a caseworker: its
own organisation's cases); every read of personal data is written to the audit trail with the
cases' pseudonymous ids. Each function runs a fixed number of queries, whatever the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_read
from passgenau.apps.listing import text_matching

from .. import policies
from ..models import (
    CENTS,
    Case,
    CaseStatus,
    ContactNote,
    FundingContract,
    Goal,
    GoalStatus,
    HealthRecord,
    HourEntry,
    Step,
    StepStatus,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor
    from passgenau.apps.directory.models import Service
    from passgenau.apps.funding.models import Grant
    from passgenau.apps.relocation.models import Arrival

__all__ = [
    "NO_CONTACT_DAYS",
    "Caseload",
    "Statement",
    "StatementLine",
    "arrivals_without_case",
    "case_get_for_user",
    "case_health_for_user",
    "caseload_for_user",
    "cases_for_user",
    "contract_get_for_user",
    "contract_usage",
    "contracts_for_user",
    "hour_entries_of_case",
    "month_bounds",
    "statement",
]

NO_CONTACT_DAYS = 30
REVIEW_AHEAD_DAYS = 14  # reviews due within two weeks are shown on the caseload
LIVE_GOALS = [GoalStatus.OPEN, GoalStatus.IN_PROGRESS]


def _today() -> dt.date:
    return timezone.localdate()


def cases_for_user(*, user: Visitor) -> QuerySet[Case]:
    return Case.objects.filter(policies.case_scope(user=user))


def case_get_for_user(*, user: Visitor, pk: int, log: bool = True) -> Case | None:
    """The case ``pk`` if ``user`` may see it (the read is audited), else None."""
    case = (
        cases_for_user(user=user).select_related("caseworker", "organisation").filter(pk=pk).first()
    )
    if case is not None and log:
        log_read(actor=user, obj=case)
    return case


def case_health_for_user(
    *, user: Visitor, case: Case, active_purposes: frozenset[str]
) -> tuple[bool, HealthRecord | None]:
    """(may see, record): health data only for the responsible caseworker with consent."""
    if not policies.may_see_health(user=user, case=case, active_purposes=active_purposes):
        return False, None
    record = HealthRecord.objects.filter(case=case).first()
    if record is not None:
        log_read(actor=user, obj=record)
    return True, record


def hour_entries_of_case(*, case: Case) -> QuerySet[HourEntry]:
    return (
        HourEntry.objects.filter(case=case)
        .select_related("contract", "caseworker")
        .order_by("-on", "-id")
    )


# --------------------------------------------------------------------------------------------
# Caseload
# --------------------------------------------------------------------------------------------


def _count(model: Any, field: str, condition: Q) -> Any:
    """A correlated COUNT subquery (no join fan-out, one query for the whole page)."""
    return Coalesce(
        Subquery(
            model.objects.filter(condition, **{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        Value(0),
    )


@dataclass
class Caseload:
    cases: QuerySet[Case]  # annotated; the view paginates it
    overdue_steps: int
    reviews_due: int
    without_contact: int
    arrivals: list[Arrival]


def caseload_for_user(*, user: User, only: str = "") -> Caseload:
    """The open cases of ``user``'s organisation with what needs attention: overdue steps,
    reviews due, no contact for 30 days; and arrivals at the organisation without a case yet."""
    today = _today()
    no_contact_since = today - dt.timedelta(days=NO_CONTACT_DAYS)
    review_by = today + dt.timedelta(days=REVIEW_AHEAD_DAYS)
    cases = (
        cases_for_user(user=user)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("caseworker")
        .annotate(
            overdue_steps=_count(
                Step,
                "goal__case",
                Q(status=StepStatus.OPEN, due_on__lt=today, goal__status__in=LIVE_GOALS),
            ),
            reviews_due=_count(Goal, "case", Q(status__in=LIVE_GOALS, review_on__lte=review_by)),
            last_contact=Subquery(
                ContactNote.objects.filter(case=OuterRef("pk")).order_by("-on").values("on")[:1]
            ),
        )
        .annotate(
            no_contact=~Exists(
                ContactNote.objects.filter(case=OuterRef("pk"), on__gte=no_contact_since)
            )
            & Q(opened_on__lt=no_contact_since)
        )
    )
    if only == "overdue":
        cases = cases.filter(overdue_steps__gt=0)
    elif only == "reviews":
        cases = cases.filter(reviews_due__gt=0)
    elif only == "no_contact":
        cases = cases.filter(no_contact=True)
    totals = (
        cases_for_user(user=user)
        .exclude(status=CaseStatus.CLOSED)
        .aggregate(
            overdue=Count(
                "goals__steps",
                filter=Q(goals__steps__status=StepStatus.OPEN, goals__steps__due_on__lt=today)
                & Q(goals__status__in=LIVE_GOALS),
            ),
            reviews=Count(
                "goals",
                filter=Q(goals__status__in=LIVE_GOALS, goals__review_on__lte=review_by),
                distinct=True,
            ),
        )
    )
    without_contact = (
        cases_for_user(user=user)
        .exclude(status=CaseStatus.CLOSED)
        .filter(opened_on__lt=no_contact_since)
        .exclude(notes__on__gte=no_contact_since)
        .count()
    )
    return Caseload(
        cases=cases.order_by("-overdue_steps", "last_contact", "-opened_on", "id"),
        overdue_steps=totals["overdue"],
        reviews_due=totals["reviews"],
        without_contact=without_contact,
        arrivals=arrivals_without_case(user=user),
    )


def arrivals_without_case(*, user: User, limit: int = 20) -> list[Arrival]:
    """Arrivals recorded at ``user``'s organisation whose household has no open case (one
    query; households shown by their pseudonymous reference only)."""
    from passgenau.apps.relocation.models import Arrival

    if not policies.may_keep_cases(user=user):
        return []
    open_case = Case.objects.filter(household=OuterRef("proposal__household")).exclude(
        status=CaseStatus.CLOSED
    )
    return list(
        Arrival.objects.filter(proposal__municipality_id=user.organisation_id)
        .exclude(Exists(open_case))
        .select_related("proposal__household")
        .order_by("-arrived_on", "-id")[:limit]
    )


def arrival_get_for_user(*, user: User, pk: int) -> Arrival | None:
    from passgenau.apps.relocation.models import Arrival

    if not policies.may_keep_cases(user=user):
        return None
    return (
        Arrival.objects.filter(pk=pk, proposal__municipality_id=user.organisation_id)
        .select_related("proposal__household")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Funding contracts and statements
# --------------------------------------------------------------------------------------------


def contracts_for_user(*, user: Visitor) -> QuerySet[FundingContract]:
    return (
        FundingContract.objects.filter(policies.contract_scope(user=user))
        .select_related("grant__programme__funder", "grant__organisation")
        .annotate(
            used=Coalesce(Sum("entries__hours"), Value(Decimal(0)), output_field=DecimalField())
        )
        .annotate(left=F("hours_budget") - F("used"))
    )


CONTRACT_IN_FORCE = "current"
CONTRACT_ENDED = "ended"


def contracts_search(
    *, user: Visitor, query: str = "", period: str = "", on: dt.date | None = None
) -> QuerySet[FundingContract]:
    """The contracts ``user`` sees for the list, newest first: a search text matches the
    contract's name, its grant's title and the recipient; ``period``: only those in force on
    ``on`` (today unless told, :data:`CONTRACT_IN_FORCE`) or ended before it
    (:data:`CONTRACT_ENDED`). Contracts name organisations, no person."""
    on = on or timezone.localdate()
    contracts = contracts_for_user(user=user).filter(
        text_matching(query, "name", "grant__title", "grant__organisation__name")
    )
    if period == CONTRACT_IN_FORCE:
        contracts = contracts.filter(valid_from__lte=on, valid_to__gte=on)
    elif period == CONTRACT_ENDED:
        contracts = contracts.filter(valid_to__lt=on)
    return contracts.order_by("-valid_from", "pk")


def contract_get_for_user(*, user: Visitor, pk: int) -> FundingContract | None:
    return contracts_for_user(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class Usage:
    budget: Decimal
    used: Decimal
    left: Decimal
    share: Decimal  # used / budget in per cent, one decimal

    @property
    def overrun(self) -> bool:
        return self.used > self.budget

    @property
    def warning(self) -> bool:
        """90 % of the hours used or more."""
        return self.share >= Decimal(90)


def contract_usage(contract: FundingContract) -> Usage:
    used = getattr(contract, "used", None)
    if used is None:
        used = HourEntry.objects.filter(contract=contract).aggregate(s=Sum("hours"))["s"] or 0
    used = Decimal(used)
    share = (used * 100 / contract.hours_budget).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Usage(contract.hours_budget, used, contract.hours_budget - used, share)


@dataclass(frozen=True)
class StatementLine:
    case_reference: str  # pseudonymous
    hours: Decimal
    amount: Decimal  # hours x rate, to the cent (half up)


@dataclass(frozen=True)
class Statement:
    contract: FundingContract
    first_day: dt.date
    last_day: dt.date
    rate: Decimal
    lines: list[StatementLine]
    entries: int

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def statement(*, contract: FundingContract, first_day: dt.date, last_day: dt.date) -> Statement:
    """Hours per case in the period (corrections counted on the day of the entry they correct),
    each line priced at the contract's rate to the cent; the total is the sum of the lines.
    One query."""
    rows = (
        HourEntry.objects.filter(contract=contract, on__gte=first_day, on__lte=last_day)
        .values("case__reference")
        .annotate(hours=Sum("hours"), n=Count("pk"))
        .order_by("case__reference")
    )
    lines = []
    entries = 0
    for row in rows:
        entries += row["n"]
        hours = Decimal(row["hours"])
        if hours == 0:
            continue
        amount = (hours * contract.hourly_rate).quantize(CENTS, ROUND_HALF_UP)
        lines.append(StatementLine(row["case__reference"], hours, amount))
    return Statement(contract, first_day, last_day, contract.hourly_rate, lines, entries)


def goals_of_case(*, case: Case) -> QuerySet[Goal]:
    return Goal.objects.filter(case=case).prefetch_related("steps").order_by("due_on", "id")


def caseworkers_for_transfer(*, user: User) -> QuerySet[User]:
    """Active users of other organisations who may keep cases (the permission table decides)."""
    from passgenau.apps.accounts.permissions import roles_with

    keepers = User.objects.filter(
        role__in=roles_with("cases.manage_cases"), is_active=True, organisation__isnull=False
    )
    if user.organisation_id is not None:
        keepers = keepers.exclude(organisation_id=user.organisation_id)
    return keepers.select_related("organisation").order_by("organisation__name", "username")


def contracts_for_case(*, case: Case) -> QuerySet[FundingContract]:
    """Contracts under which hours on ``case`` can be logged (grants to its organisation)."""
    today = _today()
    return FundingContract.objects.filter(
        grant__organisation_id=case.organisation_id, valid_to__gte=today.replace(day=1)
    ).order_by("name")


def grants_for_contracts(*, user: User) -> QuerySet[Grant]:
    from passgenau.apps.funding.models import Grant

    if not policies.may_agree_contracts(user=user):
        return Grant.objects.none()
    return Grant.objects.filter(programme__funder_id=user.organisation_id).select_related(
        "organisation"
    )


def open_goals_of_case(*, case: Case) -> QuerySet[Goal]:
    return Goal.objects.filter(case=case, status__in=LIVE_GOALS).order_by("due_on", "id")


def correctable_entries(*, case: Case) -> QuerySet[HourEntry]:
    """Original entries (not corrections) of the case, the latest first."""
    return HourEntry.objects.filter(case=case, corrects__isnull=True).order_by("-on", "-id")


def offers_for_referral() -> QuerySet[Service]:
    """The directory's active offers to refer to (free entries cover the rest)."""
    from passgenau.apps.directory.models import Service, ServiceStatus

    return Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("name")
