"""Travel plan and arrival."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from passgenau.apps.core.corrections import correction_reason_field
from passgenau.apps.core.forms import DateInput

from ..models import (
    TravelStatus,
)


class TravelForm(forms.Form):
    departure_on = forms.DateField(
        label=gettext_lazy("Travel date"),
        required=False,
        widget=DateInput(),
    )
    route = forms.CharField(
        label=gettext_lazy("Route"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact_at_arrival = forms.CharField(
        label=gettext_lazy("Contact person at arrival"), required=False, max_length=200
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Phone of the contact person"), required=False, max_length=50
    )
    meeting_point = forms.CharField(
        label=gettext_lazy("Meeting point"), required=False, max_length=200
    )
    information_for_municipality = forms.CharField(
        label=gettext_lazy("Information for the municipality before arrival"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[c for c in TravelStatus.choices if c[0] != TravelStatus.ARRIVED],
    )


class ArrivalForm(forms.Form):
    arrived_on = forms.DateField(label=gettext_lazy("Arrived on"), widget=DateInput())
    registered_on = forms.DateField(
        label=gettext_lazy("Registered on"),
        required=False,
        widget=DateInput(),
    )
    housing_ready = forms.BooleanField(label=gettext_lazy("Housing ready"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ArrivalCorrectForm(ArrivalForm):
    reason = correction_reason_field()
