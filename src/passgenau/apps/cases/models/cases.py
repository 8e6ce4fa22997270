"""Case management: cases of arrived households or persons, consent per purpose, transfers,
integration plans (goals, steps, agreed versions), referrals, contact notes, and specialist hours
(Fachleistungsstunden) billed under a funding contract.

Rules kept here and in :mod:`.services`: states change only along the transition tables below;
an agreed plan version and an hour entry are never changed once written (corrections are new
entries with a reason); special-category data (health) lives in its own table so that it can be
shown only to the responsible caseworker and only with the consent for that purpose.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.accounts.models import Organisation

CENTS = Decimal("0.01")

# Unambiguous characters for references read out over the phone (no 0/O, 1/I/L).
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_case_reference() -> str:
    """A random pseudonymous reference such as ``C-7KQ3-M9TA`` (the only id in audit and bills)."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"C-{raw[:4]}-{raw[4:]}"


class Language(models.TextChoices):
    DE = "de", _("German")
    EN = "en", _("English")
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")
    AR = "ar", _("Arabic")
    FA = "fa", _("Persian")
    TR = "tr", _("Turkish")
    PL = "pl", _("Polish")


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


class CaseKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    PERSON = "person", _("person")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("opened")
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    CLOSED = "closed", _("closed")


# The only status changes there are; closing needs an outcome (services.case_close).
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSED}),
    CaseStatus.ACTIVE: frozenset({CaseStatus.PAUSED, CaseStatus.CLOSED}),
    CaseStatus.PAUSED: frozenset({CaseStatus.ACTIVE, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.ACTIVE}),
}


class CaseOutcome(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("goals reached")
    PARTLY_REACHED = "partly_reached", _("goals partly reached")
    MOVED_AWAY = "moved_away", _("moved away")
    NO_LONGER_WANTED = "no_longer_wanted", _("support no longer wanted")
    REGULAR_SERVICES = "regular_services", _("handed over to regular services")
    OTHER = "other", _("other")


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("keeping a case and an integration plan")
    TAKE_OVER = "take_over", _("taking over the data recorded in the relocation round")
    HEALTH = "health", _("recording and using health data (special category)")
    REFERRAL = "referral", _("passing necessary data to the offers referred to")
    TRANSFER = "transfer", _("handing the case over to another organisation")
    BILLING = "billing", _("billing specialist hours to the funder, pseudonymised")


def _in_choices(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class Case(models.Model):
    """A case of one household or one person, kept by one organisation and caseworker."""

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_case_reference, editable=False
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.HOUSEHOLD
    )
    # the name the caseworker uses; never written to the audit trail or to a bill
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    persons = models.PositiveSmallIntegerField(_("persons"), default=1)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.UK
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    household = models.ForeignKey(
        "relocation.Household",
        verbose_name=_("household of the relocation round"),
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
    )
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CaseOutcome.choices, blank=True)
    needs = models.JSONField(_("needs taken over"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", CaseStatus), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_on__isnull=False) & ~Q(outcome="")
                | ~Q(status=CaseStatus.CLOSED),
                name="case_closed_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(household__isnull=False) & ~Q(status=CaseStatus.CLOSED),
                name="case_one_open_per_household",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"pk": self.pk})

    def audit_label(self) -> str:
        """The name of the case in the audit trail: its pseudonymous code, never the name."""
        return self.reference


class CaseConsent(models.Model):
    """Consent of the person(s) for one purpose; withdrawing keeps the row."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    explained_in = models.CharField(_("explained in"), max_length=5, choices=Language.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["case", "purpose", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="case_consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=_in_choices("purpose", ConsentPurpose), name="case_consent_purpose_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.purpose}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class CaseEvent(models.Model):
    """What happened to a case: status changes and transfers (the case's own history)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20)  # "status" or "transfer"
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("from organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("to organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on = models.DateField(_("on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.on}"


class VaccinationStatus(models.TextChoices):
    UNKNOWN = "unknown", _("not known")
    COMPLETE = "complete", _("complete for age (STIKO)")
    INCOMPLETE = "incomplete", _("incomplete, catch-up planned")
    NONE = "none", _("no vaccination record")


class HealthRecord(models.Model):
    """Special-category data (Art. 9 GDPR): only the responsible caseworker, only with consent."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="health"
    )
    vaccination_status = models.CharField(
        _("vaccination status"),
        max_length=12,
        choices=VaccinationStatus.choices,
        default=VaccinationStatus.UNKNOWN,
    )
    counselling_language = models.CharField(
        _("language for low-threshold health counselling"),
        max_length=5,
        choices=Language.choices,
        blank=True,
    )
    needs = models.TextField(_("health needs"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("health data")
        verbose_name_plural = _("health data")

    def __str__(self) -> str:
        return f"{self.case}"


# --------------------------------------------------------------------------------------------
# Integration plan
# --------------------------------------------------------------------------------------------


class GoalArea(models.TextChoices):
    LANGUAGE = "language", _("language")
    WORK = "work", _("work and training")
    HOUSING = "housing", _("housing")
    HEALTH = "health", _("health")
    SCHOOL = "school", _("school and kita")
    RESIDENCE = "residence", _("residence status")
    PARTICIPATION = "participation", _("social participation")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    REACHED = "reached", _("reached")
    DROPPED = "dropped", _("dropped")


GOAL_TRANSITIONS: dict[str, frozenset[str]] = {
    GoalStatus.OPEN: frozenset({GoalStatus.IN_PROGRESS, GoalStatus.REACHED, GoalStatus.DROPPED}),
    GoalStatus.IN_PROGRESS: frozenset({GoalStatus.REACHED, GoalStatus.DROPPED}),
    GoalStatus.REACHED: frozenset({GoalStatus.IN_PROGRESS}),
    GoalStatus.DROPPED: frozenset({GoalStatus.OPEN}),
}


class StepStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


STEP_TRANSITIONS: dict[str, frozenset[str]] = {
    StepStatus.OPEN: frozenset({StepStatus.DONE, StepStatus.DROPPED}),
    StepStatus.DONE: frozenset({StepStatus.OPEN}),
    StepStatus.DROPPED: frozenset({StepStatus.OPEN}),
}


class Goal(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="goals"
    )
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    title = models.CharField(_("goal"), max_length=200)
    responsible = models.CharField(
        _("responsible"),
        max_length=100,
        help_text=_("Who takes care of it: the person, the caseworker, a service."),
    )
    due_on = models.DateField(_("due on"))
    review_on = models.DateField(_("review on"))
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    # the day the goal was reached (empty again when it is taken up once more)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["case", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", GoalStatus), name="goal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=GoalStatus.REACHED, reached_on__isnull=False)
                | ~Q(status=GoalStatus.REACHED) & Q(reached_on__isnull=True),
                name="goal_reached_has_date",
            ),
            models.CheckConstraint(condition=_in_choices("area", GoalArea), name="goal_area_valid"),
        ]
        indexes = [models.Index(fields=["status", "review_on"])]

    def __str__(self) -> str:
        return self.title


class Step(models.Model):
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("step"), max_length=200)
    responsible = models.CharField(_("responsible"), max_length=100)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["goal", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", StepStatus), name="step_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title


class Immutable(models.Model):
    """A row that is written once: saving it again or deleting it is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("This record cannot be changed once written."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("This record cannot be deleted."))


class PlanVersion(Immutable):
    """What was agreed when: a snapshot of the goals and steps at the moment of agreement."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    agreed_on = models.DateField(_("agreed on"))
    content = models.JSONField(_("goals and steps as agreed"))
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"


# --------------------------------------------------------------------------------------------
# Referrals and contact notes
# --------------------------------------------------------------------------------------------


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    TAKEN_UP = "taken_up", _("taken up")
    WAITING_LIST = "waiting_list", _("on a waiting list")
    NOT_TAKEN_UP = "not_taken_up", _("not taken up")
    NO_PLACE = "no_place", _("no place available")


class Referral(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    offer = models.ForeignKey(
        "directory.Service",
        verbose_name=_("offer of the directory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_referrals",
    )
    # the offer as named when referred, or a free entry where no offer of the directory fits
    offer_text = models.CharField(_("offer"), max_length=300)
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PENDING,
    )
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["case", "-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("referred_on")),
                name="referral_outcome_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return self.offer_text


class ContactKind(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    VIDEO = "video", _("by video")
    HOME_VISIT = "home_visit", _("home visit")
    WRITTEN = "written", _("in writing")


class ContactNote(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes"
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    text = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact note")
        verbose_name_plural = _("contact notes")
        ordering = ["case", "-on", "-id"]
        indexes = [models.Index(fields=["case", "on"])]

    def __str__(self) -> str:
        return f"{self.case} {self.on}"


# --------------------------------------------------------------------------------------------
# Specialist hours (Fachleistungsstunden)
# --------------------------------------------------------------------------------------------


class FundingContract(models.Model):
    """Specialist hours agreed under a grant: the hourly rate and the hours budget."""

    grant = models.ForeignKey(
        "funding.Grant",
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        related_name="hour_contracts",
    )
    name = models.CharField(_("name"), max_length=200)
    hourly_rate = models.DecimalField(_("hourly rate (EUR)"), max_digits=8, decimal_places=2)
    hours_budget = models.DecimalField(_("hours budget"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding contract")
        verbose_name_plural = _("funding contracts")
        ordering = ["-valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="contract_period_order",
            ),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="contract_rate_positive"),
            models.CheckConstraint(
                condition=Q(hours_budget__gt=0), name="contract_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:contract_detail", kwargs={"pk": self.pk})


class Activity(models.TextChoices):
    COUNSELLING = "counselling", _("counselling")
    ACCOMPANYING = "accompanying", _("accompanying to an appointment")
    PLANNING = "planning", _("integration planning")
    CASE_CONFERENCE = "case_conference", _("case conference")
    MEDIATION = "mediation", _("language mediation")
    ADMINISTRATION = "administration", _("applications and correspondence")


class HourEntry(Immutable):
    """Hours worked on a case under a contract. Never changed: a correction is a new entry
    (positive or negative hours) that names the entry it corrects and why."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="hour_entries"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        related_name="hour_entries",
    )
    contract = models.ForeignKey(
        FundingContract,
        verbose_name=_("funding contract"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    on = models.DateField(_("date"))
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    # a language mediator's assignment whose hours these are (its corrections name it too);
    # the link goes when the assignment is erased, the hours stay for the statement
    assignment = models.ForeignKey(
        "cases.MediatorProposal",
        verbose_name=_("language mediation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hour_entries",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hour entry")
        verbose_name_plural = _("hour entries")
        ordering = ["contract", "on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, hours__gt=0, reason="")
                | Q(corrects__isnull=False) & ~Q(reason="") & ~Q(hours=0),
                name="hour_entry_positive_or_reasoned_correction",
            ),
            models.CheckConstraint(
                condition=_in_choices("activity", Activity), name="hour_entry_activity_valid"
            ),
        ]
        indexes = [models.Index(fields=["contract", "on"])]

    def __str__(self) -> str:
        return f"{self.case} {self.on} {self.hours}"
