"""Writes for funding. Every change goes through a service here and is written to the audit trail.

The calculator's arithmetic is the engine's (``passgenau.engine.apportionment``): services gather
the key through selectors, call the engine, and store the result in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.corrections import correction_reason
from passgenau.apps.core.input_problems import problem_texts
from passgenau.engine.apportionment import Apportionment, ApportionmentError, apportion

from . import exports, policies, selectors
from .models import (
    CENTS,
    Allocation,
    CostLine,
    Distribution,
    DistributionLine,
    Freeze,
    Grant,
    GrantStatus,
    IssuedNotice,
    KeyKind,
    Level,
    Payment,
    PaymentCorrection,
    Programme,
    Unit,
    UseOfFundsReport,
)

__all__ = [
    "CalculatorInput",
    "Computed",
    "FundingError",
    "allocations_from_distribution",
    "distribution_compute",
    "distribution_recompute",
    "distribution_save",
    "freeze_release",
    "grant_approve",
    "grant_close",
    "grant_create",
    "grant_freeze",
    "grant_pay",
    "grant_report",
    "notice_for_download",
    "notice_issue",
    "payment_confirm",
    "payment_correct",
    "programme_create",
]


class FundingError(ValueError):
    """A change that the rules do not allow; the message is shown to the user."""


def _money(value: Decimal) -> str:
    """An amount for the audit trail (machine-readable)."""
    return f"{value:.2f}"


def _shown(value: Decimal) -> str:
    """An amount for a message to the user, in the active language's format."""
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


# --- the calculator --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalculatorInput:
    level: str
    land_key: str
    key_kind: str
    key_year: int | None
    method: str
    ties: str
    seed: int | None
    unit: str
    amount: Decimal
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass(frozen=True)
class ComputedLine:
    key: str
    name: str
    weight: Fraction
    quota: Decimal  # in the unit of the amount, rounded to 6 places for display and storage
    allocation: Decimal

    @property
    def territory_key(self) -> str:  # the name a stored DistributionLine uses
        return self.key


@dataclass(frozen=True)
class Computed:
    inputs: CalculatorInput
    key: selectors.KeyInput
    result: Apportionment
    lines: list[ComputedLine]

    @property
    def total(self) -> Decimal:
        return sum((line.allocation for line in self.lines), Decimal(0))

    @property
    def tied_names(self) -> list[str]:
        names = {line.key: line.name for line in self.lines}
        return [names[k] for k in self.result.tied]


def _scale(unit: str) -> int:
    return 100 if unit == Unit.EUR else 1


def _to_units(value: Decimal, unit: str, what: str) -> int:
    scaled = value * _scale(unit)
    if scaled != scaled.to_integral_value():
        raise FundingError(
            _("%(what)s must be a whole number of cents or persons.") % {"what": what}
        )
    return int(scaled)


def _check_bounds(inputs: CalculatorInput, weights: dict[str, Fraction]) -> None:
    """Bounds that cannot be met, said in the user's unit and language (the engine would say
    it in English and in cents). Territories with weight zero get the minimum and never more."""
    low = inputs.minimum or Decimal(0)
    high = inputs.maximum
    decimals = 2 if inputs.unit == Unit.EUR else 0
    count = len(weights)
    if high is not None and low > high:
        raise FundingError(_("The minimum per territory is larger than the maximum."))
    if count and low * count > inputs.amount:
        raise FundingError(
            _(
                "The minimum for all %(count)s territories adds up to %(need)s, more than the "
                "amount %(amount)s."
            )
            % {
                "count": count,
                "need": formats.number_format(low * count, decimals, force_grouping=True),
                "amount": formats.number_format(inputs.amount, decimals, force_grouping=True),
            }
        )
    if count and high is not None:
        room = sum((high if weight > 0 else low for weight in weights.values()), Decimal(0))
        if room < inputs.amount:
            raise FundingError(
                _(
                    "The maximum for all %(count)s territories adds up to %(room)s, less than "
                    "the amount %(amount)s."
                )
                % {
                    "count": count,
                    "room": formats.number_format(room, decimals, force_grouping=True),
                    "amount": formats.number_format(inputs.amount, decimals, force_grouping=True),
                }
            )


def _apportion(inputs: CalculatorInput, weights: dict[str, Fraction]) -> Apportionment:
    _check_bounds(inputs, weights)
    minimum = _to_units(inputs.minimum, inputs.unit, _("The minimum")) if inputs.minimum else None
    maximum = (
        _to_units(inputs.maximum, inputs.unit, _("The maximum"))
        if inputs.maximum is not None
        else None
    )
    try:
        return apportion(
            _to_units(inputs.amount, inputs.unit, _("The amount")),
            weights,
            method=inputs.method,
            minimum=minimum,
            maximum=maximum,
            ties=inputs.ties,
            seed=inputs.seed,
        )
    except ApportionmentError as exc:
        raise FundingError(" ".join(problem_texts(exc.problems))) from exc


def _lines(
    inputs: CalculatorInput, names: dict[str, str], result: Apportionment
) -> list[ComputedLine]:
    scale = _scale(inputs.unit)
    quantum = Decimal("0.000001")
    lines = []
    for key, weight, quota, allocation in zip(
        result.ids, result.weights, result.quotas, result.allocations, strict=True
    ):
        exact = quota / scale
        lines.append(
            ComputedLine(
                key=key,
                name=names[key],
                weight=weight,
                quota=(Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum),
                allocation=(Decimal(allocation) / scale).quantize(
                    CENTS if scale == 100 else Decimal(1)
                ),
            )
        )
    return lines


def distribution_compute(*, inputs: CalculatorInput) -> Computed:
    """Build the key from the territories' figures and apportion the amount (nothing saved)."""
    if inputs.level == Level.LAENDER and inputs.key_kind == KeyKind.NRW:
        raise FundingError(_("The NRW rule distributes among the municipalities of a Land."))
    try:
        key = selectors.key_input(
            level=inputs.level,
            land_key=inputs.land_key,
            key_kind=inputs.key_kind,
            key_year=inputs.key_year,
        )
    except (selectors.KeyInputError, KeyError) as exc:
        raise FundingError(str(exc)) from exc
    weights = {row.key: row.weight for row in key.rows}  # ordered by official key
    result = _apportion(inputs, weights)
    names = {row.key: row.name for row in key.rows}
    return Computed(inputs=inputs, key=key, result=result, lines=_lines(inputs, names, result))


def _weight_text(weight: Fraction) -> str:
    return (
        str(weight.numerator)
        if weight.denominator == 1
        else f"{weight.numerator}/{weight.denominator}"
    )


@transaction.atomic
def distribution_save(*, actor: User | None, name: str, computed: Computed) -> Distribution:
    """Store a computed distribution with its complete input."""
    inputs = computed.inputs
    distribution = Distribution.objects.create(
        name=name,
        organisation=getattr(actor, "organisation", None),
        created_by=actor,
        level=inputs.level,
        land_key=inputs.land_key if inputs.level != Level.LAENDER else "",
        land_name=computed.key.land_name,
        key_kind=inputs.key_kind,
        key_year=inputs.key_year if inputs.key_kind == KeyKind.KOENIGSTEINER else None,
        reference_date=computed.key.reference_date,
        method=inputs.method,
        ties=inputs.ties,
        seed=inputs.seed,
        unit=inputs.unit,
        amount=inputs.amount,
        minimum=inputs.minimum,
        maximum=inputs.maximum,
        inputs=[
            {"key": row.key, "name": row.name, "weight": _weight_text(row.weight)}
            for row in computed.key.rows
        ],
        tied=list(computed.result.tied),
        tie_seats=computed.result.tie_seats,
    )
    DistributionLine.objects.bulk_create(
        DistributionLine(
            distribution=distribution,
            position=position,
            territory_key=line.key,
            name=line.name,
            weight=_weight_text(line.weight),
            quota=line.quota,
            allocation=line.allocation,
        )
        for position, line in enumerate(computed.lines, start=1)
    )
    log_action(
        "funding.distribution.saved",
        actor=actor,
        obj=distribution,
        data={
            "amount": _money(inputs.amount) if inputs.unit == Unit.EUR else str(inputs.amount),
            "unit": inputs.unit,
            "method": inputs.method,
            "key": inputs.key_kind,
            "territories": len(computed.lines),
        },
    )
    return distribution


def distribution_recompute(*, distribution: Distribution) -> Apportionment:
    """Apportion a saved distribution again from its stored input (to check it is reproducible)."""
    inputs = CalculatorInput(
        level=distribution.level,
        land_key=distribution.land_key,
        key_kind=distribution.key_kind,
        key_year=distribution.key_year,
        method=distribution.method,
        ties=distribution.ties,
        seed=distribution.seed,
        unit=distribution.unit,
        amount=distribution.amount,
        minimum=distribution.minimum,
        maximum=distribution.maximum,
    )
    return _apportion(inputs, distribution.input_weights())


# --- programmes and allocations --------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    actor: User,
    name: str,
    budget: Decimal,
    period_start: dt.date,
    period_end: dt.date,
    purpose: str = "",
    legal_remedy: str = "",
) -> Programme:
    """A programme of the actor's own organisation."""
    if actor.organisation_id is None:
        raise FundingError(_("Only members of a funding organisation can create programmes."))
    if period_end < period_start:
        raise FundingError(_("The period must not end before it starts."))
    if budget < 0:
        raise FundingError(_("The budget must not be negative."))
    programme = Programme.objects.create(
        funder_id=actor.organisation_id,
        name=name,
        purpose=purpose,
        budget=budget,
        period_start=period_start,
        period_end=period_end,
        legal_remedy=legal_remedy,
    )
    log_action(
        "funding.programme.created",
        actor=actor,
        obj=programme,
        data={"budget": _money(budget), "period": [str(period_start), str(period_end)]},
    )
    return programme


@transaction.atomic
def allocations_from_distribution(
    *, actor: User | None, programme: Programme, distribution: Distribution
) -> list[Allocation]:
    """Allocate the programme to territories as the saved distribution says (replacing any
    earlier allocation)."""
    if distribution.unit != Unit.EUR:
        raise FundingError(_("Only a distribution of money can allocate a programme."))
    if distribution.amount > programme.budget:
        raise FundingError(
            _("The distribution (%(amount)s EUR) exceeds the budget (%(budget)s EUR).")
            % {"amount": _shown(distribution.amount), "budget": _shown(programme.budget)}
        )
    programme.allocations.all().delete()
    allocations = Allocation.objects.bulk_create(
        Allocation(
            programme=programme,
            distribution=distribution,
            territory_key=line.territory_key,
            name=line.name,
            amount=line.allocation,
        )
        for line in distribution.lines.all()
    )
    log_action(
        "funding.programme.allocated",
        actor=actor,
        obj=programme,
        data={
            "distribution": distribution.pk,
            "territories": len(allocations),
            "amount": _money(distribution.amount),
        },
    )
    return allocations


# --- grants ----------------------------------------------------------------------------------


@transaction.atomic
def grant_create(
    *,
    actor: User | None,
    programme: Programme,
    organisation: Any,
    title: str,
    amount: Decimal,
    own_funds: Decimal = Decimal(0),
    third_party_funds: Decimal = Decimal(0),
    cost_lines: list[tuple[str, Decimal]] | None = None,
) -> Grant:
    """An application for a grant (status *applied*) with its cost and financing plan."""
    if amount <= 0:
        raise FundingError(_("The grant amount must be positive."))
    if own_funds < 0 or third_party_funds < 0:
        raise FundingError(_("Own and third-party funds must not be negative."))
    lines = cost_lines or []
    if any(value < 0 for _description, value in lines):
        raise FundingError(_("Costs must not be negative."))
    grant = Grant.objects.create(
        programme=programme,
        organisation=organisation,
        title=title,
        amount=amount,
        own_funds=own_funds,
        third_party_funds=third_party_funds,
    )
    CostLine.objects.bulk_create(
        CostLine(grant=grant, description=description, amount=value) for description, value in lines
    )
    log_action(
        "funding.grant.applied",
        actor=actor,
        obj=grant,
        data={
            "programme": programme.pk,
            "organisation": organisation.pk,
            "amount": _money(amount),
            "costs": _money(sum((v for _d, v in lines), Decimal(0))),
        },
    )
    return grant


def _locked(grant: Grant) -> Grant:
    """The grant re-read with a row lock, so that two changes cannot interleave."""
    return Grant.objects.select_for_update().select_related("programme").get(pk=grant.pk)


def financing_gap(*, grant: Grant) -> Decimal:
    """Costs minus financing (own + third-party funds + grant); zero for a balanced plan."""
    costs = sum((line.amount for line in grant.cost_lines.all()), Decimal(0))
    return costs - grant.own_funds - grant.third_party_funds - grant.amount


@transaction.atomic
def grant_approve(
    *, actor: User | None, grant: Grant, notice_number: str, notice_date: dt.date
) -> Grant:
    """Approve an application: notice number and date; the programme's budget must suffice."""
    grant = _locked(grant)
    if grant.status != GrantStatus.APPLIED:
        raise FundingError(_("Only an application can be approved."))
    if not notice_number.strip():
        raise FundingError(_("The notice needs a number."))
    if grant.cost_lines.exists() and financing_gap(grant=grant) != 0:
        raise FundingError(
            _("The cost and financing plan does not balance (difference %(gap)s EUR).")
            % {"gap": _shown(financing_gap(grant=grant))}
        )
    # Lock the programme too: two approvals must not both pass the budget check.
    programme = Programme.objects.select_for_update().get(pk=grant.programme_id)
    report = selectors.programme_report(programme=programme)
    if report.approved + grant.amount > programme.budget:
        raise FundingError(
            _("Approving %(amount)s EUR would exceed the budget; %(left)s EUR remain.")
            % {"amount": _shown(grant.amount), "left": _shown(report.remaining)}
        )
    if notice_date > timezone.localdate():
        raise FundingError(_("The date of the notice cannot lie in the future."))
    grant.status = GrantStatus.APPROVED
    grant.notice_number = notice_number.strip()
    grant.notice_date = notice_date
    grant.save(update_fields=["status", "notice_number", "notice_date"])
    notice_issue(grant=grant)
    log_action(
        "funding.grant.approved",
        actor=actor,
        obj=grant,
        data={
            "notice": grant.notice_number,
            "date": str(notice_date),
            "amount": _money(grant.amount),
        },
    )
    return grant


def notice_issue(*, grant: Grant) -> IssuedNotice:
    """Store the approval notice as it goes out today; it is served from the stored file ever
    after, so later freezes, payments or a changed programme text never alter it."""
    assert grant.notice_date is not None  # set by the approval that issues the notice
    content = exports.grant_notice_pdf(grant, selectors.grant_money(grant=grant))
    return IssuedNotice.objects.create(
        grant=grant,
        number=grant.notice_number,
        notice_date=grant.notice_date,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def notice_for_download(*, grant: Grant) -> IssuedNotice:
    """The notice as issued; one approved before notices were stored is issued (stored) once."""
    notice = grant.issued_notices.order_by("-issued_at", "-id").first()
    if notice is None:
        with transaction.atomic():
            notice = notice_issue(grant=_locked(grant))
    return notice


@transaction.atomic
def grant_freeze(*, actor: User | None, grant: Grant, amount: Decimal, reason: str) -> Freeze:
    """Freeze a part of an approved grant that has not been paid (e.g. a budget freeze)."""
    grant = _locked(grant)
    if grant.status not in (GrantStatus.APPROVED,):
        raise FundingError(_("Only an approved grant that is not fully paid can be frozen."))
    money = selectors.grant_money(grant=grant)
    if amount <= 0 or amount > money.payable:
        raise FundingError(
            _("The frozen amount must be positive and at most %(payable)s EUR.")
            % {"payable": _shown(money.payable)}
        )
    freeze = Freeze.objects.create(grant=grant, amount=amount, reason=reason)
    log_action(
        "funding.grant.frozen",
        actor=actor,
        obj=grant,
        data={"freeze": freeze.pk, "amount": _money(amount), "reason_given": bool(reason)},
    )
    return freeze


@transaction.atomic
def freeze_release(*, actor: User | None, freeze: Freeze) -> Freeze:
    """Release a frozen part: it may be paid from now on."""
    freeze = Freeze.objects.select_for_update().select_related("grant").get(pk=freeze.pk)
    if freeze.released_at is not None:
        raise FundingError(_("This freeze has already been released."))
    freeze.released_at = timezone.now()
    freeze.save(update_fields=["released_at"])
    log_action(
        "funding.grant.released",
        actor=actor,
        obj=freeze.grant,
        data={"freeze": freeze.pk, "amount": _money(freeze.amount)},
    )
    return freeze


def _mark_paid_when_complete(grant: Grant) -> None:
    """An approved grant is paid once its payments made reach the amount approved, and approved
    again when a correction takes it below."""
    money = selectors.grant_money(grant=grant)
    status = GrantStatus.PAID if money.paid == money.approved else GrantStatus.APPROVED
    if grant.status != status:
        grant.status = status
        grant.save(update_fields=["status"])


def _check_payment_date(paid_on: dt.date, planned: bool) -> None:
    """A payment made is not dated in the future; one planned is dated after today."""
    today = timezone.localdate()
    if paid_on > today and not planned:
        raise FundingError(
            _("A payment dated in the future has not been made yet: mark it as planned.")
        )
    if planned and paid_on <= today:
        raise FundingError(_("A planned payment needs a date after today."))


@transaction.atomic
def grant_pay(
    *, actor: User | None, grant: Grant, amount: Decimal, paid_on: dt.date, planned: bool = False
) -> Payment:
    """Pay an instalment, or plan one for a later date; never more than approved, not frozen
    and not yet paid or planned. Only payments made count as paid."""
    grant = _locked(grant)
    if grant.status != GrantStatus.APPROVED:
        raise FundingError(_("Only an approved grant can be paid."))
    _check_payment_date(paid_on, planned)
    money = selectors.grant_money(grant=grant)
    if amount <= 0 or amount > money.payable:
        raise FundingError(
            _("The instalment must be positive and at most %(payable)s EUR.")
            % {"payable": _shown(money.payable)}
        )
    payment = Payment.objects.create(grant=grant, amount=amount, paid_on=paid_on, planned=planned)
    _mark_paid_when_complete(grant)
    log_action(
        "funding.grant.payment_planned" if planned else "funding.grant.paid",
        actor=actor,
        obj=grant,
        data={"payment": payment.pk, "amount": _money(amount), "paid_on": str(paid_on)},
    )
    return payment


@transaction.atomic
def payment_confirm(*, actor: User | None, payment: Payment) -> Payment:
    """A planned payment has been made: it counts as paid from now on (not before its date)."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    grant = _locked(payment.grant)
    if not payment.planned:
        raise FundingError(_("This payment has already been made."))
    if payment.paid_on > timezone.localdate():
        raise FundingError(
            _("A planned payment is confirmed on or after its date (%(date)s).")
            % {"date": formats.date_format(payment.paid_on, "SHORT_DATE_FORMAT")}
        )
    payment.planned = False
    payment.save(update_fields=["planned"])
    _mark_paid_when_complete(grant)
    log_action(
        "funding.grant.paid",
        actor=actor,
        obj=grant,
        data={"payment": payment.pk, "amount": _money(payment.amount)},
    )
    return payment


PAYMENT_FIELDS = ("amount", "paid_on", "planned")
# a grant's payments are corrected until its use of funds is reported
CORRECTABLE_GRANT_STATES = (GrantStatus.APPROVED, GrantStatus.PAID)


@transaction.atomic
def payment_correct(
    *,
    actor: User,
    payment: Payment,
    reason: str,
    amount: Decimal,
    paid_on: dt.date,
    planned: bool = False,
) -> PaymentCorrection:
    """Correct a payment recorded in error (its funder): amount, date, or whether it is only
    planned, by the same rules as paying; the reason is kept with the old and the new values,
    and the grant counts as paid exactly when its payments made reach the amount approved."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    grant = _locked(payment.grant)
    if not policies.may_correct_payments(user=actor, grant=grant):
        raise FundingError(_("Only the programme's funder corrects its payments."))
    if grant.status not in CORRECTABLE_GRANT_STATES:
        raise FundingError(
            _("The use of funds has been reported: the payments can no longer be corrected.")
        )
    reason = correction_reason(reason)
    _check_payment_date(paid_on, planned)
    # what may be paid besides the other payments: this payment's amount is free again
    payable = selectors.grant_money(grant=grant).payable + payment.amount
    if amount <= 0 or amount > payable:
        raise FundingError(
            _("The instalment must be positive and at most %(payable)s EUR.")
            % {"payable": _shown(payable)}
        )
    after = {"amount": amount, "paid_on": paid_on, "planned": planned}
    before = {name: getattr(payment, name) for name in PAYMENT_FIELDS}
    if before == after:
        raise FundingError(_("Nothing was changed."))
    for name, value in after.items():
        setattr(payment, name, value)
    payment.save(update_fields=list(PAYMENT_FIELDS))
    correction = PaymentCorrection.objects.create(
        payment=payment,
        reason=reason,
        amount_before=before["amount"],
        amount_after=amount,
        paid_on_before=before["paid_on"],
        paid_on_after=paid_on,
        planned_before=before["planned"],
        planned_after=planned,
        corrected_by=actor,
    )
    status_before = grant.status
    _mark_paid_when_complete(grant)

    def logged(values: dict[str, Any]) -> dict[str, Any]:
        return {
            "amount": _money(values["amount"]),
            "paid_on": str(values["paid_on"]),
            "planned": values["planned"],
        }

    log_action(
        "funding.payment.corrected",
        actor=actor,
        obj=grant,
        data={
            "payment": payment.pk,
            "correction": correction.pk,  # the reason is kept there
            "from": logged(before),
            "to": logged(after),
            "status": {"from": status_before, "to": grant.status},
        },
    )
    return correction


@transaction.atomic
def grant_report(
    *, actor: User | None, grant: Grant, submitted_on: dt.date, spent: Decimal, summary: str
) -> UseOfFundsReport:
    """The recipient's use-of-funds report, after the grant has been paid."""
    grant = _locked(grant)
    if grant.status != GrantStatus.PAID:
        raise FundingError(_("The use of funds is reported once the grant has been paid."))
    if spent < 0:
        raise FundingError(_("The amount spent must not be negative."))
    if submitted_on > timezone.localdate():
        raise FundingError(_("A report cannot have been submitted in the future."))
    report = UseOfFundsReport.objects.create(
        grant=grant, submitted_on=submitted_on, spent=spent, summary=summary
    )
    grant.status = GrantStatus.REPORTED
    grant.save(update_fields=["status"])
    log_action(
        "funding.grant.reported",
        actor=actor,
        obj=grant,
        data={"spent": _money(spent), "submitted_on": str(submitted_on)},
    )
    return report


@transaction.atomic
def grant_close(*, actor: User | None, grant: Grant) -> Grant:
    grant = _locked(grant)
    if grant.status != GrantStatus.REPORTED:
        raise FundingError(_("A grant is closed after its use-of-funds report."))
    grant.status = GrantStatus.CLOSED
    grant.save(update_fields=["status"])
    log_action("funding.grant.closed", actor=actor, obj=grant, data={})
    return grant
