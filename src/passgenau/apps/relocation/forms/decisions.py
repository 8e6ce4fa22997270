"""A decision on a proposal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..models import (
    DecisionOutcome,
)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (DecisionOutcome.ACCEPT, gettext_lazy("accept")),
            (DecisionOutcome.DECLINE, gettext_lazy("decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required when declining)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
