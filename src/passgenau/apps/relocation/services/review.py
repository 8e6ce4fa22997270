"""Review of a run's proposals: the coordinator overrides a proposal (only with a reason, which
is logged) and publishes the run, which sends its proposals to the municipalities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_action
from passgenau.engine.matching.adjust import PlacementCheck, SolvedAs, placement_options, remeasure
from passgenau.engine.matching.explain import explanation_to_dict

from .. import notification_kinds as tell
from ..models import (
    Household,
    HouseholdStatus,
    MatchingRun,
    Proposal,
    ProposalReason,
    ProposalStatus,
    ReasonKind,
    Round,
    RoundAction,
    RoundStatus,
    RunStatus,
    organisation_id_from_site_id,
    site_id_for,
)
from ..wording import placement_problems
from . import rounds as round_services
from . import states
from .runs import (
    _constraints,
    _profiles_from_snapshot,
    _require_coordinator,
    run_failure,
    snapshot_catalogue,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

# A run's figures are being computed again after a change (``MatchingRun.result``).
REMEASURING = "remeasuring"


def _run_placements(run: MatchingRun) -> dict[str, str | None]:
    """Where the run places every household now: kept places and its proposals as changed."""
    placements: dict[str, str | None] = {ref: site for ref, site in run.snapshot["fixed"]}
    rows = Proposal.objects.filter(run=run).values_list("household__reference", "municipality_id")
    for reference, municipality_id in rows:
        placements[reference] = site_id_for(municipality_id)
    return placements


def proposal_options(*, proposal: Proposal) -> dict[int, PlacementCheck]:
    """Per municipality of the run: what sending the proposal's household there would break
    (hard criteria, a declined pair, capacity given everyone else's place), from the run's
    snapshot; keyed by the municipality's organisation id."""
    run = MatchingRun.objects.get(pk=proposal.run_id)
    households, sites = _profiles_from_snapshot(run.snapshot)
    declined = Proposal.objects.filter(
        household_id=proposal.household_id, status=ProposalStatus.DECLINED
    ).values_list("municipality_id", flat=True)
    reference = proposal.household.reference
    forbidden = [*run.snapshot["forbidden"], *((reference, site_id_for(m)) for m in declined)]
    checks = placement_options(
        households,
        sites,
        snapshot_catalogue(run.snapshot),
        household_id=reference,
        placements=_run_placements(run),
        forbidden=forbidden,
    )
    return {organisation_id_from_site_id(c.site_id): c for c in checks}


@transaction.atomic
def proposal_override(
    *,
    actor: User,
    proposal: Proposal,
    municipality: Organisation,
    reason: str,
    exception: bool = False,
) -> Proposal:
    """Send the household to another participating municipality instead; ``reason`` required.

    A municipality that breaks a hard criterion (one the household excluded, a need it cannot
    meet) or has no capacity left is refused unless ``exception`` is given, which is logged with
    what the placement breaks. Sending the household back to the engine's municipality undoes
    the change. The run's load, scores and metrics are computed again (a background task)."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("run__round", "household")
        .get(pk=proposal.pk)
    )
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
    check = proposal_options(proposal=proposal)[municipality.pk]
    broken = placement_problems(check)
    if broken and not exception:
        raise ValidationError(
            {
                "municipality": _(
                    "%(problems)s. Choose another municipality, or place the household there "
                    "as an exception (the exception is logged with the reason)."
                )
                % {"problems": _sentence("; ".join(broken))}
            },
            code="hard_criteria",
        )
    previous = proposal.municipality_id
    back = municipality.pk == proposal.original_municipality_id
    if proposal.original_municipality_id is None:
        proposal.original_municipality_id = previous
    proposal.municipality = municipality
    proposal.score = check.score if check.allowed else max(check.score, 0.0)
    if back:  # the engine's proposal again: no longer a change
        proposal.original_municipality = None
        proposal.overridden = False
        proposal.override_reason = ""
        proposal.overridden_by = None
    else:
        proposal.overridden = True
        proposal.override_reason = reason
        proposal.overridden_by = actor
    proposal.save(
        update_fields=[
            "municipality",
            "original_municipality",
            "score",
            "overridden",
            "override_reason",
            "overridden_by",
            "updated_at",
        ]
    )
    kept = ProposalReason.objects.create(
        proposal=proposal, kind=ReasonKind.OVERRIDE, text=reason, given_by=actor
    )
    log_action(
        "relocation.proposal.overridden",
        actor=actor,
        obj=proposal,
        data={
            "from": previous,
            "to": municipality.pk,
            "reason_id": kept.pk,
            "undone": back,
            "exception": _exception_codes(check) if broken else [],
        },
    )
    run = MatchingRun.objects.select_for_update().get(pk=proposal.run_id)
    run.result = {**run.result, REMEASURING: True}
    run.save(update_fields=["result"])
    remeasure_run.enqueue(run.pk, [proposal.household.reference])
    return proposal


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _exception_codes(check: PlacementCheck) -> list[str]:
    """What an exception breaks, as codes for the audit trail (criterion ids, dimensions)."""
    return [
        *check.hard_criteria,
        *(["declined"] if check.forbidden else []),
        *(f"capacity:{e.dimension}" for e in check.over_capacity),
    ]


@task()
def remeasure_run(run_id: int, references: list[str]) -> None:
    """The background task after a change: never raises; a failure is stored on the run."""
    run_remeasure(run_id=run_id, references=references)


def run_remeasure(*, run_id: int, references: list[str]) -> MatchingRun:
    """Load, scores and metrics of the run as its proposals now stand; the explanations of the
    changed households (``references``) are written again."""
    run = MatchingRun.objects.get(pk=run_id)
    try:
        households, sites = _profiles_from_snapshot(run.snapshot)
        catalogue = snapshot_catalogue(run.snapshot)
        again = remeasure(
            households,
            sites,
            catalogue,
            placements=_run_placements(run),
            solved_as=SolvedAs(
                mechanism=str(run.result.get("mechanism", run.mechanism)),
                status=str(run.result.get("status", "feasible")),
                bound=run.result.get("bound"),
                solver=str(run.result.get("solver", "")),
                solver_version=str(run.result.get("solver_version", "")),
                seconds=float(run.result.get("seconds", 0.0)),
                seed=run.seed,
            ),
            **_constraints(run.snapshot),
            explain_households=references,
        )
    except Exception as exc:  # the run keeps its figures and says why they are not current
        failure = run_failure(exc)
        run.result = {
            **run.result,
            REMEASURING: False,
            "remeasure_error": failure["error"][:2000],
            "remeasure_problems": failure["error_problems"],
        }
        run.save(update_fields=["result"])
        return run
    labels = {c.id: c.label("en") for c in catalogue.criteria}
    with transaction.atomic():
        for proposal in Proposal.objects.select_for_update().filter(
            run=run, household__reference__in=references
        ):
            reference = proposal.household.reference
            proposal.score = again.scores.get(reference)
            if reference in again.explanations:
                proposal.explanation = explanation_to_dict(again.explanations[reference], labels)
            proposal.save(update_fields=["score", "explanation", "updated_at"])
        run = MatchingRun.objects.select_for_update().get(pk=run_id)
        metrics = dict(again.metrics)
        # the run's input is unchanged: its hash stays that of the snapshot's instance
        metrics["input_hash"] = run.input_hash
        metrics["scoring_seconds"] = run.metrics.get("scoring_seconds")
        metrics["changed_by_hand"] = Proposal.objects.filter(run=run, overridden=True).count()
        run.metrics = metrics
        failed = ("remeasure_error", "remeasure_problems")
        result = {k: v for k, v in run.result.items() if k not in failed}
        run.result = {**result, REMEASURING: False, "objective": metrics["objective"]}
        run.save(update_fields=["metrics", "result"])
    return run


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
    withdrawn = Proposal.objects.filter(run=run, status=ProposalStatus.WITHDRAWN)
    if stale.exists() or withdrawn.exists():
        raise ValidationError(
            _(
                "Some households of this run are no longer waiting for a place "
                "(e.g. withdrawn); start a new run."
            ),
            code="stale_run",
        )
    return household_ids


def _after_publish_check() -> None:
    """Between the checks and the writes of a publication (a test holds the transaction open
    here to show that a concurrent withdrawal waits)."""


@transaction.atomic
def run_publish(*, actor: User, run: MatchingRun) -> MatchingRun:
    """Publish the run's proposals; proposals of the round's other unpublished runs are
    superseded, and the round moves to "proposals"."""
    run = MatchingRun.objects.select_for_update().select_related("round").get(pk=run.pk)
    round_ = Round.objects.select_for_update().get(pk=run.round_id)
    _require_coordinator(actor=actor, round_=round_)
    # lock the run's households first: a consent withdrawn meanwhile waits for the publication
    # and then withdraws the published proposals (it locks the household too)
    list(
        Household.objects.select_for_update(of=("self",))
        .filter(proposals__run=run, proposals__status=ProposalStatus.DRAFT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    household_ids = _require_publishable(run=run, round_=round_)
    _after_publish_check()
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
    tell.tell_proposals_published(actor=actor, run=run)
    return run


__all__ = [
    "REMEASURING",
    "proposal_options",
    "proposal_override",
    "remeasure_run",
    "run_publish",
    "run_publish_problem",
    "run_remeasure",
]
