"""Runs of the matching engine for case management (the housing transition, mentoring,
language mediation): what a
run was given (its snapshot of engine profiles), what it found, and the proposals it made, each
with the engine's explanation. A run is kept as it was; later changes to flats, mentors or
requests never change it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation


class Programme(models.TextChoices):
    """A programme of the engine, named as its criteria catalogue (``housing-v1.yaml``)."""

    HOUSING = "housing", _("housing transition")
    MENTORING = "mentoring", _("mentoring")
    MEDIATION = "mediation", _("language mediation")


class EngineRun(models.Model):
    """One run of the engine over an organisation's waiting requests and free places."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="engine_runs",
    )
    programme = models.CharField(_("programme"), max_length=12, choices=Programme.choices)
    number = models.PositiveIntegerField(_("number"))
    criteria_version = models.CharField(_("criteria catalogue version"), max_length=20)
    snapshot = models.JSONField(_("inputs as given to the engine"))
    input_hash = models.CharField(_("input hash"), max_length=64)
    result = models.JSONField(_("result"), default=dict)
    metrics = models.JSONField(_("metrics"), default=dict)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["organisation", "programme", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "number"], name="engine_run_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(programme__in=Programme.values), name="engine_run_programme_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.number}"


class RequestStatus:
    """The statuses every area's request has (each area's choices name them in its words): it
    waits, a place is proposed, or it is withdrawn. A run takes the waiting ones."""

    WAITING = "waiting"
    PROPOSED = "proposed"
    WITHDRAWN = "withdrawn"


def request_constraints(name: str, statuses: list[str], live: tuple[str, ...]) -> list[Any]:
    """The constraints of an area's request table ``name``: a known status, and at most one
    request per case in the ``live`` statuses (none: a case has as many as it needs)."""
    constraints: list[Any] = [
        models.CheckConstraint(condition=Q(status__in=statuses), name=f"{name}_status_valid")
    ]
    if live:
        constraints.append(
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=live), name=f"{name}_one_live_per_case"
            )
        )
    return constraints


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    ACCEPTED = "accepted", _("accepted by both sides")
    DECLINED = "declined", _("declined")
    ENDED = "ended", _("ended")


class EngineProposal(models.Model):
    """What a run proposed for one request: the place, its score and why."""

    run = models.ForeignKey(
        EngineRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="%(class)ss"
    )
    score = models.FloatField(_("score"))
    explanation = models.JSONField(_("explanation"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


__all__ = [
    "EngineProposal",
    "EngineRun",
    "Programme",
    "ProposalStatus",
    "RequestStatus",
    "request_constraints",
]
