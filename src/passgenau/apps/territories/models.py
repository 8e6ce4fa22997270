"""Länder, Regierungsbezirke, Kreise and Gemeinden, keyed by their official keys.

The official key (AGS, *Amtlicher Gemeindeschlüssel*) is the primary key: it is what every other
register uses to name a territory, and the importer upserts by it. A territory whose key changes
(a merger, a Kreis reform) is a new territory in the official directory too.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _digits(width: int) -> RegexValidator:
    return RegexValidator(rf"^\d{{{width}}}$", format_lazy(_("Enter exactly {} digits."), width))


class KreisKind(models.TextChoices):
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
    STADTKREIS = "stadtkreis", _("Stadtkreis")
    KREIS = "kreis", pgettext_lazy("type of district", "Kreis")
    LANDKREIS = "landkreis", _("Landkreis")
    REGIONALVERBAND = "regionalverband", _("Regionalverband")


class GemeindeKind(models.TextChoices):
    MARKT = "markt", _("Markt")
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
    STADTKREIS = "stadtkreis", _("Stadtkreis")
    STADT = "stadt", _("Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")
    GEMEINDEFREI_BEWOHNT = "gemeindefrei_bewohnt", _("Unincorporated area, inhabited")
    GEMEINDEFREI_UNBEWOHNT = "gemeindefrei_unbewohnt", _("Unincorporated area, uninhabited")
    GROSSE_KREISSTADT = "grosse_kreisstadt", _("Große Kreisstadt")


class AssociationKind(models.TextChoices):
    VERBANDSFREI = "verbandsfrei", _("Not part of an association")
    AMT = "amt", _("Amt")
    SAMTGEMEINDE = "samtgemeinde", _("Samtgemeinde")
    VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")
    VERWALTUNGSGEMEINSCHAFT = "verwaltungsgemeinschaft", _("Verwaltungsgemeinschaft")
    KIRCHSPIELSLANDGEMEINDE = "kirchspielslandgemeinde", _("Kirchspielslandgemeinde")
    VERWALTUNGSVERBAND = "verwaltungsverband", _("Verwaltungsverband")
    VERWALTUNGSGEMEINSCHAFT_TRAEGERMODELL = (
        "verwaltungsgemeinschaft_traegermodell",
        _("Verwaltungsgemeinschaft (Trägermodell)"),
    )
    ERFUELLENDE_GEMEINDE = "erfuellende_gemeinde", _("Erfüllende Gemeinde")


class Urbanisation(models.IntegerChoices):
    """Degree of urbanisation (Eurostat DEGURBA) as the Gemeindeverzeichnis gives it."""

    DENSE = 1, _("densely populated")
    INTERMEDIATE = 2, _("intermediate density")
    THIN = 3, _("thinly populated")


def fold_name(name: str) -> str:
    """The name as search compares it: case-folded, so "über" finds "Überlingen" and "gross"
    finds "Groß-Gerau" on every database (SQLite's LIKE folds ASCII letters only)."""
    return name.casefold()


class Territory(models.Model):
    """What every level has: a name, area, population and the date the figures refer to."""

    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(
        _("name for searching"), max_length=200, editable=False, db_index=True, default=""
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_male = models.PositiveIntegerField(_("male population"), null=True, blank=True)
    population_female = models.PositiveIntegerField(_("female population"), null=True, blank=True)
    reference_date = models.DateField(
        _("reference date"),
        null=True,
        blank=True,
        help_text=_("The date the area and population figures refer to."),
    )

    class Meta:
        abstract = True
        ordering = ["ags"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ags})"  # type: ignore[attr-defined]

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", kwargs={"key": self.ags})  # type: ignore[attr-defined]

    @property
    def density(self) -> float | None:
        """Inhabitants per km², or None where a figure is missing."""
        if not self.population or not self.area_km2:
            return None
        return float(self.population) / float(self.area_km2)


class Land(Territory):
    ags = models.CharField(
        _("official key (AGS)"), max_length=2, primary_key=True, validators=[_digits(2)]
    )

    class Meta(Territory.Meta):
        verbose_name = _("Land")
        verbose_name_plural = _("Länder")


class Regierungsbezirk(models.Model):
    key = models.CharField(
        _("official key"), max_length=3, primary_key=True, validators=[_digits(3)]
    )
    land = models.ForeignKey(
        Land,
        verbose_name=_("Land"),
        on_delete=models.PROTECT,
        related_name="regierungsbezirke",
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["key"]
        verbose_name = _("Regierungsbezirk")
        verbose_name_plural = _("Regierungsbezirke")

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class Kreis(Territory):
    ags = models.CharField(
        _("official key (AGS)"), max_length=5, primary_key=True, validators=[_digits(5)]
    )
    land = models.ForeignKey(
        Land, verbose_name=_("Land"), on_delete=models.PROTECT, related_name="kreise"
    )
    regierungsbezirk = models.ForeignKey(
        Regierungsbezirk,
        verbose_name=_("Regierungsbezirk"),
        on_delete=models.PROTECT,
        related_name="kreise",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("type"), max_length=40, choices=KreisKind.choices)
    nuts3 = models.CharField(_("NUTS-3 code"), max_length=5, blank=True)

    class Meta(Territory.Meta):
        verbose_name = _("Kreis")
        verbose_name_plural = _("Kreise")


class Gemeinde(Territory):
    ags = models.CharField(
        _("official key (AGS)"), max_length=8, primary_key=True, validators=[_digits(8)]
    )
    ars = models.CharField(
        _("regional key (ARS)"),
        max_length=12,
        blank=True,
        validators=[_digits(12)],
        help_text=_("The AGS with the key of the Gemeindeverband; 12 digits."),
    )
    land = models.ForeignKey(
        Land, verbose_name=_("Land"), on_delete=models.PROTECT, related_name="gemeinden"
    )
    kreis = models.ForeignKey(
        Kreis,
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="gemeinden",
        null=True,
        blank=True,
        help_text=_("Empty for areas that belong to no Kreis, such as coastal waters."),
    )
    kind = models.CharField(_("type"), max_length=40, choices=GemeindeKind.choices)
    association_name = models.CharField(_("Gemeindeverband"), max_length=200, blank=True)
    association_kind = models.CharField(
        _("type of Gemeindeverband"), max_length=40, choices=AssociationKind.choices, blank=True
    )
    postcode = models.CharField(
        _("postcode"),
        max_length=5,
        blank=True,
        validators=[_digits(5)],
        help_text=_("The postcode of the administrative seat."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    urbanisation = models.PositiveSmallIntegerField(
        _("degree of urbanisation"), choices=Urbanisation.choices, null=True, blank=True
    )

    class Meta(Territory.Meta):
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")
        indexes = [models.Index(fields=["name"], name="territories_gemeinde_name")]

    def coordinates(self) -> tuple[float, float] | None:
        """(latitude, longitude) of the administrative seat, or None when it has none (the
        Destatis import stores both or neither)."""
        if self.latitude is None or self.longitude is None:
            return None
        return float(self.latitude), float(self.longitude)
