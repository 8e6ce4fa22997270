"""The municipality profile form (municipal officer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from passgenau.apps.core.forms import checkboxes, text_box
from passgenau.apps.core.input_limits import MAX_COUNT

from ..models import (
    MunicipalityProfile,
)
from ..models.vocab import (
    PRIORITY_GROUP_CHOICES,
    CapacityDimension,
    Occupation,
    Region,
    Service,
    SizeClass,
    SpokenLanguage,
    criterion_label,
)
from .base import BLANK, ErrorMappingMixin

COMMUNITY_LANGUAGES = [
    (code, label) for code, label in SpokenLanguage.choices if code not in ("de", "en")
]
WEIGHT_CHOICES = [
    ("0", _("0 – not at all")),
    ("1", _("1 – normal")),
    ("2", _("2 – high")),
    ("3", _("3 – very high")),
]


class ProfileForm(ErrorMappingMixin, forms.Form):
    """Capacities (one field per dimension of the round), services, demand, communities,
    priorities; fields are named ``capacity_<dim>``, ``labour_demand_<group>``, …"""

    ags = forms.CharField(
        label=_("Official municipality key (AGS)"),
        required=False,
        max_length=8,
        help_text=_("5 digits for a Kreis, 8 for a Gemeinde."),
    )
    services = checkboxes(_("Services and facilities"), Service.choices)
    size_class = forms.ChoiceField(
        label=_("Size of the place"), choices=BLANK + list(SizeClass.choices), required=False
    )
    region = forms.ChoiceField(
        label=_("Land"), choices=BLANK + list(Region.choices), required=False
    )
    language_course_places = forms.IntegerField(
        label=_("Free places in language and integration courses"),
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
    )
    priority_groups = checkboxes(
        _("Households the municipality gives priority to"), PRIORITY_GROUP_CHOICES
    )
    notes = text_box(_("Notes for the coordinator"))
    confirm_all = forms.BooleanField(
        label=_("All figures are current: confirm them with today's date"), required=False
    )

    def __init__(self, *args: Any, profile: MunicipalityProfile, **kwargs: Any) -> None:
        self.profile = profile
        round_ = profile.round
        kwargs["initial"] = {  # the profile's figures
            "ags": profile.ags,
            "services": profile.services,
            "size_class": profile.size_class,
            "region": profile.region,
            "language_course_places": profile.language_course_places,
            "priority_groups": profile.priority_groups,
            "notes": profile.notes,
        }
        self.capacity_fields: list[str] = []
        self.labour_fields: list[str] = []
        self.community_fields: list[str] = []
        self.priority_fields: list[str] = []
        super().__init__(*args, **kwargs)
        dimension_labels = dict(CapacityDimension.choices)
        for dim in round_.capacity_dimensions:
            name = f"capacity_{dim}"
            self.fields[name] = forms.IntegerField(
                label=dimension_labels.get(dim, dim),
                min_value=0,
                max_value=MAX_COUNT,
                required=True,
            )
            self.initial[name] = profile.capacities.get(dim, 0)
            self.capacity_fields.append(name)
        for group, label in Occupation.choices:
            name = f"labour_demand_{group}"
            self.fields[name] = forms.DecimalField(
                label=label, min_value=0, max_value=1, decimal_places=2, required=False
            )
            self.initial[name] = profile.labour_demand.get(group)
            self.labour_fields.append(name)
        for code, label in COMMUNITY_LANGUAGES:
            name = f"community_{code}"
            self.fields[name] = forms.IntegerField(
                label=label, min_value=0, max_value=MAX_COUNT, required=False
            )
            self.initial[name] = profile.communities.get(code)
            self.community_fields.append(name)
        for criterion in round_.catalogue().soft:
            name = f"priority_{criterion.id}"
            self.fields[name] = forms.TypedChoiceField(
                label=criterion_label(criterion),
                choices=WEIGHT_CHOICES,
                coerce=int,
                initial=str(int(profile.priorities.get(criterion.id, 1))),
            )
            self.priority_fields.append(name)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        round_ = self.profile.round
        return {
            "ags": data["ags"],
            "capacities": {d: data[f"capacity_{d}"] for d in round_.capacity_dimensions},
            "services": data["services"],
            "size_class": data["size_class"],
            "region": data["region"],
            "language_course_places": data["language_course_places"],
            "labour_demand": {
                name.removeprefix("labour_demand_"): float(data[name])
                for name in self.labour_fields
                if data.get(name) is not None
            },
            "communities": {
                name.removeprefix("community_"): data[name]
                for name in self.community_fields
                if data.get(name) is not None
            },
            "priorities": {
                name.removeprefix("priority_"): data[name] for name in self.priority_fields
            },
            "priority_groups": data["priority_groups"],
            "notes": data["notes"],
        }
