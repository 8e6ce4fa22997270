"""A municipal plan for asylum and integration (Fachplan, Integrationsfahrplan): guidelines,
areas (Handlungsfelder), measures with their actors, status history, indicators and the council's
progress reports.

A plan holds no personal data of refugees: indicators computed from the platform's own data are
aggregates (numbers for a territory on a date). Actors are organisations, departments and
committees; an actor linked to an organisation of the platform lets that organisation's staff take
part (comment, propose, report progress on its own measures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.accounts.models import Organisation

from . import indicators

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _user_link(label: StrOrPromise) -> models.ForeignKey[Any]:
    """Who did something: kept when the account is deleted, as "nobody"."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    CONSULTATION = "consultation", _("consultation")
    ADOPTED = "adopted", _("adopted")
    CLOSED = "closed", _("closed")


# Which status a plan may move to from each status (the only way a plan's status changes).
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.CONSULTATION, PlanStatus.ADOPTED}),
    PlanStatus.CONSULTATION: frozenset({PlanStatus.DRAFT, PlanStatus.ADOPTED}),
    PlanStatus.ADOPTED: frozenset({PlanStatus.CLOSED}),
    PlanStatus.CLOSED: frozenset(),
}


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=200)
    coordinating_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("coordinating office"),
        on_delete=models.PROTECT,
        related_name="measure_plans",
    )
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    council_decision = models.CharField(
        _("council decision"),
        max_length=100,
        blank=True,
        help_text=_("The number of the council's resolution, e.g. V1234/19."),
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        on_delete=models.PROTECT,
        related_name="successors",
        null=True,
        blank=True,
    )
    created_by = _user_link(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="measures_plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("measures:plan_detail", kwargs={"pk": self.pk})

    @property
    def territory(self) -> models.Model | None:
        """The Kreis or Gemeinde of the coordinating office (what computed indicators count)."""
        return self.coordinating_organisation.territory

    @property
    def territory_key(self) -> str:
        office = self.coordinating_organisation
        return office.gemeinde_id or office.kreis_id or ""


class Guideline(models.Model):
    """One of the plan's guidelines (Leitlinien)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="guidelines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("guideline"))

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Area(models.Model):
    """An area of action (Handlungsfeld, Teilbereich)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="measures_area_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ActorKind(models.TextChoices):
    ORGANISATION = "organisation", _("organisation")
    DEPARTMENT = "department", _("department")
    COMMITTEE = "committee", _("committee")


class Actor(models.Model):
    """A participant of the plan. Linked to an organisation, that organisation's staff act as it."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actors"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ActorKind.choices, default=ActorKind.ORGANISATION
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation on the platform"),
        on_delete=models.PROTECT,
        related_name="measure_actors",
        null=True,
        blank=True,
    )
    coordinates = models.BooleanField(
        _("in the steering group"),
        default=False,
        help_text=_(
            "The linked organisation coordinates the plan together with the coordinating office."
        ),
    )

    class Meta:
        verbose_name = pgettext_lazy("measures", "actor")
        verbose_name_plural = _("actors")
        ordering = ["plan", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="measures_actor_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", pgettext_lazy("measures", "running")
    DONE = "done", _("done")
    DELAYED = "delayed", _("delayed")
    DROPPED = "dropped", _("dropped")


# Which status a measure may move to from each status (staying is a progress report).
MEASURE_TRANSITIONS: dict[str, frozenset[str]] = {
    MeasureStatus.PLANNED: frozenset(
        {MeasureStatus.RUNNING, MeasureStatus.DELAYED, MeasureStatus.DROPPED}
    ),
    MeasureStatus.RUNNING: frozenset(
        {MeasureStatus.DONE, MeasureStatus.DELAYED, MeasureStatus.DROPPED}
    ),
    MeasureStatus.DELAYED: frozenset(
        {MeasureStatus.RUNNING, MeasureStatus.DONE, MeasureStatus.DROPPED}
    ),
    MeasureStatus.DONE: frozenset(),
    MeasureStatus.DROPPED: frozenset(),
}
# A change to one of these needs a reason in its note.
STATUS_NEEDS_REASON: frozenset[str] = frozenset({MeasureStatus.DELAYED, MeasureStatus.DROPPED})
# Measures in these states are carried over into the next plan.
STATUS_CARRIED_OVER: frozenset[str] = frozenset(
    {MeasureStatus.PLANNED, MeasureStatus.RUNNING, MeasureStatus.DELAYED}
)


class Measure(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="measures"
    )
    code = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    objective = models.TextField(_("objective"), blank=True)
    lead_actors = models.ManyToManyField(
        Actor, verbose_name=_("responsible"), related_name="led_measures", blank=True
    )
    partners = models.ManyToManyField(
        Actor, verbose_name=_("partners"), related_name="partner_measures", blank=True
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    costs = models.DecimalField(
        _("planned costs (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    spent = models.DecimalField(
        _("spent so far (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("As last reported; for a measure paid by a grant, the grant's payments."),
    )
    programme = models.ForeignKey(
        "funding.Programme",
        verbose_name=_("funding programme"),
        on_delete=models.PROTECT,
        related_name="measures",
        null=True,
        blank=True,
    )
    grant = models.ForeignKey(
        "funding.Grant",
        verbose_name=_("grant"),
        on_delete=models.PROTECT,
        related_name="measures",
        null=True,
        blank=True,
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.PROTECT,
        related_name="carried_into",
        null=True,
        blank=True,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Set by ``selectors.plan_progress`` on the measures of a report: the status on its date.
    status_as_of: str

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "area__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="measures_measure_unique_code"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="measures_measure_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(costs__isnull=True) | Q(costs__gte=0),
                name="measures_measure_costs_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("measures:measure_detail", kwargs={"pk": self.pk})


class Authored(models.Model):
    """Written by a user on behalf of their organisation."""

    author = _user_link(_("by"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class MeasureUpdate(Authored):
    """A dated change of status or a progress report (status unchanged), with its note."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="updates"
    )
    on = models.DateField(_("date"))
    status_before = models.CharField(
        _("status before"), max_length=20, choices=MeasureStatus.choices
    )
    status_after = models.CharField(_("status after"), max_length=20, choices=MeasureStatus.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["measure", "on", "id"]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.status_before} → {self.status_after} ({self.on})"

    @property
    def is_change(self) -> bool:
        return self.status_before != self.status_after


class Comment(Authored):
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["measure", "created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.pk}"  # never the text: this appears in the audit trail


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", pgettext_lazy("measures", "accepted")
    REJECTED = "rejected", _("rejected")


class MeasureProposal(models.Model):
    """A new measure proposed by an actor during the consultation; the coordinating office
    decides."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="proposals"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=300)
    objective = models.TextField(_("objective"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = _user_link(_("by"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decision_note = models.TextField(_("reason of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    measure = models.OneToOneField(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        related_name="proposal",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["plan", "created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """What is measured for a measure or an area: baseline, target and dated values.

    ``definition_code`` names a computed definition (``indicators.REGISTRY``); empty means that
    values are entered by hand.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.CASCADE,
        related_name="indicators",
        null=True,
        blank=True,
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="indicators",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("date of the baseline"), null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    definition_code = models.CharField(_("computed from"), max_length=100, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=True) & Q(measure__isnull=False))
                | (Q(area__isnull=False) & Q(measure__isnull=True)),
                name="measures_indicator_of_area_or_measure",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def computed(self) -> bool:
        return bool(self.definition_code)

    @property
    def definition_description(self) -> str:
        """The definition and its parameters in words ("Angebote – Sprache: Arabisch")."""
        return indicators.describe(self.definition_code, self.parameters)


class IndicatorValue(models.Model):
    """One value on a date, as entered or as computed (with the definition and parameters used)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    definition_code = models.CharField(_("computed from"), max_length=100, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    territory_key = models.CharField(_("official key"), max_length=12, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = _user_link(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "on"], name="measures_indicator_one_value_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.on})"

    @property
    def definition_description(self) -> str:
        """How a computed value was computed, in words (empty for one entered by hand)."""
        return indicators.describe(self.definition_code, self.parameters)


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"


class Report(models.Model):
    """A progress report exactly as issued to the council: the file and its SHA-256."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="reports"
    )
    as_of = models.DateField(_("as of"))
    format = models.CharField(_("format"), max_length=10, choices=ReportFormat.choices)
    content = models.BinaryField(_("file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_by = _user_link(_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["plan", "-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.as_of} ({self.format})"

    @property
    def filename(self) -> str:
        return f"sachstandsbericht-{self.plan_id}-{self.as_of.isoformat()}.{self.format}"
