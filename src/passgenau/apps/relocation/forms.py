"""Forms of the relocation pages. They parse input; the services check the rules and the
messages they raise are put back on the fields they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation, OrganisationKind
from passgenau.engine.matching.profiles import AGE_BANDS

from .models import ROUND_RULES, Mechanism, MunicipalityProfile, Round, RoundAction
from .services.imports import MAX_BYTES
from .services.intake import GERMAN_LEVELS, household_rated_criteria
from .services.rounds import AVAILABLE_CRITERIA_VERSIONS
from .vocab import (
    PRIORITY_GROUP_CHOICES,
    CapacityDimension,
    ConsentPurpose,
    Need,
    Occupation,
    QuestionnaireLanguage,
    Region,
    Relation,
    Service,
    SizeClass,
    SpokenLanguage,
    criterion_label,
)

BLANK: list[tuple[str, Any]] = [("", "—")]


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def form_add_service_errors(
    form: Any, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError (field → messages) onto the form's fields; messages for
    keys the form has no field for go to the form as a whole."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = (aliases or {}).get(key, key).replace(".", "_")
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class ErrorMappingMixin:
    """Put a service's ValidationError (field → messages) onto this form's fields."""

    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        form_add_service_errors(self, error, self.field_aliases)


# -- rounds ------------------------------------------------------------------------------------


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
        label=_("Municipality profiles due"), required=False, widget=_date_input()
    )
    interviews_close = forms.DateField(
        label=_("Interviews close"), required=False, widget=_date_input()
    )
    decisions_due = forms.DateField(label=_("Decisions due"), required=False, widget=_date_input())
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
        self.fields["municipalities"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY
        ).order_by("name")
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


class TransitionForm(forms.Form):
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


# -- municipality profiles --------------------------------------------------------------------


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
    services = forms.MultipleChoiceField(
        label=_("Services and facilities"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size_class = forms.ChoiceField(
        label=_("Size of the place"), choices=BLANK + list(SizeClass.choices), required=False
    )
    region = forms.ChoiceField(
        label=_("Land"), choices=BLANK + list(Region.choices), required=False
    )
    language_course_places = forms.IntegerField(
        label=_("Free places in language and integration courses"), min_value=0, initial=0
    )
    priority_groups = forms.MultipleChoiceField(
        label=_("Households the municipality gives priority to"),
        choices=PRIORITY_GROUP_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_all = forms.BooleanField(
        label=_("All figures are current: confirm them with today's date"), required=False
    )

    def __init__(self, *args: Any, profile: MunicipalityProfile, **kwargs: Any) -> None:
        self.profile = profile
        round_ = profile.round
        initial = {
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
        super().__init__(*args, initial=initial, **kwargs)
        dimension_labels = dict(CapacityDimension.choices)
        for dim in round_.capacity_dimensions:
            name = f"capacity_{dim}"
            self.fields[name] = forms.IntegerField(
                label=dimension_labels.get(dim, dim), min_value=0, required=True
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
            self.fields[name] = forms.IntegerField(label=label, min_value=0, required=False)
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


# -- intake -----------------------------------------------------------------------------------


class ContactForm(ErrorMappingMixin, forms.Form):
    contact_name = forms.CharField(label=_("Name of the contact person"), max_length=200)
    member_names = forms.CharField(
        label=_("Names of all members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line. Kept apart from the interview answers."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    current_location = forms.CharField(
        label=_("Current place of stay"), max_length=200, required=False
    )


class RegistrationForm(ContactForm):
    """Contact data (kept apart from the interview answers), reference, language, consent."""

    external_reference = forms.CharField(
        label=_("Your own reference"), max_length=50, required=False
    )
    language = forms.ChoiceField(
        label=_("Language of the household"), choices=QuestionnaireLanguage.choices
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("The household agrees to"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The first three purposes are needed to take part."),
    )
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=_date_input())
    consent_explained_in = forms.ChoiceField(
        label=_("Consent explained in"), choices=QuestionnaireLanguage.choices
    )


AGE_BAND_FORM_CHOICES = BLANK + [(b, b) for b in AGE_BANDS]


class MemberForm(forms.Form):
    age_band = forms.ChoiceField(label=_("Age band"), choices=AGE_BAND_FORM_CHOICES)
    relation = forms.ChoiceField(
        label=_("Relation"), choices=BLANK + list(Relation.choices), required=False
    )


class BaseMemberFormSet(forms.BaseFormSet):
    def members(self) -> list[dict[str, str]]:
        """The filled-in, not deleted members, in order."""
        out = []
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            out.append(
                {
                    "age_band": form.cleaned_data["age_band"],
                    "relation": form.cleaned_data["relation"],
                }
            )
        return out


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=2, can_delete=True, max_num=20
)

IMPORTANCE_CHOICES = [
    ("0", _("does not matter")),
    ("1", _("a little important")),
    ("2", _("important")),
    ("3", _("very important")),
]


class InterviewForm(ErrorMappingMixin, forms.Form):
    """The questionnaire (without the members, which are a formset)."""

    field_aliases = {"ranked_places": "ranked_1"}

    languages = forms.MultipleChoiceField(
        label=_("Which languages do you speak?"),
        choices=SpokenLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    german_level = forms.ChoiceField(
        label=_("How well does the best German speaker among you speak German?"),
        choices=BLANK + [(x, x) for x in GERMAN_LEVELS],
        required=False,
    )
    occupations = forms.MultipleChoiceField(
        label=_("In which fields have the adults worked or trained?"),
        choices=Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    qualifications = forms.CharField(
        label=_("Qualifications and professions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs = forms.MultipleChoiceField(
        label=_("Does anyone in the household need any of the following?"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_notes = forms.CharField(
        label=_("Other needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ties = forms.MultipleChoiceField(
        label=_("Do you have family or friends in one of these places?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ranked_1 = forms.ChoiceField(label=_("First choice"), required=False)
    ranked_2 = forms.ChoiceField(label=_("Second choice"), required=False)
    ranked_3 = forms.ChoiceField(label=_("Third choice"), required=False)
    excluded_places = forms.MultipleChoiceField(
        label=_("Is there a place where you do not want to live?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_size = forms.ChoiceField(
        label=_("What size of place would you prefer?"),
        choices=BLANK + list(SizeClass.choices),
        required=False,
    )
    preferred_region = forms.ChoiceField(
        label=_("Which Land would you prefer?"),
        choices=BLANK + list(Region.choices),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes of the interviewer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = [
            (str(pk), name)
            for pk, name in round_.profiles.values_list("municipality_id", "municipality__name")
        ]
        for name in ("ties", "excluded_places"):
            self.fields[name].choices = places
        for name in ("ranked_1", "ranked_2", "ranked_3"):
            self.fields[name].choices = BLANK + places
        self.importance_fields: list[str] = []
        for criterion in household_rated_criteria(round_):
            name = f"importance_{criterion.id}"
            self.fields[name] = forms.TypedChoiceField(
                label=criterion_label(criterion),
                choices=IMPORTANCE_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
            self.importance_fields.append(name)

    @staticmethod
    def initial_from(interview: Any) -> dict[str, Any]:
        if interview is None:
            return {}
        ranked = [str(pk) for pk in interview.ranked_places]
        initial: dict[str, Any] = {
            name: getattr(interview, name)
            for name in (
                "languages",
                "german_level",
                "occupations",
                "qualifications",
                "needs",
                "needs_notes",
                "preferred_size",
                "preferred_region",
                "notes",
            )
        }
        initial["ties"] = [str(pk) for pk in interview.ties]
        initial["excluded_places"] = [str(pk) for pk in interview.excluded_places]
        for i, pk in enumerate(ranked[:3], start=1):
            initial[f"ranked_{i}"] = pk
        for cid, value in interview.importance.items():
            initial[f"importance_{cid}"] = str(value)
        return initial

    def answers(self, *, conducted_in: str) -> dict[str, Any]:
        data = self.cleaned_data
        ranked = [data[f"ranked_{i}"] for i in (1, 2, 3) if data.get(f"ranked_{i}")]
        return {
            "conducted_in": conducted_in,
            "languages": data["languages"],
            "german_level": data["german_level"],
            "occupations": data["occupations"],
            "qualifications": data["qualifications"],
            "needs": data["needs"],
            "needs_notes": data["needs_notes"],
            "ties": data["ties"],
            "ranked_places": ranked,
            "excluded_places": data["excluded_places"],
            "preferred_size": data["preferred_size"],
            "preferred_region": data["preferred_region"],
            "notes": data["notes"],
            "importance": {
                name.removeprefix("importance_"): data[name]
                for name in self.importance_fields
                if data.get(name) is not None
            },
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_("At most 5 MB. The first row holds the column names."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class HouseholdFilterForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), required=False, empty_label=_("all")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Reference"), required=False, max_length=50)

    def __init__(self, *args: Any, rounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .models import HouseholdStatus

        self.fields["round"].queryset = rounds
        self.fields["status"].choices = [("", _("all")), *HouseholdStatus.choices]
