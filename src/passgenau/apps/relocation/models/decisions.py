"""Decisions on proposals, by the municipality and by the household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import status_in
from .runs import Proposal


class DecisionSide(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    HOUSEHOLD = "household", _("household")


class DecisionOutcome(models.TextChoices):
    ACCEPT = "accept", _("accepted")
    DECLINE = "decline", _("declined")


class DecisionSource(models.TextChoices):
    """How a decision reached the platform: entered by the deciding side in the application, or
    received another way and recorded by the round's coordinator (a municipality without an
    account answers by phone or letter)."""

    APPLICATION = "application", _("in the application")
    PHONE = "phone", _("by phone")
    LETTER = "letter", _("by letter")
    EMAIL = "email", _("by e-mail")
    IN_PERSON = "in_person", _("in person")


class Decision(models.Model):
    """One side's answer to a published proposal: the municipality's (by its officer) or the
    household's consent (recorded by its interviewer). Declining needs a reason."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="decisions"
    )
    side = models.CharField(_("side"), max_length=20, choices=DecisionSide.choices)
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    source = models.CharField(
        _("received"),
        max_length=20,
        choices=DecisionSource.choices,
        default=DecisionSource.APPLICATION,
    )
    # the day a decision received by phone, letter, … was given (the record may come later)
    received_on = models.DateField(_("received on"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["proposal", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "side"], name="decision_one_per_side"),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.ACCEPT) | ~Q(reason=""),
                name="decision_decline_needs_reason",
            ),
            models.CheckConstraint(
                condition=status_in("side", DecisionSide), name="decision_side_valid"
            ),
            models.CheckConstraint(
                condition=status_in("outcome", DecisionOutcome), name="decision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=status_in("source", DecisionSource), name="decision_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(source=DecisionSource.APPLICATION, received_on__isnull=True)
                | (~Q(source=DecisionSource.APPLICATION) & Q(received_on__isnull=False)),
                name="decision_received_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_side_display()} {self.get_outcome_display()}"
