"""Changing a proposal during the review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from passgenau.apps.accounts.models import Organisation


class MunicipalityChoice(forms.ModelChoiceField):
    """Municipalities named with what sending the household there would break."""

    problems: Mapping[int, list[str]] = {}

    def label_from_instance(self, obj: Any) -> str:
        broken = self.problems.get(obj.pk)
        return f"{obj.name} – {'; '.join(broken)}" if broken else str(obj.name)


class OverrideForm(forms.Form):
    municipality = MunicipalityChoice(
        label=gettext_lazy("Municipality"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), widget=forms.Textarea)
    exception = forms.BooleanField(
        label=gettext_lazy("Place the household there as an exception"),
        help_text=gettext_lazy(
            "Only where the municipality breaks a hard criterion or has no room left (named in "
            "the list); the exception is logged with the reason."
        ),
        required=False,
    )

    def __init__(self, *args: Any, problems: Mapping[int, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, MunicipalityChoice)
        field.problems = problems
