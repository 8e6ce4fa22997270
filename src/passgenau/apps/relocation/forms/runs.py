"""Starting a matching run."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..models import (
    Mechanism,
)


class RunStartForm(forms.Form):
    mechanism = forms.ChoiceField(label=gettext_lazy("Mechanism"), choices=Mechanism.choices)
    seed = forms.IntegerField(label=gettext_lazy("Seed"), min_value=0, initial=0)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=200, required=False)
