"""What every correction of a recorded fact shares (issue 11): the reason it needs, given and
of a length one can keep, and the form field it is typed into. Each app's service checks the
corrected value against the same rules as when the fact was first recorded, and keeps the old
and the new values with the reason."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

REASON_MAX_LENGTH = 2000


def correction_reason(reason: str | None) -> str:
    """The reason for a correction, stripped; a ValidationError on ``reason`` when it is empty
    or longer than ``REASON_MAX_LENGTH`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": ngettext(
                    "The reason may be at most %(limit)d character long.",
                    "The reason may be at most %(limit)d characters long.",
                    REASON_MAX_LENGTH,
                )
                % {"limit": REASON_MAX_LENGTH}
            }
        )
    return reason


def correction_reason_field() -> forms.CharField:
    """The form field for the reason of a correction."""
    return forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        help_text=gettext_lazy("Kept with the correction, next to the old and the new values."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )


__all__ = ["REASON_MAX_LENGTH", "correction_reason", "correction_reason_field"]
