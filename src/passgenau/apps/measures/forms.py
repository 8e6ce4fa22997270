"""Forms of the measures plan. Amounts may be typed in German or English notation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.core.forms import check_dates_in_order, text_box
from passgenau.apps.funding.forms import AmountField
from passgenau.apps.funding.models import Grant, Programme
from passgenau.apps.listing import ListSearchForm

from . import indicators, selectors
from .models import (
    Actor,
    ActorKind,
    Area,
    Measure,
    MeasureStatus,
    Plan,
    PlanStatus,
    ReportFormat,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from passgenau.apps.accounts.access import Visitor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


class PlanForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("measures", "Name"), max_length=200)
    period_start = _date_field(_("Start of the period"))
    period_end = _date_field(_("End of the period"))
    guidelines = text_box(
        _("Guidelines"),
        rows=4,
        help_text=_("One guideline per line. Empty: taken from the previous plan."),
    )
    predecessor = forms.ModelChoiceField(
        label=_("Start from the previous plan"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("Open measures are carried over with their history."),
    )

    def __init__(self, *args: Any, plans: QuerySet[Plan] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plans is not None:
            cast(forms.ModelChoiceField, self.fields["predecessor"]).queryset = plans

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_dates_in_order(
            self, "period_start", "period_end", _("The end cannot be before the start.")
        )
        return data

    def guideline_lines(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["guidelines"].splitlines() if line.strip()
        ]


class AreaForm(forms.Form):
    code = forms.CharField(
        label=_("Number"),
        max_length=20,
        help_text=_("The measures' numbers start with it: 3.1, 3.2…"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = text_box(_("Description"))


class MeasureForm(forms.Form):
    area = forms.ModelChoiceField(
        label=pgettext_lazy("measures", "Area"), queryset=Area.objects.none()
    )
    code = forms.CharField(label=_("Number"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=300)
    objective = text_box(_("Objective"))
    lead = forms.ModelMultipleChoiceField(
        label=_("Responsible"), queryset=Actor.objects.none(), required=False
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Actor.objects.none(), required=False
    )
    start = _date_field(pgettext_lazy("measures", "Start"), required=False)
    end = _date_field(_("End"), required=False)
    costs = AmountField(label=_("Planned costs (EUR)"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Funding programme"), queryset=Programme.objects.all(), required=False
    )
    grant = forms.ModelChoiceField(
        label=_("Grant"),
        queryset=Grant.objects.none(),
        required=False,
        help_text=_("Its payments count as the money spent on the measure."),
    )

    def __init__(self, *args: Any, plan: Plan, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = plan.areas.all()
        grants = cast(forms.ModelChoiceField, self.fields["grant"])
        grants.queryset = selectors.grants_for_plan(user=user, plan_id=plan.pk)
        actors = plan.actors.all()
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = actors
        cast(forms.ModelChoiceField, self.fields["partners"]).queryset = actors

    @classmethod
    def initial_for(cls, measure: Measure) -> dict[str, Any]:
        return {
            "area": measure.area_id,
            "code": measure.code,
            "title": measure.title,
            "objective": measure.objective,
            "lead": list(measure.lead_actors.all()),
            "partners": list(measure.partners.all()),
            "start": measure.start,
            "end": measure.end,
            "costs": measure.costs,
            "programme": measure.programme_id,
            "grant": measure.grant_id,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_dates_in_order(self, "start", "end", _("The end cannot be before the start."))
        return data


class StatusForm(forms.Form):
    """A change of status or, with the status unchanged, a progress report."""

    status = forms.ChoiceField(label=_("Status"))
    on = _date_field(_("Date"))
    note = text_box(
        _("Note"),
        help_text=_("What happened; for a delay or a drop, the reason."),
    )
    spent = AmountField(label=_("Spent so far (EUR)"), required=False)

    def __init__(self, *args: Any, measure: Measure, allowed: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": measure.status, "on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        current = MeasureStatus(measure.status)
        choices: list[tuple[str, StrOrPromise]] = [
            (
                current.value,
                _("%(status)s (unchanged: progress report)") % {"status": current.label},
            )
        ]
        choices += [(s, MeasureStatus(s).label) for s in allowed]
        cast(forms.ChoiceField, self.fields["status"]).choices = choices


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposalForm(forms.Form):
    area = forms.ModelChoiceField(
        label=pgettext_lazy("measures", "Area"), queryset=Area.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    objective = text_box(_("Objective"))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = plan.areas.all()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept as a new measure")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    code = forms.CharField(
        label=_("Number of the new measure"),
        max_length=20,
        required=False,
        help_text=_("Empty: the next number in the area."),
    )
    note = text_box(_("Reason"), rows=2)


def parameter_field(code: str, name: str) -> str:
    """The form field of definition ``code``'s parameter ``name``."""
    return f"param-{code}-{name}"


class IndicatorForm(forms.Form):
    """An indicator; computed ones take the parameters of their definition, one field each
    (a list where the values are a known set), grouped by definition."""

    name = forms.CharField(label=pgettext_lazy("measures", "Name"), max_length=200)
    area = forms.ModelChoiceField(
        label=pgettext_lazy("measures", "Area"), queryset=Area.objects.none(), required=False
    )
    measure = forms.ModelChoiceField(
        label=_("Measure"), queryset=Measure.objects.none(), required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    baseline = AmountField(label=_("Baseline"), required=False)
    baseline_date = _date_field(_("Date of the baseline"), required=False)
    target = AmountField(label=_("Target"), required=False)
    target_date = _date_field(_("Target date"), required=False)
    definition_code = forms.ChoiceField(
        label=_("Computed from the platform's data"),
        required=False,
        help_text=_("Empty: values are entered by hand. The definition's parameters follow."),
    )

    def __init__(self, *args: Any, plan: Plan, user: Visitor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = plan.areas.all()
        cast(forms.ModelChoiceField, self.fields["measure"]).queryset = plan.measures.all()
        cast(forms.ChoiceField, self.fields["definition_code"]).choices = [
            ("", _("(by hand)")),
            *indicators.definition_choices(),
        ]
        self.definitions = [d for _c, d in sorted(indicators.REGISTRY.items()) if d.parameters]
        for definition in self.definitions:
            for parameter in definition.parameter_list:
                field: forms.Field
                if parameter.choices is not None:
                    field = forms.ChoiceField(
                        choices=[
                            ("", _("(not set)")),
                            *parameter.choices(user, plan.pk),
                        ],
                    )
                else:
                    field = forms.CharField(max_length=100)
                field.required = False
                field.label = str(parameter.label)
                field.help_text = str(parameter.help_text)
                self.fields[parameter_field(definition.code, parameter.name)] = field

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("param-")]

    def parameter_groups(self) -> list[tuple[indicators.Definition, list[forms.BoundField]]]:
        return [
            (d, [self[parameter_field(d.code, p.name)] for p in d.parameter_list])
            for d in self.definitions
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("area")) == bool(data.get("measure")):
            self.add_error("area", _("Choose either an area or a measure."))
        chosen = data.get("definition_code") or ""
        for definition in self.definitions:
            for parameter in definition.parameter_list:
                field = parameter_field(definition.code, parameter.name)
                if definition.code != chosen and data.get(field):
                    self.add_error(
                        field,
                        _("This belongs to “%(definition)s”, not to the one chosen; empty it.")
                        % {"definition": definition.label},
                    )
        return data

    def indicator_data(self) -> dict[str, Any]:
        """The service's arguments: the indicator's fields and the chosen definition's
        parameters that were given."""
        data = {
            name: self.cleaned_data[name] for name in self.fields if not name.startswith("param-")
        }
        code = data["definition_code"]
        definition = indicators.REGISTRY.get(code)
        given = {
            p.name: self.cleaned_data.get(parameter_field(code, p.name))
            for p in (definition.parameter_list if definition else ())
        }
        data["parameters"] = {name: value for name, value in given.items() if value}
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's refusal on the fields: ``parameters.NAME`` on the chosen definition's
        field of that parameter."""
        code = self.cleaned_data.get("definition_code") or ""
        for key, messages in error.message_dict.items():
            if key.startswith("parameters."):
                field = parameter_field(code, key.removeprefix("parameters."))
            else:
                field = "definition_code" if key == "parameters" else key
            self.add_error(field if field in self.fields else None, messages)


class IndicatorValueForm(forms.Form):
    on = _date_field(_("Date"))
    value = AmountField(label=_("Value"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReportForm(forms.Form):
    as_of = _date_field(_("As of"), initial=timezone.localdate)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)

    def clean_as_of(self) -> dt.date:
        as_of: dt.date = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return as_of


class AdoptForm(forms.Form):
    on = _date_field(_("Adopted by the council on"), initial=timezone.localdate)
    decision = forms.CharField(label=_("Council decision"), max_length=100, required=False)


class ActorLinkForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation on the platform"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Its staff act as this actor: they report progress on its measures."),
    )
    coordinates = forms.BooleanField(label=_("In the steering group"), required=False)


class ActorForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("measures", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActorKind.choices)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("One row per measure; at most 5,000 rows."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .imports import COLUMNS

        super().__init__(*args, **kwargs)
        for column in COLUMNS:
            self.fields[f"map_{column.field}"] = forms.CharField(
                label=_("Column for “%(field)s”") % {"field": column.label},
                required=False,
                max_length=100,
                help_text=_("Empty: the heading “%(heading)s” or a usual variant.")
                % {"heading": column.heading},
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("map_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("map_") and value
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or a .csv file."))
        return upload


class PlanSearchForm(ListSearchForm):
    """The list of plans: a text (plan, coordinating office) and a status."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *PlanStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Plan or coordinating office")
