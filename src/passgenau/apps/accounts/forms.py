from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from passgenau.apps.listing import ListSearchForm

from .models import Organisation
from .roles import Role


def language_choices() -> list[tuple[str, str]]:
    """The languages the application writes e-mails in, each named in itself."""
    return [(code, get_language_info(code)["name_local"]) for code in settings.INTERFACE_LANGUAGES]


class LanguageField(forms.ChoiceField):
    """The language of a user's e-mails (``User.language``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Language of e-mails"))
        super().__init__(choices=language_choices, **kwargs)


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
    language = LanguageField(
        initial=settings.LANGUAGE_CODE,
        required=False,  # the platform's language when none is given
        help_text=_("The invitation and later e-mails are written in this language."),
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "language",
        "role",
        "organisation",
    ]


class UserEditForm(forms.Form):
    """An account's name, e-mail address and language (the service checks the rest)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("A notice of the change goes to the old and to the new address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    language = LanguageField()


class OwnLanguageForm(forms.Form):
    """One's own language of e-mails, on one's account page."""

    language = LanguageField()


class UserSearchForm(ListSearchForm):
    """The administrators' list of accounts: a text (user name, name, e-mail), a role, an
    organisation and whether the account is active; an empty or invalid field filters nothing."""

    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("all"))])
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("all"),
    )
    active = forms.TypedChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("all")), ("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("User name, name or e-mail")
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("all")), *Role.choices]

    def filters(self) -> dict[str, Any]:
        """The valid values given, as :func:`selectors.users_search` takes them."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": self.query(),
            "role": data.get("role") or "",
            "organisation": data.get("organisation"),
            "active": data.get("active"),
        }
