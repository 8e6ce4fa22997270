"""One entry point for every mechanism: ``solve(instance, mechanism, options)``.

The mechanisms (``optimal``, ``scalable``, ``stable``, ``greedy``, one module each) never import
one another; what they share lives in the underscore modules (:mod:`._units` the placement units,
:mod:`._common` the result constructor, :mod:`._proposals` the greedy proposal rounds,
:mod:`._neighbourhood` the scalable mechanism's local search). The choices between mechanisms are
made here and only here: what ``auto`` stands for, and the fallback when the exact mechanism runs
out of time before it has any placement (the scalable mechanism's placement and bound, reported
as ``optimal`` with status ``time_limit``).
"""

from __future__ import annotations

import importlib
import time
from dataclasses import replace

from ..model import Instance, Result, SolveOptions
from ._common import NoPlacementInTime

__all__ = ["AUTO_MAX_PAIRS", "MECHANISM_NAMES", "choose_mechanism", "solve"]

# `auto` uses the exact mechanism up to this many allowed pairs. Measured (docs/engine.md): HIAS
# FY17 (4,176 pairs) and a 500 x 20 x 5 pilot (4,782 pairs) are proven in seconds, while the LP
# relaxation alone of 10^4 x 400 (363,000 pairs) took minutes; larger ones go to `scalable`.
AUTO_MAX_PAIRS = 10_000

MECHANISM_NAMES = ("optimal", "scalable", "stable", "greedy")


def choose_mechanism(instance: Instance) -> str:
    """The mechanism ``auto`` stands for on this instance."""
    return "optimal" if instance.n_pairs <= AUTO_MAX_PAIRS else "scalable"


def solve(
    instance: Instance, mechanism: str = "auto", options: SolveOptions | None = None
) -> Result:
    """Place households at sites with the named mechanism; the instance is never mutated."""
    options = options or SolveOptions()
    if mechanism == "auto":
        mechanism = choose_mechanism(instance)
    try:
        return _run(mechanism, instance, options)
    except NoPlacementInTime as out_of_time:
        if mechanism != "optimal":
            raise
        return _exact_fallback(instance, options, out_of_time)


def _run(mechanism: str, instance: Instance, options: SolveOptions) -> Result:
    if mechanism not in MECHANISM_NAMES:
        raise ValueError(f"unknown mechanism {mechanism!r}")
    # looked up at call time, so that a module is loaded only when its mechanism runs
    module = importlib.import_module(f".{mechanism}", __name__)
    run = getattr(module, f"solve_{mechanism}")
    result: Result = run(instance, options)
    return result


def _exact_fallback(instance: Instance, options: SolveOptions, why: NoPlacementInTime) -> Result:
    """Out of time before the exact search found a placement: the scalable mechanism's placement
    and bound (computed without a time limit of its own), reported as the exact mechanism's."""
    quick = _run("scalable", instance, replace(options, time_limit=0.0))
    return replace(
        quick,
        mechanism="optimal",
        status="time_limit",
        seconds=time.perf_counter() - why.started,
        notes=(
            *why.notes,
            "time limit before the exact search found a placement: the placement "
            "and bound are those of the scalable mechanism",
            *quick.notes,
        ),
    )
