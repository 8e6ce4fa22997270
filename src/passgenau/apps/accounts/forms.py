from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organisation
from .roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=7,  # "123 456" is accepted too
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]{6,7}",
                "autofocus": True,
            }
        ),
    )


class UserRoleForm(forms.Form):
    """The role and organisation of an account (administrators may have no organisation)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("A municipality is an organisation linked to its Kreis or Gemeinde."),
    )


class UserInviteForm(UserRoleForm):
    """A new account: the user sets the password from the invitation e-mail."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For logging in; letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The invitation to set a password goes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    field_order = ["username", "first_name", "last_name", "email", "role", "organisation"]
