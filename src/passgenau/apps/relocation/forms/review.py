"""Changing a proposal during the review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.models import Organisation


class OverrideForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), widget=forms.Textarea)
