from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.forms import LanguageField

from .kinds import Kind


class PreferencesForm(forms.Form):
    """The language of e-mails, then two boxes per kind the user can receive."""

    language = LanguageField()

    def __init__(self, *args: Any, kinds: list[Kind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[f"{kind.code}:in_app"] = forms.BooleanField(
                label=_("in the application"), required=False
            )
            self.fields[f"{kind.code}:email"] = forms.BooleanField(
                label=_("by e-mail"), required=False
            )

    def rows(self) -> list[tuple[Kind, forms.BoundField, forms.BoundField]]:
        return [(k, self[f"{k.code}:in_app"], self[f"{k.code}:email"]) for k in self.kinds]

    def channels(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {k.code: (data[f"{k.code}:in_app"], data[f"{k.code}:email"]) for k in self.kinds}
