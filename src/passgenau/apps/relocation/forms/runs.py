"""Starting a matching run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from ..models import Mechanism, Round, RoundStatus


class RunStartForm(forms.Form):
    mechanism = forms.ChoiceField(label=gettext_lazy("Mechanism"), choices=Mechanism.choices)
    seed = forms.IntegerField(label=gettext_lazy("Seed"), min_value=0, initial=0)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=200, required=False)
    close_intake = forms.BooleanField(
        label=gettext_lazy("Close the intake and start matching"), required=False
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.intake_open = round_.status == RoundStatus.OPEN
        if not self.intake_open:
            del self.fields["close_intake"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.intake_open and not data.get("close_intake"):
            self.add_error(
                "close_intake",
                gettext_lazy("Confirm that the intake closes before the run starts."),
            )
        data.pop("close_intake", None)
        return data
