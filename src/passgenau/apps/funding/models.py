"""Distributions by key, funding programmes, allocations to territories, grants to organisations.

Amounts of money are ``Decimal`` with two places (euros and cents). A saved distribution keeps its
complete input — the key's weights as exact fractions, the method, tie rule and seed — so that it
can be recomputed and checked later, even after the territories' figures have been updated.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation

CENTS = Decimal("0.01")


class Level(models.TextChoices):
    LAENDER = "land", _("all Länder")
    KREISE = "kreis", _("Kreise and kreisfreie Städte of a Land")
    GEMEINDEN = "gemeinde", _("Gemeinden of a Land")


class KeyKind(models.TextChoices):
    POPULATION = "population", _("Population")
    AREA = "area", _("Area")
    NRW = "nrw", _("NRW rule: 90 % population, 10 % area, gain capped at 25 %")
    KOENIGSTEINER = "koenigsteiner", _("Königsteiner Schlüssel (Länder only)")


class Method(models.TextChoices):
    LARGEST_REMAINDER = "largest-remainder", _("Largest remainder (Hare-Niemeyer)")
    SAINTE_LAGUE = "sainte-lague", _("Sainte-Laguë/Schepers")
    DHONDT = "dhondt", _("D'Hondt")


class Ties(models.TextChoices):
    ORDER = "order", _("By official key (the smaller key wins)")
    LOT = "lot", _("By lot (seeded, reproducible)")


class Unit(models.TextChoices):
    EUR = "eur", _("Euro, to the cent")
    PERSONS = "persons", _("Persons")


class Distribution(models.Model):
    """A saved result of the calculator, with everything needed to reproduce it."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="distributions",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    level = models.CharField(_("territories"), max_length=20, choices=Level.choices)
    land_key = models.CharField(_("Land (official key)"), max_length=2, blank=True)
    land_name = models.CharField(_("Land"), max_length=200, blank=True)
    key_kind = models.CharField(_("key"), max_length=20, choices=KeyKind.choices)
    key_year = models.PositiveSmallIntegerField(_("year of the key"), null=True, blank=True)
    reference_date = models.DateField(
        _("reference date"),
        null=True,
        blank=True,
        help_text=_("The date the population and area figures refer to."),
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    ties = models.CharField(_("ties"), max_length=10, choices=Ties.choices, default=Ties.ORDER)
    seed = models.BigIntegerField(_("seed of the lot"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.EUR)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    minimum = models.DecimalField(
        _("minimum per territory"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum per territory"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # [{"key": "08111", "name": "Stuttgart", "weight": "634830"}, ...]; weights as exact
    # fractions written "n" or "n/d".
    inputs = models.JSONField(_("key as entered"), default=list)
    tied = models.JSONField(_("tied territories"), default=list, blank=True)
    tie_seats = models.PositiveIntegerField(_("units decided by the tie rule"), default=0)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:distribution_detail", kwargs={"pk": self.pk})

    @property
    def decimals(self) -> int:
        return 2 if self.unit == Unit.EUR else 0

    def input_weights(self) -> dict[str, Fraction]:
        return {row["key"]: Fraction(row["weight"]) for row in self.inputs}


class DistributionLine(models.Model):
    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("distribution"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    position = models.PositiveIntegerField(_("position"))
    territory_key = models.CharField(_("official key"), max_length=12)
    name = models.CharField(_("name"), max_length=200)
    weight = models.CharField(_("weight"), max_length=100)
    quota = models.DecimalField(_("quota"), max_digits=24, decimal_places=6)
    allocation = models.DecimalField(_("allocation"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("line of a distribution")
        verbose_name_plural = _("lines of a distribution")
        ordering = ["distribution", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "territory_key"], name="funding_line_unique_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.allocation}"


class Programme(models.Model):
    """A funding programme of one funder: budget, period and purpose."""

    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    legal_remedy = models.TextField(
        _("information on legal remedies"),
        blank=True,
        help_text=_(
            "Printed at the end of every approval notice of this programme "
            "(Rechtsbehelfsbelehrung). Left empty, a general text naming the funder is used."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="funding_programme_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="funding_programme_budget_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:programme_detail", kwargs={"pk": self.pk})


class Allocation(models.Model):
    """The share of a programme's budget for one territory, taken from a saved distribution."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    territory_key = models.CharField(_("official key"), max_length=12)
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["programme", "territory_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "territory_key"], name="funding_allocation_unique_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class GrantStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    APPROVED = "approved", _("approved")
    PAID = "paid", _("paid")
    REPORTED = "reported", _("use of funds reported")
    CLOSED = "closed", _("closed")


class Grant(models.Model):
    """A grant of a programme to one organisation, with its cost and financing plan."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="grants"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(
        _("grant amount"),
        max_digits=16,
        decimal_places=2,
        help_text=_("The amount applied for; once approved, the amount approved."),
    )
    own_funds = models.DecimalField(_("own funds"), max_digits=16, decimal_places=2, default=0)
    third_party_funds = models.DecimalField(
        _("third-party funds"), max_digits=16, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.APPLIED
    )
    notice_number = models.CharField(_("notice number"), max_length=100, blank=True)
    notice_date = models.DateField(_("date of the notice"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["programme", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="funding_grant_amount_non_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("funding:grant_detail", kwargs={"pk": self.pk})


class CostLine(models.Model):
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    description = models.CharField(_("cost item"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["grant", "id"]

    def __str__(self) -> str:
        return self.description


class Freeze(models.Model):
    """A part of a grant that may not be paid until released (e.g. a budget freeze)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="freezes"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("freeze")
        verbose_name_plural = _("freezes")
        ordering = ["grant", "frozen_at", "id"]

    def __str__(self) -> str:
        return f"{self.amount} ({self.reason})"

    @property
    def active(self) -> bool:
        return self.released_at is None


class Payment(models.Model):
    """One instalment paid out."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    # A payment scheduled for a later date: it reserves the amount but counts as paid only once
    # it is confirmed on or after its date.
    planned = models.BooleanField(_("planned"), default=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["grant", "paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} ({self.paid_on})"


class PaymentCorrection(models.Model):
    """A payment recorded in error, corrected: its amount, date and whether it was only planned,
    before and after, with the funder's reason (issue 11)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="corrections"
    )
    reason = models.TextField(_("reason"))
    amount_before = models.DecimalField(_("amount before"), max_digits=16, decimal_places=2)
    amount_after = models.DecimalField(_("amount after"), max_digits=16, decimal_places=2)
    paid_on_before = models.DateField(_("date before"))
    paid_on_after = models.DateField(_("date after"))
    planned_before = models.BooleanField(_("planned before"))
    planned_after = models.BooleanField(_("planned after"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction of a payment")
        verbose_name_plural = _("corrections of payments")
        ordering = ["payment", "corrected_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="funding_payment_correction_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment}: {self.amount_before} → {self.amount_after}"


class IssuedNotice(models.Model):
    """An approval notice exactly as it was issued: the file and its SHA-256, never regenerated
    (a later freeze or payment does not change a notice that has gone out)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="issued_notices"
    )
    number = models.CharField(_("notice number"), max_length=100)
    notice_date = models.DateField(_("date of the notice"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    content = models.BinaryField(_("file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("issued notice")
        verbose_name_plural = _("issued notices")
        ordering = ["grant", "issued_at", "id"]

    def __str__(self) -> str:
        return self.number


class UseOfFundsReport(models.Model):
    """The recipient's report on how the money was used (Verwendungsnachweis)."""

    grant = models.OneToOneField(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="report"
    )
    submitted_on = models.DateField(_("submitted on"))
    spent = models.DecimalField(_("amount spent"), max_digits=16, decimal_places=2)
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("use-of-funds report")
        verbose_name_plural = _("use-of-funds reports")

    def __str__(self) -> str:
        return f"{self.grant}: {self.spent}"
