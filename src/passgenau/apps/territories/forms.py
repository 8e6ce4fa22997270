"""The territory search form (GET)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Land

LEVEL_CHOICES = [
    ("", _("All levels")),
    ("land", _("Länder")),
    ("kreis", _("Kreise")),
    ("gemeinde", _("Gemeinden")),
]


class TerritorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or official key"),
        required=False,
        max_length=100,
        help_text=_("Part of the name (e.g. Dresden) or the start of the key (e.g. 08 or 14612)."),
    )
    land = forms.ChoiceField(label=_("Land"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)

    def __init__(self, *args: Any, laender: list[Land] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(land.ags, land.name) for land in laender or []]
        cast(forms.ChoiceField, self.fields["land"]).choices = [("", _("All Länder")), *choices]

    @property
    def is_search(self) -> bool:
        """Whether anything was asked for (otherwise the overview of the Länder is shown)."""
        return self.is_valid() and any(self.cleaned_data.get(k) for k in ("q", "land", "level"))
