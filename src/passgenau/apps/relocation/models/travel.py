"""Travel to the new place and arrival there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import status_in
from .runs import Proposal


class TravelStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    BOOKED = "booked", _("tickets booked")
    UNDERWAY = "underway", _("on the way")
    ARRIVED = "arrived", _("arrived")
    CANCELLED = "cancelled", _("cancelled")


class Travel(models.Model):
    proposal = models.OneToOneField(
        Proposal, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="travel"
    )
    departure_on = models.DateField(_("travel date"), null=True, blank=True)
    route = models.TextField(_("route"), blank=True)
    contact_at_arrival = models.CharField(
        _("contact person at arrival"), max_length=200, blank=True
    )
    contact_phone = models.CharField(_("phone of the contact person"), max_length=50, blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    information_for_municipality = models.TextField(
        _("information for the municipality before arrival"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TravelStatus.choices, default=TravelStatus.PLANNED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("travel")
        verbose_name_plural = _("travel")
        constraints = [
            models.CheckConstraint(
                condition=status_in("status", TravelStatus), name="travel_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "departure_on"])]

    def __str__(self) -> str:
        return f"{_('Travel')} {self.proposal}"


class Arrival(models.Model):
    """Arrival and registration (Anmeldung), recorded by the municipality."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="arrival"
    )
    arrived_on = models.DateField(_("arrived on"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    housing_ready = models.BooleanField(_("housing ready"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True)
                | Q(registered_on__gte=models.F("arrived_on")),
                name="arrival_registration_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Arrival')} {self.proposal}"
