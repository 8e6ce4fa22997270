"""The one check of an official key (AGS, Gemeindeschlüssel, Kreisschlüssel) someone enters:
it has the length of one of the allowed levels and names a territory that exists in the
territories app. "99999" is five digits but no Kreis, so it is refused with the key named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Gemeinde, Kreis, Land

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["LEVELS", "validate_official_key"]

# Level → (number of digits, model, name in the messages, message for an unknown key).
LEVELS: dict[str, tuple[int, type[Land | Kreis | Gemeinde], StrOrPromise, StrOrPromise]] = {
    "land": (
        2,
        Land,
        gettext_lazy("Land"),
        gettext_lazy("There is no Land with the official key “%(key)s”."),
    ),
    "kreis": (
        5,
        Kreis,
        gettext_lazy("Kreis"),
        gettext_lazy(
            "There is no Kreis with the official key “%(key)s” "
            "(check the key, or import the territories)."
        ),
    ),
    "gemeinde": (
        8,
        Gemeinde,
        gettext_lazy("Gemeinde"),
        gettext_lazy(
            "There is no Gemeinde with the official key “%(key)s” "
            "(check the key, or import the territories)."
        ),
    ),
}


def validate_official_key(key: str, *, levels: Sequence[str] = ("kreis", "gemeinde")) -> str:
    """The level of ``key`` (one of ``levels``); raises ValidationError (code ``unknown_key``
    or ``key_format``) naming the key when it has the wrong form or no such territory exists
    (one query)."""
    key = (key or "").strip()
    by_length = {LEVELS[level][0]: level for level in levels}
    level = by_length.get(len(key)) if key.isdigit() else None
    if level is None:
        lengths = ", ".join(
            _("%(digits)s digits (%(level)s)")
            % {"digits": LEVELS[name][0], "level": LEVELS[name][2]}
            for name in levels
        )
        raise ValidationError(
            _("“%(key)s” is not an official key; allowed are: %(lengths)s."),
            code="key_format",
            params={"key": key, "lengths": lengths},
        )
    _digits, model, _name, unknown = LEVELS[level]
    if not model.objects.filter(ags=key).exists():
        raise ValidationError(unknown, code="unknown_key", params={"key": key})
    return level
