"""The filter bar of every relocation list: a search text, a status, a round and a
municipality. Each list offers the fields that make sense for it; invalid values become form
errors (the list then ignores only that field), never a server error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.listing import ListSearchForm

from ..models import Round
from ..selectors.lists import ListFilters


class ListFilterForm(ListSearchForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), required=False, empty_label=_("all")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("all"),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        statuses: Iterable[tuple[str, Any]] | None = None,
        rounds: QuerySet[Round] | None = None,
        municipalities: QuerySet[Organisation] | None = None,
        names_searchable: bool = False,
        search_label: Any = None,
    ) -> None:
        """``statuses``, ``rounds``, ``municipalities``: the choices (``None``: the field is not
        offered). ``names_searchable``: the search also looks at names (say so in the label);
        ``search_label``: what the search looks at, for lists of other things than households."""
        super().__init__(data)
        self.names_searchable = names_searchable
        if search_label is not None:
            self.fields["q"].label = search_label
        elif names_searchable:
            self.fields["q"].label = _("Name or reference")
        else:
            self.fields["q"].label = _("Reference")
        if statuses is None:
            del self.fields["status"]
        else:
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                ("", _("all")),
                *statuses,
            ]
        if rounds is None:
            del self.fields["round"]
        else:
            cast(forms.ModelChoiceField, self.fields["round"]).queryset = rounds
        if municipalities is None:
            del self.fields["municipality"]
        else:
            cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = municipalities

    def filters(self) -> ListFilters:
        """The valid values given (an invalid field is left out, its error shown)."""
        if not self.is_bound:
            return ListFilters()
        self.is_valid()
        data = self.cleaned_data
        return ListFilters(
            query=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            round_=data.get("round"),
            municipality=data.get("municipality"),
        )
