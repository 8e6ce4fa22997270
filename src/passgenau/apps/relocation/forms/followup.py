"""The follow-up survey."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

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
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with your new place? (1 = not at all, 5 = very)"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    good_decision = forms.ChoiceField(
        label=gettext_lazy("Taking part was a good decision (1 = not at all, 5 = completely)"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    place_fits = forms.ChoiceField(
        label=gettext_lazy("The place still fits us (1 = not at all, 5 = completely)"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    working = forms.ChoiceField(
        label=gettext_lazy("Is anyone in the household in work?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    children_in_school = forms.ChoiceField(
        label=gettext_lazy("Do the children go to school or kita?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    language_course = forms.ChoiceField(
        label=gettext_lazy("Is anyone attending a German course?"),
        choices=YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything else you would like to tell us?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
