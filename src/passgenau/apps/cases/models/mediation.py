"""Language mediation (Sprachmittlung): a pool of mediators with the languages they speak, the
areas they work in (doctor, school, authority …), the districts they go to, when they are free
(weekly times or date ranges) and how many appointments (and, where set, hours) a week they
take; a case's request for
one at an appointment; the engine's proposals (``mediation-v1.yaml``); the assignment once the
mediator confirmed, whose hours are specialist hours of the case (``HourEntry.assignment``).

A request moves along :data:`MEDIATION_REQUEST_TRANSITIONS`, a proposal along
:data:`MEDIATOR_PROPOSAL_TRANSITIONS`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.accounts.models import Organisation

from .cases import _REFERENCE_ALPHABET, Case, Language
from .housing import District
from .matching import EngineProposal, ProposalStatus, request_constraints
from .mentoring import SLOT_CHOICES, _labels


def new_mediator_reference() -> str:
    """A pseudonymous reference such as ``S-7KQ3-M9TA`` (what the audit trail and runs name)."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"S-{raw[:4]}-{raw[4:]}"


class AppointmentArea(models.TextChoices):
    DOCTOR = "doctor", _("doctor or hospital")
    SCHOOL = "school", _("school or kita")
    AUTHORITY = "authority", _("authority (job centre, immigration office …)")
    COUNSELLING = "counselling", _("counselling")
    OTHER = "other", _("other appointment")


MAX_HOURS_A_WEEK = 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as the slot tags name them


def part_of_day(at: dt.time) -> str:
    """The half-day of a time as the catalogue's time tags name it: am, pm or eve."""
    return "am" if at.hour < 12 else "pm" if at.hour < 17 else "eve"


class Mediator(models.Model):
    """A language mediator of the pool, kept by the organisation that coordinates it."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_mediator_reference, editable=False
    )
    # shown to caseworkers; never written to the audit trail or into a run
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    languages = models.JSONField(_("languages"), default=list)
    areas = models.JSONField(_("areas of work"), default=list)
    districts = models.ManyToManyField(
        District, verbose_name=_("districts worked in"), blank=True, related_name="+"
    )
    slots = models.JSONField(_("free every week"), default=list, blank=True)
    # [[first day, last day], …] in ISO dates: free on every half-day of these days
    periods = models.JSONField(_("free on the days"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("appointments a week at most"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # the appointments' expected minutes a week at most; empty: no limit beyond the appointments
    hours_a_week = models.PositiveSmallIntegerField(
        _("hours a week at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOURS_A_WEEK)],
    )
    active = models.BooleanField(_("takes appointments"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("language mediator")
        verbose_name_plural = _("language mediators")
        ordering = ["organisation", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=20), name="mediator_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(hours_a_week__isnull=True)
                | Q(hours_a_week__gte=1, hours_a_week__lte=MAX_HOURS_A_WEEK),
                name="mediator_hours_a_week_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:mediator_edit", kwargs={"pk": self.pk})

    def audit_label(self) -> str:
        """The mediator in the audit trail: its pseudonymous code, never the name."""
        return self.reference

    def free_at(self, day: dt.date, part: str) -> bool:
        """Free on ``day`` at the half-day ``part`` (a weekly time or a date range)."""
        if f"{WEEKDAYS[day.weekday()]}_{part}" in self.slots:
            return True
        iso = day.isoformat()
        return any(first <= iso <= last for first, last in self.periods)

    def languages_display(self) -> str:
        return _labels(self.languages, Language.choices)

    def areas_display(self) -> str:
        return _labels(self.areas, AppointmentArea.choices)

    def slots_display(self) -> str:
        return _labels(self.slots, SLOT_CHOICES)

    def periods_display(self) -> str:
        return ", ".join(f"{first} – {last}" for first, last in self.periods)


class MediationRequestStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for a language mediator")
    PROPOSED = "proposed", _("language mediator proposed")
    BOOKED = "booked", _("language mediator booked")
    DONE = "done", _("appointment took place")
    WITHDRAWN = "withdrawn", _("withdrawn")


MEDIATION_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    MediationRequestStatus.WAITING: frozenset(
        {MediationRequestStatus.PROPOSED, MediationRequestStatus.WITHDRAWN}
    ),
    MediationRequestStatus.PROPOSED: frozenset(
        {
            MediationRequestStatus.WAITING,
            MediationRequestStatus.BOOKED,
            MediationRequestStatus.WITHDRAWN,
        }
    ),
    MediationRequestStatus.BOOKED: frozenset(
        {MediationRequestStatus.DONE, MediationRequestStatus.WITHDRAWN}
    ),
    MediationRequestStatus.DONE: frozenset(),
    MediationRequestStatus.WITHDRAWN: frozenset(),
}


class MediationRequest(models.Model):
    """A case's appointment that needs a language mediator: what kind, when, where, in which
    language. ``note`` (what the appointment is about) may be health data: it is recorded only
    with the consent for health data, shown only to the responsible caseworker, and never
    passed on to the mediator."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="mediation_requests"
    )
    area = models.CharField(
        _("kind of appointment"), max_length=12, choices=AppointmentArea.choices
    )
    language = models.CharField(_("language needed"), max_length=5, choices=Language.choices)
    on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"))
    minutes = models.PositiveSmallIntegerField(
        _("expected minutes"), validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    place = models.CharField(_("place"), max_length=200)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("what it is about"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MediationRequestStatus.choices,
        default=MediationRequestStatus.WAITING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation request")
        verbose_name_plural = _("mediation requests")
        ordering = ["on", "starts_at", "id"]
        # a case has as many appointments as it needs
        constraints = request_constraints("mediation_request", MediationRequestStatus.values, ())

    def __str__(self) -> str:
        return f"A{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('cases:case_detail', kwargs={'pk': self.case_id})}#mediation"

    @property
    def part(self) -> str:
        return part_of_day(self.starts_at)

    @property
    def time_tag(self) -> str:
        """The appointment's half-day as the catalogue's ``time:`` tag names it."""
        return f"{self.on.isoformat()}_{self.part}"


MEDIATOR_PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.PROPOSED: frozenset({ProposalStatus.CONFIRMED, ProposalStatus.DECLINED}),
    ProposalStatus.CONFIRMED: frozenset({ProposalStatus.ENDED}),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.ENDED: frozenset(),
}


class MediatorProposal(EngineProposal):
    """A mediator the engine proposed for an appointment; once the mediator confirmed, the
    assignment (its hours are hour entries of the case)."""

    request = models.ForeignKey(
        MediationRequest,
        verbose_name=_("mediation request"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("language mediator"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )

    class Meta:
        verbose_name = _("mediator proposal")
        verbose_name_plural = _("mediator proposals")
        ordering = ["run", "request", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["proposed", "confirmed"]),
                name="mediator_proposal_one_live_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cases:mediation_assignment", kwargs={"pk": self.pk})


__all__ = [
    "MEDIATION_REQUEST_TRANSITIONS",
    "MEDIATOR_PROPOSAL_TRANSITIONS",
    "AppointmentArea",
    "MediationRequest",
    "MediationRequestStatus",
    "Mediator",
    "MediatorProposal",
    "part_of_day",
]
