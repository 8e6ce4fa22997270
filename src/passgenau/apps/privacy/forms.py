"""Forms of data protection: erasing a household or one member, with a reason and a
confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from passgenau.apps.relocation.models import Household

from .consent_sheet import blank_sheet_languages
from .vocab import ErasureReason

BLANK: list[tuple[str, Any]] = [("", "—")]


class EraseForm(forms.Form):
    """The erasure of a case or a mentor: the reason code, never a name or typed text."""

    reason_help = _("Only this reason and the pseudonymous reference go into the audit trail.")
    reason = forms.ChoiceField(label=_("Reason for the erasure"), choices=BLANK)
    confirm = forms.BooleanField(
        label=_("I understand that the erasure cannot be undone."),
        error_messages={"required": _("Confirm that the erasure cannot be undone.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.choices = BLANK + list(ErasureReason.choices)  # type: ignore[attr-defined]
        reason.help_text = self.reason_help


class HouseholdEraseForm(EraseForm):
    reason_help = _("Only this reason and the household's reference go into the audit trail.")


class MemberEraseForm(HouseholdEraseForm):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    name_line = forms.TypedChoiceField(
        label=_("Their name in the names of all members"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("This line is deleted from the household's contact data."),
    )
    field_order = ["member", "name_line", "reason", "confirm"]

    def __init__(
        self, *args: Any, household: Household, name_lines: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = BLANK + [  # type: ignore[attr-defined]
            (m.pk, f"{n}. {m.age_band} · {m.get_relation_display()}")
            for n, m in enumerate(household.members.all(), start=1)
        ]
        self.fields["name_line"].choices = [  # type: ignore[attr-defined]
            ("", _("(the name is not among them)")),
            *enumerate(name_lines),
        ]


class BlankConsentSheetForm(forms.Form):
    """The language of a blank information sheet and consent form."""

    language = forms.ChoiceField(
        label=_("Language of the sheet"),
        help_text=_("The sheet is printed in this language and then in German."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = blank_sheet_languages()  # type: ignore[attr-defined]
