"""Computed indicators: a registry of named definitions.

A definition turns the platform's own data into one number for a territory on a date — always an
aggregate, never anything about a person. Apps add theirs in a ``measure_indicators`` module
(found when Django starts)::

    from passgenau.apps.measures.indicators import Definition, register

    register(Definition("directory.offers", _("Offers"), _("offers"), compute=_offers,
                        parameters=(Parameter("language", _("Language"), choices=...),)))

A parameter may name its choices (the values a user may pick for a plan, such as the grants the
user sees) and how a value is named on pages and in reports ("Sprache: Arabisch"); a definition
may ``check`` the values, by parameter. A stored value keeps the code, the parameters and the date
it was computed for, so that a report can be reproduced and checked later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "REGISTRY",
    "Definition",
    "Parameter",
    "Scope",
    "compute",
    "definition_choices",
    "describe",
    "in_territory",
    "parameter_problems",
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


# The values a user may choose for a plan (its id; None: for no plan in particular), as
# (value, label) pairs.
Choices = Callable[["Visitor", "int | None"], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Parameter:
    """A parameter a definition accepts (every one is optional): its stored name, its label, and
    where its values are a known set, the ``choices`` a user may pick from; ``describe`` names
    a stored value on pages and in reports (without it the value itself is shown)."""

    name: str
    label: str | Promise
    choices: Choices | None = None
    describe: Callable[[str], str] | None = None
    help_text: str | Promise = ""

    def value_label(self, value: Any) -> str:
        return self.describe(str(value)) if self.describe is not None else str(value)


@dataclass(frozen=True)
class Definition:
    code: str
    label: str | Promise
    unit: str | Promise
    compute: Callable[[Scope, Mapping[str, Any]], Decimal | int]
    # The parameters it accepts; a bare name is a parameter labelled with its name.
    parameters: tuple[Parameter | str, ...] = field(default=())
    help_text: str | Promise = ""
    # What is wrong with the parameters' values, by parameter name (empty when nothing is),
    # asked before an indicator is created and before every computation.
    check: Callable[[Mapping[str, Any]], Mapping[str, list[str]]] | None = None

    def __post_init__(self) -> None:
        named = tuple(p if isinstance(p, Parameter) else Parameter(p, p) for p in self.parameters)
        object.__setattr__(self, "parameters", named)

    @property
    def parameter_list(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if isinstance(p, Parameter))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameter_list)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameter_list if p.name == name), None)


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
    problems = parameter_problems(definition, params)
    if problems:
        named = (f"{name or _('parameters')}: {' '.join(p)}" for name, p in problems.items())
        raise ValueError(f"{code}: {' '.join(named)}")
    return Decimal(definition.compute(scope, params)).quantize(Decimal("0.01"))


def parameter_problems(
    definition: Definition,
    params: Mapping[str, Any],
    *,
    user: Visitor | None = None,
    plan_id: int | None = None,
) -> dict[str, list[str]]:
    """What is wrong with ``params``, by parameter name ("" for names the definition does not
    accept): the definition's own check and, for a ``user``, a value that is not among the
    parameter's choices for that user and plan (a grant the user does not see, say)."""
    unknown = sorted(set(params) - set(definition.parameter_names))
    if unknown:
        allowed = ", ".join(definition.parameter_names) or "–"
        return {
            "": [
                _("%(names)s: not a parameter of this definition; allowed: %(allowed)s.")
                % {"names": ", ".join(unknown), "allowed": allowed}
            ]
        }
    problems = {
        name: list(found)
        for name, found in (definition.check(params) if definition.check else {}).items()
        if found
    }
    if user is None:
        return problems
    for parameter in definition.parameter_list:
        value = params.get(parameter.name)
        if parameter.choices is None or value in (None, "") or parameter.name in problems:
            continue
        if str(value) not in {choice for choice, _label in parameter.choices(user, plan_id)}:
            problems[parameter.name] = [
                _("%(value)s is not one of the values you may choose.") % {"value": value}
            ]
    return problems


def describe(code: str, parameters: Mapping[str, Any] | None = None) -> str:
    """The definition and its parameters' values in words, for pages and reports:
    "Angebote im Verzeichnis – Sprache: Arabisch, Thema: Wohnen" (empty for no definition)."""
    definition = REGISTRY.get(code)
    if definition is None:
        return code
    given = [
        f"{parameter.label}: {parameter.value_label(parameters[parameter.name])}"
        for parameter in definition.parameter_list
        if parameters and parameters.get(parameter.name) not in (None, "")
    ]
    return f"{definition.label} – {', '.join(given)}" if given else str(definition.label)


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


def whole_numbers(*names: str) -> Callable[[Mapping[str, Any]], dict[str, list[str]]]:
    """A ``check`` for parameters that name a stored object by its number."""

    def check(params: Mapping[str, Any]) -> dict[str, list[str]]:
        return {
            name: [_("Give the number, not %(value)s.") % {"value": params[name]}]
            for name in names
            if params.get(name) not in (None, "") and not str(params[name]).isdigit()
        }

    return check
