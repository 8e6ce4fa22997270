"""Numbers as the active language writes them ("8.000.000,00" in German), rounded half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import formats

__all__ = ["number"]


def number(value: Decimal | int | Fraction, decimals: int) -> str:
    """A number in the active language's format with thousands grouping, rounded half up
    (Django's ``number_format`` cuts digits off instead of rounding)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
