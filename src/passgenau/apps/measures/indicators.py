"""Computed indicators: a registry of named definitions.

A definition turns the platform's own data into one number for a territory on a date — always an
aggregate, never anything about a person. Apps add theirs in a ``measure_indicators`` module
(found when Django starts)::

    from passgenau.apps.measures.indicators import Definition, register

    register(Definition("directory.offers", _("Offers"), _("offers"), compute=_offers,
                        parameters=("language", "topic")))

A stored value keeps the code, the parameters and the date it was computed for, so that a
report can be reproduced and checked later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

__all__ = [
    "REGISTRY",
    "Definition",
    "Scope",
    "compute",
    "definition_choices",
    "in_territory",
    "register",
    "whole_numbers",
]


@dataclass(frozen=True)
class Scope:
    """What a definition is computed for: the plan's territory (its official key, 5 digits for a
    Kreis or kreisfreie Stadt, 8 for a Gemeinde; empty for no territory), a date, and the plan
    and measure the indicator belongs to (some definitions default to the measure's funding)."""

    territory_key: str
    on: dt.date
    plan_id: int
    measure_id: int | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    label: str | Promise
    unit: str | Promise
    compute: Callable[[Scope, Mapping[str, Any]], Decimal | int]
    # The names of the parameters it accepts (all optional), e.g. ("programme",).
    parameters: tuple[str, ...] = field(default=())
    help_text: str | Promise = ""
    # What is wrong with the parameters' values (empty when nothing is), asked before an
    # indicator is created and before every computation.
    check: Callable[[Mapping[str, Any]], list[str]] | None = None


REGISTRY: dict[str, Definition] = {}


def register(definition: Definition) -> Definition:
    """Add a definition (a second one with the same code is an error: codes are stored)."""
    existing = REGISTRY.get(definition.code)
    if existing is not None and existing.compute is not definition.compute:
        raise ValueError(f"indicator definition {definition.code!r} is registered twice")
    REGISTRY[definition.code] = definition
    return definition


class UnknownDefinition(KeyError):
    pass


def compute(code: str, scope: Scope, parameters: Mapping[str, Any] | None = None) -> Decimal:
    """The value of definition ``code`` for ``scope``, rounded to two places."""
    try:
        definition = REGISTRY[code]
    except KeyError:
        raise UnknownDefinition(code) from None
    params = dict(parameters or {})
    unknown = set(params) - set(definition.parameters)
    if unknown:
        raise ValueError(f"{code}: unknown parameters {sorted(unknown)}")
    problems = definition.check(params) if definition.check else []
    if problems:
        raise ValueError(f"{code}: {' '.join(problems)}")
    return Decimal(definition.compute(scope, params)).quantize(Decimal("0.01"))


def definition_choices() -> list[tuple[str, str]]:
    return [(code, str(d.label)) for code, d in sorted(REGISTRY.items())]


def in_territory(key: str, *, gemeinde: str, kreis: str = "") -> Q:
    """Rows in the territory ``key`` (5 digits: a Kreis or kreisfreie Stadt, 8: a Gemeinde; empty:
    everywhere) by the field path of their Gemeinde and, where a row may name a Kreis itself, of
    their Kreis: a Kreis holds its Gemeinden."""
    if not key:
        return Q()
    if len(key) <= 5:
        in_kreis = Q(**{f"{gemeinde}__kreis_id": key})
        return in_kreis | Q(**{f"{kreis}_id": key}) if kreis else in_kreis
    return Q(**{f"{gemeinde}_id": key})


def whole_numbers(*names: str) -> Callable[[Mapping[str, Any]], list[str]]:
    """A ``check`` for parameters that name a stored object by its number."""

    def check(params: Mapping[str, Any]) -> list[str]:
        return [
            _("%(name)s: give the number, not %(value)s.") % {"name": name, "value": params[name]}
            for name in names
            if params.get(name) not in (None, "") and not str(params[name]).isdigit()
        ]

    return check
