"""The follow-up survey and the researchers' export of the answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from passgenau.apps.core.corrections import correction_reason_field
from passgenau.apps.core.forms import DateInput, ProtectedExportForm, radio_buttons, text_box

from ..models import (
    Round,
    SurveyStatus,
    YesNo,
)

RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Survey"),
        choices=[c for c in SurveyStatus.choices if c[0] != SurveyStatus.DUE],
        initial=SurveyStatus.COMPLETED,
    )
    satisfaction = radio_buttons(
        gettext_lazy("How satisfied are you with your new place? (1 = not at all, 5 = very)"),
        RATING_CHOICES,
    )
    good_decision = radio_buttons(
        gettext_lazy("Taking part was a good decision (1 = not at all, 5 = completely)"),
        RATING_CHOICES,
    )
    place_fits = radio_buttons(
        gettext_lazy("The place still fits us (1 = not at all, 5 = completely)"), RATING_CHOICES
    )
    working = radio_buttons(gettext_lazy("Is anyone in the household in work?"), YesNo.choices)
    children_in_school = radio_buttons(
        gettext_lazy("Do the children go to school or kita?"), YesNo.choices
    )
    language_course = radio_buttons(
        gettext_lazy("Is anyone attending a German course?"), YesNo.choices
    )
    comment = text_box(gettext_lazy("Anything else you would like to tell us?"))


class SurveyCorrectForm(SurveyForm):
    """A recorded survey as it should have been recorded: with the day it was held, and why it
    is corrected."""

    completed_on = forms.DateField(
        label=gettext_lazy("Held on"), required=False, widget=DateInput()
    )
    reason = correction_reason_field()


class EvaluationExportForm(ProtectedExportForm):
    """The rounds and the format of the researchers' export, and the password of its zip
    (docs/adr/0008)."""

    field_order = ["round", "format", "password", "password_again"]

    round = forms.ModelChoiceField(
        label=gettext_lazy("Round"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=gettext_lazy("all rounds"),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("csv", "CSV"), ("xlsx", "Excel (xlsx)")],
        initial="csv",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, rounds: QuerySet[Round], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
