from django import forms
from django.utils.translation import gettext_lazy as _

from passgenau.apps.core.forms import DateInput


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action begins with"),
        required=False,
        max_length=100,
        help_text=_("For example accounts.user or accounts.login.failed"),
    )
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=100,
        help_text=_("app.model, for example accounts.user"),
    )
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    ip_address = forms.GenericIPAddressField(label=_("Address"), required=False)
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until (date)"), required=False, widget=DateInput())

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date lies after the end date."))
        return cleaned
