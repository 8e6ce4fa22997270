"""Corrections of recorded facts (issue 11): a municipality's decision, a follow-up survey or
the date of a consent, corrected with a reason."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .decisions import Decision
from .followup import FollowUpSurvey
from .intake import Consent


class CorrectionQuerySet(models.QuerySet["Correction"]):
    def of_households(self, households: Any) -> CorrectionQuerySet:
        """The corrections of the decisions, surveys and consents of ``households``: a list of
        ids, or one household (or an ``OuterRef`` to one)."""
        where = "in" if isinstance(households, list | tuple) else "exact"
        return self.filter(
            Q(**{f"decision__proposal__household__{where}": households})
            | Q(**{f"survey__household__{where}": households})
            | Q(**{f"consent__household__{where}": households})
        )


class Correction(models.Model):
    """One correction of a decision, a survey or a consent: the values before and after and
    the reason given. Both may be personal (a survey's answers; a reason may name people), so
    they are kept here, where erasure reaches them with the fact (and retention with the
    reasons), and not in the audit trail: its entry of the correction refers to this row."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    survey = models.ForeignKey(
        FollowUpSurvey,
        verbose_name=_("follow-up survey"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
    )
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    reason = models.TextField(_("reason"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    given_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(decision__isnull=False, survey__isnull=True, consent__isnull=True)
                    | Q(decision__isnull=True, survey__isnull=False, consent__isnull=True)
                    | Q(decision__isnull=True, survey__isnull=True, consent__isnull=False)
                ),
                name="correction_of_one_fact",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.given_at:%Y-%m-%d}: {sorted(self.after)}"
