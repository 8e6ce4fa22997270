"""The housing transition: flats of housing providers or the city, households waiting in central
accommodation with their needs and wishes, and the engine's proposals (``housing-v1.yaml``).

A request moves along :data:`HOUSING_REQUEST_TRANSITIONS` (waiting → proposed → allocated →
moved in), a flat along :data:`FLAT_TRANSITIONS`, a proposal along
:data:`FLAT_PROPOSAL_TRANSITIONS`; the services change them only through ``transition``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation

from .cases import Case
from .matching import EngineProposal, ProposalStatus, request_constraints


class District(models.Model):
    """A district (Stadtteil) of the city, with its centre for the way to work or school."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    latitude = models.FloatField(
        _("latitude of the centre"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude of the centre"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="district_unique_name"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="district_centre_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def centre(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


class FlatFeature(models.TextChoices):
    BALCONY = "balcony", _("balcony")
    LIFT = "lift", _("lift")
    GARDEN = "garden", _("garden")
    QUIET = "quiet", _("quiet street")


class FlatStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    ALLOCATED = "allocated", _("allocated")
    LET = "let", _("let")
    WITHDRAWN = "withdrawn", _("withdrawn")


class FlatWithdrawal(models.TextChoices):
    """Why a flat is no longer offered (a choice, never free text: it goes into the trail)."""

    LET_OTHERWISE = "let_otherwise", _("let to someone else")
    NOT_AVAILABLE = "not_available", _("no longer available (sold, own use)")
    REPAIRS = "repairs", _("needs repairs first")
    OTHER = "other", _("another reason")


FLAT_TRANSITIONS: dict[str, frozenset[str]] = {
    FlatStatus.AVAILABLE: frozenset({FlatStatus.ALLOCATED, FlatStatus.WITHDRAWN}),
    FlatStatus.ALLOCATED: frozenset({FlatStatus.LET, FlatStatus.AVAILABLE}),
    FlatStatus.LET: frozenset({FlatStatus.AVAILABLE}),
    FlatStatus.WITHDRAWN: frozenset({FlatStatus.AVAILABLE}),
}


class Flat(models.Model):
    """A flat offered for the housing transition by a housing provider or the city; kept by the
    organisation whose caseworkers allocate it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="kept_flats",
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("housing provider"),
        on_delete=models.PROTECT,
        related_name="flats",
    )
    address = models.CharField(_("address"), max_length=200)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="flats"
    )
    rooms = models.PositiveSmallIntegerField(
        _("rooms"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    max_persons = models.PositiveSmallIntegerField(
        _("persons at most"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    barrier_free = models.BooleanField(_("barrier-free"), default=False)
    school_nearby = models.BooleanField(_("a school nearby"), default=False)
    kita_nearby = models.BooleanField(_("a kita nearby"), default=False)
    doctor_nearby = models.BooleanField(_("a doctor's practice nearby"), default=False)
    features = models.JSONField(_("features"), default=list, blank=True)
    available_from = models.DateField(_("available from"))
    status = models.CharField(
        _("status"), max_length=10, choices=FlatStatus.choices, default=FlatStatus.AVAILABLE
    )
    withdrawn_reason = models.CharField(
        _("why withdrawn"), max_length=16, choices=FlatWithdrawal.choices, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("flat")
        verbose_name_plural = _("flats")
        ordering = ["organisation", "district__name", "address", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FlatStatus.values), name="flat_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rooms__gte=1, max_persons__gte=1), name="flat_rooms_and_persons"
            ),
        ]

    def __str__(self) -> str:
        return self.address

    def get_absolute_url(self) -> str:
        return reverse("cases:flat_edit", kwargs={"pk": self.pk})


class HousingRequestStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for a flat")
    PROPOSED = "proposed", _("flat proposed")
    ALLOCATED = "allocated", _("flat allocated")
    MOVED = "moved", _("moved in")
    WITHDRAWN = "withdrawn", _("withdrawn")


HOUSING_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    HousingRequestStatus.WAITING: frozenset(
        {HousingRequestStatus.PROPOSED, HousingRequestStatus.WITHDRAWN}
    ),
    HousingRequestStatus.PROPOSED: frozenset(
        {
            HousingRequestStatus.WAITING,
            HousingRequestStatus.ALLOCATED,
            HousingRequestStatus.WITHDRAWN,
        }
    ),
    HousingRequestStatus.ALLOCATED: frozenset({HousingRequestStatus.MOVED}),
    HousingRequestStatus.MOVED: frozenset(),
    HousingRequestStatus.WITHDRAWN: frozenset({HousingRequestStatus.WAITING}),
}
# A case has at most one request in these states.
LIVE_HOUSING_STATUSES = (
    HousingRequestStatus.WAITING,
    HousingRequestStatus.PROPOSED,
    HousingRequestStatus.ALLOCATED,
)


class HousingRequest(models.Model):
    """A case's household, waiting in central accommodation for a flat: who it is (by age
    group), what it needs and what it wishes for."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="housing_requests"
    )
    adults = models.PositiveSmallIntegerField(_("adults (18 to 64)"), default=1)
    seniors = models.PositiveSmallIntegerField(_("older people (65 or more)"), default=0)
    school_children = models.PositiveSmallIntegerField(
        _("children of school age (6 to 17)"), default=0
    )
    kita_children = models.PositiveSmallIntegerField(_("children under 6"), default=0)
    barrier_free = models.BooleanField(_("needs a barrier-free flat"), default=False)
    care_need = models.BooleanField(_("someone needs care"), default=False)
    wished_districts = models.ManyToManyField(
        District, verbose_name=_("wished districts"), blank=True, related_name="+"
    )
    anchor_districts = models.ManyToManyField(
        District,
        verbose_name=_("districts of work or school"),
        blank=True,
        related_name="+",
    )
    features = models.JSONField(_("further wishes"), default=list, blank=True)
    waiting_since = models.DateField(_("waiting in central accommodation since"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HousingRequestStatus.choices,
        default=HousingRequestStatus.WAITING,
    )
    flat = models.ForeignKey(
        Flat,
        verbose_name=_("allocated flat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    moved_on = models.DateField(_("moved in on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("housing request")
        verbose_name_plural = _("housing requests")
        ordering = ["waiting_since", "id"]
        constraints = [
            *request_constraints(
                "housing_request", HousingRequestStatus.values, LIVE_HOUSING_STATUSES
            ),
            models.CheckConstraint(
                condition=Q(adults__gte=1) | Q(seniors__gte=1),
                name="housing_request_has_a_grown_up",
            ),
            models.CheckConstraint(
                condition=~Q(status=HousingRequestStatus.MOVED)
                | Q(flat__isnull=False, moved_on__isnull=False),
                name="housing_request_moved_has_flat_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"H{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('cases:case_detail', kwargs={'pk': self.case_id})}#housing"

    @property
    def persons(self) -> int:
        return self.adults + self.seniors + self.school_children + self.kita_children


FLAT_PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.PROPOSED: frozenset({ProposalStatus.CONFIRMED, ProposalStatus.DECLINED}),
    ProposalStatus.CONFIRMED: frozenset(),
    ProposalStatus.DECLINED: frozenset(),
}


class FlatProposal(EngineProposal):
    """A flat the engine proposed for a request; a caseworker confirms or declines it."""

    request = models.ForeignKey(
        HousingRequest,
        verbose_name=_("housing request"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    flat = models.ForeignKey(
        Flat, verbose_name=_("flat"), on_delete=models.PROTECT, related_name="proposals"
    )

    class Meta:
        verbose_name = _("flat proposal")
        verbose_name_plural = _("flat proposals")
        ordering = ["run", "request", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["flat"],
                condition=Q(status="proposed"),
                name="flat_proposal_one_open_per_flat",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="proposed"),
                name="flat_proposal_one_open_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"


__all__ = [
    "FLAT_PROPOSAL_TRANSITIONS",
    "FLAT_TRANSITIONS",
    "HOUSING_REQUEST_TRANSITIONS",
    "LIVE_HOUSING_STATUSES",
    "District",
    "Flat",
    "FlatFeature",
    "FlatProposal",
    "FlatStatus",
    "FlatWithdrawal",
    "HousingRequest",
    "HousingRequestStatus",
]
