"""Decisions on published proposals: the municipality's (by its officer, or received by phone or
letter and recorded by the round's coordinator) and the household's consent (recorded by its
interviewer). A proposal is accepted when both sides accepted, declined
as soon as one side declines; a declined pair is never proposed again.

Confirmations can never overbook a capacity: the municipality's profile row is locked
(``SELECT … FOR UPDATE``) for the whole check-and-write, so two officers confirming at the same
moment are serialised, and the second sees the first's confirmation when it adds up the load.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.corrections import correction_reason
from passgenau.apps.core.errors import StateError

from .. import notification_kinds as tell
from .. import policies
from ..models import (
    Arrival,
    Decision,
    DecisionOutcome,
    DecisionSide,
    DecisionSource,
    Household,
    HouseholdStatus,
    Member,
    MunicipalityProfile,
    Proposal,
    ProposalStatus,
    RoundAction,
    Travel,
)
from ..models.vocab import CapacityDimension
from . import corrections, states
from . import rounds as round_services

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


def _after_capacity_check() -> None:
    """A seam for the concurrency test: it widens the window between check and write."""


class CapacityExceeded(StateError):
    """Confirming would put more on a municipality than its capacity allows."""


def household_demand(household: Household) -> dict[str, int]:
    """What placing the household uses up, per dimension (members and needs)."""
    return dict(household.to_domain().demand())


def _with_members() -> Any:
    return Proposal.objects.select_related("household__interview").prefetch_related(
        Prefetch("household__members", queryset=Member.objects.order_by("position", "id"))
    )


def _committed_load(profile: MunicipalityProfile, dims: list[str]) -> dict[str, int]:
    """What the municipality has confirmed in this round (accepted placements included)."""
    load = dict.fromkeys(dims, 0)
    confirmed = _with_members().filter(
        run__round_id=profile.round_id,
        municipality_id=profile.municipality_id,
        status__in=[ProposalStatus.PUBLISHED, ProposalStatus.ACCEPTED],
        decisions__side=DecisionSide.MUNICIPALITY,
        decisions__outcome=DecisionOutcome.ACCEPT,
    )
    for proposal in confirmed:
        demand = household_demand(proposal.household)
        for d in dims:
            load[d] += int(demand.get(d, 0))
    return load


def _validate(outcome: str, reason: str) -> str:
    reason = (reason or "").strip()
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": _("Choose accept or decline.")})
    if outcome == DecisionOutcome.DECLINE and not reason:
        raise ValidationError({"reason": _("Give the reason for declining.")})
    return reason


def _settle(proposal: Proposal, actor: User) -> None:
    """Move the proposal (and its household) on once a side declined or both accepted."""
    outcomes = dict(proposal.decisions.values_list("side", "outcome"))
    household = proposal.household
    if DecisionOutcome.DECLINE in outcomes.values():
        # the household waits for the re-matching
        moves = (ProposalStatus.DECLINED, HouseholdStatus.INTERVIEWED)
    elif len(outcomes) == len(DecisionSide.values):
        moves = (ProposalStatus.ACCEPTED, HouseholdStatus.PLACED)
    else:
        return
    states.status_change(actor=actor, obj=proposal, to_status=moves[0])
    states.status_change(actor=actor, obj=household, to_status=moves[1])
    log_action(
        f"relocation.proposal.{proposal.status}",
        actor=actor,
        obj=proposal,
        data={"household": household.pk, "municipality": proposal.municipality_id},
    )


def _record(
    proposal: Proposal,
    *,
    side: str,
    outcome: str,
    reason: str,
    actor: User,
    source: str = DecisionSource.APPLICATION,
    received_on: dt.date | None = None,
) -> Decision:
    if proposal.status != ProposalStatus.PUBLISHED:
        raise ValidationError(_("This proposal is not awaiting decisions."), code="proposal_state")
    round_services.round_require(round_=proposal.run.round, action=RoundAction.DECIDE)
    if proposal.household.status == HouseholdStatus.WITHDRAWN:
        raise ValidationError(_("The household has withdrawn."), code="withdrawn")
    if proposal.decisions.filter(side=side).exists():
        raise ValidationError(_("This side has already decided."), code="decided")
    decision = Decision.objects.create(
        proposal=proposal,
        side=side,
        outcome=outcome,
        reason=reason,
        decided_by=actor,
        source=source,
        received_on=received_on,
    )
    log_action(
        f"relocation.decision.{side}.{outcome}",
        actor=actor,
        obj=proposal,
        # the reason is free text about the household: it stays on the decision
        data={
            "decision": decision.pk,
            "reason_given": bool(reason),
            "household": proposal.household_id,
            "source": source,
        },
    )
    _settle(proposal, actor)
    tell.tell_decision_made(actor=actor, decision=decision)
    return decision


@transaction.atomic
def proposal_decide_municipality(
    *, actor: User, proposal: Proposal, outcome: str, reason: str = ""
) -> Decision:
    """The officer's answer for the municipality; confirming checks every capacity under a
    lock on the municipality's profile."""
    reason = _validate(outcome, reason)
    if not policies.proposal_may_decide_for_municipality(actor, proposal):
        raise ValidationError(_("Only the municipality's officers decide on this proposal."))
    return _decide_for_municipality(actor, proposal, outcome, reason)


@transaction.atomic
def proposal_record_received_decision(
    *,
    actor: User,
    proposal: Proposal,
    outcome: str,
    source: str,
    received_on: dt.date,
    reason: str = "",
) -> Decision:
    """The municipality's answer received by phone, letter, e-mail or in person, recorded by the
    round's coordinator with how and when it came; the same capacity check as the officer's."""
    reason = _validate(outcome, reason)
    if not policies.proposal_may_record_received_decision(actor, proposal):
        raise ValidationError(_("Only the round's coordinators record decisions received."))
    _check_received(proposal, source, received_on)
    return _decide_for_municipality(actor, proposal, outcome, reason, source, received_on)


def _check_received(proposal: Proposal, source: str | None, received_on: dt.date | None) -> None:
    """How a decision received came (not in the application), and when: not in the future, nor
    before the proposal was published."""
    if source not in DecisionSource.values or source == DecisionSource.APPLICATION:
        raise ValidationError({"source": _("Choose how the decision was received.")})
    if received_on is None:
        raise ValidationError({"received_on": _("Give the day it was received.")})
    if received_on > timezone.localdate():
        raise ValidationError(
            {"received_on": _("The day it was received cannot be in the future.")}
        )
    published = proposal.run.published_at
    if published is not None and received_on < timezone.localdate(published):
        raise ValidationError(
            {
                "received_on": _(
                    "The proposal was published on %(date)s: it cannot have been answered before."
                )
                % {"date": formats.date_format(timezone.localdate(published), "SHORT_DATE_FORMAT")}
            }
        )


def _check_capacity(profile: MunicipalityProfile, proposal: Proposal) -> None:
    """Refuses when confirming ``proposal`` would put more on the municipality than the
    capacities of its (locked) profile allow."""
    dims = list(profile.round.capacity_dimensions)
    load = _committed_load(profile, dims)
    demand = household_demand(proposal.household)
    over = [
        d for d in dims if load[d] + int(demand.get(d, 0)) > int(profile.capacities.get(d, 0) or 0)
    ]
    if over:
        labels = dict(CapacityDimension.choices)
        raise CapacityExceeded(
            _("Confirming would exceed the capacity for: %(dims)s.")
            % {"dims": ", ".join(str(labels.get(d, d)) for d in over)},
            code="capacity",
        )
    _after_capacity_check()


def _decide_for_municipality(
    actor: User,
    proposal: Proposal,
    outcome: str,
    reason: str,
    source: str = DecisionSource.APPLICATION,
    received_on: dt.date | None = None,
) -> Decision:
    # Lock order: the profile first, then the proposal (the household side locks only the
    # proposal), so that two confirmations for one municipality queue here.
    profile = (
        MunicipalityProfile.objects.select_for_update()
        .select_related("round")
        .get(round_id=proposal.run.round_id, municipality_id=proposal.municipality_id)
    )
    proposal = (
        _with_members()
        .select_for_update(of=("self",))
        .select_related("run__round")
        .get(pk=proposal.pk)
    )
    if outcome == DecisionOutcome.ACCEPT:
        _check_capacity(profile, proposal)
    return _record(
        proposal,
        side=DecisionSide.MUNICIPALITY,
        outcome=outcome,
        reason=reason,
        actor=actor,
        source=source,
        received_on=received_on,
    )


@transaction.atomic
def proposal_decide_household(
    *, actor: User, proposal: Proposal, outcome: str, reason: str = ""
) -> Decision:
    """The household's consent to its proposal, recorded by an interviewer of its organisation."""
    reason = _validate(outcome, reason)
    proposal = (
        _with_members()
        .select_for_update(of=("self",))
        .select_related("run__round")
        .get(pk=proposal.pk)
    )
    if not policies.proposal_may_record_household_answer(actor, proposal):
        raise ValidationError(_("Only the household's interviewers record its answer."))
    return _record(
        proposal, side=DecisionSide.HOUSEHOLD, outcome=outcome, reason=reason, actor=actor
    )


# After a correction, the proposal's and the household's status for the decisions it leaves
_SETTLED = {
    ProposalStatus.DECLINED: HouseholdStatus.INTERVIEWED,
    ProposalStatus.ACCEPTED: HouseholdStatus.PLACED,
    ProposalStatus.PUBLISHED: HouseholdStatus.PROPOSED,
}


@transaction.atomic
def decision_correct(
    *,
    actor: User,
    proposal: Proposal,
    reason: str,
    outcome: str,
    decline_reason: str = "",
    source: str | None = None,
    received_on: dt.date | None = None,
) -> Decision:
    """Correct the municipality's decision recorded in error (its officer, or the round's
    coordinator), with a reason, while the round takes decisions and before travel is planned:
    the outcome (and the reason for declining), and for a decision received, how and when it
    came, by the rules it was recorded under. The proposal and the household move through
    their transition tables: a declined proposal stays declined (the household may already be
    proposed elsewhere); an acceptance corrected to a decline declines it."""
    decline_reason = _validate(outcome, decline_reason)
    if not policies.decision_may_correct(actor, proposal):
        raise ValidationError(
            _("Only the municipality's officers or the round's coordinators correct its decision.")
        )
    reason = correction_reason(reason)
    profile = MunicipalityProfile.objects.select_for_update().get(
        round_id=proposal.run.round_id, municipality_id=proposal.municipality_id
    )
    proposal = (
        _with_members()
        .select_for_update(of=("self",))
        .select_related("run__round")
        .get(pk=proposal.pk)
    )
    decision = proposal.decisions.select_for_update().filter(side=DecisionSide.MUNICIPALITY).first()
    if decision is None:
        raise ValidationError(_("The municipality has not decided yet."), code="undecided")
    round_services.round_require(round_=proposal.run.round, action=RoundAction.DECIDE)
    if proposal.household.status == HouseholdStatus.WITHDRAWN:
        raise ValidationError(_("The household has withdrawn."), code="withdrawn")
    if (
        Travel.objects.filter(proposal=proposal).exists()
        or Arrival.objects.filter(proposal=proposal).exists()
    ):
        raise ValidationError(
            _("The travel is planned: the decision can no longer be corrected."),
            code="travel_planned",
        )
    values: dict[str, Any] = {"outcome": outcome, "reason": decline_reason}
    if decision.source != DecisionSource.APPLICATION:
        _check_received(proposal, source, received_on)
        values.update(source=source, received_on=received_on)
    changed = corrections.changed_values(decision, values)
    # the reason for declining only as given or not: it stays on the decision, for retention
    before = {k: corrections.kept(getattr(decision, k), free_text=k == "reason") for k in changed}
    status_before = proposal.status
    if "outcome" in changed:
        decided: dict[str, str | None] = {
            DecisionSide.HOUSEHOLD: None,
            DecisionSide.MUNICIPALITY: outcome,
        }
        decided.update(
            proposal.decisions.filter(side=DecisionSide.HOUSEHOLD).values_list("side", "outcome")
        )
        target = (
            ProposalStatus.DECLINED
            if DecisionOutcome.DECLINE in decided.values()
            else ProposalStatus.ACCEPTED
            if None not in decided.values()
            else ProposalStatus.PUBLISHED
        )
        states.status_change(actor=actor, obj=proposal, to_status=target)
        if outcome == DecisionOutcome.ACCEPT:
            _check_capacity(profile, proposal)
        states.status_change(actor=actor, obj=proposal.household, to_status=_SETTLED[target])
    for name, value in changed.items():
        setattr(decision, name, value)
    decision.save(update_fields=list(changed))
    after = {k: corrections.kept(v, free_text=k == "reason") for k, v in changed.items()}
    shown = {k: v for k, v in after.items() if k != "reason"}
    corrections.correction_keep(
        actor=actor,
        fact=decision,
        before=before,
        after=after,
        reason=reason,
        action="relocation.decision.corrected",
        obj=proposal,
        data={
            "decision": decision.pk,
            "household": proposal.household_id,
            "from": {k: v for k, v in before.items() if k != "reason"},
            "to": shown,
            "status": {"from": status_before, "to": proposal.status},
        },
    )
    return decision


__all__ = [
    "CapacityExceeded",
    "decision_correct",
    "household_demand",
    "proposal_decide_household",
    "proposal_decide_municipality",
    "proposal_record_received_decision",
]
