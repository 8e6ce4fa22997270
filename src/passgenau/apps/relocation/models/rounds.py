"""Rounds: their states, the transitions between them and what each state allows (defined
once, in ``ROUND_TRANSITIONS`` and ``ROUND_RULES``; services check them)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation
from passgenau.engine.matching.criteria import load_catalogue

from .base import status_in
from .vocab import (
    CapacityDimension,
)

if TYPE_CHECKING:
    from .profiles import MunicipalityProfile


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open for profiles and interviews")
    MATCHING = "matching", _("matching")
    PROPOSALS = "proposals", _("proposals published")
    CLOSED = "closed", _("closed")


# From each state, the states a round may move to. matching → open lets a coordinator go back
# when a run failed or intake must continue; proposals → matching is re-matching.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.DRAFT, RoundStatus.MATCHING}),
    RoundStatus.MATCHING: frozenset({RoundStatus.OPEN, RoundStatus.PROPOSALS}),
    RoundStatus.PROPOSALS: frozenset({RoundStatus.MATCHING, RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}
# Going back to draft is only allowed while nobody has entered anything yet (checked by the
# service); these transitions have that extra condition.
GUARDED_TRANSITIONS: frozenset[tuple[str, str]] = frozenset({(RoundStatus.OPEN, RoundStatus.DRAFT)})


class RoundAction(models.TextChoices):
    """Things that change a round's data; ``ROUND_RULES`` says in which states each is allowed."""

    EDIT_SETTINGS = "edit_settings", _("change mechanism, criteria and capacity dimensions")
    EDIT_SCHEDULE = "edit_schedule", _("change name, description and deadlines")
    EDIT_PARTICIPANTS = "edit_participants", _("add or remove municipalities")
    EDIT_PROFILES = "edit_profiles", _("change municipality profiles")
    REGISTER_HOUSEHOLDS = "register_households", _("register and import households")
    EDIT_INTERVIEWS = "edit_interviews", _("change interviews")
    START_RUN = "start_run", _("start a matching run")
    REVIEW_PROPOSALS = "review_proposals", _("override proposals and publish them")
    DECIDE = "decide", _("decide on published proposals")
    TRAVEL = "travel", _("coordinate travel and record arrival")
    FOLLOW_UP = "follow_up", _("record follow-up surveys")


ROUND_RULES: dict[str, frozenset[str]] = {
    RoundAction.EDIT_SETTINGS: frozenset({RoundStatus.DRAFT}),
    RoundAction.EDIT_SCHEDULE: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundAction.EDIT_PARTICIPANTS: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundAction.EDIT_PROFILES: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundAction.REGISTER_HOUSEHOLDS: frozenset({RoundStatus.OPEN}),
    RoundAction.EDIT_INTERVIEWS: frozenset({RoundStatus.OPEN}),
    # a run moves the round to "matching"; re-matching starts from "proposals"
    RoundAction.START_RUN: frozenset(
        {RoundStatus.OPEN, RoundStatus.MATCHING, RoundStatus.PROPOSALS}
    ),
    RoundAction.REVIEW_PROPOSALS: frozenset({RoundStatus.MATCHING}),
    RoundAction.DECIDE: frozenset({RoundStatus.PROPOSALS}),
    RoundAction.TRAVEL: frozenset({RoundStatus.PROPOSALS, RoundStatus.CLOSED}),
    RoundAction.FOLLOW_UP: frozenset({RoundStatus.PROPOSALS, RoundStatus.CLOSED}),
}


class Mechanism(models.TextChoices):
    AUTO = "auto", _("automatic (optimal when small enough)")
    OPTIMAL = "optimal", _("optimal (maximum total score, proven)")
    SCALABLE = "scalable", _("scalable (large rounds, proven bound)")
    STABLE = "stable", _("stable (no pair prefers each other)")
    GREEDY = "greedy", _("greedy (quick baseline)")


@functools.cache
def _shipped_catalogue() -> Any:
    # parsed once per process: the catalogue is immutable (frozen dataclasses)
    return load_catalogue()


def default_dimensions() -> list[str]:
    return [CapacityDimension.PERSONS, CapacityDimension.SCHOOL, CapacityDimension.KITA]


class Round(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    coordinating_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("coordinating organisation"),
        on_delete=models.PROTECT,
        related_name="coordinated_rounds",
    )
    municipalities: models.ManyToManyField[Organisation, MunicipalityProfile] = (
        models.ManyToManyField(
            Organisation,
            verbose_name=_("participating municipalities"),
            through="MunicipalityProfile",
            through_fields=("round", "municipality"),
            related_name="relocation_rounds",
            blank=True,
        )
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    profiles_due = models.DateField(_("profiles due"), null=True, blank=True)
    interviews_close = models.DateField(_("interviews close"), null=True, blank=True)
    decisions_due = models.DateField(_("decisions due"), null=True, blank=True)
    criteria_version = models.CharField(_("criteria catalogue version"), max_length=20, default="1")
    mechanism = models.CharField(
        _("mechanism"), max_length=20, choices=Mechanism.choices, default=Mechanism.AUTO
    )
    capacity_dimensions = models.JSONField(
        _("capacity dimensions"),
        default=default_dimensions,
        help_text=_("What a placement uses up, e.g. persons, school places, kita places."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordinating_organisation", "name"], name="round_name_unique_per_org"
            ),
            models.CheckConstraint(
                condition=status_in("status", RoundStatus), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=status_in("mechanism", Mechanism), name="round_mechanism_valid"
            ),
            models.CheckConstraint(
                condition=Q(interviews_close__isnull=True)
                | Q(decisions_due__isnull=True)
                | Q(decisions_due__gte=models.F("interviews_close")),
                name="round_decisions_after_interviews",
            ),
        ]
        indexes = [models.Index(fields=["coordinating_organisation", "status"])]

    def __str__(self) -> str:
        return self.name

    def allows(self, action: str) -> bool:
        """Whether the round's current state allows ``action`` (a :class:`RoundAction`)."""
        return self.status in ROUND_RULES[action]

    def can_move_to(self, status: str) -> bool:
        return status in ROUND_TRANSITIONS[self.status]

    def catalogue(self) -> Any:
        """The engine's criteria catalogue this round uses (only version 1 ships)."""
        return _shipped_catalogue()
