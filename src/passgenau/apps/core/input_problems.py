"""The engine's input problems in the reader's language.

The engine reports bad input as :class:`~passgenau.engine.problems.InputProblem` with a stable
``code`` and its ``parameters``; its English ``message`` is for the command line. A page or an API
answer shows :func:`problem_text` instead: the translated text of the code, filled in with the
parameters. A code missing here falls back to a translated general sentence, never to English.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passgenau.engine.problems import InputProblem

__all__ = ["TEXTS", "problem_text", "problem_texts"]

TEXTS: dict[str, Promise] = {
    # distribution by key (passgenau.engine.apportionment.PROBLEM_CODES)
    "apportion.unknown_method": _("Unknown method “%(method)s”; choose one of %(choices)s."),
    "apportion.unknown_ties": _("Unknown tie rule “%(ties)s”; choose one of %(choices)s."),
    "apportion.lot_needs_seed": _(
        "Breaking ties by lot needs a seed, so that the lot can be repeated."
    ),
    "apportion.total_not_integer": _("The total must be a whole number, not %(total)s."),
    "apportion.total_negative": _("The total must not be negative (it is %(total)s)."),
    "apportion.no_key": _("All weights are zero but the total is positive: there is no key."),
    "apportion.min_above_max": _(
        "Unit “%(unit)s”: the minimum %(minimum)s is greater than the maximum %(maximum)s."
    ),
    "apportion.minimums_exceed_total": _(
        "The minimums add up to %(sum)s, more than the total %(total)s."
    ),
    "apportion.maximums_below_total": _(
        "The maximums add up to %(sum)s (units with weight zero count with their minimum), "
        "less than the total %(total)s."
    ),
    "apportion.ids_not_distinct": _("The units' ids must be distinct."),
    "apportion.weights_string": _("The weights must be numbers, one per unit."),
    "apportion.key_empty": _("The key is empty: there are no units to distribute among."),
    "apportion.weight_invalid": _("Unit “%(unit)s”: the weight is not a number."),
    "apportion.weight_negative": _("Unit “%(unit)s”: the weight %(weight)s is negative."),
    "apportion.bound_unknown_units": _("A %(bound)s is given for unknown units: %(units)s."),
    "apportion.bound_not_integer": _("The %(bound)s must be a whole number, not %(value)s."),
    "apportion.bound_negative": _("The %(bound)s must not be negative (it is %(value)s)."),
    "apportion.no_room_above": _("The maximums leave no room for the total."),
    "apportion.no_room_below": _("The minimums leave no room for the total."),
}

# the words the parameters "bound" stand for
_BOUNDS: dict[str, Promise] = {"minimum": _("minimum"), "maximum": _("maximum")}


def problem_text(problem: InputProblem) -> str:
    """The problem in the active language: its code's text with the parameters filled in."""
    text = TEXTS.get(problem.code)
    if text is None:
        return gettext("The input has a problem (%(code)s).") % {"code": problem.code}
    parameters: dict[str, Any] = dict(problem.parameters)
    if "bound" in parameters:
        parameters["bound"] = str(_BOUNDS.get(parameters["bound"], parameters["bound"]))
    return str(text) % parameters


def problem_texts(problems: Iterable[InputProblem]) -> list[str]:
    return [problem_text(p) for p in problems]
