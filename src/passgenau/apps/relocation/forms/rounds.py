"""The form of a round (coordinator)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation, OrganisationKind
from passgenau.apps.core.forms import DateInput

from ..models import (
    ROUND_RULES,
    Mechanism,
    Round,
    RoundAction,
)
from ..models.vocab import (
    CapacityDimension,
)
from ..services.rounds import AVAILABLE_CRITERIA_VERSIONS
from .base import ErrorMappingMixin


class RoundForm(ErrorMappingMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Participating municipalities"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    profiles_due = forms.DateField(
        label=_("Municipality profiles due"), required=False, widget=DateInput()
    )
    interviews_close = forms.DateField(
        label=_("Interviews close"), required=False, widget=DateInput()
    )
    decisions_due = forms.DateField(label=_("Decisions due"), required=False, widget=DateInput())
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=Mechanism.choices)
    criteria_version = forms.ChoiceField(
        label=_("Criteria catalogue"),
        choices=[(v, _("version %(v)s") % {"v": v}) for v in AVAILABLE_CRITERIA_VERSIONS],
    )
    capacity_dimensions = forms.MultipleChoiceField(
        label=_("Capacity dimensions"),
        choices=CapacityDimension.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What a placement uses up. Persons is always needed."),
    )

    SETTINGS = ("mechanism", "criteria_version", "capacity_dimensions")
    SCHEDULE = ("name", "description", "profiles_due", "interviews_close", "decisions_due")

    def __init__(self, *args: Any, round_: Round | None = None, **kwargs: Any) -> None:
        if round_ is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(round_, name) for name in (*self.SETTINGS, *self.SCHEDULE)},
                "municipalities": list(round_.municipalities.all()),
            }
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["municipalities"])
        field.queryset = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by(
            "name"
        )
        if round_ is None:
            self.initial.setdefault("capacity_dimensions", ["persons", "school", "kita"])
            return
        # fields the round's state does not allow to change are shown, but disabled
        for names, action in (
            (self.SETTINGS, RoundAction.EDIT_SETTINGS),
            (self.SCHEDULE, RoundAction.EDIT_SCHEDULE),
            (("municipalities",), RoundAction.EDIT_PARTICIPANTS),
        ):
            if round_.status not in ROUND_RULES[action]:
                for name in names:
                    self.fields[name].disabled = True
