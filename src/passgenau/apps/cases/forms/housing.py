"""Forms of the housing transition: they parse input; :mod:`..services.housing` checks the
rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.listing import ListSearchForm

from ..models import District, FlatFeature, FlatStatus, FlatWithdrawal
from .cases import _date

if TYPE_CHECKING:
    from django.db.models import QuerySet


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    latitude = forms.FloatField(
        label=_("Latitude of the centre"),
        min_value=-90,
        max_value=90,
        help_text=_("In degrees, e.g. 51.3397 for the centre of Leipzig."),
    )
    longitude = forms.FloatField(label=_("Longitude of the centre"), min_value=-180, max_value=180)


def _features(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=FlatFeature.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class FlatForm(forms.Form):
    provider: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Housing provider"), queryset=None
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    district: forms.ModelChoiceField[District] = forms.ModelChoiceField(
        label=_("District"), queryset=None
    )
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1, max_value=12)
    max_persons = forms.IntegerField(label=_("Persons at most"), min_value=1, max_value=20)
    barrier_free = forms.BooleanField(label=_("Barrier-free"), required=False)
    school_nearby = forms.BooleanField(label=_("A school nearby"), required=False)
    kita_nearby = forms.BooleanField(label=_("A kita nearby"), required=False)
    doctor_nearby = forms.BooleanField(label=_("A doctor's practice nearby"), required=False)
    features = _features(_("Features"))
    available_from = _date(_("Available from"), initial_today=True)

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Organisation],
        districts: QuerySet[District],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["provider"]).queryset = providers
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts


class _DistrictWithKeeper(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return gettext("%(district)s (allocated by %(organisation)s)") % {
            "district": obj.name,
            "organisation": obj.organisation.name,
        }


class OfferedFlatForm(FlatForm):
    """A housing provider's flat: the fields of a flat without the provider (its own
    organisation); the district also says which organisation allocates it."""

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(
            *args, providers=Organisation.objects.none(), districts=districts, **kwargs
        )
        del self.fields["provider"]
        chosen = _DistrictWithKeeper(
            label=_("District"),
            queryset=districts,
            help_text=_("The organisation of the district allocates the flat to a household."),
        )
        self.fields["district"] = chosen
        self.order_fields(["address", "district"])


class FlatWithdrawForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the flat withdrawn?"),
        choices=FlatWithdrawal.choices,
        widget=forms.RadioSelect,
    )


class HousingRequestForm(forms.Form):
    adults = forms.IntegerField(label=_("Adults (18 to 64)"), min_value=0, max_value=20, initial=1)
    seniors = forms.IntegerField(
        label=_("Older people (65 or more)"), min_value=0, max_value=20, initial=0
    )
    school_children = forms.IntegerField(
        label=_("Children of school age (6 to 17)"), min_value=0, max_value=20, initial=0
    )
    kita_children = forms.IntegerField(
        label=_("Children under 6"), min_value=0, max_value=20, initial=0
    )
    barrier_free = forms.BooleanField(
        label=_("Needs a barrier-free flat"),
        required=False,
        help_text=_("Health data: recorded only with the consent for health data."),
    )
    care_need = forms.BooleanField(
        label=_("Someone needs care"),
        required=False,
        help_text=_("Health data: recorded only with the consent for health data."),
    )
    wished_districts: forms.ModelMultipleChoiceField[District] = forms.ModelMultipleChoiceField(
        label=_("Wished districts"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    anchor_districts: forms.ModelMultipleChoiceField[District] = forms.ModelMultipleChoiceField(
        label=_("Districts of work or school"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where members of the household go every day; a short way there counts."),
    )
    features = _features(_("Further wishes"))
    waiting_since = _date(_("Waiting in central accommodation since"), initial_today=True)

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("wished_districts", "anchor_districts"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = districts


class MoveForm(forms.Form):
    moved_on = _date(_("Moved in on"), initial_today=True)


class FlatSearchForm(ListSearchForm):
    """The organisation's flats: a text (address, housing provider), a status and a district."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *FlatStatus.choices]
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("all")
    )

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Address or housing provider")
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts
