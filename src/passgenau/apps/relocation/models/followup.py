"""Follow-up surveys after arrival."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import status_in
from .intake import Household
from .vocab import (
    QuestionnaireLanguage,
)


class FollowUpWave(models.IntegerChoices):
    ONE_MONTH = 1, _("after 1 month")
    SIX_MONTHS = 6, _("after 6 months")
    TWELVE_MONTHS = 12, _("after 12 months")


class SurveyStatus(models.TextChoices):
    DUE = "due", _("due")
    COMPLETED = "completed", _("completed")
    NOT_REACHED = "not_reached", _("not reached")
    DECLINED = "declined", _("declined to answer")


class YesNo(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    NOT_APPLICABLE = "n/a", _("does not apply")


# A survey may be held from two weeks before its due date on (the household is called in the
# days before; a month after arrival is a month, not four months early).
SURVEY_WINDOW = dt.timedelta(days=14)


class SurveyState(models.TextChoices):
    """Where an open survey stands on a day (not stored: follows from the due date)."""

    PLANNED = "planned", _("planned")
    DUE = "due", _("due")
    OVERDUE = "overdue", _("overdue")


def _likert(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"survey_{name}_1_to_5",
    )


class FollowUpSurvey(models.Model):
    """A follow-up survey 1, 6 or 12 months after arrival, in the household's language.

    Ratings are 1 (not at all) … 5 (completely); ``answers`` keeps free text and any further
    questions a programme adds.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="surveys"
    )
    wave = models.PositiveSmallIntegerField(_("wave"), choices=FollowUpWave.choices)
    due_on = models.DateField(_("due on"))
    language = models.CharField(_("language"), max_length=5, choices=QuestionnaireLanguage.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DUE
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    good_decision = models.PositiveSmallIntegerField(
        _("taking part was a good decision"), null=True, blank=True
    )
    place_fits = models.PositiveSmallIntegerField(_("the place still fits"), null=True, blank=True)
    working = models.CharField(_("in work"), max_length=3, choices=YesNo.choices, blank=True)
    children_in_school = models.CharField(
        _("children in school or kita"), max_length=3, choices=YesNo.choices, blank=True
    )
    language_course = models.CharField(
        _("in a language course"), max_length=3, choices=YesNo.choices, blank=True
    )
    answers = models.JSONField(_("further answers"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")
        ordering = ["household", "wave"]
        constraints = [
            models.UniqueConstraint(fields=["household", "wave"], name="survey_one_per_wave"),
            models.CheckConstraint(
                condition=status_in("wave", FollowUpWave), name="survey_wave_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SurveyStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="survey_completed_has_date",
            ),
            _likert("satisfaction"),
            _likert("good_decision"),
            _likert("place_fits"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_wave_display()}"

    @property
    def opens_on(self) -> dt.date:
        """The first day on which the survey can be recorded."""
        return self.due_on - SURVEY_WINDOW

    def is_open_on(self, today: dt.date) -> bool:
        return today >= self.opens_on

    def state_on(self, today: dt.date) -> str | None:
        """Planned before its window, due in it, overdue after the due date; None once it
        was held (then its status says how it ended)."""
        if self.status != SurveyStatus.DUE:
            return None
        if not self.is_open_on(today):
            return SurveyState.PLANNED
        return SurveyState.DUE if today <= self.due_on else SurveyState.OVERDUE
