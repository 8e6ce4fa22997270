"""Forms of the intake: registration with consent, contact data, members, the questionnaire
and the household filter."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from passgenau.apps.core.corrections import correction_reason_field
from passgenau.apps.core.forms import DateInput, checkboxes, text_box
from passgenau.engine.matching.profiles import AGE_BANDS

from ..models import (
    Round,
    new_submission_token,
)
from ..models.vocab import (
    ConsentPurpose,
    Need,
    Occupation,
    QuestionnaireLanguage,
    Region,
    Relation,
    SizeClass,
    SpokenLanguage,
    criterion_label,
)
from ..services.intake import (
    GERMAN_LEVELS,
    INTERVIEW_FIELDS,
    PLACE_FIELDS,
    household_rated_criteria,
)
from .base import BLANK, ErrorMappingMixin


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
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=DateInput())
    consent_explained_in = forms.ChoiceField(
        label=_("Consent explained in"), choices=QuestionnaireLanguage.choices
    )
    # One per page shown: the form sent twice (a double click) registers one household.
    submission_token = forms.CharField(
        max_length=32, required=False, widget=forms.HiddenInput, initial=new_submission_token
    )


class ConsentWithdrawalForm(ErrorMappingMixin, forms.Form):
    """Which of the purposes the household consented to it now withdraws (at least one)."""

    purposes = checkboxes(
        _("The household withdraws its consent to"),
        required=True,
        help_text=_(
            "Withdrawing one of the first three purposes ends the household's part in the "
            "round; every purpose is then withdrawn. Follow-up and research can be withdrawn "
            "on their own."
        ),
    )

    def __init__(self, *args: Any, given: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["purposes"])
        field.choices = [(p, label) for p, label in ConsentPurpose.choices if p in given]


class ConsentCorrectForm(ErrorMappingMixin, forms.Form):
    """The right date on which the consent in force was given, and why it is corrected."""

    given_on = forms.DateField(label=_("Consent given on"), widget=DateInput())
    reason = correction_reason_field()


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
            if not form.has_changed() or form.cleaned_data.get(DELETION_FIELD_NAME, False):
                continue
            out.append(
                {
                    "age_band": form.cleaned_data["age_band"],
                    "relation": form.cleaned_data["relation"],
                }
            )
        return out


MAX_MEMBERS = 20


def _member_formset(extra: int) -> type[BaseMemberFormSet]:
    # formset_factory makes a subclass of the formset it is given
    return cast(
        type[BaseMemberFormSet],
        forms.formset_factory(
            MemberForm,
            formset=BaseMemberFormSet,
            extra=extra,
            can_delete=True,
            max_num=MAX_MEMBERS,
        ),
    )


MemberFormSet = _member_formset(extra=2)


def typed_values(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound form, field by field, read as sent and not checked."""
    return {name: form[name].data for name in form.fields}


def member_formset_with_another_row(data: Any) -> BaseMemberFormSet:
    """The members' rows as sent, unchecked (so that no error shows), and one more empty row:
    "Add another person" without JavaScript. The rows with anything typed come first, in their
    order, then as many empty rows as were sent and one more (at most MAX_MEMBERS rows)."""
    sent = MemberFormSet(data, prefix="members")
    rows = [values for values in map(typed_values, sent.forms) if any(values.values())]
    extra = max(len(sent.forms) + 1 - len(rows), 1)
    formset = _member_formset(extra)(initial=rows, prefix="members")
    if len(rows) < len(formset.forms):  # the first empty row, where the next person goes
        formset.forms[len(rows)].fields["age_band"].widget.attrs["autofocus"] = True
    return formset


IMPORTANCE_CHOICES = [
    ("0", _("does not matter")),
    ("1", _("a little important")),
    ("2", _("important")),
    ("3", _("very important")),
]


class InterviewForm(ErrorMappingMixin, forms.Form):
    """The questionnaire (without the members, which are a formset)."""

    field_aliases = {"ranked_places": "ranked_1"}

    languages = checkboxes(_("Which languages do you speak?"), SpokenLanguage.choices)
    german_level = forms.ChoiceField(
        label=_("How well does the best German speaker among you speak German?"),
        choices=BLANK + [(x, x) for x in GERMAN_LEVELS],
        required=False,
    )
    occupations = checkboxes(
        _("In which fields have the adults worked or trained?"), Occupation.choices
    )
    qualifications = text_box(_("Qualifications and professions"))
    needs = checkboxes(_("Does anyone in the household need any of the following?"), Need.choices)
    needs_notes = text_box(_("Other needs"), rows=2)
    ties = checkboxes(_("Do you have family or friends in one of these places?"))
    ranked_1 = forms.ChoiceField(label=_("First choice"), required=False)
    ranked_2 = forms.ChoiceField(label=_("Second choice"), required=False)
    ranked_3 = forms.ChoiceField(label=_("Third choice"), required=False)
    excluded_places = checkboxes(_("Is there a place where you do not want to live?"))
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
    notes = text_box(_("Notes of the interviewer"))

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = [
            (str(pk), name)
            for pk, name in round_.profiles.values_list("municipality_id", "municipality__name")
        ]
        for name in ("ties", "excluded_places"):
            cast(forms.ChoiceField, self.fields[name]).choices = places
        for name in ("ranked_1", "ranked_2", "ranked_3"):
            cast(forms.ChoiceField, self.fields[name]).choices = BLANK + places
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
            for name in INTERVIEW_FIELDS
            if name not in (*PLACE_FIELDS, "conducted_in", "importance")
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
