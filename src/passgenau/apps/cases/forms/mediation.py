"""Forms of language mediation: they parse input; :mod:`..services.mediation` checks the
rules."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import SLOT_CHOICES, AppointmentArea, District, Language
from .cases import HoursForm, _date

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _several(label: Any, choices: Any, *, required: bool = True) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=required
    )


class PeriodsField(forms.CharField):
    """Date ranges, one a line: ``2026-12-07 2026-12-11`` (a single day: one date)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[tuple[dt.date, dt.date]]:  # type: ignore[override]
        periods = []
        for line in str(value or "").splitlines():
            parts = line.replace("–", " ").replace(",", " ").split()
            if not parts:
                continue
            try:
                days = [dt.date.fromisoformat(p) for p in parts]
            except ValueError:
                raise forms.ValidationError(
                    _("Write each range as two dates such as 2026-12-07 2026-12-11.")
                ) from None
            if len(days) > 2:
                raise forms.ValidationError(_("A range has a first and a last day."))
            periods.append((days[0], days[-1]))
        return periods

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{first} {last}" for first, last in value)
        return value


class MediatorForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    languages = _several(_("Languages"), Language.choices)
    areas = _several(_("Areas of work"), AppointmentArea.choices)
    districts: forms.ModelMultipleChoiceField[District] = forms.ModelMultipleChoiceField(
        label=_("Districts worked in"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    slots = _several(_("Free every week"), SLOT_CHOICES, required=False)
    periods = PeriodsField(
        label=_("Free on the days"),
        required=False,
        help_text=_("One range a line: first and last day, e.g. 2026-12-07 2026-12-11."),
    )
    capacity = forms.IntegerField(
        label=_("Appointments a week at most"), min_value=1, max_value=20, initial=5
    )
    hours_a_week = forms.IntegerField(
        label=_("Hours a week at most"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_(
            "The appointments' expected time that week together; empty: only the appointments "
            "a week count."
        ),
    )
    active = forms.BooleanField(label=_("Takes appointments"), required=False, initial=True)

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["districts"]).queryset = districts


class MediationRequestForm(forms.Form):
    area = forms.ChoiceField(label=_("Kind of appointment"), choices=AppointmentArea.choices)
    language = forms.ChoiceField(label=_("Language needed"), choices=Language.choices)
    on = _date(_("Date"))
    starts_at = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(
        label=_("Expected minutes"), min_value=15, max_value=480, initial=60
    )
    place = forms.CharField(label=_("Place (address)"), max_length=200)
    district: forms.ModelChoiceField[District] = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False
    )
    note = forms.CharField(
        label=_("What it is about"),
        max_length=300,
        required=False,
        help_text=_(
            "Health data: recorded only with the consent for health data; never passed on to "
            "the mediator."
        ),
    )

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts


class AssignmentHoursForm(HoursForm):
    """The hours form of the case without date and activity: an assignment's hours are on
    the appointment's day, of the activity "language mediation"."""

    prefix = None  # type: ignore[assignment]
    on = None  # type: ignore[assignment]
    activity = None  # type: ignore[assignment]
