"""Forms of case management: they parse input; the rules are checked by :mod:`.services`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.core.forms import DateInput
from passgenau.apps.listing import ListSearchForm

from ..models import (
    Activity,
    CaseKind,
    CaseOutcome,
    ConsentPurpose,
    ContactKind,
    FundingContract,
    Goal,
    GoalArea,
    HourEntry,
    Language,
    ReferralOutcome,
    VaccinationStatus,
)
from ..selectors.cases import CONTRACT_ENDED, CONTRACT_IN_FORCE
from ..services import ConsentInput

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from passgenau.apps.accounts.models import User
    from passgenau.apps.directory.models import Service
    from passgenau.apps.funding.models import Grant


def _date(
    label: StrOrPromise, *, required: bool = True, initial_today: bool = False
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        initial=timezone.localdate if initial_today else None,
    )


class ConsentFields(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("Consent given for"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = _date(_("Consent given on"), initial_today=True)
    explained_in = forms.ChoiceField(label=_("Explained in"), choices=Language.choices)

    def consent(self) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(frozenset(data["purposes"]), data["given_on"], data["explained_in"])


class CaseOpenForm(ConsentFields):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Case of"), choices=CaseKind.choices)
    persons = forms.IntegerField(label=_("Persons"), min_value=1, max_value=30, initial=1)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    field_order = ["name", "kind", "persons", "language", "purposes", "given_on", "explained_in"]


class ArrivalOpenForm(ConsentFields):
    pass


class ConsentForm(forms.Form):
    prefix = "consent"

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_on = _date(_("Given on"), initial_today=True)
    explained_in = forms.ChoiceField(label=_("Explained in"), choices=Language.choices)


class WithdrawForm(forms.Form):
    prefix = "withdraw"

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)


class StatusForm(forms.Form):
    prefix = "status"

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("active", _("active")), ("paused", _("paused"))],
    )


class CloseForm(forms.Form):
    prefix = "close"

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CaseOutcome.choices)
    on = _date(_("Closed on"), initial_today=True)


class _CaseworkerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.organisation})"


class TransferForm(forms.Form):
    prefix = "transfer"

    caseworker = _CaseworkerField(label=_("Receiving caseworker"), queryset=None)

    def __init__(self, *args: Any, caseworkers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["caseworker"]).queryset = caseworkers


class HealthForm(forms.Form):
    prefix = "health"

    vaccination_status = forms.ChoiceField(
        label=_("Vaccination status"), choices=VaccinationStatus.choices
    )
    counselling_language = forms.ChoiceField(
        label=_("Language for low-threshold health counselling"),
        choices=[("", "—"), *Language.choices],
        required=False,
    )
    needs = forms.CharField(label=_("Health needs"), widget=forms.Textarea, required=False)


class GoalForm(forms.Form):
    prefix = "goal"

    area = forms.ChoiceField(
        label=pgettext_lazy("field of action", "Area"), choices=GoalArea.choices
    )
    title = forms.CharField(label=_("Goal"), max_length=200)
    responsible = forms.CharField(label=_("Responsible"), max_length=100)
    due_on = _date(_("Due on"))
    review_on = _date(_("Review on"))


class StepForm(forms.Form):
    prefix = "step"

    goal: forms.ModelChoiceField[Goal] = forms.ModelChoiceField(
        label=_("For the goal"), queryset=None
    )
    title = forms.CharField(label=_("Step"), max_length=200)
    responsible = forms.CharField(label=_("Responsible"), max_length=100)
    due_on = _date(_("Due on"))

    def __init__(self, *args: Any, goals: QuerySet[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = goals


class ReferralForm(forms.Form):
    prefix = "referral"

    offer: forms.ModelChoiceField[Service] = forms.ModelChoiceField(
        label=_("Offer of the directory"), queryset=None, required=False
    )
    offer_text = forms.CharField(
        label=_("Offer"),
        max_length=300,
        required=False,
        help_text=_("The offer and its provider, as a free entry where no offer fits."),
    )
    referred_on = _date(_("Referred on"), initial_today=True)
    goal: forms.ModelChoiceField[Goal] = forms.ModelChoiceField(
        label=_("For the goal"), queryset=None, required=False
    )

    def __init__(
        self, *args: Any, goals: QuerySet[Goal], offers: QuerySet[Service], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = goals
        cast(forms.ModelChoiceField, self.fields["offer"]).queryset = offers


class ReferralOutcomeForm(forms.Form):
    prefix = "outcome"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING],
    )


class NoteForm(forms.Form):
    prefix = "note"

    on = _date(_("Date"), initial_today=True)
    kind = forms.ChoiceField(label=_("Contact"), choices=ContactKind.choices)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class HoursForm(forms.Form):
    prefix = "hours"

    contract: forms.ModelChoiceField[FundingContract] = forms.ModelChoiceField(
        label=_("Funding contract"), queryset=None
    )
    on = _date(_("Date"), initial_today=True)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.25"), max_digits=5, decimal_places=2
    )

    def __init__(self, *args: Any, contracts: QuerySet[FundingContract], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["contract"]).queryset = contracts


class _EntryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HourEntry) -> str:
        return f"{obj.on:%d.%m.%Y} · {obj.hours} h · {obj.get_activity_display()}"


class CorrectionForm(forms.Form):
    prefix = "correct"

    entry = _EntryField(label=_("Entry to correct"), queryset=None)
    hours = forms.DecimalField(
        label=_("Change of hours"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Negative to take hours back, e.g. -0.50."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, entries: QuerySet[HourEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["entry"]).queryset = entries


class ContractForm(forms.Form):
    grant: forms.ModelChoiceField[Grant] = forms.ModelChoiceField(label=_("Grant"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate (EUR)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    hours_budget = forms.DecimalField(
        label=_("Hours budget"), min_value=Decimal("0.25"), max_digits=10, decimal_places=2
    )
    valid_from = _date(_("Valid from"))
    valid_to = _date(_("Valid to"))

    def __init__(self, *args: Any, grants: QuerySet[Grant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["grant"]).queryset = grants


def _month_choices() -> list[tuple[int, str]]:
    return [(m, dt.date(2000, m, 1).strftime("%m")) for m in range(1, 13)]


class StatementForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=_month_choices, coerce=int, required=False
    )


class ContractSearchForm(ListSearchForm):
    """The list of funding contracts: a text (contract, grant, recipient) and whether in force."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("all")),
            (CONTRACT_IN_FORCE, _("in force today")),
            (CONTRACT_ENDED, _("ended")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Contract, grant or recipient")


class PoolSearchForm(ListSearchForm):
    """A pool of people (mentors, language mediators): a name and whether they take on work
    (``active_label``: the pool's word for it)."""

    active = forms.TypedChoiceField(
        required=False,
        coerce=lambda value: value == "yes",
        empty_value=None,
    )

    def __init__(self, *args: Any, active_label: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = pgettext_lazy("person", "Name")
        active = cast(forms.TypedChoiceField, self.fields["active"])
        active.label = capfirst(active_label)
        active.choices = [("", _("all")), ("yes", _("yes")), ("no", _("no"))]

    def taking_work(self) -> bool | None:
        """True or False when the list is narrowed to either, else None."""
        if not self.is_bound:
            return None
        self.is_valid()
        value: bool | None = self.cleaned_data.get("active")
        return value
