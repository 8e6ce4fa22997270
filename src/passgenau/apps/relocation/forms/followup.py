"""The follow-up survey."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from passgenau.apps.core.forms import radio_buttons, text_box

from ..models import (
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
