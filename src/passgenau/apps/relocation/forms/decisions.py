"""A decision on a proposal: the deciding side's own, or one received by phone or letter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from passgenau.apps.core.forms import DateInput, radio_buttons, text_box

from ..models import DecisionOutcome, DecisionSource


class DecisionForm(forms.Form):
    outcome = radio_buttons(
        gettext_lazy("Decision"),
        [
            (DecisionOutcome.ACCEPT, gettext_lazy("accept")),
            (DecisionOutcome.DECLINE, gettext_lazy("decline")),
        ],
        required=True,
    )
    reason = text_box(gettext_lazy("Reason (required when declining)"), required=False)


class ReceivedDecisionForm(DecisionForm):
    """The municipality's decision as the coordinator received it, with how and when."""

    source = radio_buttons(
        gettext_lazy("Received"),
        [c for c in DecisionSource.choices if c[0] != DecisionSource.APPLICATION],
        required=True,
    )
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DateInput())
