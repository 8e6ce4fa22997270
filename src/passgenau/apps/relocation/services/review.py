"""Review of a run's proposals: the coordinator overrides a proposal (only with a reason, which
is logged) and publishes the run, which sends its proposals to the municipalities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_action

from ..models import (
    Household,
    HouseholdStatus,
    MatchingRun,
    Proposal,
    ProposalStatus,
    Round,
    RoundAction,
    RoundStatus,
    RunStatus,
)
from . import rounds as round_services
from . import states
from .runs import _require_coordinator


@transaction.atomic
def proposal_override(
    *, actor: Any, proposal: Proposal, municipality: Organisation, reason: str
) -> Proposal:
    """Send the household to another participating municipality instead; ``reason`` required."""
    proposal = Proposal.objects.select_for_update().select_related("run__round").get(pk=proposal.pk)
    round_ = proposal.run.round
    _require_coordinator(actor=actor, round_=round_)
    round_services.round_require(round_=round_, action=RoundAction.REVIEW_PROPOSALS)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Give the reason for changing the proposal.")
    if proposal.status != ProposalStatus.DRAFT or proposal.run.published_at is not None:
        errors["municipality"] = _("Only proposals under review can be changed.")
    if not round_.profiles.filter(municipality=municipality).exists():
        errors["municipality"] = _("This municipality does not take part in the round.")
    elif municipality.pk == proposal.municipality_id:
        errors["municipality"] = _("The household is already proposed to this municipality.")
    declined = Proposal.objects.filter(
        household_id=proposal.household_id,
        municipality=municipality,
        status=ProposalStatus.DECLINED,
    )
    if declined.exists():
        errors["municipality"] = _("This placement was declined before.")
    if errors:
        raise ValidationError(errors)
    previous = proposal.municipality_id
    if proposal.original_municipality_id is None:
        proposal.original_municipality_id = previous
    proposal.municipality = municipality
    proposal.overridden = True
    proposal.override_reason = reason
    proposal.overridden_by = actor
    proposal.save(
        update_fields=[
            "municipality",
            "original_municipality",
            "overridden",
            "override_reason",
            "overridden_by",
            "updated_at",
        ]
    )
    log_action(
        "relocation.proposal.overridden",
        actor=actor,
        obj=proposal,
        data={"from": previous, "to": municipality.pk, "reason": reason},
    )
    return proposal


def run_publish_problem(*, run: MatchingRun) -> str | None:
    """Why the run cannot be published now, or None: the checks of :func:`run_publish`, for the
    page that asks for confirmation."""
    try:
        _require_publishable(run=run, round_=run.round)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _require_publishable(*, run: MatchingRun, round_: Round) -> list[int]:
    """The households of the run's draft proposals; ValidationError when it cannot be published."""
    round_services.round_require(round_=round_, action=RoundAction.REVIEW_PROPOSALS)
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(_("Only a finished run can be published."), code="run_state")
    if run.published_at is not None:
        raise ValidationError(_("This run is already published."), code="run_state")
    drafts = Proposal.objects.filter(run=run, status=ProposalStatus.DRAFT)
    household_ids = list(drafts.values_list("household_id", flat=True))
    stale = Household.objects.filter(pk__in=household_ids).exclude(
        status=HouseholdStatus.INTERVIEWED
    )
    if stale.exists():
        raise ValidationError(
            _(
                "Some households of this run are no longer waiting for a place "
                "(e.g. withdrawn); start a new run."
            ),
            code="stale_run",
        )
    return household_ids


@transaction.atomic
def run_publish(*, actor: Any, run: MatchingRun) -> MatchingRun:
    """Publish the run's proposals; proposals of the round's other unpublished runs are
    superseded, and the round moves to "proposals"."""
    run = MatchingRun.objects.select_for_update().select_related("round").get(pk=run.pk)
    round_ = Round.objects.select_for_update().get(pk=run.round_id)
    _require_coordinator(actor=actor, round_=round_)
    household_ids = _require_publishable(run=run, round_=round_)
    drafts = Proposal.objects.filter(run=run, status=ProposalStatus.DRAFT)
    published = states.status_change_many(
        actor=actor, queryset=drafts, to_status=ProposalStatus.PUBLISHED
    )
    states.status_change_many(
        actor=actor,
        queryset=Household.objects.filter(pk__in=household_ids),
        to_status=HouseholdStatus.PROPOSED,
    )
    states.status_change_many(
        actor=actor,
        queryset=Proposal.objects.filter(run__round=round_, status=ProposalStatus.DRAFT).exclude(
            run=run
        ),
        to_status=ProposalStatus.SUPERSEDED,
    )
    run.published_at = timezone.now()
    run.published_by = actor
    run.save(update_fields=["published_at", "published_by"])
    round_services.round_transition(actor=actor, round_=round_, to_status=RoundStatus.PROPOSALS)
    log_action("relocation.run.published", actor=actor, obj=run, data={"proposals": published})
    return run


__all__ = ["proposal_override", "run_publish", "run_publish_problem"]
