"""Matching runs and the proposals they make."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation

from .base import status_in
from .intake import Household
from .rounds import Mechanism, Round


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class MatchingRun(models.Model):
    """One execution of the engine on a snapshot of the round's inputs.

    ``snapshot`` holds the profiles (engine dictionaries), fixed and forbidden pairs and the
    options, so the plain instance can be rebuilt and the run reproduced exactly; ``input_hash``
    is the engine's hash of that instance.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="runs"
    )
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices)
    seed = models.BigIntegerField(_("seed"), default=0)
    criteria_version = models.CharField(_("criteria catalogue version"), max_length=20)
    weights = models.JSONField(
        _("weighting"), default=dict, blank=True, help_text=_("Changes to criterion weights.")
    )
    input_hash = models.CharField(_("input hash"), max_length=128, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("re-matching of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rematches",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    task_id = models.CharField(_("task id"), max_length=100, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)
    result = models.JSONField(
        _("result"), default=dict, blank=True, help_text=_("Objective, bound, gap, solver.")
    )
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    snapshot = models.JSONField(_("input snapshot"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_problems = models.JSONField(
        _("input problems"),
        default=list,
        blank=True,
        help_text=_("Why the run failed, by problem code and parameters."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="run_number_unique_per_round"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
            models.CheckConstraint(condition=Q(seed__gte=0), name="run_seed_non_negative"),
            models.CheckConstraint(
                condition=status_in("status", RunStatus), name="run_status_valid"
            ),
            models.CheckConstraint(
                condition=status_in("mechanism", Mechanism), name="run_mechanism_valid"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round} · {_('run')} {self.number}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("under review")
    PUBLISHED = "published", _("published")
    ACCEPTED = "accepted", _("accepted by both sides")
    DECLINED = "declined", _("declined")
    SUPERSEDED = "superseded", _("superseded")
    WITHDRAWN = "withdrawn", _("withdrawn")


# From each state, the states a proposal may move to (``services/states.py`` checks and logs
# every change): a draft is published or superseded by another run's publication; a published
# proposal is accepted by both sides or declined by one. An open proposal (draft or published)
# is withdrawn at once when its household withdraws its consent.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.DRAFT: frozenset(
        {ProposalStatus.PUBLISHED, ProposalStatus.SUPERSEDED, ProposalStatus.WITHDRAWN}
    ),
    ProposalStatus.PUBLISHED: frozenset(
        {ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN}
    ),
    # a municipality's acceptance recorded in error, corrected before travel is planned
    ProposalStatus.ACCEPTED: frozenset({ProposalStatus.DECLINED}),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.SUPERSEDED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}

# Proposals not yet decided: withdrawn with the household's consent.
OPEN_PROPOSAL_STATUSES: frozenset[str] = frozenset({ProposalStatus.DRAFT, ProposalStatus.PUBLISHED})


class Proposal(models.Model):
    """The engine's (or the coordinator's) proposal to place a household at a municipality."""

    run = models.ForeignKey(
        MatchingRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="proposals"
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="relocation_proposals",
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    fixed = models.BooleanField(_("kept from an accepted placement"), default=False)
    overridden = models.BooleanField(_("changed by the coordinator"), default=False)
    override_reason = models.TextField(_("reason for the change"), blank=True)
    original_municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality proposed by the engine"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["run", "municipality", "household"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="proposal_one_per_household"),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="proposal_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=status_in("status", ProposalStatus), name="proposal_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["run", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.household} → {self.municipality}"


class ReasonKind(models.TextChoices):
    OVERRIDE = "override", _("change of the proposal")
    ARRIVAL_CORRECTION = "arrival_correction", _("correction of the arrival")


class ProposalReason(models.Model):
    """A reason a user gave for a step on a proposal (a coordinator's change, an officer's
    correction of the arrival), kept for the record. Reasons are free text that may name people,
    so they live here, where erasure reaches them, and not in the audit trail: its entry of the
    step refers to this row (``reason_id``). Decisions keep their reason themselves."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reasons"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReasonKind.choices)
    text = models.TextField(_("reason"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["proposal", "given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=status_in("kind", ReasonKind), name="proposalreason_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.proposal_id}"
