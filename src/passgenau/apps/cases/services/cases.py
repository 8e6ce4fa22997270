"""Changes to cases. Every change is checked against the rules, done in one transaction and
written to the audit trail with pseudonymous ids only (the case's reference and primary keys,
never names, notes or other free text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.errors import ServiceError, StateError

from .. import policies
from ..models import (
    CASE_TRANSITIONS,
    GOAL_TRANSITIONS,
    STEP_TRANSITIONS,
    Activity,
    Case,
    CaseConsent,
    CaseEvent,
    CaseKind,
    CaseOutcome,
    CaseStatus,
    ConsentPurpose,
    ContactKind,
    ContactNote,
    FundingContract,
    Goal,
    GoalArea,
    GoalStatus,
    HealthRecord,
    HourEntry,
    MediatorProposal,
    PlanVersion,
    Referral,
    ReferralOutcome,
    Step,
    StepStatus,
    VaccinationStatus,
)

if TYPE_CHECKING:
    from passgenau.apps.directory.models import Service
    from passgenau.apps.funding.models import Grant
    from passgenau.apps.relocation.models import Arrival

MAX_HOURS_PER_ENTRY = Decimal("24")
HOURS_STEP = Decimal("0.25")  # specialist hours are billed in quarter hours


class CasesError(ServiceError):
    """Input the rules do not allow (shown to the user; the API answers 422)."""


class TransitionError(CasesError, StateError):
    """A status change the transition table does not allow (the API answers 409)."""


def _today() -> dt.date:
    return timezone.localdate()


def _not_in_future(day: dt.date, label: str) -> None:
    if day > _today():
        raise CasesError(_("%(field)s cannot be in the future.") % {"field": label})


def _require(allowed: bool) -> None:
    if not allowed:
        raise CasesError(_("You may not do this."))


def _own_case(actor: User, case: Case) -> None:
    _require(policies.may_keep_cases(user=actor) and case.organisation_id == actor.organisation_id)


def active_purposes(case: Case) -> frozenset[str]:
    return frozenset(
        case.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True)
    )


def _needs_consent(case: Case, purpose: str) -> None:
    if purpose not in active_purposes(case):
        raise CasesError(
            _("This needs the consent for “%(purpose)s”.")
            % {"purpose": ConsentPurpose(purpose).label}
        )


class Stateful(Protocol):
    """A row with a status that changes along a transition table (a case, goal, step, flat,
    request or proposal)."""

    pk: Any
    status: str

    def save(self, *, update_fields: list[str]) -> None: ...


def transition(
    obj: Stateful,
    *,
    table: dict[str, frozenset[str]],
    to: str,
    actor: User,
    action: str,
    extra: dict[str, Any] | None = None,
) -> str:
    """THE status change: checked against ``table``, saved, and logged. Returns the old status.

    Callers hold a row lock on ``obj`` (``select_for_update``) inside a transaction."""
    assert isinstance(obj, Model)
    before = obj.status
    if to not in table.get(before, frozenset()):
        raise TransitionError(
            _("The status cannot change from “%(old)s” to “%(new)s”.") % {"old": before, "new": to}
        )
    obj.status = to
    fields = ["status", *(extra or {}).keys()]
    for name, value in (extra or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=fields)
    log_action(action, actor=actor, obj=obj, data={"from": before, "to": to})
    return before


# --------------------------------------------------------------------------------------------
# Opening, consent, transfer, closing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    purposes: frozenset[str]
    given_on: dt.date
    explained_in: str


def _record_consents(*, actor: User, case: Case, consent: ConsentInput) -> None:
    _not_in_future(consent.given_on, _("The date of the consent"))
    unknown = consent.purposes - set(ConsentPurpose.values)
    if unknown:
        raise CasesError(_("Unknown purpose of consent."))
    for purpose in sorted(consent.purposes):
        CaseConsent.objects.create(
            case=case,
            purpose=purpose,
            given_on=consent.given_on,
            explained_in=consent.explained_in,
            recorded_by=actor,
        )
        log_action("cases.consent.given", actor=actor, obj=case, data={"purpose": purpose})


def _open(
    *,
    actor: User,
    consent: ConsentInput,
    opened_on: dt.date,
    **fields: Any,
) -> Case:
    organisation_id = actor.organisation_id  # may_keep_cases asks for one
    _require(policies.may_keep_cases(user=actor))
    assert organisation_id is not None
    _not_in_future(opened_on, _("The opening date"))
    if ConsentPurpose.CASE_MANAGEMENT not in consent.purposes:
        raise CasesError(_("A case can only be opened with the consent to case management."))
    case = Case.objects.create(
        organisation_id=organisation_id, caseworker=actor, opened_on=opened_on, **fields
    )
    _record_consents(actor=actor, case=case, consent=consent)
    log_action(
        "cases.case.opened",
        actor=actor,
        obj=case,
        data={"kind": case.kind, "household": case.household_id},
    )
    return case


@transaction.atomic
def case_open(
    *,
    actor: User,
    name: str,
    kind: str = CaseKind.HOUSEHOLD,
    persons: int = 1,
    language: str,
    consent: ConsentInput,
    opened_on: dt.date | None = None,
) -> Case:
    """Open a case directly (a person who came without a relocation round)."""
    if persons < 1:
        raise CasesError(_("A case has at least one person."))
    return _open(
        actor=actor,
        consent=consent,
        opened_on=opened_on or _today(),
        name=name.strip(),
        kind=kind,
        persons=persons,
        language=language,
    )


@transaction.atomic
def case_open_from_arrival(
    *,
    actor: User,
    arrival: Arrival,
    consent: ConsentInput,
    opened_on: dt.date | None = None,
) -> Case:
    """Open a case for a household that arrived through a relocation round, taking over its
    data (contact name, persons, language, needs, arrival date) — only with the household's
    consent to taking it over, and only where the round's consent let the municipality see it."""
    from passgenau.apps.relocation.models import Household

    if ConsentPurpose.TAKE_OVER not in consent.purposes:
        raise CasesError(_("Taking over the round's data needs the household's consent."))
    proposal = arrival.proposal
    if proposal.municipality_id != actor.organisation_id:
        raise CasesError(_("This arrival is not at your organisation."))
    household = (
        # Lock only the household's row: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer joins that select_related adds for contact and interview.
        Household.objects.select_for_update(of=("self",))
        .select_related("contact", "interview")
        .get(pk=proposal.household_id)
    )
    round_consent = household.consents.filter(withdrawn_at__isnull=True).first()
    if round_consent is None or not round_consent.covers("share_contact"):
        raise CasesError(_("The household's consent in the round does not cover its contact data."))
    if Case.objects.filter(household=household).exclude(status=CaseStatus.CLOSED).exists():
        raise CasesError(_("This household already has an open case."))
    contact = getattr(household, "contact", None)
    interview = getattr(household, "interview", None)
    return _open(
        actor=actor,
        consent=consent,
        opened_on=opened_on or _today(),
        name=contact.contact_name if contact else household.reference,
        kind=CaseKind.HOUSEHOLD,
        persons=max(household.members.count(), 1),
        language=household.language,
        household=household,
        arrived_on=arrival.arrived_on,
        needs=sorted(interview.needs) if interview else [],
    )


@transaction.atomic
def consent_record(
    *, actor: User, case: Case, purpose: str, given_on: dt.date, explained_in: str
) -> None:
    _own_case(actor, case)
    if purpose in active_purposes(case):
        raise CasesError(_("This consent is already in force."))
    _record_consents(
        actor=actor,
        case=case,
        consent=ConsentInput(frozenset({purpose}), given_on, explained_in),
    )


@transaction.atomic
def consent_withdraw(*, actor: User, case: Case, purpose: str) -> None:
    """Withdrawing keeps the record; withdrawn health consent hides the health data at once."""
    _own_case(actor, case)
    updated = CaseConsent.objects.filter(
        case=case, purpose=purpose, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not updated:
        raise CasesError(_("There is no consent in force for this purpose."))
    log_action("cases.consent.withdrawn", actor=actor, obj=case, data={"purpose": purpose})


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_transition(*, actor: User, case: Case, status: str, on: dt.date | None = None) -> Case:
    """Activate, pause or reopen a case (closing goes through :func:`case_close`)."""
    _own_case(actor, case)
    if status == CaseStatus.CLOSED:
        raise CasesError(_("Closing a case needs an outcome."))
    case = _locked(case)
    on = on or _today()
    before = transition(
        case,
        table=CASE_TRANSITIONS,
        to=status,
        actor=actor,
        action="cases.case.status_changed",
        extra={"closed_on": None, "outcome": ""},
    )
    CaseEvent.objects.create(
        case=case, kind="status", from_status=before, to_status=status, on=on, by=actor
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, outcome: str, on: dt.date | None = None) -> Case:
    _own_case(actor, case)
    if outcome not in CaseOutcome.values:
        raise CasesError(_("Choose the outcome of the case."))
    case = _locked(case)
    on = on or _today()
    _not_in_future(on, _("The closing date"))
    if on < case.opened_on:
        raise CasesError(_("A case cannot be closed before it was opened."))
    before = transition(
        case,
        table=CASE_TRANSITIONS,
        to=CaseStatus.CLOSED,
        actor=actor,
        action="cases.case.status_changed",
        extra={"closed_on": on, "outcome": outcome},
    )
    CaseEvent.objects.create(
        case=case, kind="status", from_status=before, to_status=CaseStatus.CLOSED, on=on, by=actor
    )
    return case


@transaction.atomic
def case_transfer(*, actor: User, case: Case, caseworker: User, on: dt.date | None = None) -> Case:
    """Hand the case to another organisation's caseworker (needs the consent to transfer). The
    receiving organisation is the new caseworker's; health consent does not travel with it."""
    _own_case(actor, case)
    case = _locked(case)
    _needs_consent(case, ConsentPurpose.TRANSFER)
    if case.status == CaseStatus.CLOSED:
        raise CasesError(_("A closed case cannot be transferred."))
    receiving = caseworker.organisation_id
    if receiving is None or not policies.may_take_over_case(user=caseworker):
        raise CasesError(_("The receiving person cannot keep cases."))
    on = on or _today()
    _not_in_future(on, _("The date of the transfer"))
    before = case.organisation_id
    case.organisation_id = receiving
    case.caseworker = caseworker
    case.save(update_fields=["organisation", "caseworker"])
    CaseEvent.objects.create(
        case=case,
        kind="transfer",
        from_organisation_id=before,
        to_organisation_id=caseworker.organisation_id,
        on=on,
        by=actor,
    )
    # special-category consent was given to the old organisation: it ends with the transfer
    CaseConsent.objects.filter(
        case=case, purpose=ConsentPurpose.HEALTH, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    log_action(
        "cases.case.transferred",
        actor=actor,
        obj=case,
        data={"from": before, "to": caseworker.organisation_id, "caseworker": caseworker.pk},
    )
    return case


@transaction.atomic
def caseworker_assign(*, actor: User, case: Case, caseworker: User) -> Case:
    """Another caseworker of the same organisation takes over the case."""
    _own_case(actor, case)
    if caseworker.organisation_id != case.organisation_id or not policies.may_take_over_case(
        user=caseworker
    ):
        raise CasesError(_("The receiving person cannot keep cases of this organisation."))
    case = _locked(case)
    case.caseworker = caseworker
    case.save(update_fields=["caseworker"])
    log_action("cases.case.assigned", actor=actor, obj=case, data={"caseworker": caseworker.pk})
    return case


@transaction.atomic
def health_update(
    *,
    actor: User,
    case: Case,
    vaccination_status: str,
    counselling_language: str,
    needs: str,
) -> HealthRecord:
    _own_case(actor, case)
    _require(policies.may_see_health(user=actor, case=case, active_purposes=active_purposes(case)))
    if vaccination_status not in VaccinationStatus.values:
        raise CasesError(_("Unknown vaccination status."))
    record, _created = HealthRecord.objects.update_or_create(
        case=case,
        defaults={
            "vaccination_status": vaccination_status,
            "counselling_language": counselling_language,
            "needs": needs,
        },
    )
    log_action("cases.healthrecord.changed", actor=actor, obj=case, data={"record": record.pk})
    return record


# --------------------------------------------------------------------------------------------
# Integration plan
# --------------------------------------------------------------------------------------------


def _dates_in_order(due_on: dt.date, review_on: dt.date | None, case: Case) -> None:
    if due_on < case.opened_on:
        raise CasesError(_("The due date cannot be before the case was opened."))
    if review_on is not None and review_on < case.opened_on:
        raise CasesError(_("The review date cannot be before the case was opened."))


@transaction.atomic
def goal_create(
    *,
    actor: User,
    case: Case,
    area: str,
    title: str,
    responsible: str,
    due_on: dt.date,
    review_on: dt.date,
) -> Goal:
    _own_case(actor, case)
    if area not in GoalArea.values:
        raise CasesError(_("Unknown area."))
    if case.status == CaseStatus.CLOSED:
        raise CasesError(_("The case is closed."))
    _dates_in_order(due_on, review_on, case)
    if review_on > due_on:
        raise CasesError(_("The review date cannot be after the due date."))
    goal = Goal.objects.create(
        case=case,
        area=area,
        title=title.strip(),
        responsible=responsible.strip(),
        due_on=due_on,
        review_on=review_on,
    )
    log_action("cases.goal.created", actor=actor, obj=case, data={"goal": goal.pk, "area": area})
    return goal


@transaction.atomic
def goal_transition(*, actor: User, goal: Goal, status: str, on: dt.date | None = None) -> Goal:
    """Change a goal's status; a goal reached keeps the day (``on``, today by default)."""
    _own_case(actor, goal.case)
    goal = Goal.objects.select_for_update().select_related("case").get(pk=goal.pk)
    on = on or _today()
    if status == GoalStatus.REACHED:
        _not_in_future(on, _("The date the goal was reached"))
        if on < goal.case.opened_on:
            raise CasesError(_("A goal cannot be reached before the case was opened."))
    transition(
        goal,
        table=GOAL_TRANSITIONS,
        to=status,
        actor=actor,
        action="cases.goal.status_changed",
        extra={"reached_on": on if status == GoalStatus.REACHED else None},
    )
    return goal


@transaction.atomic
def goal_review(*, actor: User, goal: Goal, review_on: dt.date) -> Goal:
    """Set the next review date (after a review held today or earlier)."""
    _own_case(actor, goal.case)
    _dates_in_order(goal.due_on, review_on, goal.case)
    goal.review_on = review_on
    goal.save(update_fields=["review_on"])
    log_action("cases.goal.updated", actor=actor, obj=goal.case, data={"goal": goal.pk})
    return goal


@transaction.atomic
def step_create(*, actor: User, goal: Goal, title: str, responsible: str, due_on: dt.date) -> Step:
    _own_case(actor, goal.case)
    goal = Goal.objects.select_for_update().select_related("case").get(pk=goal.pk)
    if goal.status in (GoalStatus.REACHED, GoalStatus.DROPPED):
        raise CasesError(_("The goal is no longer open."))
    _dates_in_order(due_on, None, goal.case)
    step = Step.objects.create(
        goal=goal, title=title.strip(), responsible=responsible.strip(), due_on=due_on
    )
    log_action("cases.step.created", actor=actor, obj=goal.case, data={"step": step.pk})
    return step


@transaction.atomic
def step_transition(*, actor: User, step: Step, status: str) -> Step:
    _own_case(actor, step.goal.case)
    step = Step.objects.select_for_update().get(pk=step.pk)
    transition(
        step,
        table=STEP_TRANSITIONS,
        to=status,
        actor=actor,
        action="cases.step.status_changed",
        extra={"done_on": _today() if status == StepStatus.DONE else None},
    )
    return step


def _plan_content(case: Case) -> list[dict[str, Any]]:
    goals = Goal.objects.filter(case=case).prefetch_related("steps").order_by("due_on", "id")
    return [
        {
            "id": goal.pk,
            "area": goal.area,
            "title": goal.title,
            "responsible": goal.responsible,
            "due_on": goal.due_on.isoformat(),
            "review_on": goal.review_on.isoformat(),
            "status": goal.status,
            "steps": [
                {
                    "id": step.pk,
                    "title": step.title,
                    "responsible": step.responsible,
                    "due_on": step.due_on.isoformat(),
                    "status": step.status,
                }
                for step in goal.steps.all()
            ],
        }
        for goal in goals
    ]


@transaction.atomic
def plan_agree(*, actor: User, case: Case, agreed_on: dt.date | None = None) -> PlanVersion:
    """Keep what was agreed today as the next version of the plan (never changed afterwards)."""
    _own_case(actor, case)
    case = _locked(case)
    agreed_on = agreed_on or _today()
    _not_in_future(agreed_on, _("The date of the agreement"))
    content = _plan_content(case)
    if not content:
        raise CasesError(_("A plan needs at least one goal before it can be agreed."))
    last = case.plan_versions.order_by("-number").first()
    if last is not None and agreed_on < last.agreed_on:
        raise CasesError(_("A new version cannot be agreed before the previous one."))
    version = PlanVersion.objects.create(
        case=case,
        number=(last.number + 1) if last else 1,
        agreed_on=agreed_on,
        content=content,
        agreed_by=actor,
    )
    log_action("cases.planversion.agreed", actor=actor, obj=case, data={"version": version.number})
    return version


# --------------------------------------------------------------------------------------------
# Referrals and notes
# --------------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    offer_text: str = "",
    referred_on: dt.date,
    goal: Goal | None = None,
    offer: Service | None = None,
) -> Referral:
    """Refer to an offer of the directory or, where none fits, to a free entry."""
    _own_case(actor, case)
    _needs_consent(case, ConsentPurpose.REFERRAL)
    _not_in_future(referred_on, _("The date of the referral"))
    if goal is not None and goal.case_id != case.pk:
        raise CasesError(_("The goal belongs to another case."))
    if offer is not None:
        offer_text = offer_text.strip() or offer.name
    if not offer_text.strip():
        raise CasesError(_("Choose an offer of the directory or name one."))
    referral = Referral.objects.create(
        case=case,
        goal=goal,
        offer=offer,
        offer_text=offer_text.strip()[:300],
        referred_on=referred_on,
        by=actor,
    )
    log_action(
        "cases.referral.created",
        actor=actor,
        obj=case,
        data={"referral": referral.pk, "offer": getattr(offer, "pk", None)},
    )
    return referral


@transaction.atomic
def referral_outcome(
    *, actor: User, referral: Referral, outcome: str, on: dt.date | None = None
) -> Referral:
    _own_case(actor, referral.case)
    if outcome not in ReferralOutcome.values or outcome == ReferralOutcome.PENDING:
        raise CasesError(_("Choose the outcome of the referral."))
    on = on or _today()
    _not_in_future(on, _("The date of the outcome"))
    if on < referral.referred_on:
        raise CasesError(_("The outcome cannot be before the referral."))
    referral.outcome = outcome
    referral.outcome_on = on
    referral.save(update_fields=["outcome", "outcome_on"])
    log_action(
        "cases.referral.outcome_recorded",
        actor=actor,
        obj=referral.case,
        data={"referral": referral.pk, "outcome": outcome},
    )
    return referral


@transaction.atomic
def note_create(*, actor: User, case: Case, on: dt.date, kind: str, text: str) -> ContactNote:
    _own_case(actor, case)
    _not_in_future(on, _("The date of the contact"))
    if kind not in ContactKind.values:
        raise CasesError(_("Unknown kind of contact."))
    if not text.strip():
        raise CasesError(_("Write what the contact was about."))
    note = ContactNote.objects.create(case=case, on=on, kind=kind, text=text.strip(), by=actor)
    log_action("cases.contactnote.created", actor=actor, obj=case, data={"note": note.pk})
    return note


# --------------------------------------------------------------------------------------------
# Specialist hours
# --------------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: User,
    grant: Grant,
    name: str,
    hourly_rate: Decimal,
    hours_budget: Decimal,
    valid_from: dt.date,
    valid_to: dt.date,
) -> FundingContract:
    """A funder agrees a contract for specialist hours on a grant of its own programme."""
    _require(
        policies.may_agree_contracts(user=actor)
        and grant.programme.funder_id == actor.organisation_id
    )
    if valid_to < valid_from:
        raise CasesError(_("The end of the contract cannot be before its start."))
    if hourly_rate <= 0 or hours_budget <= 0:
        raise CasesError(_("The hourly rate and the hours budget must be positive."))
    contract = FundingContract.objects.create(
        grant=grant,
        name=name.strip(),
        hourly_rate=hourly_rate,
        hours_budget=hours_budget,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    log_action("cases.fundingcontract.created", actor=actor, obj=contract)
    return contract


def _check_hours(hours: Decimal) -> None:
    if hours % HOURS_STEP:
        raise CasesError(_("Hours are logged in quarter hours (0.25)."))
    if abs(hours) > MAX_HOURS_PER_ENTRY:
        raise CasesError(_("An entry cannot have more than 24 hours."))


def contract_hours_used(contract: FundingContract) -> Decimal:
    return HourEntry.objects.filter(contract=contract).aggregate(s=Sum("hours"))["s"] or Decimal(0)


@dataclass(frozen=True)
class Logged:
    entry: HourEntry
    # hours over the contract's budget after this entry (0 when within it)
    over_budget: Decimal


@transaction.atomic
def hours_log(
    *,
    actor: User,
    case: Case,
    contract: FundingContract,
    on: dt.date,
    activity: str,
    hours: Decimal,
    assignment: MediatorProposal | None = None,
) -> Logged:
    """Hours worked on ``case`` under ``contract`` (``assignment``: a language mediator's
    assignment of the case whose hours these are)."""
    _require(policies.may_log_hours(user=actor) and case.organisation_id == actor.organisation_id)
    if assignment is not None and assignment.request.case_id != case.pk:
        raise CasesError(_("The assignment is not of this case."))
    _not_in_future(on, _("The date of the hours"))
    _needs_consent(case, ConsentPurpose.BILLING)
    if activity not in Activity.values:
        raise CasesError(_("Unknown activity."))
    if hours <= 0:
        raise CasesError(_("Hours must be positive; correct an entry to take hours back."))
    _check_hours(hours)
    contract = (
        FundingContract.objects.select_for_update().select_related("grant").get(pk=contract.pk)
    )
    if contract.grant.organisation_id != case.organisation_id:
        raise CasesError(_("This contract is not with your organisation."))
    if not contract.valid_from <= on <= contract.valid_to:
        raise CasesError(_("The date is outside the contract's period."))
    if on < case.opened_on:
        raise CasesError(_("Hours cannot be logged before the case was opened."))
    entry = HourEntry.objects.create(
        case=case,
        caseworker=actor,
        contract=contract,
        on=on,
        activity=activity,
        hours=hours,
        assignment=assignment,
    )
    data = {"entry": entry.pk, "contract": contract.pk, "hours": str(hours)}
    if assignment is not None:
        data["assignment"] = assignment.pk
    log_action("cases.hourentry.recorded", actor=actor, obj=case, data=data)
    over = max(contract_hours_used(contract) - contract.hours_budget, Decimal(0))
    return Logged(entry, over)


@transaction.atomic
def hours_correct(*, actor: User, entry: HourEntry, hours: Decimal, reason: str) -> HourEntry:
    """A correction is a new entry of ``hours`` (negative to take hours back) with a reason;
    the entry with its corrections never goes below zero hours."""
    _require(
        policies.may_log_hours(user=actor) and entry.case.organisation_id == actor.organisation_id
    )
    if entry.corrects_id is not None:
        raise CasesError(_("Correct the original entry, not a correction."))
    if not reason.strip():
        raise CasesError(_("A correction needs a reason."))
    if hours == 0:
        raise CasesError(_("A correction changes the hours."))
    _check_hours(hours)
    entry = (
        HourEntry.objects.select_for_update().select_related("case", "contract").get(pk=entry.pk)
    )
    total = entry.hours + (entry.corrections.aggregate(s=Sum("hours"))["s"] or Decimal(0))
    if total + hours < 0:
        raise CasesError(_("The correction would leave less than zero hours."))
    correction = HourEntry.objects.create(
        case=entry.case,
        caseworker=actor,
        contract=entry.contract,
        on=entry.on,
        activity=entry.activity,
        hours=hours,
        corrects=entry,
        reason=reason.strip(),
        assignment_id=entry.assignment_id,
    )
    log_action(
        "cases.hourentry.corrected",
        actor=actor,
        obj=entry.case,
        data={"entry": correction.pk, "corrects": entry.pk, "hours": str(hours)},
    )
    return correction


__all__ = [
    "CasesError",
    "ConsentInput",
    "Logged",
    "TransitionError",
    "active_purposes",
    "case_close",
    "case_open",
    "case_open_from_arrival",
    "case_transfer",
    "case_transition",
    "caseworker_assign",
    "consent_record",
    "consent_withdraw",
    "contract_create",
    "contract_hours_used",
    "goal_create",
    "goal_review",
    "goal_transition",
    "health_update",
    "hours_correct",
    "hours_log",
    "note_create",
    "plan_agree",
    "referral_create",
    "referral_outcome",
    "step_create",
    "step_transition",
    "transition",
]
