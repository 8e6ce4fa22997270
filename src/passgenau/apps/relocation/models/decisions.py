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
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_side_display()} {self.get_outcome_display()}"
