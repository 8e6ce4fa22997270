"""Forms of mentoring: they parse input; :mod:`..services.mentoring` checks the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import SLOT_CHOICES, ContactKind, District, Interest, Language, MentorKind
from .cases import _date

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _several(label: Any, choices: Any, *, required: bool = True) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=required
    )


class _WithDistrict(forms.Form):
    languages = _several(_("Languages"), Language.choices)
    slots = _several(_("Free times"), SLOT_CHOICES)
    interests = _several(_("Interests"), Interest.choices, required=False)
    district: forms.ModelChoiceField[District] = forms.ModelChoiceField(
        label=_("Lives in the district"), queryset=None, required=False
    )

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts


class MentorForm(_WithDistrict):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of mentor"), choices=MentorKind.choices)
    capacity = forms.IntegerField(
        label=_("Newcomers at the same time"), min_value=1, max_value=5, initial=1
    )
    active = forms.BooleanField(label=_("Takes newcomers"), required=False, initial=True)

    field_order = ["name", "kind", "languages", "slots", "interests", "district", "capacity"]


class MenteeRequestForm(_WithDistrict):
    own_language = forms.ChoiceField(label=_("Own language"), choices=Language.choices)
    wish = forms.ChoiceField(
        label=_("Kind of mentor wished for"),
        choices=[("", _("either")), *MentorKind.choices],
        required=False,
    )

    field_order = ["own_language", "languages", "slots", "interests", "district", "wish"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].label = _("Further languages spoken")
        self.fields["languages"].required = False


class AcceptForm(forms.Form):
    on = _date(_("Accepted on"), initial_today=True)


class MeetingForm(forms.Form):
    on = _date(_("Date"), initial_today=True)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=720, initial=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
