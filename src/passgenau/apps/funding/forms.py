"""Forms of the calculator, programmes and grants. Amounts may be typed in German or English
notation ("8.000.000,00" or "8000000.00")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.accounts.models import Organisation, OrganisationKind
from passgenau.apps.core.corrections import correction_reason_field
from passgenau.apps.core.forms import DateInput, check_dates_in_order
from passgenau.apps.listing import ListSearchForm
from passgenau.engine.keys import koenigsteiner_years, parse_number

from .models import Distribution, GrantStatus, KeyKind, Level, Method, Ties, Unit
from .services import CalculatorInput


class AmountField(forms.CharField):
    """A non-negative amount with at most two decimals, in German or English notation."""

    def __init__(self, *args: Any, decimals: int = 2, max_digits: int = 16, **kwargs: Any) -> None:
        self.decimals = decimals
        self.max_digits = max_digits  # the database columns hold 16 digits
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            parsed = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount such as 8.000.000,00 or 8000000.00."), code="invalid"
            ) from None
        if parsed < 0:
            raise forms.ValidationError(_("The amount must not be negative."), code="negative")
        scaled = parsed * 10**self.decimals
        if scaled.denominator != 1:
            raise forms.ValidationError(
                _("At most %(n)s decimals.") % {"n": self.decimals}, code="decimals"
            )
        if scaled >= 10**self.max_digits:
            raise forms.ValidationError(
                _("The amount is too large (at most %(n)s digits before the decimal point).")
                % {"n": self.max_digits - self.decimals},
                code="too_large",
            )
        return Decimal(scaled.numerator).scaleb(-self.decimals)


class CalculatorForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Distribute among"), choices=Level.choices, initial=Level.KREISE
    )
    land = forms.ChoiceField(label=_("Land"), required=False)
    key_kind = forms.ChoiceField(
        label=_("Key"), choices=KeyKind.choices, initial=KeyKind.POPULATION
    )
    key_year = forms.TypedChoiceField(
        label=_("Year of the Königsteiner Schlüssel"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only for the Königsteiner Schlüssel."),
    )
    unit = forms.ChoiceField(label=_("What"), choices=Unit.choices, initial=Unit.EUR)
    amount = AmountField(label=_("Amount"), help_text=_("e.g. 8.000.000,00"))
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    minimum = AmountField(label=_("Minimum per territory"), required=False)
    maximum = AmountField(label=_("Maximum per territory"), required=False)
    ties = forms.ChoiceField(label=_("Ties"), choices=Ties.choices, initial=Ties.ORDER)
    seed = forms.IntegerField(
        label=_("Seed of the lot"),
        required=False,
        min_value=0,
        help_text=_("Any number; the same number draws the same lot again."),
        # a text field with a numeric keyboard, styled like the other fields (GOV.UK's advice
        # for numbers that are not quantities; type=number had no style and a tiny box)
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
    )

    def __init__(self, *args: Any, laender: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["land"]).choices = [("", _("– choose –")), *laender]
        years = koenigsteiner_years()
        cast(forms.ChoiceField, self.fields["key_year"]).choices = [
            (y, str(y)) for y in reversed(years)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = data.get("level")
        if level and level != Level.LAENDER and not data.get("land"):
            self.add_error("land", _("Choose the Land whose territories share the amount."))
        if data.get("key_kind") == KeyKind.KOENIGSTEINER:
            if level != Level.LAENDER:
                self.add_error(
                    "key_kind", _("The Königsteiner Schlüssel distributes among the Länder.")
                )
            if not data.get("key_year"):
                self.add_error("key_year", _("Choose the year of the key."))
        if data.get("ties") == Ties.LOT and data.get("seed") is None:
            self.add_error("seed", _("A lot needs a seed so that it can be reproduced."))
        decimals = 2 if data.get("unit") == Unit.EUR else 0
        for name in ("amount", "minimum", "maximum"):
            value = data.get(name)
            if value is not None and value != value.quantize(Decimal(1).scaleb(-decimals)):
                self.add_error(name, _("Persons are counted in whole numbers."))
        return data

    def to_input(self) -> CalculatorInput:
        data = self.cleaned_data
        return CalculatorInput(
            level=data["level"],
            land_key=data.get("land") or "",
            key_kind=data["key_kind"],
            key_year=data.get("key_year"),
            method=data["method"],
            ties=data["ties"],
            seed=data.get("seed"),
            unit=data["unit"],
            amount=data["amount"],
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
        )


class SaveDistributionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    budget = AmountField(label=_("Budget (EUR)"))
    period_start = forms.DateField(
        label=pgettext_lazy("beginning of a period", "Start"), widget=DateInput()
    )
    period_end = forms.DateField(label=_("End"), widget=DateInput())
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_remedy = forms.CharField(
        label=_("Information on legal remedies"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        help_text=_(
            "Printed at the end of every approval notice (Rechtsbehelfsbelehrung). Left empty, "
            "a general text naming the funder is used."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_dates_in_order(
            self, "period_start", "period_end", _("The period must not end before it starts.")
        )
        return data


class AllocateForm(forms.Form):
    distribution = forms.ModelChoiceField(
        label=_("Saved distribution"), queryset=Distribution.objects.filter(unit=Unit.EUR)
    )


class GrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Recipient"),
        queryset=Organisation.objects.exclude(kind=OrganisationKind.OPERATOR).order_by("name"),
    )
    title = forms.CharField(label=_("Project"), max_length=200)
    amount = AmountField(label=_("Grant amount (EUR)"))
    own_funds = AmountField(label=_("Own funds (EUR)"), required=False)
    third_party_funds = AmountField(label=_("Third-party funds (EUR)"), required=False)


class CostLineForm(forms.Form):
    description = forms.CharField(label=_("Cost item"), max_length=200, required=False)
    amount = AmountField(label=_("Amount (EUR)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("description")) != (data.get("amount") is not None):
            raise forms.ValidationError(_("Give both the cost item and its amount."))
        return data


CostLineFormSet = forms.formset_factory(CostLineForm, extra=4, max_num=30)


class ApproveForm(forms.Form):
    notice_number = forms.CharField(label=_("Notice number"), max_length=100)
    notice_date = forms.DateField(label=_("Date of the notice"), widget=DateInput())


class FreezeForm(forms.Form):
    amount = AmountField(label=_("Amount to freeze (EUR)"))
    reason = forms.CharField(label=_("Reason"), max_length=200, initial=_("Budget freeze"))


class PayForm(forms.Form):
    amount = AmountField(label=_("Instalment (EUR)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    planned = forms.BooleanField(
        label=_("Planned (not paid yet)"),
        required=False,
        help_text=_("For a payment scheduled for a later date; confirm it once it has been made."),
    )


class PaymentCorrectForm(PayForm):
    """A payment recorded in error: the right amount, date and whether it is only planned."""

    reason = correction_reason_field()


class ReportForm(forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    spent = AmountField(label=_("Amount spent (EUR)"))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))


class GrantFilterForm(ListSearchForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int)

    def __init__(self, *args: Any, programmes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("all")),
            *GrantStatus.choices,
        ]
        cast(forms.ChoiceField, self.fields["programme"]).choices = [("", _("all")), *programmes]
