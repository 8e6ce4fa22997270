"""A decision on a proposal: the deciding side's own, or one received by phone or letter."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from passgenau.apps.core.corrections import correction_reason_field
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


class DecisionCorrectForm(forms.Form):
    """The municipality's decision as it should have been recorded, and why it is corrected."""

    outcome = DecisionForm.base_fields["outcome"]
    decline_reason = text_box(gettext_lazy("Reason (required when declining)"), required=False)
    reason = correction_reason_field()

    def __init__(self, *args: Any, received: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if received:  # how and when the decision came, as the coordinator recorded it
            for name in ("source", "received_on"):
                self.fields[name] = copy.deepcopy(ReceivedDecisionForm.base_fields[name])
            self.order_fields(["outcome", "decline_reason", "source", "received_on", "reason"])
